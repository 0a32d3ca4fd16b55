import type { TenantSql } from '../../db/principal.ts';

/** The records a platform deletes and Dockhand keeps as tombstones. */
export type DeletableRecord = 'order' | 'product' | 'customer';

type Target = { orgId: string; storeId: string };

/**
 * The platform deleted the record: it is kept, marked with the time it went, so what refers to
 * it (ledger rows, returns, audit) stays whole. Answers whether it changed anything (an unknown
 * or already deleted record does not).
 */
export async function markDeleted(tx: TenantSql, target: Target, record: DeletableRecord, platformId: string): Promise<boolean> {
  const where = { org: target.orgId, store: target.storeId, id: platformId };
  const rows =
    record === 'order'
      ? await tx`update orders set deleted_at = now(), updated_at = now()
          where org_id = ${where.org} and store_id = ${where.store} and platform_id = ${where.id} and deleted_at is null
          returning id`
      : record === 'product'
        ? await tx`update products set deleted_at = now(), updated_at = now()
            where org_id = ${where.org} and store_id = ${where.store} and platform_id = ${where.id} and deleted_at is null
            returning id`
        : await tx`update customers set deleted_at = now(), updated_at = now()
            where org_id = ${where.org} and store_id = ${where.store} and platform_id = ${where.id} and deleted_at is null
            returning id`;
  return rows.length > 0;
}

/** The record came back (taken out of the trash): the tombstone goes. */
export async function markRestored(tx: TenantSql, target: Target, record: DeletableRecord, platformId: string): Promise<boolean> {
  const where = { org: target.orgId, store: target.storeId, id: platformId };
  const rows =
    record === 'order'
      ? await tx`update orders set deleted_at = null, updated_at = now()
          where org_id = ${where.org} and store_id = ${where.store} and platform_id = ${where.id} and deleted_at is not null
          returning id`
      : record === 'product'
        ? await tx`update products set deleted_at = null, updated_at = now()
            where org_id = ${where.org} and store_id = ${where.store} and platform_id = ${where.id} and deleted_at is not null
            returning id`
        : await tx`update customers set deleted_at = null, updated_at = now()
            where org_id = ${where.org} and store_id = ${where.store} and platform_id = ${where.id} and deleted_at is not null
            returning id`;
  return rows.length > 0;
}

const TABLES: Record<DeletableRecord, string> = { order: 'orders', product: 'products', customer: 'customers' };

/**
 * Platform ids compare as numbers: by length, then bytewise (collation "C"), the order the
 * partial indexes of migration 0014 keep and `compareIds` (platforms/connector.ts) follows.
 */
export interface LiveIdRange {
  /** Ids above this one; from the first when null. */
  after: string | null;
  /** Ids up to and including this one; to the last when null. */
  upTo: string | null;
  /** Only rows Dockhand has not written since: a record it heard of meanwhile is alive. */
  unchangedSince: Date;
  /** Orders only: those placed at or after it (the store listed no older ones). */
  placedFrom?: Date | undefined;
}

/** The store's live (not deleted) records of `record` in the range, ascending, at most `limit`. */
export async function liveIdsBetween(
  tx: TenantSql,
  target: Target,
  record: DeletableRecord,
  range: LiveIdRange,
  limit: number,
): Promise<string[]> {
  if (range.placedFrom !== undefined && record !== 'order') throw new Error('placedFrom applies to orders only');
  const key = tx`(length(platform_id), platform_id collate "C")`;
  const rows = await tx<{ platform_id: string }[]>`
    select platform_id from ${tx(TABLES[record])}
    where org_id = ${target.orgId} and store_id = ${target.storeId} and deleted_at is null
      and updated_at <= ${range.unchangedSince}
      ${range.placedFrom === undefined ? tx`` : tx`and placed_at >= ${range.placedFrom}`}
      ${range.after === null ? tx`` : tx`and ${key} > (${range.after.length}::int, ${range.after}::text collate "C")`}
      ${range.upTo === null ? tx`` : tx`and ${key} <= (${range.upTo.length}::int, ${range.upTo}::text collate "C")`}
    order by length(platform_id), platform_id collate "C"
    limit ${limit}`;
  return rows.map((row) => row.platform_id);
}

/**
 * Tombstones the live records among `platformIds` that Dockhand has not written since
 * `unchangedSince` (the store listed them as gone; a webhook since says otherwise). Answers
 * the platform ids marked.
 */
export async function markDeletedMany(
  tx: TenantSql,
  target: Target,
  record: DeletableRecord,
  platformIds: readonly string[],
  unchangedSince: Date,
): Promise<string[]> {
  if (platformIds.length === 0) return [];
  const rows = await tx<{ platform_id: string }[]>`
    update ${tx(TABLES[record])} set deleted_at = now(), updated_at = now()
    where org_id = ${target.orgId} and store_id = ${target.storeId} and deleted_at is null
      and updated_at <= ${unchangedSince} and platform_id = any(${platformIds as string[]}::text[])
    returning platform_id`;
  return rows.map((row) => row.platform_id);
}
