import { createHash } from 'node:crypto';
import type { ShopifyEmulator } from '@dockhand/emulators';
import { expect } from 'vitest';
import type { Database } from '../../src/db/database.ts';
import { systemPrincipal, withPrincipal } from '../../src/db/principal.ts';
import { parsePlatformJson } from '../../src/platforms/model.ts';
import { normalizeShopifyOrder } from '../../src/platforms/shopify/normalize.ts';
import type { SyncTarget } from '../../src/sync/backfill.ts';

export const numericId = (gid: string): string => gid.slice(gid.lastIndexOf('/') + 1).split('?')[0]!;

export const checksum = (rows: string[]): string =>
  createHash('sha256')
    .update([...rows].sort().join('\n'))
    .digest('hex');

/** Orders in the database, as the normalized fields a checksum covers. */
export async function databaseOrders(db: Database, target: SyncTarget): Promise<string[]> {
  return withPrincipal(db, systemPrincipal(target.orgId), async (tx) => {
    const rows = await tx<{ line: string }[]>`
      select concat_ws('|', o.platform_id, o.number, o.email, o.status, o.financial_status, o.fulfillment_status,
                       o.currency, o.total::text, to_char(o.placed_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                       to_char(o.platform_updated_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                       c.platform_id,
                       (select string_agg(concat_ws(':', l.platform_id, v.platform_id, l.sku, l.quantity, l.price::text), ','
                                          order by l.platform_id)
                          from order_lines l left join product_variants v on v.id = l.variant_id and v.org_id = l.org_id
                         where l.order_id = o.id and l.org_id = o.org_id)) as line
      from orders o left join customers c on c.id = o.customer_id and c.org_id = o.org_id
      where o.store_id = ${target.storeId}`;
    return rows.map((row) => row.line);
  });
}

/** The same fields from the emulator, read the webhook way (REST JSON → normalizeShopifyOrder). */
export function emulatorOrders(emulator: ShopifyEmulator, shop: string, ids: string[]): string[] {
  return ids.map((id) => {
    const order = normalizeShopifyOrder(parsePlatformJson(emulator.control.orderJson(shop, id)));
    const lines = [...order.lines]
      .sort((a, b) => (a.platformId < b.platformId ? -1 : 1))
      .map((line) => [line.platformId, line.variantPlatformId, line.sku, line.quantity, line.price].join(':'))
      .join(',');
    return [
      order.platformId,
      order.number,
      order.email,
      order.status,
      order.financialStatus,
      order.fulfillmentStatus,
      order.currency,
      order.total,
      order.placedAt,
      new Date(order.updatedAt).toISOString().replace('.000Z', 'Z'),
      order.customerPlatformId,
      lines,
    ]
      .filter((part) => part !== null)
      .join('|');
  });
}

/** Stock levels in the database, as variant|inventory item|location|available. */
export async function databaseLevels(db: Database, target: SyncTarget): Promise<string[]> {
  const rows = await withPrincipal(
    db,
    systemPrincipal(target.orgId),
    (tx) => tx<{ line: string }[]>`
      select concat_ws('|', v.platform_id, v.inventory_item_id, l.platform_id, i.available) as line
      from inventory_levels i
      join product_variants v on v.id = i.variant_id and v.org_id = i.org_id
      join locations l on l.id = i.location_id and l.org_id = i.org_id
      where i.store_id = ${target.storeId}`,
  );
  return rows.map((row) => row.line);
}

export function emulatorLevels(emulator: ShopifyEmulator, shop: string): string[] {
  return emulator.control
    .inventory(shop)
    .map((row) => [numericId(row.variantId), numericId(row.inventoryItemId), numericId(row.locationId), row.available].join('|'));
}

/** Counts and checksums of orders and stock levels match the emulator's. */
export async function expectDatabaseEqualsEmulator(
  db: Database,
  emulator: ShopifyEmulator,
  shop: string,
  target: SyncTarget,
): Promise<void> {
  const rows = await databaseOrders(db, target);
  expect(rows.length).toBe(emulator.control.orderCount(shop));
  const ids = rows.map((row) => row.split('|')[0]!);
  expect(checksum(rows)).toBe(checksum(emulatorOrders(emulator, shop, ids)));
  const levels = await databaseLevels(db, target);
  const stock = emulatorLevels(emulator, shop);
  expect(levels.length).toBe(stock.length);
  expect(checksum(levels)).toBe(checksum(stock));
}
