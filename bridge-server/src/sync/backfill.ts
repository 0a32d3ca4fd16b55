import type { Database } from '../db/database.ts';
import { systemPrincipal, withPrincipal, type TenantSql } from '../db/principal.ts';
import { upsertCustomer, upsertProduct } from '../domain/catalog/catalog-sync.ts';
import { applyInventoryLevel } from '../domain/inventory/inventory-sync.ts';
import { upsertOrders } from '../domain/orders/order-sync.ts';
import type { EntityTypes, PageItem, StoreConnector, SyncEntity } from '../platforms/connector.ts';
import { emitEvent, emitEvents, type OutboxEvent } from '../realtime/outbox.ts';
import { syncStatusEvent } from './sync-status.ts';

export type SyncMode = 'backfill' | 'reconcile';

export interface SyncTarget {
  orgId: string;
  storeId: string;
}

export interface SyncRunResult {
  entity: SyncEntity;
  mode: SyncMode;
  pages: number;
  processed: number;
  changed: number;
  checkpoint: string | null;
}

interface StateRow {
  checkpoint: Date | null;
  cursor: string | null;
  status: string;
  processed: number;
}

/** Saved with the cursor so a run that died can resume where it stopped, in the same mode. */
interface SavedCursor {
  mode: SyncMode;
  cursor: string;
  since: string | null;
  maxSeen: string | null;
}

type PageEntry = PageItem<EntityTypes[SyncEntity]>;

/** Writes one page of an entity; answers how many of its items changed something. */
async function applyPage(
  tx: TenantSql,
  target: SyncTarget,
  entity: SyncEntity,
  items: readonly PageEntry[],
  mode: SyncMode,
  observedAt: Date,
  events: OutboxEvent[],
): Promise<number> {
  if (entity === 'orders') {
    // The whole page in a few statements, whatever its size.
    const orders = items.map(({ item, raw }) => ({ order: item as EntityTypes['orders'], raw }));
    return (await upsertOrders(tx, target, orders, events)).filter((outcome) => outcome !== 'stale').length;
  }
  let changed = 0;
  for (const entry of items) if (await applyItem(tx, target, entity, entry, mode, observedAt, events)) changed++;
  return changed;
}

async function applyItem(
  tx: TenantSql,
  target: SyncTarget,
  entity: Exclude<SyncEntity, 'orders'>,
  { item, raw }: PageEntry,
  mode: SyncMode,
  observedAt: Date,
  events: OutboxEvent[],
): Promise<boolean> {
  switch (entity) {
    case 'products':
      return (await upsertProduct(tx, target, item as EntityTypes['products'], raw)) !== 'stale';
    case 'customers':
      return (await upsertCustomer(tx, target, item as EntityTypes['customers'], raw)) !== 'stale';
    case 'inventory': {
      const outcome = await applyInventoryLevel(tx, target, item as EntityTypes['inventory'], { kind: mode, observedAt }, events);
      return outcome.kind === 'changed';
    }
    default:
      throw new Error(`unknown entity ${String(entity)}`);
  }
}

/** The database's clock, which stamps the ledger: the app's may differ from it. */
async function databaseNow(db: Database): Promise<Date> {
  const [row] = await db.app<{ now: Date }[]>`select now() as now`;
  return row!.now;
}

const later = (a: string | null, b: string): string => (a === null || Date.parse(b) > Date.parse(a) ? b : a);

/**
 * A run stopped between two pages because its process is shutting down: its cursor is saved and
 * its status stays `running`, so the next start resumes it from the next page.
 */
export class SyncInterruptedError extends Error {
  constructor() {
    super('The sync stopped between two pages for a shutdown; it resumes from its saved cursor');
  }
}

/**
 * Pulls one entity from the store page by page. `backfill` reads everything; `reconcile`
 * reads what changed since the checkpoint (catching what webhooks missed). Each page is
 * applied and its cursor saved in one transaction, so a run killed at any point resumes
 * from its last saved page, and re-applying a page is harmless (upserts, last write wins).
 */
export async function syncEntity(
  db: Database,
  target: SyncTarget,
  connector: StoreConnector,
  entity: SyncEntity,
  mode: SyncMode,
  options: {
    pageSize?: number;
    onProgress?: (progress: { processed: number; total: number | null }) => void | Promise<void>;
    /** Aborted: the run stops before its next page (SyncInterruptedError). */
    signal?: AbortSignal;
  } = {},
): Promise<SyncRunResult> {
  const principal = systemPrincipal(target.orgId, `sync:${entity}`);
  const state = await withPrincipal(db, principal, async (tx) => {
    await tx`
      insert into sync_state (org_id, store_id, entity) values (${target.orgId}, ${target.storeId}, ${entity})
      on conflict (org_id, store_id, entity) do nothing`;
    const [row] = await tx<StateRow[]>`
      select checkpoint, cursor, status, processed from sync_state where store_id = ${target.storeId} and entity = ${entity} for update`;
    return row!;
  });
  const saved: SavedCursor | null = state.cursor ? (JSON.parse(state.cursor) as SavedCursor) : null;
  const resuming = saved !== null && saved.mode === mode;
  const since = resuming ? saved.since : mode === 'backfill' ? null : (state.checkpoint?.toISOString() ?? null);
  let cursor = resuming ? saved.cursor : null;
  let maxSeen = resuming ? saved.maxSeen : null;
  let processed = resuming ? state.processed : 0;
  let changed = 0;
  let pages = 0;
  await withPrincipal(db, principal, async (tx) => {
    await tx`
      update sync_state set status = 'running', last_run_at = now(), last_error = null, processed = ${processed},
                            total = case when ${resuming} then total else null end, updated_at = now()
      where store_id = ${target.storeId} and entity = ${entity}`;
    await emitEvent(tx, target.orgId, syncStatusEvent(target.storeId, { entity, status: 'running', mode }));
  });
  try {
    for (;;) {
      if (options.signal?.aborted) throw new SyncInterruptedError();
      const observedAt = await databaseNow(db);
      const page = await connector.fetchPage(entity, {
        since,
        cursor,
        ...(options.pageSize ? { pageSize: options.pageSize } : {}),
      });
      pages++;
      // Every normalized entity carries the platform's updated_at.
      for (const item of page.items) maxSeen = later(maxSeen, (item.item as { updatedAt: string }).updatedAt);
      const nextSaved: SavedCursor | null = page.nextCursor ? { mode, cursor: page.nextCursor, since, maxSeen } : null;
      processed += page.items.length;
      changed += await withPrincipal(db, principal, async (tx) => {
        // The page's events (orders, levels) go out together, last: the outbox's lock is not held while rows are locked.
        const events: OutboxEvent[] = [];
        const pageChanged = await applyPage(tx, target, entity, page.items, mode, observedAt, events);
        await tx`
          update sync_state set cursor = ${nextSaved ? JSON.stringify(nextSaved) : null}, processed = ${processed},
                                total = coalesce(${page.total ?? null}::int, total), updated_at = now()
          where store_id = ${target.storeId} and entity = ${entity}`;
        await emitEvents(tx, target.orgId, events);
        return pageChanged;
      });
      await options.onProgress?.({ processed, total: page.total ?? null });
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    const checkpoint =
      maxSeen === null ? (state.checkpoint?.toISOString() ?? null) : later(state.checkpoint?.toISOString() ?? null, maxSeen);
    await withPrincipal(db, principal, async (tx) => {
      await tx`
        update sync_state set status = 'idle', checkpoint = ${checkpoint}, cursor = null, updated_at = now()
        where store_id = ${target.storeId} and entity = ${entity}`;
      await emitEvent(tx, target.orgId, syncStatusEvent(target.storeId, { entity, status: 'idle', mode, processed }));
    });
    return { entity, mode, pages, processed, changed, checkpoint };
  } catch (error) {
    if (error instanceof SyncInterruptedError) throw error;
    const message = String((error as Error).message).slice(0, 1000);
    await withPrincipal(db, principal, async (tx) => {
      await tx`
        update sync_state set status = 'failed', last_error = ${message}, updated_at = now()
        where store_id = ${target.storeId} and entity = ${entity}`;
      await emitEvent(tx, target.orgId, syncStatusEvent(target.storeId, { entity, status: 'failed', mode, error: message }));
    });
    throw error;
  }
}

/** Entities in dependency order: variants before the stock and order lines that point at them. */
export const SYNC_ORDER: readonly SyncEntity[] = ['products', 'customers', 'inventory', 'orders'];

/** Syncs every entity of a store in dependency order. */
export async function syncStore(
  db: Database,
  target: SyncTarget,
  connector: StoreConnector,
  mode: SyncMode,
  options: { pageSize?: number; signal?: AbortSignal } = {},
): Promise<SyncRunResult[]> {
  const results: SyncRunResult[] = [];
  for (const entity of SYNC_ORDER) results.push(await syncEntity(db, target, connector, entity, mode, options));
  return results;
}
