import type { TenantSql } from '../db/principal.ts';
import type { OutboxEvent } from '../realtime/outbox.ts';

export const SYNC_ENTITIES = ['orders', 'products', 'customers', 'inventory'] as const;
export type SyncEntity = (typeof SYNC_ENTITIES)[number];

export interface EntitySyncStatus {
  entity: SyncEntity;
  status: 'idle' | 'running' | 'failed';
  checkpoint: string | null;
  /** Seconds since the last sync run started: changes made after it may not be here yet (webhooks aside). */
  lagSeconds: number | null;
  /** Rows Dockhand holds for this store. */
  count: number;
  /** Progress of the running (or last) backfill. */
  processed: number;
  total: number | null;
  lastRunAt: string | null;
  lastError: string | null;
}

export interface StoreSyncStatus {
  storeId: string;
  entities: EntitySyncStatus[];
  inbox: { pending: number; failed: number; oldestPendingAt: string | null };
}

/** Per entity: checkpoint, lag, counts and progress; plus the store's webhook inbox backlog. */
export async function storeSyncStatus(tx: TenantSql, storeId: string): Promise<StoreSyncStatus> {
  const states = await tx<
    {
      entity: SyncEntity;
      status: EntitySyncStatus['status'];
      checkpoint: Date | null;
      processed: number;
      total: number | null;
      last_run_at: Date | null;
      last_error: string | null;
    }[]
  >`select entity, status, checkpoint, processed, total, last_run_at, last_error from sync_state where store_id = ${storeId}`;
  const [counts] = await tx<{ orders: number; products: number; customers: number; inventory: number }[]>`
    select (select count(*)::int from orders where store_id = ${storeId}) as orders,
           (select count(*)::int from products where store_id = ${storeId}) as products,
           (select count(*)::int from customers where store_id = ${storeId}) as customers,
           (select count(*)::int from inventory_levels where store_id = ${storeId}) as inventory`;
  const [inbox] = await tx<{ pending: number; failed: number; oldest: Date | null }[]>`
    select count(*) filter (where status = 'received')::int as pending,
           count(*) filter (where status = 'failed')::int as failed,
           min(received_at) filter (where status = 'received') as oldest
    from webhook_events where store_id = ${storeId}`;
  const now = Date.now();
  return {
    storeId,
    entities: SYNC_ENTITIES.map((entity) => {
      const state = states.find((row) => row.entity === entity);
      return {
        entity,
        status: state?.status ?? 'idle',
        checkpoint: state?.checkpoint?.toISOString() ?? null,
        lagSeconds: state?.last_run_at ? Math.max(0, Math.round((now - state.last_run_at.getTime()) / 1000)) : null,
        count: counts![entity],
        processed: state?.processed ?? 0,
        total: state?.total ?? null,
        lastRunAt: state?.last_run_at?.toISOString() ?? null,
        lastError: state?.last_error ?? null,
      };
    }),
    inbox: { pending: inbox!.pending, failed: inbox!.failed, oldestPendingAt: inbox!.oldest?.toISOString() ?? null },
  };
}

/** What /v1/stream announces when an entity's sync starts, finishes or fails (the store's merchants see it too). */
export function syncStatusEvent(
  storeId: string,
  change: { entity: SyncEntity; status: EntitySyncStatus['status']; mode?: string; error?: string; processed?: number },
): OutboxEvent & { type: 'sync.status' } {
  return { type: 'sync.status', storeId, subjectId: storeId, data: { ...change } };
}
