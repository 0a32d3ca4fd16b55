import type { Database } from '../db/database.ts';

/** Every active store of every organization (a definer look-up: no principal spans them all). */
export async function activeStores(db: Database): Promise<Array<{ orgId: string; storeId: string }>> {
  const rows = await db.app<{ org_id: string; store_id: string }[]>`select org_id, store_id from dockhand.active_stores()`;
  return rows.map((row) => ({ orgId: row.org_id, storeId: row.store_id }));
}
