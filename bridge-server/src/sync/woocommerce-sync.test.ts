import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { startWooCommerceEmulator, type WooCommerceEmulator } from '@dockhand/emulators';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startSyncWorkers } from '../runtime.ts';
import { apiClient, signedInOrg, testSecrets, startTestServer, type TestServer } from '../../test/support/test-server.ts';
import { startSiteGate } from '../../test/support/site-gate.ts';
import {
  connectWooSite,
  databaseOrderChecksum,
  emulatorOrderChecksum,
  sendWooWebhook,
  wooOrderBody,
} from '../../test/support/woo-fixture.ts';
import { openConnector } from '../platforms/registry.ts';
import { createQueueBackend } from './queue-backend.ts';
import { QueueSyncRunner } from './sync-queues.ts';

const redisUrl = process.env['DOCKHAND_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const bin = fileURLToPath(new URL('../../bin/dockhand.js', import.meta.url));

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function dropQueueKeys(prefix: string): Promise<void> {
  const redis = new Redis(redisUrl);
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
}

/** A test server whose sync work goes through BullMQ on Redis under a unique prefix. */
async function serverWithQueues(prefix: string): Promise<TestServer> {
  const backend = await createQueueBackend({ redisUrl, prefix });
  const server = await startTestServer({
    env: { DOCKHAND_OUTBOUND_ALLOW_HOSTS: '127.0.0.1:*', REDIS_URL: redisUrl },
    sync: new QueueSyncRunner(backend, { lockDuration: 2_000, stalledInterval: 1_000 }),
  });
  cleanups.push(
    () => server.close(),
    () => dropQueueKeys(prefix),
  );
  return server;
}

async function syncStates(server: TestServer, storeId: string) {
  return server.database.db.owner<
    { entity: string; status: string; processed: number; checkpoint: Date | null; last_error: string | null }[]
  >`
    select entity, status, processed, checkpoint, last_error from sync_state where store_id = ${storeId} order by entity`;
}

async function waitForIdleSync(server: TestServer, storeId: string, timeout: number): Promise<void> {
  await vi.waitFor(
    async () => {
      const states = await syncStates(server, storeId);
      const failed = states.find((state) => state.status === 'failed');
      if (failed) throw new Error(`sync of ${failed.entity} failed: ${failed.last_error}`);
      expect(states.map((state) => [state.entity, state.status, state.checkpoint !== null])).toEqual([
        ['customers', 'idle', true],
        ['inventory', 'idle', true],
        ['orders', 'idle', true],
        ['products', 'idle', true],
      ]);
    },
    { timeout, interval: 200 },
  );
}

describe('backfilling a WooCommerce store of 10,000 orders', () => {
  let emulator: WooCommerceEmulator;
  beforeAll(async () => {
    emulator = await startWooCommerceEmulator({ seed: 41, sites: 1, ordersPerSite: 10_000, allowInsecureLoopbackCallback: true });
  });
  afterAll(async () => {
    await emulator?.close();
  });

  it(
    'connected through wc-auth, leaves the database equal to the store, with progress visible',
    { timeout: 300_000 },
    async () => {
      const server = await serverWithQueues(`t_backfill_${randomBytes(4).toString('hex')}`);
      await startSyncWorkers(server.runtime.ctx, { sweepEveryMs: 60_000 });
      const site = emulator.sites[0]!;
      const { token } = await signedInOrg(server, 'WooBackfill');
      const api = apiClient(server.url);

      // The real connect flow: Dockhand → the store's wc-auth page (approves) → keys posted to our callback.
      const connect = await fetch(`${server.url}/woocommerce/connect?store_url=${encodeURIComponent(site.baseUrl)}`, {
        headers: { authorization: `Bearer ${token}` },
        redirect: 'manual',
      });
      expect(connect.status).toBe(302);
      const authorize = await fetch(connect.headers.get('location')!, { redirect: 'manual' });
      expect(authorize.headers.get('location')).toContain('success=1');
      const stores = await api('GET', '/v1/stores', { token });
      expect(stores.body.data).toHaveLength(1);
      expect(stores.body.data[0]).toMatchObject({ platform: 'woocommerce', status: 'active', hasCredentials: true });
      const storeId: string = stores.body.data[0].id;

      const started = await api('POST', `/v1/stores/${storeId}/sync`, { token, body: { mode: 'backfill' } });
      expect(started.status).toBe(202);
      // Progress shows while the orders run.
      await vi.waitFor(
        async () => {
          const orders = (await syncStates(server, storeId)).find((state) => state.entity === 'orders');
          expect(orders?.processed ?? 0).toBeGreaterThan(0);
        },
        { timeout: 120_000, interval: 100 },
      );
      await waitForIdleSync(server, storeId, 240_000);
      const status = await api('GET', `/v1/stores/${storeId}/sync`, { token });
      const orderStatus = status.body.data.entities.find((entity: { entity: string }) => entity.entity === 'orders');
      expect(orderStatus).toMatchObject({ status: 'idle', count: 10_000, processed: 10_000, total: 10_000, lastError: null });
      expect(orderStatus.lagSeconds).toEqual(expect.any(Number));

      const [expected, actual] = await Promise.all([
        emulatorOrderChecksum(site),
        databaseOrderChecksum(server.database.db.owner, storeId),
      ]);
      expect(actual.count).toBe(10_000);
      expect(actual).toEqual(expected);
      const [counts] = await server.database.db.owner<
        { products: number; customers: number; levels: number; lines: number; orphans: number }[]
      >`
      select (select count(*)::int from products where store_id = ${storeId}) as products,
             (select count(*)::int from customers where store_id = ${storeId}) as customers,
             (select count(*)::int from inventory_levels where store_id = ${storeId}) as levels,
             (select count(*)::int from order_lines where store_id = ${storeId}) as lines,
             (select count(*)::int from order_lines where store_id = ${storeId} and variant_id is null) as orphans`;
      expect(counts!.products).toBeGreaterThan(0);
      expect(counts!.customers).toBeGreaterThan(0);
      expect(counts!.levels).toBeGreaterThan(0);
      expect(counts!.lines).toBeGreaterThanOrEqual(10_000);
      // Products sync before orders, so every line finds its variant.
      expect(counts!.orphans).toBe(0);

      // The webhooks registered at connect time carry a live change in: a stock move on the store
      // reaches Dockhand's level and writes one ledger row.
      const [tracked] = await server.database.db.owner<{ platform_id: string; available: number }[]>`
      select v.platform_id, l.available from inventory_levels l join product_variants v on v.id = l.variant_id
      join products p on p.id = v.product_id
      where l.store_id = ${storeId} and p.platform_id = v.platform_id order by v.platform_id limit 1`;
      const newQuantity = tracked!.available + 7;
      emulator.control.setStock(site.id, Number(tracked!.platform_id), newQuantity);
      await emulator.control.flushWebhooks();
      await vi.waitFor(
        async () => {
          const [level] = await server.database.db.owner<{ available: number; ledger: number }[]>`
          select l.available, (select count(*)::int from inventory_ledger g where g.variant_id = l.variant_id and g.delta = 7) as ledger
          from inventory_levels l join product_variants v on v.id = l.variant_id
          where l.store_id = ${storeId} and v.platform_id = ${tracked!.platform_id}`;
          expect(level).toEqual({ available: newQuantity, ledger: 1 });
        },
        { timeout: 30_000, interval: 100 },
      );
    },
  );
});

describe('when the worker is killed with SIGKILL in the middle of a backfill', () => {
  it('a restarted worker completes it with no duplicates', { timeout: 300_000 }, async () => {
    const emulator = await startWooCommerceEmulator({ seed: 42, sites: 1, ordersPerSite: 6_000 });
    cleanups.push(() => emulator.close());
    const site = emulator.sites[0]!;
    const gate = await startSiteGate(site);
    cleanups.push(() => gate.close());
    const prefix = `t_crash_${randomBytes(4).toString('hex')}`;
    const server = await serverWithQueues(prefix);
    const { orgId, storeId } = await connectWooSite(server.runtime.ctx, { ...site, baseUrl: gate.baseUrl });
    const secrets = testSecrets();
    const workerEnv = {
      PATH: process.env['PATH'] ?? '',
      DATABASE_URL: server.database.ownerUrl,
      REDIS_URL: redisUrl,
      DOCKHAND_QUEUE_PREFIX: prefix,
      DOCKHAND_JOB_LOCK_MS: '2000',
      DOCKHAND_OUTBOUND_ALLOW_HOSTS: '127.0.0.1:*',
      DOCKHAND_KEYS: server.runtime.ctx.config.keyRing,
      DOCKHAND_JWT_SECRET: secrets.DOCKHAND_JWT_SECRET,
      LOG_LEVEL: 'warn',
    };
    const startWorker = (): ChildProcess => {
      const child = spawn(process.execPath, [bin, 'worker'], { env: workerEnv, stdio: ['ignore', 'ignore', 'inherit'] });
      cleanups.push(async () => {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGKILL');
          await new Promise((resolve) => child.once('exit', resolve));
        }
      });
      return child;
    };

    // The 16th orders page is held: the worker has committed 15 pages and waits for the next one.
    const heldOrdersPage = gate.holdOrdersList(16);
    await server.runtime.ctx.sync.requestSync({ orgId, storeId, mode: 'backfill' });
    const first = startWorker();
    await heldOrdersPage;
    const exited = new Promise((resolve) => first.once('exit', (_code, signal) => resolve(signal)));
    first.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    // What the kill cut off: a running orders backfill with a saved cursor, and in the database at most
    // the 15 pages (1,500 orders) the relay let through — never a finished one.
    const cutOff = (await syncStates(server, storeId)).find((state) => state.entity === 'orders')!;
    const [stored] = await server.database.db.owner<{ orders: number; cursor: string | null }[]>`
      select (select count(*)::int from orders where store_id = ${storeId}) as orders,
             (select cursor from sync_state where store_id = ${storeId} and entity = 'orders') as cursor`;
    expect(cutOff.status).toBe('running');
    expect(stored!.cursor).not.toBeNull();
    for (const count of [cutOff.processed, stored!.orders]) {
      expect(count).toBeGreaterThan(0);
      expect(count).toBeLessThanOrEqual(1_500);
    }

    startWorker();
    await waitForIdleSync(server, storeId, 180_000);
    const [expected, actual] = await Promise.all([
      emulatorOrderChecksum(site),
      databaseOrderChecksum(server.database.db.owner, storeId),
    ]);
    expect(actual).toEqual(expected);
    const [dupes] = await server.database.db.owner<{ orders: number; lines: number }[]>`
      select (select count(*) - count(distinct platform_id) from orders where store_id = ${storeId})::int as orders,
             (select count(*) - count(distinct (order_id, platform_id)) from order_lines where store_id = ${storeId})::int as lines`;
    expect(dupes).toEqual({ orders: 0, lines: 0 });
  });
});

describe('when Redis loses the queue in the middle of ingest', () => {
  it('the sweeper restores every stored webhook and each is applied once', { timeout: 120_000 }, async () => {
    const prefix = `t_flush_${randomBytes(4).toString('hex')}`;
    const server = await serverWithQueues(prefix);
    const emulator = await startWooCommerceEmulator({ seed: 43, sites: 1, ordersPerSite: 10 });
    cleanups.push(() => emulator.close());
    const { storeId, webhookSecret } = await connectWooSite(server.runtime.ctx, emulator.sites[0]!);
    const deliver = async (n: number) => {
      const response = await sendWooWebhook(server.url, {
        storeId,
        secret: webhookSecret,
        topic: 'order.created',
        body: wooOrderBody(7000 + n, `buyer${n}@example.test`),
      });
      expect(response.status).toBe(200);
    };
    for (let n = 0; n < 100; n++) await deliver(n);
    await dropQueueKeys(prefix); // everything queued so far is gone
    for (let n = 100; n < 200; n++) await deliver(n);
    await dropQueueKeys(prefix);

    await startSyncWorkers(server.runtime.ctx, { sweepEveryMs: 300, sweepOlderThanSeconds: 0 });
    await vi.waitFor(
      async () => {
        const [row] = await server.database.db.owner<{ applied: number; orders: number }[]>`
          select (select count(*)::int from webhook_events where store_id = ${storeId} and status = 'applied') as applied,
                 (select count(*)::int from orders where store_id = ${storeId} and platform_id::int between 7000 and 7199) as orders`;
        expect(row).toEqual({ applied: 200, orders: 200 });
      },
      { timeout: 60_000, interval: 200 },
    );
  });
});

// Webhooks in the background (a store's default) or inside the request that made the change (asynchronous
// delivery off): then the echo can be applied before the push commits.
describe.each([false, true])('#8.7 pushing a request to WooCommerce (webhooks inside the PUT: %s)', (synchronous) => {
  it(
    'applies it once with compare-and-set; the echoing webhook writes no second ledger row; a stale expectation is a conflict',
    { timeout: 120_000 },
    async () => {
      const emulator = await startWooCommerceEmulator({
        seed: 44,
        sites: 1,
        ordersPerSite: 20,
        duplicateOrderUpdated: true,
        synchronousWebhooks: synchronous,
      });
      cleanups.push(() => emulator.close());
      const server = await serverWithQueues(`t_push_${randomBytes(4).toString('hex')}`);
      await startSyncWorkers(server.runtime.ctx, { sweepEveryMs: 500, sweepOlderThanSeconds: 0 });
      const site = emulator.sites[0]!;
      const { orgId, storeId } = await connectWooSite(server.runtime.ctx, site);
      const { ctx } = server.runtime;
      const connector = await openConnector({ db: ctx.db, stores: ctx.stores, outbound: ctx.outbound }, { orgId, storeId });
      await connector.registerWebhooks(`${server.url}/webhooks/woocommerce/${storeId}`);
      await ctx.sync.requestSync({ orgId, storeId, mode: 'backfill' });
      await waitForIdleSync(server, storeId, 60_000);

      const owner = server.database.db.owner;
      const [level] = await owner<{ variant_id: string; location_id: string; available: number; platform_id: string }[]>`
      select l.variant_id, l.location_id, l.available, v.platform_id from inventory_levels l
      join product_variants v on v.id = l.variant_id join products p on p.id = v.product_id
      where l.store_id = ${storeId} and p.platform_id = v.platform_id and l.available > 5 order by v.platform_id limit 1`;
      const request = async (delta: number) => {
        const [row] = await owner<{ id: string }[]>`
        insert into inventory_requests (org_id, store_id, variant_id, location_id, delta, reason, status, requested_by)
        values (${orgId}, ${storeId}, ${level!.variant_id}, ${level!.location_id}, ${delta}, 'cycle count', 'approved', ${orgId})
        returning id`;
        return row!.id;
      };
      const settled = (id: string) =>
        vi.waitFor(
          async () => {
            const [row] = await owner<{ status: string }[]>`select status from inventory_requests where id = ${id}`;
            expect(['applied', 'conflict', 'failed']).toContain(row!.status);
            return row!.status;
          },
          { timeout: 30_000, interval: 100 },
        );

      // The first rows of a level are the backfill's or, when the first reconcile got there first, the reconcile's.
      const [{ since } = { since: 0 }] = await owner<
        { since: number }[]
      >`select coalesce(max(id), 0)::int as since from inventory_ledger`;
      const first = await request(-3);
      // Asked twice (a retried push): one change on the store.
      await Promise.all([ctx.sync.requestPush({ orgId, requestId: first }), ctx.sync.requestPush({ orgId, requestId: first })]);
      expect(await settled(first)).toBe('applied');
      await emulator.control.flushWebhooks();
      const productId = Number(level!.platform_id);
      const remote = (await connector.fetchPage('inventory', { since: null, cursor: null })).items.find(
        (item) => 'platformId' in item.item.variant && item.item.variant.platformId === String(productId),
      );
      expect(remote?.item.available).toBe(level!.available - 3);
      // The store's own product.updated for our change comes back: recognised, no second row.
      await vi.waitFor(
        async () => {
          const [inbox] = await owner<{ pending: number; echoes: number }[]>`
          select count(*) filter (where status = 'received')::int as pending,
                 count(*) filter (where topic = 'product.updated' and status = 'applied')::int as echoes
          from webhook_events where store_id = ${storeId}`;
          expect(inbox!.pending).toBe(0);
          expect(inbox!.echoes).toBeGreaterThanOrEqual(1);
        },
        { timeout: 30_000, interval: 100 },
      );
      const ledger = await owner<{ source: string; delta: number }[]>`
      select source, delta from inventory_ledger where variant_id = ${level!.variant_id} and id > ${since} order by id`;
      // One row for the one change: the push's own, or the echo's when the echo was applied first.
      expect(ledger).toEqual([{ source: expect.stringMatching(/^(request|platform)$/), delta: -3 }]);
      const [exact] = await owner<{ available: number; ledger: number }[]>`
      select l.available, (select sum(g.delta)::int from inventory_ledger g where g.variant_id = l.variant_id) as ledger
      from inventory_levels l where l.variant_id = ${level!.variant_id}`;
      expect(exact).toEqual({ available: level!.available - 3, ledger: level!.available - 3 });

      // Someone changed the stock on the store and Dockhand has not heard yet: the next push is refused.
      await owner`update inventory_levels set available = available + 100 where variant_id = ${level!.variant_id}`;
      const second = await request(2);
      await ctx.sync.requestPush({ orgId, requestId: second });
      expect(await settled(second)).toBe('conflict');
    },
  );
});
