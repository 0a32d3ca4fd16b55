import type { Database } from '../../db/database.ts';
import { readWithPrincipal, type Principal, type TenantSql } from '../../db/principal.ts';
import { statement, type Statement } from '../../db/statement.ts';
import { recordAudit } from '../audit/audit-log.ts';

/** One stock level: a variant at a location, with what a screen shows beside it. */
export interface LevelView {
  storeId: string;
  productId: string;
  productTitle: string;
  variantId: string;
  variantTitle: string | null;
  sku: string | null;
  locationId: string;
  locationName: string;
  available: number;
  /** The variant's threshold at this location (its own, else the variant-wide one). */
  threshold: number | null;
  /** available ≤ threshold. */
  low: boolean;
  /** When the level last changed (now) or, as of an instant, when its last movement before it happened. */
  updatedAt: string;
}

export interface LevelFilters {
  storeId?: string | undefined;
  variantId?: string | undefined;
  locationId?: string | undefined;
  /** SKU, product title or variant title contains it (case-insensitive). */
  q?: string | undefined;
  low?: boolean | undefined;
  /** Levels as of this instant, from the ledger. */
  at?: Date | undefined;
}

/** Keyset of levels: (variant id, location id), the levels' own key. */
export type LevelKey = [string, string];

interface LevelRow {
  store_id: string;
  product_id: string;
  product_title: string;
  variant_id: string;
  variant_title: string | null;
  sku: string | null;
  location_id: string;
  location_name: string;
  available: number;
  threshold: number | null;
  updated_at: Date;
}

const toLevelView = (row: LevelRow): LevelView => ({
  storeId: row.store_id,
  productId: row.product_id,
  productTitle: row.product_title,
  variantId: row.variant_id,
  variantTitle: row.variant_title,
  sku: row.sku,
  locationId: row.location_id,
  locationName: row.location_name,
  available: row.available,
  threshold: row.threshold,
  low: row.threshold !== null && row.available <= row.threshold,
  updatedAt: row.updated_at.toISOString(),
});

/** `%q%` for ILIKE, with the pattern characters in q taken literally. */
const containsPattern = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

const none = statement``;

/**
 * One page of levels, now or as of an instant. As of an instant, a level is the quantity after
 * its last ledger movement at or before it (movements are written under the level's lock, so
 * the last by id is the last in time); levels with no movement by then are not listed.
 */
export async function listLevels(
  db: Database,
  principal: Principal,
  filters: LevelFilters,
  page: { limit: number; after?: LevelKey | undefined },
): Promise<LevelView[]> {
  const where = (alias: 'g' | 'l'): Statement => statement`
    ${filters.storeId ? statement`and ${raw(alias)}.store_id = ${filters.storeId}::uuid` : none}
    ${filters.variantId ? statement`and ${raw(alias)}.variant_id = ${filters.variantId}::uuid` : none}
    ${filters.locationId ? statement`and ${raw(alias)}.location_id = ${filters.locationId}::uuid` : none}
    ${page.after ? statement`and (${raw(alias)}.variant_id, ${raw(alias)}.location_id) > (${page.after[0]}::uuid, ${page.after[1]}::uuid)` : none}`;
  const levels = filters.at
    ? statement`(
        select distinct on (g.variant_id, g.location_id)
               g.org_id, g.store_id, g.variant_id, g.location_id, g.quantity_after as available, g.created_at as updated_at
        from inventory_ledger g
        where g.created_at <= ${filters.at.toISOString()}::timestamptz and g.quantity_after is not null ${where('g')}
        order by g.variant_id, g.location_id, g.id desc)`
    : statement`(
        select l.org_id, l.store_id, l.variant_id, l.location_id, l.available, l.updated_at
        from inventory_levels l where true ${where('l')})`;
  const rows = await readWithPrincipal<LevelRow>(
    db,
    principal,
    statement`
      select x.store_id, p.id as product_id, p.title as product_title, x.variant_id, v.title as variant_title, v.sku,
             x.location_id, loc.name as location_name, x.available, x.updated_at, t.threshold
      from ${levels} x
      join product_variants v on v.org_id = x.org_id and v.id = x.variant_id
      join products p on p.org_id = v.org_id and p.id = v.product_id
      join locations loc on loc.org_id = x.org_id and loc.id = x.location_id
      left join lateral (
        select th.threshold from inventory_thresholds th
        where th.org_id = x.org_id and th.variant_id = x.variant_id and (th.location_id = x.location_id or th.location_id is null)
        order by th.location_id nulls last limit 1
      ) t on true
      where true
      ${filters.q ? statement`and (v.sku ilike ${containsPattern(filters.q)} or p.title ilike ${containsPattern(filters.q)} or v.title ilike ${containsPattern(filters.q)})` : none}
      ${filters.low ? statement`and t.threshold is not null and x.available <= t.threshold` : none}
      order by x.variant_id, x.location_id
      limit ${page.limit + 1}`,
  );
  return rows.map(toLevelView);
}

/** A table alias of this module: a constant, never input. */
function raw(text: 'g' | 'l'): Statement {
  return { text, values: [], parts: [text] };
}

/** One movement of a level. */
export interface LedgerView {
  id: string;
  storeId: string;
  variantId: string;
  locationId: string;
  /** platform (a webhook), reconcile / backfill (polled), request (a push Dockhand made). */
  source: string;
  delta: number;
  quantityAfter: number | null;
  reason: string | null;
  /** Who let the change through (the approver of a request); null for the platform's own changes. */
  actorId: string | null;
  requestId: string | null;
  platformEventId: string | null;
  createdAt: string;
}

interface LedgerRow {
  id: string;
  store_id: string;
  variant_id: string;
  location_id: string;
  source: string;
  delta: number;
  quantity_after: number | null;
  reason: string | null;
  actor_id: string | null;
  request_id: string | null;
  platform_event_id: string | null;
  created_at: Date;
}

/** Movements newest first, keyset on the ledger's id. */
export async function listLedger(
  db: Database,
  principal: Principal,
  filters: { storeId?: string | undefined; variantId?: string | undefined; locationId?: string | undefined },
  page: { limit: number; before?: string | undefined },
): Promise<LedgerView[]> {
  const rows = await readWithPrincipal<LedgerRow>(
    db,
    principal,
    statement`
      select g.id::text as id, g.store_id, g.variant_id, g.location_id, g.source, g.delta, g.quantity_after, g.reason,
             g.actor_id, g.request_id, g.platform_event_id, g.created_at
      from inventory_ledger g
      where true
      ${filters.storeId ? statement`and g.store_id = ${filters.storeId}::uuid` : none}
      ${filters.variantId ? statement`and g.variant_id = ${filters.variantId}::uuid` : none}
      ${filters.locationId ? statement`and g.location_id = ${filters.locationId}::uuid` : none}
      ${page.before ? statement`and g.id < ${page.before}::bigint` : none}
      order by g.id desc
      limit ${page.limit + 1}`,
  );
  return rows.map((row) => ({
    id: row.id,
    storeId: row.store_id,
    variantId: row.variant_id,
    locationId: row.location_id,
    source: row.source,
    delta: row.delta,
    quantityAfter: row.quantity_after,
    reason: row.reason,
    actorId: row.actor_id,
    requestId: row.request_id,
    platformEventId: row.platform_event_id,
    createdAt: row.created_at.toISOString(),
  }));
}

export interface ThresholdChange {
  variantId: string;
  /** One location; absent or null: every location of the variant without its own threshold. */
  locationId?: string | null | undefined;
  /** null clears it. */
  threshold: number | null;
}

export interface ThresholdView {
  storeId: string;
  variantId: string;
  locationId: string | null;
  threshold: number;
  updatedAt: string;
}

export class ThresholdTargetNotFoundError extends Error {
  constructor(readonly what: 'Variant' | 'Location') {
    super(`${what} not found`);
    this.name = 'ThresholdTargetNotFoundError';
  }
}

/**
 * Sets or clears thresholds, all or none. A variant or location the principal cannot see (or a
 * location of another store than the variant's) is not found. One audit row for the batch.
 */
export async function setThresholds(
  tx: TenantSql,
  principal: Principal,
  changes: ThresholdChange[],
  requestId?: string,
): Promise<{ set: ThresholdView[]; cleared: number }> {
  const set: ThresholdView[] = [];
  let cleared = 0;
  for (const change of changes) {
    const [variant] = await tx<{ store_id: string }[]>`select store_id from product_variants where id = ${change.variantId}`;
    if (!variant) throw new ThresholdTargetNotFoundError('Variant');
    const locationId = change.locationId ?? null;
    if (locationId) {
      const [location] = await tx<{ id: string }[]>`
        select id from locations where id = ${locationId} and store_id = ${variant.store_id}`;
      if (!location) throw new ThresholdTargetNotFoundError('Location');
    }
    if (change.threshold === null) {
      const removed = await tx`
        delete from inventory_thresholds
        where variant_id = ${change.variantId} and location_id is not distinct from ${locationId}::uuid`;
      cleared += removed.count;
      continue;
    }
    const [row] = await tx<
      { store_id: string; variant_id: string; location_id: string | null; threshold: number; updated_at: Date }[]
    >`
      insert into inventory_thresholds (org_id, store_id, variant_id, location_id, threshold, updated_by)
      values (${principal.orgId}, ${variant.store_id}, ${change.variantId}, ${locationId}, ${change.threshold},
              ${principal.userId ?? principal.subject})
      on conflict (org_id, variant_id, location_id)
      do update set threshold = excluded.threshold, updated_by = excluded.updated_by, updated_at = now()
      returning store_id, variant_id, location_id, threshold, updated_at`;
    set.push({
      storeId: row!.store_id,
      variantId: row!.variant_id,
      locationId: row!.location_id,
      threshold: row!.threshold,
      updatedAt: row!.updated_at.toISOString(),
    });
  }
  await recordAudit(tx, principal, {
    action: 'inventory.thresholds_set',
    subjectType: 'inventory_thresholds',
    details: { changes: changes.map((change) => ({ ...change, locationId: change.locationId ?? null })) },
    requestId,
  });
  return { set, cleared };
}
