import { createHash, randomBytes } from 'node:crypto';
import { startShopifyEmulator, type ShopifyEmulator } from '@dockhand/emulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.ts';
import { systemPrincipal, withPrincipal } from '../../db/principal.ts';
import { createOrganization } from '../../domain/users/user-service.ts';
import { syncStore, type SyncTarget } from '../../sync/backfill.ts';
import { parsePlatformJson } from '../model.ts';
import { CostBucket } from './admin-client.ts';
import { createShopifyConnector } from './connector.ts';
import { normalizeShopifyOrder } from './normalize.ts';

let emulator: ShopifyEmulator;
let database: TestDatabase;

const num = (gid: string): string => gid.slice(gid.lastIndexOf('/') + 1).split('?')[0]!;
const checksum = (rows: string[]): string =>
  createHash('sha256')
    .update([...rows].sort().join('\n'))
    .digest('hex');

async function newStore(shop: string): Promise<SyncTarget> {
  const { orgId } = await createOrganization(database.db, {
    name: shop,
    adminEmail: `owner-${randomBytes(4).toString('hex')}@example.test`,
    adminPassword: 'correct horse battery staple',
  });
  const storeId = await withPrincipal(database.db, systemPrincipal(orgId), async (tx) => {
    const [row] = await tx<{ id: string }[]>`
      insert into stores (org_id, platform, name, shop_domain, status) values (${orgId}, 'shopify', ${shop}, ${shop}, 'active')
      returning id`;
    return row!.id;
  });
  return { orgId, storeId };
}

function connectorFor(shop: string) {
  const info = emulator.shops.find((candidate) => candidate.domain === shop)!;
  return createShopifyConnector({
    shopDomain: shop,
    accessToken: emulator.issueAccessToken(shop).access_token,
    apiVersion: emulator.apiVersion,
    shopBaseUrl: info.baseUrl,
    bucket: new CostBucket(),
  });
}

/** Orders in the database, as the normalized fields a checksum covers. */
async function databaseOrders(target: SyncTarget): Promise<string[]> {
  return withPrincipal(database.db, systemPrincipal(target.orgId), async (tx) => {
    const rows = await tx<{ line: string }[]>`
      select concat_ws('|', o.platform_id, o.number, o.email, o.status, o.financial_status, o.fulfillment_status,
                       o.currency, o.total::text, to_char(o.placed_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
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
function emulatorOrders(shop: string, ids: string[]): string[] {
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
      order.customerPlatformId,
      lines,
    ]
      .filter((part) => part !== null)
      .join('|');
  });
}

async function expectDatabaseEqualsEmulator(shop: string, target: SyncTarget): Promise<void> {
  const rows = await databaseOrders(target);
  expect(rows.length).toBe(emulator.control.orderCount(shop));
  const ids = rows.map((row) => row.split('|')[0]!);
  expect(checksum(rows)).toBe(checksum(emulatorOrders(shop, ids)));

  const levels = await withPrincipal(
    database.db,
    systemPrincipal(target.orgId),
    (tx) => tx<{ line: string }[]>`
    select concat_ws('|', v.platform_id, v.inventory_item_id, l.platform_id, i.available) as line
    from inventory_levels i
    join product_variants v on v.id = i.variant_id and v.org_id = i.org_id
    join locations l on l.id = i.location_id and l.org_id = i.org_id
    where i.store_id = ${target.storeId}`,
  );
  const stock = emulator.control.inventory(shop);
  expect(levels.length).toBe(stock.length);
  expect(checksum(levels.map((row) => row.line))).toBe(
    checksum(stock.map((row) => [num(row.variantId), num(row.inventoryItemId), num(row.locationId), row.available].join('|'))),
  );
}

beforeAll(async () => {
  database = await createTestDatabase();
  emulator = await startShopifyEmulator({
    seed: 41,
    shops: 2,
    ordersPerShop: 150,
    bucket: { maximumAvailable: 2000, restoreRate: 20_000 },
  });
});
afterAll(async () => {
  await emulator?.close();
  await database?.drop();
});

describe('when a small shop is backfilled through syncStore', () => {
  it('leaves the database equal to the shop (counts and a checksum of normalized fields)', async () => {
    const shop = emulator.shops[0]!.domain;
    const target = await newStore(shop);
    const results = await syncStore(database.db, target, connectorFor(shop), 'backfill');
    expect(results.map((result) => result.entity)).toEqual(['products', 'customers', 'inventory', 'orders']);
    await expectDatabaseEqualsEmulator(shop, target);

    // A reconcile after changes picks up exactly what changed.
    const created = emulator.control.createOrder(shop);
    const reconciled = await syncStore(database.db, target, connectorFor(shop), 'reconcile');
    expect(reconciled.find((result) => result.entity === 'orders')!.changed).toBeGreaterThanOrEqual(1);
    await expectDatabaseEqualsEmulator(shop, target);
    expect((await databaseOrders(target)).some((row) => row.startsWith(`${created.legacyResourceId}|`))).toBe(true);
  });
});

describe('when the shop has a deliberately tiny bucket', () => {
  it('completes the backfill by waiting for the restore, never failing on THROTTLED', async () => {
    const shop = emulator.shops[1]!.domain;
    emulator.control.setBucket(shop, { maximumAvailable: 120, currentlyAvailable: 120, restoreRate: 2000 });
    const target = await newStore(shop);
    const connector = connectorFor(shop);
    // Drained at the start too: the first query is answered THROTTLED and must be waited out.
    emulator.control.setBucket(shop, { currentlyAvailable: 0 });
    await syncStore(database.db, target, connector, 'backfill');
    await expectDatabaseEqualsEmulator(shop, target);
    expect(connector.client.stats.throttled).toBeGreaterThan(0);
    expect(connector.client.stats.requestedCost / connector.client.stats.requests).toBeLessThanOrEqual(120);
  });
});
