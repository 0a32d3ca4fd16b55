import { randomBytes } from 'node:crypto';
import { startShopifyEmulator, type ShopifyEmulator } from '@dockhand/emulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.ts';
import {
  databaseOrders as ordersOf,
  expectDatabaseEqualsEmulator as expectEquals,
} from '../../../test/support/shopify-fixture.ts';
import { systemPrincipal, withPrincipal } from '../../db/principal.ts';
import { createOrganization } from '../../domain/users/user-service.ts';
import { syncStore, type SyncTarget } from '../../sync/backfill.ts';
import { CostBucket } from './admin-client.ts';
import { createShopifyConnector } from './connector.ts';

let emulator: ShopifyEmulator;
let database: TestDatabase;

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

const expectDatabaseEqualsEmulator = (shop: string, target: SyncTarget) => expectEquals(database.db, emulator, shop, target);
const databaseOrders = (target: SyncTarget) => ordersOf(database.db, target);

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
