import type { TenantSql } from '../../db/principal.ts';
import { forgetStore } from './store-service.ts';

/**
 * Deletes everything a store brought (the platform asked for its data to be erased); the store
 * row stays, uninstalled, as the record.
 */
export async function purgeStore(tx: TenantSql, target: { orgId: string; storeId: string }): Promise<void> {
  await tx`delete from orders where org_id = ${target.orgId} and store_id = ${target.storeId}`;
  await tx`delete from products where org_id = ${target.orgId} and store_id = ${target.storeId}`;
  await tx`delete from customers where org_id = ${target.orgId} and store_id = ${target.storeId}`;
  await tx`delete from locations where org_id = ${target.orgId} and store_id = ${target.storeId}`;
  await tx`update webhook_events set body = '{}', headers = '{}' where org_id = ${target.orgId} and store_id = ${target.storeId}`;
  await forgetStore(tx, target.storeId, 'uninstalled');
}
