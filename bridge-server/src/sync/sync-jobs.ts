import type { Database } from '../db/database.ts';
import { systemPrincipal, withPrincipal } from '../db/principal.ts';
import type { StoreConnector } from '../platforms/connector.ts';
import { openConnector, type ConnectorDeps } from '../platforms/registry.ts';
import { SYNC_ORDER, syncEntity, syncStore, type SyncRunResult } from './backfill.ts';
import { pushInventoryRequest, type PushOutcome } from './push-inventory.ts';
import type { PushJob, SyncJob } from './sync-runner.ts';

/** Runs one sync job (one entity, or all of them in dependency order); both runners call this. */
export async function runSyncJob(
  db: Database,
  connectors: ConnectorDeps,
  job: SyncJob,
  onProgress?: (progress: { processed: number; total: number | null }) => void | Promise<void>,
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
  return job.entity
    ? [await syncEntity(db, target, connector, job.entity, job.mode, onProgress ? { onProgress } : {})]
    : syncStore(db, target, connector, job.mode);
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
  });
}
