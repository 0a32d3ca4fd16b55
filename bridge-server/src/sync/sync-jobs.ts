import type { Database } from '../db/database.ts';
import { systemPrincipal, withPrincipal } from '../db/principal.ts';
import { openConnector, type ConnectorDeps } from '../platforms/registry.ts';
import { syncEntity, syncStore, type SyncRunResult } from './backfill.ts';
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
  const connector = await openConnector(connectors, target);
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
