import { randomBytes } from 'node:crypto';
import { startShopifyEmulator, type ShopifyEmulator } from '@dockhand/emulators';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openConnector } from '../platforms/registry.ts';
import { connectorDeps, startSyncWorkers } from '../runtime.ts';
import { connectThroughOAuth, expectDatabaseEqualsEmulator, numericId } from '../../test/support/shopify-fixture.ts';
import { apiClient, signedInOrg, startTestServer, type TestServer } from '../../test/support/test-server.ts';
import { createQueueBackend } from './queue-backend.ts';
import { pushInventoryRequest } from './push-inventory.ts';
import { QueueSyncRunner } from './sync-queues.ts';

const redisUrl = process.env['DOCKHAND_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/** The real app on BullMQ/Redis, Shopify pointed at the emulator (its API base, and the library's fetch). */
async function serverFor(emulator: ShopifyEmulator): Promise<{ server: TestServer; close: () => Promise<void> }> {
  const prefix = `t_shopify_${randomBytes(4).toString('hex')}`;
  const backend = await createQueueBackend({ redisUrl, prefix });
  const server = await startTestServer({
    env: {
      SHOPIFY_API_KEY: emulator.apiKey,
      SHOPIFY_API_SECRET: emulator.apiSecret,
      SHOPIFY_ADMIN_BASE_URL: `${emulator.url}/shops/{shop}`,
      REDIS_URL: redisUrl,
    },
    sync: new QueueSyncRunner(backend),
  });
  await startSyncWorkers(server.runtime.ctx, { sweepEveryMs: 500, sweepOlderThanSeconds: 1 });
  return {
    server,
    close: async () => {
      await server.close();
      const redis = new Redis(redisUrl);
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
    },
  };
}

/** Every entity idle after a run that started after `requestedAt`, and no webhook left to apply. */
async function waitForIdleSync(server: TestServer, storeId: string, timeout: number, requestedAt = new Date(0)): Promise<void> {
  await vi.waitFor(
    async () => {
      const states = await server.database.db.owner<
        { entity: string; status: string; last_error: string | null; fresh: boolean }[]
      >`
        select entity, status, last_error, last_run_at >= ${requestedAt} as fresh from sync_state where store_id = ${storeId} order by entity`;
      const failed = states.find((state) => state.status === 'failed');
      if (failed) throw new Error(`sync of ${failed.entity} failed: ${failed.last_error}`);
      expect(states.map((state) => [state.status, state.fresh])).toEqual(Array(4).fill(['idle', true]));
      const [inbox] = await server.database.db.owner<{ pending: number }[]>`
        select count(*)::int as pending from webhook_events where store_id = ${storeId} and status = 'received'`;
      expect(inbox!.pending).toBe(0);
    },
    { timeout, interval: 200 },
  );
}

describe('Shopify shops installed through OAuth and through token exchange', () => {
  let emulator: ShopifyEmulator;
  let running: Awaited<ReturnType<typeof serverFor>>;
  beforeAll(async () => {
    emulator = await startShopifyEmulator({
      seed: 51,
      shops: 2,
      ordersPerShop: 10_000,
      // Pacing is tested against the Standard plan elsewhere; here the bucket is wide so 20,000 orders take seconds.
      bucket: { maximumAvailable: 1_000_000, restoreRate: 1_000_000 },
    });
    running = await serverFor(emulator);
  });
  afterAll(async () => {
    await running?.close();
    await emulator?.close();
  });

  it('each backfill 10,000 orders plus products, customers and inventory, equal to the shop', { timeout: 600_000 }, async () => {
    const { server } = running;
    const api = apiClient(server.url);
    const [oauthShop, exchangeShop] = [emulator.shops[0]!.domain, emulator.shops[1]!.domain];

    // 1. An admin installs the first shop through OAuth, on the real app.
    const admin = await signedInOrg(server, 'ShopifyAdmin');
    // Through the install page and Shopify's authorize screen, in the admin's browser.
    const { callback } = await connectThroughOAuth({ baseUrl: server.url, emulator, accessToken: admin.token, shop: oauthShop });
    expect(callback.status, await callback.clone().text()).toBe(302);
    const stores = await api('GET', '/v1/stores', { token: admin.token });
    expect(stores.body.data).toHaveLength(1);
    const oauthStore = { orgId: admin.orgId, storeId: stores.body.data[0].id as string };
    expect(stores.body.data[0]).toMatchObject({
      platform: 'shopify',
      shopDomain: oauthShop,
      status: 'active',
      hasCredentials: true,
    });

    // 2. The second shop's embedded app sends its first session token: token exchange.
    const session = await api('POST', '/shopify/session', {
      headers: { authorization: `Bearer ${emulator.mintSessionToken(exchangeShop)}` },
    });
    expect(session.status, JSON.stringify(session.body)).toBe(200);
    expect(session.body.data).toMatchObject({ shop: exchangeShop, created: true });
    const exchangeStore = { orgId: session.body.data.orgId as string, storeId: session.body.data.storeId as string };

    // 3. Both backfill.
    expect(
      (await api('POST', `/v1/stores/${oauthStore.storeId}/sync`, { token: admin.token, body: { mode: 'backfill' } })).status,
    ).toBe(202);
    await server.runtime.ctx.sync.requestSync({ ...exchangeStore, mode: 'backfill' });
    await Promise.all([
      waitForIdleSync(server, oauthStore.storeId, 500_000),
      waitForIdleSync(server, exchangeStore.storeId, 500_000),
    ]);

    await expectDatabaseEqualsEmulator(server.database.db, emulator, oauthShop, oauthStore);
    await expectDatabaseEqualsEmulator(server.database.db, emulator, exchangeShop, exchangeStore);
    const [counts] = await server.database.db.owner<{ orders: number; products: number; customers: number }[]>`
      select count(*) filter (where true)::int as orders,
             (select count(*)::int from products where store_id = ${oauthStore.storeId}) as products,
             (select count(*)::int from customers where store_id = ${oauthStore.storeId}) as customers
      from orders where store_id = ${oauthStore.storeId}`;
    expect(counts!.orders).toBe(10_000);
    expect(counts!.products).toBeGreaterThan(0);
    expect(counts!.customers).toBeGreaterThan(0);
  });
});

describe('chaos: 2,000 changes with 20% duplicated, reordered and 5% dropped webhooks', () => {
  it('converges to the store after reconciliation, and no change takes effect twice', { timeout: 300_000 }, async () => {
    const emulator = await startShopifyEmulator({
      seed: 52,
      shops: 1,
      ordersPerShop: 300,
      bucket: { maximumAvailable: 1_000_000, restoreRate: 1_000_000 },
    });
    const running = await serverFor(emulator);
    try {
      const { server } = running;
      const shop = emulator.shops[0]!.domain;
      const session = await apiClient(server.url)('POST', '/shopify/session', {
        headers: { authorization: `Bearer ${emulator.mintSessionToken(shop)}` },
      });
      const target = { orgId: session.body.data.orgId as string, storeId: session.body.data.storeId as string };
      await server.runtime.ctx.sync.requestSync({ ...target, mode: 'backfill' });
      await waitForIdleSync(server, target.storeId, 120_000);
      const [{ since } = { since: 0 }] = await server.database.db.owner<{ since: number }[]>`
        select coalesce(max(id), 0)::int as since from inventory_ledger where store_id = ${target.storeId}`;

      emulator.webhooks.setFaults({ duplicate: 0.2, drop: 0.05, reorder: true, reorderWindowMs: 20 });
      // Every stock level changes once; the rest are order edits, many to the same order.
      const stock = emulator.control.inventory(shop);
      for (const [index, row] of stock.entries()) {
        emulator.control.setInventory(shop, {
          inventoryItemId: row.inventoryItemId,
          locationId: row.locationId,
          available: row.available + 1 + (index % 9),
        });
      }
      const orders = Array.from({ length: 300 }, (_, n) => n);
      const page = await server.database.db.owner<{ platform_id: string }[]>`
        select platform_id from orders where store_id = ${target.storeId} order by platform_id limit 300`;
      for (let change = stock.length; change < 2_000; change++) {
        const order = page[orders[change % orders.length]! % page.length]!.platform_id;
        emulator.control.updateOrder(shop, order, { tags: [`chaos-${change}`], note: `change ${change}` });
      }
      await emulator.webhooks.idle();
      const deliveries = emulator.webhooks.deliveries();
      expect(deliveries.filter((delivery) => delivery.outcome === 'dropped').length).toBeGreaterThan(0);
      const perEvent = new Map<string, number>();
      for (const delivery of deliveries)
        if (delivery.outcome === 'delivered') perEvent.set(delivery.eventId, (perEvent.get(delivery.eventId) ?? 0) + 1);
      expect([...perEvent.values()].some((count) => count > 1)).toBe(true);

      // Reconcile catches what was dropped or left behind.
      const reconcileRequested = new Date();
      await server.runtime.ctx.sync.requestSync({ ...target, mode: 'reconcile' });
      await waitForIdleSync(server, target.storeId, 120_000, reconcileRequested);
      await expectDatabaseEqualsEmulator(server.database.db, emulator, shop, target);

      // Exactly one ledger row per real stock change, whether it came by webhook (once, however
      // often delivered) or, when its webhook was dropped, by reconciliation.
      const ledger = await server.database.db.owner<{ item: string; location: string; quantity_after: number; source: string }[]>`
        select v.inventory_item_id as item, l.platform_id as location, g.quantity_after, g.source
        from inventory_ledger g join product_variants v on v.id = g.variant_id join locations l on l.id = g.location_id
        where g.store_id = ${target.storeId} and g.id > ${since}`;
      expect(ledger).toHaveLength(stock.length);
      const finalLevels = new Map(
        emulator.control
          .inventory(shop)
          .map((row) => [`${numericId(row.inventoryItemId)}|${numericId(row.locationId)}`, row.available]),
      );
      for (const row of ledger) expect(row.quantity_after).toBe(finalLevels.get(`${row.item}|${row.location}`));
      expect(new Set(ledger.map((row) => `${row.item}|${row.location}`)).size).toBe(stock.length);
    } finally {
      await running.close();
      await emulator.close();
    }
  });
});

describe('#8.7 pushing an approved request to a Shopify shop while its inventory_levels/update arrives', () => {
  it('records each change once, whichever commits first, and the ledger sums to the level', { timeout: 120_000 }, async () => {
    const emulator = await startShopifyEmulator({
      seed: 53,
      shops: 1,
      ordersPerShop: 20,
      bucket: { maximumAvailable: 1_000_000, restoreRate: 1_000_000 },
    });
    const running = await serverFor(emulator);
    try {
      const { server } = running;
      const { ctx } = server.runtime;
      const owner = server.database.db.owner;
      const shop = emulator.shops[0]!.domain;
      const session = await apiClient(server.url)('POST', '/shopify/session', {
        headers: { authorization: `Bearer ${emulator.mintSessionToken(shop)}` },
      });
      const target = { orgId: session.body.data.orgId as string, storeId: session.body.data.storeId as string };
      await ctx.sync.requestSync({ ...target, mode: 'backfill' });
      await waitForIdleSync(server, target.storeId, 60_000);
      const connector = await openConnector(connectorDeps(ctx), target);
      const [level] = await owner<{ variant_id: string; location_id: string; available: number }[]>`
        select variant_id, location_id, available from inventory_levels
        where store_id = ${target.storeId} and available > 5 order by variant_id, location_id limit 1`;
      const available = async () =>
        (
          await owner<{ available: number }[]>`
          select available from inventory_levels where variant_id = ${level!.variant_id} and location_id = ${level!.location_id}`
        )[0]!.available;
      const request = async (delta: number) => {
        const [row] = await owner<{ id: string }[]>`
          insert into inventory_requests (org_id, store_id, variant_id, location_id, delta, reason, status, requested_by)
          values (${target.orgId}, ${target.storeId}, ${level!.variant_id}, ${level!.location_id}, ${delta}, 'correction',
                  'approved', ${target.orgId})
          returning id`;
        return row!.id;
      };
      const push = (requestId: string) => pushInventoryRequest(ctx.db, { orgId: target.orgId, requestId }, connector);
      const ledgerSince = async (since: number) =>
        owner<{ source: string; delta: number }[]>`
          select source, delta from inventory_ledger
          where variant_id = ${level!.variant_id} and location_id = ${level!.location_id} and id > ${since} order by id`;
      const lastId = async () =>
        (await owner<{ id: number }[]>`select coalesce(max(id), 0)::int as id from inventory_ledger`)[0]!.id;
      const expectExact = async () => {
        const [row] = await owner<{ available: number; ledger: number }[]>`
          select l.available, (select sum(g.delta)::int from inventory_ledger g
                               where g.variant_id = l.variant_id and g.location_id = l.location_id) as ledger
          from inventory_levels l where l.variant_id = ${level!.variant_id} and l.location_id = ${level!.location_id}`;
        expect(row!.ledger).toBe(row!.available);
      };

      // The shop's webhook for our change is applied (by the worker) while the push waits to commit.
      const before = await available();
      let since = await lastId();
      const held = await request(-2);
      let pushing: ReturnType<typeof push> | undefined;
      await owner.begin(async (sql) => {
        await sql`select id from inventory_requests where id = ${held} for update`;
        pushing = push(held);
        await vi.waitFor(async () => expect(await available()).toBe(before - 2), { timeout: 30_000, interval: 20 });
      });
      expect(await pushing!).toBe('applied');
      expect(await available()).toBe(before - 2);
      expect(await ledgerSince(since)).toEqual([{ source: 'platform', delta: -2 }]);
      await expectExact();

      // The push commits first: its own row, and the echo finds the level equal and writes none.
      since = await lastId();
      expect(await push(await request(3))).toBe('applied');
      await emulator.webhooks.idle();
      await waitForIdleSync(server, target.storeId, 30_000);
      expect(await available()).toBe(before + 1);
      expect(await ledgerSince(since)).toEqual([{ source: 'request', delta: 3 }]);
      await expectExact();
    } finally {
      await running.close();
      await emulator.close();
    }
  });
});
