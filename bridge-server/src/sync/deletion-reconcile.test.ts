import { randomBytes } from 'node:crypto';
import {
  startShopifyEmulator,
  startWooCommerceEmulator,
  type ShopifyEmulator,
  type WooCommerceEmulator,
} from '@dockhand/emulators';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { systemPrincipal, withPrincipal } from '../db/principal.ts';
import { createOrganization } from '../domain/users/user-service.ts';
import { PlatformAuthError, type DeletableEntity, type StoreConnector } from '../platforms/connector.ts';
import { openConnector } from '../platforms/registry.ts';
import { CostBucket } from '../platforms/shopify/admin-client.ts';
import { createShopifyConnector, type ShopifyConnector } from '../platforms/shopify/connector.ts';
import type { WooCommerceConnector } from '../platforms/woocommerce/connector.ts';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import { connectWooSite } from '../../test/support/woo-fixture.ts';
import { applyWebhookEvent } from './apply-webhook.ts';
import { syncStore } from './backfill.ts';
import { reconcileDeletions, runDeletionJob } from './deletion-reconcile.ts';
import { startSyncWorkers } from '../runtime.ts';
import { createQueueBackend } from './queue-backend.ts';
import { QueueSyncRunner } from './sync-queues.ts';

const redisUrl = process.env['DOCKHAND_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/**
 * Deletions whose webhook never arrived: the store deletes records while its deliveries are
 * dropped (Shopify: the emulator's drop fault; WooCommerce: the store's webhooks paused, which
 * WooCommerce never replays), then the id-set reconcile runs against the emulator and the rows
 * become tombstones, with their history kept and nothing else touched. A deletion delivered as
 * usual is tombstoned by its webhook. Webhooks are applied through the real apply path.
 */

type Table = 'orders' | 'products' | 'customers';
type Target = { orgId: string; storeId: string };

interface Harness {
  server: TestServer;
  target: Target;
}

const owner = (h: Harness) => h.server.database.db.owner;

async function applyInbox(h: Harness): Promise<void> {
  const rows = await owner(h)<{ id: string }[]>`
    select id from webhook_events where store_id = ${h.target.storeId} and status = 'received' order by received_at, id`;
  for (const row of rows) await applyWebhookEvent(h.server.runtime.ctx.db, { orgId: h.target.orgId, eventId: row.id });
}

async function deletedAt(h: Harness, table: Table, platformId: string): Promise<Date | null | undefined> {
  const rows = await owner(h)<{ deleted_at: Date | null }[]>`
    select deleted_at from ${owner(h)(table)} where store_id = ${h.target.storeId} and platform_id = ${platformId}`;
  return rows[0]?.deleted_at;
}

/** Every tombstone of the store, as `table:platformId`. */
async function tombstones(h: Harness): Promise<string[]> {
  const rows = await owner(h)<{ key: string }[]>`
    select 'orders:' || platform_id as key from orders where store_id = ${h.target.storeId} and deleted_at is not null
    union all
    select 'products:' || platform_id from products where store_id = ${h.target.storeId} and deleted_at is not null
    union all
    select 'customers:' || platform_id from customers where store_id = ${h.target.storeId} and deleted_at is not null`;
  return rows.map((row) => row.key).sort();
}

/** Rows kept (tombstones included) and what refers to them. */
async function counts(h: Harness) {
  const [row] = await owner(h)<{ orders: number; products: number; customers: number; ledger: number; returns: number }[]>`
    select (select count(*)::int from orders where store_id = ${h.target.storeId}) as orders,
           (select count(*)::int from products where store_id = ${h.target.storeId}) as products,
           (select count(*)::int from customers where store_id = ${h.target.storeId}) as customers,
           (select count(*)::int from inventory_ledger where store_id = ${h.target.storeId}) as ledger,
           (select count(*)::int from returns where store_id = ${h.target.storeId}) as returns`;
  return row!;
}

/**
 * Picks live rows to delete: an order (the newest, in the listing's last page, or the oldest, in
 * its first), a product with stock history and a customer (optionally one without orders).
 */
async function pick(h: Harness, options: { customerWithoutOrders: boolean; oldestOrder?: boolean }) {
  const [order] = await owner(h)<{ id: string; platform_id: string }[]>`
    select id, platform_id from orders where store_id = ${h.target.storeId} and deleted_at is null
    order by ${options.oldestOrder ? 1 : -1}::int * platform_id::numeric limit 1`;
  const [product] = await owner(h)<{ platform_id: string }[]>`
    select p.platform_id from products p
    where p.store_id = ${h.target.storeId} and p.deleted_at is null
      and exists (select 1 from inventory_ledger g join product_variants v on v.id = g.variant_id where v.product_id = p.id)
    order by length(p.platform_id), p.platform_id limit 1`;
  const [customer] = await owner(h)<{ platform_id: string }[]>`
    select c.platform_id from customers c
    where c.store_id = ${h.target.storeId} and c.deleted_at is null
      and (${!options.customerWithoutOrders} or not exists (select 1 from orders o where o.customer_id = c.id))
    order by length(c.platform_id), c.platform_id limit 1`;
  expect(order && product && customer).toBeTruthy();
  return { order: order!, product: product!.platform_id, customer: customer!.platform_id };
}

/** A return against the order, so its history is there to keep. */
async function addReturn(h: Harness, orderId: string): Promise<void> {
  await owner(h)`
    insert into returns (org_id, store_id, order_id, status, reason)
    values (${h.target.orgId}, ${h.target.storeId}, ${orderId}, 'requested', 'does not fit')`;
}

/**
 * Forwards to the real connector; after its first page of ids, runs `between` (e.g. revokes its
 * credentials). `asked` counts the pages asked for.
 */
function interruptedAfterFirstPage(
  connector: StoreConnector,
  between: () => void | Promise<void>,
): StoreConnector & { asked: number } {
  const wrapped = Object.assign(Object.create(connector) as StoreConnector, {
    asked: 0,
    async listIds(entity: DeletableEntity, cursor: string | null) {
      if (wrapped.asked++ === 1) await between();
      return connector.listIds(entity, cursor);
    },
  });
  return wrapped;
}

async function reconcileAll(h: Harness, connector: StoreConnector) {
  const results = [];
  for (const entity of ['orders', 'products', 'customers'] as const) {
    results.push(await reconcileDeletions(h.server.runtime.ctx.db, h.target, connector, entity));
  }
  return results;
}

describe('WooCommerce: deletions whose webhook never came', () => {
  let emulator: WooCommerceEmulator;
  let h: Harness;
  let connector: WooCommerceConnector;
  let hookIds: number[];

  beforeAll(async () => {
    // 250 orders: the id listing takes three pages of 100 (each re-reading the last id of the one before).
    emulator = await startWooCommerceEmulator({ seed: 95, sites: 1, ordersPerSite: 250 });
    const server = await startTestServer({ env: { DOCKHAND_OUTBOUND_ALLOW_HOSTS: '127.0.0.1:*' } });
    const { ctx } = server.runtime;
    const { orgId, storeId } = await connectWooSite(ctx, emulator.sites[0]!);
    h = { server, target: { orgId, storeId } };
    connector = (await openConnector(
      { db: ctx.db, stores: ctx.stores, outbound: ctx.outbound },
      h.target,
    )) as WooCommerceConnector;
    await connector.registerWebhooks(`${server.url}/webhooks/woocommerce/${storeId}`);
    hookIds = emulator.control.listWebhooks(emulator.sites[0]!.id).map((hook) => hook.id);
    await syncStore(ctx.db, h.target, connector, 'backfill');
    await emulator.control.flushWebhooks();
    await applyInbox(h);
  }, 120_000);

  afterAll(async () => {
    await h?.server.close();
    await emulator?.close();
  });

  const setHooks = async (status: 'active' | 'paused') => {
    for (const id of hookIds) await connector.client.request('PUT', `webhooks/${id}`, { body: { status } });
  };

  it('lists every id once, ascending, across pages', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof connector.listIds>> = await connector.listIds('orders', cursor);
      seen.push(...page.ids);
      cursor = page.nextCursor;
    } while (cursor);
    const [row] = await owner(h)<{ count: number }[]>`
      select count(*)::int as count from orders where store_id = ${h.target.storeId} and deleted_at is null`;
    expect(seen).toHaveLength(row!.count);
    expect(seen.map(Number)).toEqual([...seen.map(Number)].sort((a, b) => a - b));
  });

  it('tombstones a deletion delivered as usual through its webhook', async () => {
    const { order } = await pick(h, { customerWithoutOrders: true });
    await connector.client.request('DELETE', `orders/${order.platform_id}`);
    await emulator.control.flushWebhooks();
    await applyInbox(h);
    expect(await deletedAt(h, 'orders', order.platform_id)).toBeInstanceOf(Date);
  });

  it('tombstones exactly the records deleted while deliveries were dropped, keeping their history', async () => {
    const before = await tombstones(h);
    const picked = await pick(h, { customerWithoutOrders: true });
    await addReturn(h, picked.order.id);
    const kept = await counts(h);
    const inbox = async () =>
      (
        await owner(h)<
          { count: number }[]
        >`select count(*)::int as count from webhook_events where store_id = ${h.target.storeId}`
      )[0]!.count;
    const delivered = await inbox();

    await setHooks('paused');
    // An order and a product go to the trash; a customer can only be deleted for good.
    await connector.client.request('DELETE', `orders/${picked.order.platform_id}`);
    await connector.client.request('DELETE', `products/${picked.product}`);
    await connector.client.request('DELETE', `customers/${picked.customer}`, { query: { force: 'true' } });
    await emulator.control.flushWebhooks();
    await setHooks('active');
    expect(await inbox()).toBe(delivered);
    expect(await deletedAt(h, 'orders', picked.order.platform_id)).toBeNull();

    const start = new Date();
    const results = await reconcileAll(h, connector);
    expect(results.map((result) => [result.entity, result.tombstoned])).toEqual([
      ['orders', [picked.order.platform_id]],
      ['products', [picked.product]],
      ['customers', [picked.customer]],
    ]);
    expect(results[0]!.pages).toBe(3);
    expect(await tombstones(h)).toEqual(
      [...before, `orders:${picked.order.platform_id}`, `products:${picked.product}`, `customers:${picked.customer}`].sort(),
    );
    for (const [table, id] of [
      ['orders', picked.order.platform_id],
      ['products', picked.product],
      ['customers', picked.customer],
    ] as const) {
      expect((await deletedAt(h, table, id))!.getTime()).toBeGreaterThanOrEqual(start.getTime() - 1_000);
    }
    // Rows kept, ledger and returns whole; a second run finds nothing more.
    expect(await counts(h)).toEqual(kept);
    expect((await reconcileAll(h, connector)).flatMap((result) => result.tombstoned)).toEqual([]);
  });

  it('skips no id when records before the offset are deleted during the listing', async () => {
    const db = h.server.runtime.ctx.db;
    const before = await tombstones(h);
    const firstPage = (await connector.listIds('orders', null)).ids;
    const early = firstPage.slice(0, 3);
    await setHooks('paused');
    // Between the first and the second page, three orders of the first page go: offset paging
    // alone would start the second page three ids late, and those three would look deleted.
    const deleting = interruptedAfterFirstPage(connector, async () => {
      for (const id of early) await connector.client.request('DELETE', `orders/${id}`, { query: { force: 'true' } });
    });
    const during = await reconcileDeletions(db, h.target, deleting, 'orders');
    expect(during.tombstoned).toEqual([]);
    expect(await tombstones(h)).toEqual(before);
    // They were listed before they went: the next run finds them.
    const next = await reconcileDeletions(db, h.target, connector, 'orders');
    expect(new Set(next.tombstoned)).toEqual(new Set(early));
    await setHooks('active');
  });

  it('tombstones nothing when the listing fails part-way', async () => {
    const before = await tombstones(h);
    // The oldest order: its range is compared on the first page, before the listing fails.
    const picked = await pick(h, { customerWithoutOrders: true, oldestOrder: true });
    await setHooks('paused');
    await connector.client.request('DELETE', `orders/${picked.order.platform_id}`, { query: { force: 'true' } });
    await emulator.control.flushWebhooks();
    await setHooks('active');
    const site = emulator.sites[0]!;
    // The merchant revokes Dockhand's key after the first page: the listing stops with an error.
    const failing = interruptedAfterFirstPage(connector, () => {
      emulator.control.revokeApiKey(site.id, site.keyId);
    });
    await expect(reconcileDeletions(h.server.runtime.ctx.db, h.target, failing, 'orders')).rejects.toBeInstanceOf(
      PlatformAuthError,
    );
    expect(failing.asked).toBe(2);
    expect(await tombstones(h)).toEqual(before);
  });
});

describe('Shopify: deletions whose webhook never came', () => {
  let emulator: ShopifyEmulator;
  let h: Harness;
  let connector: ShopifyConnector;
  let shop: string;

  const connectorWith = (accessToken: string) =>
    createShopifyConnector({
      shopDomain: shop,
      accessToken,
      apiVersion: emulator.apiVersion,
      shopBaseUrl: emulator.shops[0]!.baseUrl,
      bucket: new CostBucket(),
    });

  beforeAll(async () => {
    // 300 orders: the id listing takes two pages of 250.
    emulator = await startShopifyEmulator({
      seed: 96,
      shops: 1,
      ordersPerShop: 300,
      // Recent orders: the order id listing covers the last 59 days only (see the window test).
      dataEndsAt: new Date(),
      historyDays: 30,
      bucket: { maximumAvailable: 100_000, restoreRate: 100_000 },
    });
    shop = emulator.shops[0]!.domain;
    const server = await startTestServer({
      env: {
        SHOPIFY_API_KEY: emulator.apiKey,
        SHOPIFY_API_SECRET: emulator.apiSecret,
        SHOPIFY_ADMIN_BASE_URL: `${emulator.url}/shops/{shop}`,
      },
    });
    const { orgId } = await createOrganization(server.runtime.ctx.db, {
      name: shop,
      adminEmail: `owner-${randomBytes(4).toString('hex')}@example.test`,
      adminPassword: 'correct horse battery staple',
    });
    const storeId = await withPrincipal(server.runtime.ctx.db, systemPrincipal(orgId), async (tx) => {
      const [row] = await tx<{ id: string }[]>`
        insert into stores (org_id, platform, name, shop_domain, status) values (${orgId}, 'shopify', ${shop}, ${shop}, 'active')
        returning id`;
      return row!.id;
    });
    h = { server, target: { orgId, storeId } };
    connector = connectorWith(emulator.issueAccessToken(shop).access_token);
    await connector.registerWebhooks(`${server.url}/webhooks/shopify`);
    await syncStore(server.runtime.ctx.db, h.target, connector, 'backfill');
  }, 120_000);

  afterAll(async () => {
    await h?.server.close();
    await emulator?.close();
  });

  /** Every delivery made so far answered, then the inbox applied. */
  const settle = async () => {
    await emulator.webhooks.idle();
    await applyInbox(h);
  };

  it('subscribes to the three delete topics', () => {
    const topics = emulator.webhooks.subscriptions(shop).map((subscription) => subscription.topic);
    expect(topics).toEqual(expect.arrayContaining(['orders/delete', 'products/delete', 'customers/delete']));
  });

  it('tombstones deletions delivered as usual through their webhooks', async () => {
    const { order, product, customer } = await pick(h, { customerWithoutOrders: true });
    emulator.control.deleteOrder(shop, order.platform_id);
    emulator.control.deleteProduct(shop, product);
    emulator.control.deleteCustomer(shop, customer);
    await settle();
    const applied = await owner(h)<{ topic: string; status: string }[]>`
      select topic, status from webhook_events where store_id = ${h.target.storeId} and topic like '%/delete' order by topic`;
    expect(applied).toEqual([
      { topic: 'customers/delete', status: 'applied' },
      { topic: 'orders/delete', status: 'applied' },
      { topic: 'products/delete', status: 'applied' },
    ]);
    expect(await tombstones(h)).toEqual([`customers:${customer}`, `orders:${order.platform_id}`, `products:${product}`].sort());
  });

  it('tombstones exactly the records deleted while deliveries were dropped, keeping their history', async () => {
    await settle();
    const before = await tombstones(h);
    const picked = await pick(h, { customerWithoutOrders: true });
    await addReturn(h, picked.order.id);
    const kept = await counts(h);

    emulator.webhooks.setFaults({ drop: true });
    emulator.control.deleteOrder(shop, picked.order.platform_id);
    emulator.control.deleteProduct(shop, picked.product);
    emulator.control.deleteCustomer(shop, picked.customer);
    emulator.webhooks.clearFaults();
    await settle();
    const dropped = emulator.webhooks.deliveries().filter((delivery) => delivery.outcome === 'dropped');
    expect(dropped.map((delivery) => delivery.topic).sort()).toEqual(['customers/delete', 'orders/delete', 'products/delete']);
    expect(await tombstones(h)).toEqual(before);

    const start = new Date();
    const results = await reconcileAll(h, connector);
    expect(results.map((result) => [result.entity, result.tombstoned])).toEqual([
      ['orders', [picked.order.platform_id]],
      ['products', [picked.product]],
      ['customers', [picked.customer]],
    ]);
    expect(results[0]!.pages).toBe(2);
    expect(await tombstones(h)).toEqual(
      [...before, `orders:${picked.order.platform_id}`, `products:${picked.product}`, `customers:${picked.customer}`].sort(),
    );
    expect((await deletedAt(h, 'orders', picked.order.platform_id))!.getTime()).toBeGreaterThanOrEqual(start.getTime() - 1_000);
    expect(await counts(h)).toEqual(kept);
    expect((await reconcileAll(h, connector)).flatMap((result) => result.tombstoned)).toEqual([]);
  });

  it('tombstones nothing when the listing fails part-way', async () => {
    const before = await tombstones(h);
    // The oldest order: its range is compared on the first page, before the listing fails.
    const picked = await pick(h, { customerWithoutOrders: true, oldestOrder: true });
    emulator.webhooks.setFaults({ drop: true });
    emulator.control.deleteOrder(shop, picked.order.platform_id);
    emulator.webhooks.clearFaults();
    await settle();
    // The app is uninstalled after the first page (its tokens revoked): the second page fails.
    const own = connectorWith(emulator.issueAccessToken(shop).access_token);
    const failing = interruptedAfterFirstPage(own, () => emulator.control.uninstall(shop));
    await expect(reconcileDeletions(h.server.runtime.ctx.db, h.target, failing, 'orders')).rejects.toBeInstanceOf(
      PlatformAuthError,
    );
    expect(failing.asked).toBe(2);
    expect(await tombstones(h)).toEqual(before);
  });
});

describe('Shopify: the order listing covers the last 59 days only', () => {
  let emulator: ShopifyEmulator;
  let h: Harness;
  let connector: ShopifyConnector;
  let shop: string;

  beforeAll(async () => {
    // 60 orders over the last 120 days: about half are older than a shop without
    // read_all_orders may list, and the window keeps them out of the judgement.
    emulator = await startShopifyEmulator({ seed: 98, shops: 1, ordersPerShop: 60, dataEndsAt: new Date(), historyDays: 120 });
    shop = emulator.shops[0]!.domain;
    const server = await startTestServer({
      env: {
        SHOPIFY_API_KEY: emulator.apiKey,
        SHOPIFY_API_SECRET: emulator.apiSecret,
        SHOPIFY_ADMIN_BASE_URL: `${emulator.url}/shops/{shop}`,
      },
    });
    const { orgId } = await createOrganization(server.runtime.ctx.db, {
      name: shop,
      adminEmail: `owner-${randomBytes(4).toString('hex')}@example.test`,
      adminPassword: 'correct horse battery staple',
    });
    const storeId = await withPrincipal(server.runtime.ctx.db, systemPrincipal(orgId), async (tx) => {
      const [row] = await tx<{ id: string }[]>`
        insert into stores (org_id, platform, name, shop_domain, status) values (${orgId}, 'shopify', ${shop}, ${shop}, 'active')
        returning id`;
      return row!.id;
    });
    h = { server, target: { orgId, storeId } };
    connector = createShopifyConnector({
      shopDomain: shop,
      accessToken: emulator.issueAccessToken(shop).access_token,
      apiVersion: emulator.apiVersion,
      shopBaseUrl: emulator.shops[0]!.baseUrl,
      bucket: new CostBucket(),
    });
    await connector.registerWebhooks(`${server.url}/webhooks/shopify`);
    await syncStore(server.runtime.ctx.db, h.target, connector, 'backfill');
  }, 120_000);

  afterAll(async () => {
    await h?.server.close();
    await emulator?.close();
  });

  /** Dockhand's live order placed closest to `daysAgo` days ago. */
  const orderPlaced = async (daysAgo: number) => {
    const [row] = await owner(h)<{ platform_id: string; placed_at: Date }[]>`
      select platform_id, placed_at from orders where store_id = ${h.target.storeId} and deleted_at is null
      order by abs(extract(epoch from (now() - make_interval(days => ${daysAgo}) - placed_at))) limit 1`;
    return row!;
  };

  it('tombstones a recent order deleted unheard, never one placed 90 days ago that the listing leaves out', async () => {
    const old = await orderPlaced(90);
    const recent = await orderPlaced(10);
    expect(Date.now() - old.placed_at.getTime()).toBeGreaterThan(85 * 86_400_000);
    expect(Date.now() - recent.placed_at.getTime()).toBeLessThan(15 * 86_400_000);

    const first = await connector.listIds('orders', null);
    const from = new Date(first.coversFrom!).getTime();
    expect(Math.abs(Date.now() - 59 * 86_400_000 - from)).toBeLessThan(60_000);
    expect(first.ids).toContain(recent.platform_id);
    expect(first.ids).not.toContain(old.platform_id);
    const [row] = await owner(h)<{ inside: number }[]>`
      select count(*)::int as inside from orders where store_id = ${h.target.storeId} and placed_at >= ${new Date(from)}`;
    const inside = row!.inside;
    expect(first.ids.length).toBe(inside);
    expect(inside).toBeGreaterThan(0);
    expect(inside).toBeLessThan(60);

    // Both deleted on the store with their webhooks dropped: only the reconcile can tell.
    emulator.webhooks.setFaults({ drop: true });
    emulator.control.deleteOrder(shop, old.platform_id);
    emulator.control.deleteOrder(shop, recent.platform_id);
    emulator.webhooks.clearFaults();
    await emulator.webhooks.idle();
    await applyInbox(h);
    expect(await tombstones(h)).toEqual([]);

    const result = await reconcileDeletions(h.server.runtime.ctx.db, h.target, connector, 'orders');
    expect(result.tombstoned).toEqual([recent.platform_id]);
    expect(result.listed).toBe(inside - 1);
    // Every order older than the window is still live, the deleted one included.
    expect(await tombstones(h)).toEqual([`orders:${recent.platform_id}`]);
    expect(await deletedAt(h, 'orders', old.platform_id)).toBeNull();
  });
});

/** A store whose order was deleted with no webhook registered: only a scheduled run can find it. */
async function storeThatLostAnOrder(server: TestServer, site: WooCommerceEmulator['sites'][number]) {
  const { ctx } = server.runtime;
  const { orgId, storeId } = await connectWooSite(ctx, site);
  const h: Harness = { server, target: { orgId, storeId } };
  const connector = (await openConnector(
    { db: ctx.db, stores: ctx.stores, outbound: ctx.outbound },
    h.target,
  )) as WooCommerceConnector;
  await syncStore(ctx.db, h.target, connector, 'backfill');
  const { order } = await pick(h, { customerWithoutOrders: false });
  await connector.client.request('DELETE', `orders/${order.platform_id}`, { query: { force: 'true' } });
  return { h, order: order.platform_id, deps: { db: ctx.db, stores: ctx.stores, outbound: ctx.outbound } };
}

describe('the scheduled run', () => {
  let emulator: WooCommerceEmulator;
  let server: TestServer;
  let queued: TestServer | undefined;
  const prefix = `t_deletions_${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    emulator = await startWooCommerceEmulator({ seed: 97, sites: 2, ordersPerSite: 5 });
    server = await startTestServer({ env: { DOCKHAND_OUTBOUND_ALLOW_HOSTS: '127.0.0.1:*' } });
  });

  afterAll(async () => {
    await queued?.close();
    const redis = new Redis(redisUrl);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    await server?.close();
    await emulator?.close();
  });

  it('runs on BullMQ as a job scheduler per store and entity, one interval after the store is seen', async () => {
    const backend = await createQueueBackend({ redisUrl, prefix });
    queued = await startTestServer({ env: { DOCKHAND_OUTBOUND_ALLOW_HOSTS: '127.0.0.1:*' }, sync: new QueueSyncRunner(backend) });
    const { h, order } = await storeThatLostAnOrder(queued, emulator.sites[1]!);
    const scheduledAt = Date.now();
    await startSyncWorkers(queued.runtime.ctx, { reconcileEveryMs: 3_600_000, deletionsEveryMs: 1_000, sweepEveryMs: 200 });
    await vi.waitFor(async () => expect(await deletedAt(h, 'orders', order)).toBeInstanceOf(Date), {
      timeout: 30_000,
      interval: 100,
    });
    expect(Date.now() - scheduledAt).toBeGreaterThanOrEqual(1_000);
  });

  it('runs on its own interval in the embedded runner and tombstones what the store lost', async () => {
    const { h, order, deps } = await storeThatLostAnOrder(server, emulator.sites[0]!);
    // Run by hand first, for products: all still there, nothing to do.
    const [products] = await runDeletionJob(server.runtime.ctx.db, deps, { ...h.target, entity: 'products' });
    expect(products).toMatchObject({ entity: 'products', tombstoned: [] });
    await startSyncWorkers(server.runtime.ctx, { reconcileEveryMs: 3_600_000, deletionsEveryMs: 200, sweepEveryMs: 3_600_000 });
    await vi.waitFor(async () => expect(await deletedAt(h, 'orders', order)).toBeInstanceOf(Date), {
      timeout: 20_000,
      interval: 100,
    });
  });
});
