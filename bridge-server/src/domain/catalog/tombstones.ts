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
