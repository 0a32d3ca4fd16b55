import type { Database } from '../db/database.ts';
import { systemPrincipal, withPrincipal } from '../db/principal.ts';
import type { StoreConnector } from '../platforms/connector.ts';
import { openConnector, renewWebhookSigning, type ConnectorDeps } from '../platforms/registry.ts';
import { SYNC_ORDER, syncEntity, syncStore, type SyncRunResult } from './backfill.ts';
import { pushInventoryRequest, recordPushFailure, type PushOutcome, type PushRetryPolicy } from './push-inventory.ts';
import type { PushJob, SyncJob } from './sync-runner.ts';
import { emitEvents } from '../realtime/outbox.ts';
import { syncStatusEvent } from './sync-status.ts';

/** Runs one sync job (one entity, or all of them in dependency order); both runners call this. */
export async function runSyncJob(
  db: Database,
  connectors: ConnectorDeps,
  job: SyncJob,
  onProgress?: (progress: { processed: number; total: number | null }) => void | Promise<void>,
  /** Aborted when the process stops: the run ends before its next page (SyncInterruptedError). */
  signal?: AbortSignal,
): Promise<SyncRunResult[]> {
  const target = { orgId: job.orgId, storeId: job.storeId };
  let connector: StoreConnector;
  try {
    connector = await openConnector(connectors, target);
  } catch (error) {
    // No entity run started, so nothing else records why: the store's sync status must show it.
    await recordSyncFailure(db, job, error).catch(() => {});
    throw error;
  }
  // Not a reason to stop the sync: tried again at the store's next one.
  await renewWebhookSigning(connectors, target, connector).catch(() => false);
  const options = { ...(onProgress ? { onProgress } : {}), ...(signal ? { signal } : {}) };
  return job.entity
    ? [await syncEntity(db, target, connector, job.entity, job.mode, options)]
    : syncStore(db, target, connector, job.mode, options);
}

/** Runs one push job: finds the request's store, opens its connector, pushes. */
export async function runPushJob(db: Database, connectors: ConnectorDeps, job: PushJob): Promise<PushOutcome> {
  const [request] = await withPrincipal(
    db,
    systemPrincipal(job.orgId, 'push'),
    (tx) => tx<{ store_id: string }[]>`select store_id from inventory_requests where id = ${job.requestId}`,
  );
  if (!request) return 'missing';
  return pushInventoryRequest(db, job, await openConnector(connectors, { orgId: job.orgId, storeId: request.store_id }));
}

/**
 * One try of a push job, as both runners run it: a failure is recorded on the request (tries,
 * error, when the next is due; `failed` once the round is spent) and rethrown, so a queue
 * runner backs off and tries again. `final` says this is the runner's last try, when it counts
 * them itself.
 */
export async function runPushAttempt(
  db: Database,
  connectors: ConnectorDeps,
  job: PushJob,
  policy: PushRetryPolicy,
  final?: boolean,
): Promise<PushOutcome> {
  try {
    return await runPushJob(db, connectors, job);
  } catch (error) {
    // Unrecorded when the database is what failed: the runner still retries.
    await recordPushFailure(db, job, error, policy, final).catch(() => false);
    throw error;
  }
}

/**
 * Marks the job's entities `failed` with the reason, for a failure before any entity's run could
 * record its own (the connector did not open: no credentials, a key missing from the ring…).
 */
export async function recordSyncFailure(db: Database, job: SyncJob, error: unknown): Promise<void> {
  const message = (error instanceof Error ? error.message : String(error)).slice(0, 1000);
  await withPrincipal(db, systemPrincipal(job.orgId, 'sync-failure'), async (tx) => {
    // A store that no longer exists has no status to show (its sync_state rows went with it).
    // last_run_at stays: no run started, and the lag it measures is the data's, which did not move.
    const [store] = await tx<{ id: string }[]>`select id from stores where id = ${job.storeId}`;
    if (!store) return;
    for (const entity of job.entity ? [job.entity] : SYNC_ORDER) {
      await tx`
        insert into sync_state (org_id, store_id, entity, status, last_error)
        values (${job.orgId}, ${job.storeId}, ${entity}, 'failed', ${message})
        on conflict (org_id, store_id, entity)
        do update set status = 'failed', last_error = excluded.last_error, updated_at = now()`;
    }
    await emitEvents(
      tx,
      job.orgId,
      (job.entity ? [job.entity] : SYNC_ORDER).map((entity) =>
        syncStatusEvent(job.storeId, { entity, status: 'failed', mode: job.mode, error: message }),
      ),
    );
  });
}
