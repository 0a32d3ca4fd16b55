import { randomBytes } from 'node:crypto';
import { startWooCommerceEmulator, type WooCommerceEmulator } from '@dockhand/emulators';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Page, StoreConnector } from '../../platforms/connector.ts';
import type { NormalizedInventoryLevel } from '../../platforms/model.ts';
import { openConnector } from '../../platforms/registry.ts';
import { DEFAULT_RETRY } from '../../platforms/woocommerce/rest-client.ts';
import { connectorDeps, startSyncWorkers } from '../../runtime.ts';
import { syncEntity, syncStore } from '../../sync/backfill.ts';
import { EmbeddedSyncRunner } from '../../sync/embedded-sync-runner.ts';
import { createQueueBackend } from '../../sync/queue-backend.ts';
import { QueueSyncRunner } from '../../sync/sync-queues.ts';
import type { SyncRunner } from '../../sync/sync-runner.ts';
import { dropRedisKeys } from '../../../test/support/redis-keys.ts';
import { apiClient, memberSession, startTestServer, type Api, type TestServer } from '../../../test/support/test-server.ts';
import { connectWooSite } from '../../../test/support/woo-fixture.ts';

/**
 * The approval workflow end to end: HTTP API → request → approval → push job on a real runner →
 * the WooCommerce emulator → level, ledger, audit and events. Once on BullMQ/Redis and once on
 * the in-process runner (the embedded default), with the same tests.
 *
 * The store's webhooks are not registered: Dockhand hears the store's own changes only when a
 * test reconciles, so a push's change is always recorded by the push (never by its echo) and a
 * change on the store stays unknown to Dockhand until the test says so.
 */

const redisUrl = process.env['DOCKHAND_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
/** Two tries per round, 200 ms apart: a failure is retried once, then the request is `failed`. */
const RETRY = { attempts: 2, delayMs: 200 };

interface Level {
  variantId: string;
  locationId: string;
  productId: number;
}

interface RunnerKind {
  name: string;
  make(): Promise<{ sync: SyncRunner | ((db: TestServer['database']['db']) => SyncRunner); cleanup(): Promise<void> }>;
}

const RUNNERS: RunnerKind[] = [
  {
    name: 'BullMQ on Redis',
    async make() {
      const prefix = `t_inventory_${randomBytes(4).toString('hex')}`;
      const backend = await createQueueBackend({
        redisUrl,
        prefix,
        defaultJobOptions: { attempts: RETRY.attempts, backoff: { type: 'exponential', delay: RETRY.delayMs } },
      });
      return { sync: new QueueSyncRunner(backend), cleanup: () => dropRedisKeys(redisUrl, prefix) };
    },
  },
  {
    name: 'the in-process runner',
    async make() {
      return { sync: (db) => new EmbeddedSyncRunner(db, 5_000, RETRY), cleanup: async () => {} };
    },
  },
];

for (const runner of RUNNERS) {
  describe(`inventory requests (${runner.name})`, () => {
    let emulator: WooCommerceEmulator;
    let server: TestServer;
    let cleanup: () => Promise<void>;
    let api: Api;
    let connector: StoreConnector;
    let target: { orgId: string; storeId: string };
    let levels: Level[];
    let owner: { token: string };
    let admin: { token: string; userId: string };
    let merchant: { token: string; userId: string; email: string };
    let workersStarted = false;

    const db = () => server.database.db.owner;
    const siteId = () => emulator.sites[0]!.id;

    beforeAll(async () => {
      emulator = await startWooCommerceEmulator({ seed: 71, sites: 1, ordersPerSite: 20 });
      const made = await runner.make();
      cleanup = made.cleanup;
      server = await startTestServer({ env: { DOCKHAND_OUTBOUND_ALLOW_HOSTS: '127.0.0.1:*' }, sync: made.sync });
      api = apiClient(server.url);
      const { ctx } = server.runtime;
      const connected = await connectWooSite(ctx, emulator.sites[0]!);
      target = { orgId: connected.orgId, storeId: connected.storeId };
      connector = await openConnector(connectorDeps(ctx), target);
      await syncStore(ctx.db, target, connector, 'backfill');
      const rows = await db()<{ variant_id: string; location_id: string; platform_id: string }[]>`
        select l.variant_id, l.location_id, v.platform_id from inventory_levels l
        join product_variants v on v.id = l.variant_id join products p on p.id = v.product_id
        where l.store_id = ${target.storeId} and p.platform_id = v.platform_id and l.available > 20
        order by v.platform_id limit 9`;
      expect(rows).toHaveLength(9);
      levels = rows.map((row) => ({
        variantId: row.variant_id,
        locationId: row.location_id,
        productId: Number(row.platform_id),
      }));
      const login = await api('POST', '/v1/auth/login', {
        body: { email: connected.adminEmail, password: connected.adminPassword },
      });
      owner = { token: login.body.data.accessToken as string };
      admin = await memberSession(server, target.orgId, 'admin');
      merchant = await memberSession(server, target.orgId, 'merchant', [target.storeId]);
    }, 60_000);

    afterAll(async () => {
      await server?.close();
      await cleanup?.();
      await emulator?.close();
    });

    /** The push workers start late, once: the conflict test approves before they run. */
    async function startWorkers(): Promise<void> {
      if (workersStarted) return;
      workersStarted = true;
      await startSyncWorkers(server.runtime.ctx, { sweepEveryMs: 500 });
    }

    async function request(level: Level, change: { delta: number } | { set: number }, token = merchant.token) {
      const created = await api('POST', '/v1/inventory/requests', {
        token,
        body: { variantId: level.variantId, locationId: level.locationId, reason: 'cycle count', ...change },
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      expect(created.body.data.status).toBe('pending');
      return created.body.data.id as string;
    }

    const getRequest = async (id: string, token = admin.token) =>
      (await api('GET', `/v1/inventory/requests/${id}`, { token })).body.data;

    async function settled(id: string, statuses = ['applied', 'conflict', 'failed']) {
      let found: any;
      await vi.waitFor(
        async () => {
          found = await getRequest(id);
          expect(statuses).toContain(found.status);
        },
        { timeout: 20_000, interval: 50 },
      );
      return found;
    }

    async function dockhandLevel(level: Level): Promise<number> {
      const answer = await api('GET', `/v1/inventory?variant=${level.variantId}&location=${level.locationId}`, {
        token: admin.token,
      });
      expect(answer.status).toBe(200);
      expect(answer.body.data).toHaveLength(1);
      return answer.body.data[0].available as number;
    }

    async function storeStock(level: Level): Promise<number> {
      let cursor: string | null = null;
      do {
        const page: Page<NormalizedInventoryLevel> = await connector.fetchPage('inventory', { since: null, cursor });
        for (const { item } of page.items) {
          if ('platformId' in item.variant && item.variant.platformId === String(level.productId)) return item.available;
        }
        cursor = page.nextCursor;
      } while (cursor);
      throw new Error(`product ${level.productId} is not on the store`);
    }

    const reconcile = () => syncEntity(server.runtime.ctx.db, target, connector, 'inventory', 'reconcile');

    async function auditActions(id: string): Promise<string[]> {
      const rows = await db()<{ action: string }[]>`
        select action from audit_log where subject_type = 'inventory_request' and subject_id = ${id} order by id`;
      return rows.map((row) => row.action);
    }

    async function eventTypes(id: string): Promise<string[]> {
      const rows = await db()<{ type: string }[]>`select type from events where subject_id = ${id} order by id`;
      return rows.map((row) => row.type);
    }

    async function requestLedger(id: string) {
      return db()<{ source: string; delta: number; quantity_after: number; reason: string; actor_id: string }[]>`
        select source, delta, quantity_after, reason, actor_id from inventory_ledger where request_id = ${id} order by id`;
    }

    // First: the push workers are not running yet when it approves.
    it('when the store’s stock moves between the approval and the push: conflict with both numbers, then a fresh approval applies', async () => {
      const level = levels[0]!;
      const before = await dockhandLevel(level);
      const id = await request(level, { delta: -2 });
      const approved = await api('POST', `/v1/inventory/requests/${id}/approve`, { token: admin.token, body: {} });
      expect(approved.status, JSON.stringify(approved.body)).toBe(200);
      expect(approved.body.data).toMatchObject({ status: 'approved', expectedAvailable: before });
      // Someone on the store counts again before the push runs.
      emulator.control.setStock(siteId(), level.productId, before + 7);
      await startWorkers();
      const conflict = await settled(id);
      expect(conflict).toMatchObject({ status: 'conflict', expectedAvailable: before, actualAvailable: before + 7 });
      expect(conflict.lastError).toContain(String(before + 7));
      expect(await storeStock(level)).toBe(before + 7);
      expect(await requestLedger(id)).toEqual([]);

      // Approving again is allowed from conflict, against the quantity Dockhand holds by then.
      await reconcile();
      expect(await dockhandLevel(level)).toBe(before + 7);
      const again = await api('POST', `/v1/inventory/requests/${id}/approve`, {
        token: admin.token,
        body: { comment: 'recounted' },
      });
      expect(again.status, JSON.stringify(again.body)).toBe(200);
      expect(again.body.data).toMatchObject({ status: 'approved', expectedAvailable: before + 7, actualAvailable: null });
      expect((await settled(id)).status).toBe('applied');
      expect(await storeStock(level)).toBe(before + 5);
      expect(await dockhandLevel(level)).toBe(before + 5);
      expect(await eventTypes(id)).toEqual([
        'inventory.request.created',
        'inventory.request.approved',
        'inventory.request.conflict',
        'inventory.request.approved',
        'inventory.request.applied',
      ]);
      expect(await auditActions(id)).toEqual([
        'inventory.request_created',
        'inventory.request_approved',
        'inventory.push_conflict',
        'inventory.request_approved',
        'inventory.pushed',
      ]);
    });

    it('a merchant’s request, approved by an admin, changes the store and Dockhand, with a ledger row naming reason, approver and request', async () => {
      await startWorkers();
      const level = levels[1]!;
      const before = await dockhandLevel(level);
      const id = await request(level, { delta: -3 });
      const mine = await api('GET', '/v1/inventory/requests?status=pending', { token: merchant.token });
      expect(mine.body.data.map((row: { id: string }) => row.id)).toContain(id);

      const approved = await api('POST', `/v1/inventory/requests/${id}/approve`, { token: admin.token, body: { comment: 'ok' } });
      expect(approved.status, JSON.stringify(approved.body)).toBe(200);
      // The admin sees who asked by name, not only by id.
      expect(approved.body.data).toMatchObject({
        status: 'approved',
        expectedAvailable: before,
        decisionComment: 'ok',
        requestedBy: merchant.userId,
        requestedByName: merchant.email,
      });
      const applied = await settled(id);
      expect(applied).toMatchObject({ status: 'applied', attempts: 1, lastError: null, decidedBy: admin.userId });

      expect(await storeStock(level)).toBe(before - 3);
      expect(await dockhandLevel(level)).toBe(before - 3);
      const ledger = await api('GET', `/v1/inventory/ledger?variant=${level.variantId}&location=${level.locationId}`, {
        token: merchant.token,
      });
      expect(ledger.status).toBe(200);
      expect(ledger.body.data[0]).toMatchObject({
        source: 'request',
        delta: -3,
        quantityAfter: before - 3,
        reason: 'cycle count',
        actorId: admin.userId,
        requestId: id,
      });
      expect(await eventTypes(id)).toEqual([
        'inventory.request.created',
        'inventory.request.approved',
        'inventory.request.applied',
      ]);
      expect(await auditActions(id)).toEqual(['inventory.request_created', 'inventory.request_approved', 'inventory.pushed']);
      // A reconcile finds the store equal to Dockhand: nothing more is written.
      await reconcile();
      expect(await requestLedger(id)).toHaveLength(1);
    });

    it('a `set` request pushes the difference from the quantity seen at approval', async () => {
      await startWorkers();
      const level = levels[2]!;
      const before = await dockhandLevel(level);
      const id = await request(level, { set: before + 11 }, admin.token);
      expect((await api('POST', `/v1/inventory/requests/${id}/approve`, { token: owner.token, body: {} })).status).toBe(200);
      expect((await settled(id)).status).toBe('applied');
      expect(await storeStock(level)).toBe(before + 11);
      expect(await requestLedger(id)).toMatchObject([{ source: 'request', delta: 11, quantity_after: before + 11 }]);
    });

    it('a rejected request is never pushed, and cannot be approved afterwards', async () => {
      await startWorkers();
      const level = levels[3]!;
      const before = await dockhandLevel(level);
      const id = await request(level, { delta: 5 });
      const merchantTries = await api('POST', `/v1/inventory/requests/${id}/reject`, {
        token: merchant.token,
        body: { reason: 'x' },
      });
      expect(merchantTries.status).toBe(403);
      const noReason = await api('POST', `/v1/inventory/requests/${id}/reject`, { token: admin.token, body: {} });
      expect(noReason.status).toBe(400);
      const rejected = await api('POST', `/v1/inventory/requests/${id}/reject`, {
        token: admin.token,
        body: { reason: 'no such delivery' },
      });
      expect(rejected.status).toBe(200);
      expect(rejected.body.data).toMatchObject({
        status: 'rejected',
        decisionComment: 'no such delivery',
        decidedBy: admin.userId,
      });
      const late = await api('POST', `/v1/inventory/requests/${id}/approve`, { token: admin.token, body: {} });
      expect(late.status).toBe(409);
      expect(late.body.error.details).toEqual({ status: 'rejected' });
      expect(await storeStock(level)).toBe(before);
      expect(await eventTypes(id)).toEqual(['inventory.request.created', 'inventory.request.rejected']);
      expect(await auditActions(id)).toEqual(['inventory.request_created', 'inventory.request_rejected']);
    });

    it('two admins approving at once: one push, one 409', async () => {
      await startWorkers();
      const level = levels[4]!;
      const before = await dockhandLevel(level);
      const id = await request(level, { delta: 4 });
      const answers = await Promise.all(
        [owner.token, admin.token].map((token) => api('POST', `/v1/inventory/requests/${id}/approve`, { token, body: {} })),
      );
      expect(answers.map((answer) => answer.status).sort()).toEqual([200, 409]);
      expect((await settled(id)).status).toBe('applied');
      expect(await storeStock(level)).toBe(before + 4);
      expect(await requestLedger(id)).toHaveLength(1);
      const actions = await auditActions(id);
      expect(actions.filter((action) => action === 'inventory.request_approved')).toHaveLength(1);
      expect(actions.filter((action) => action === 'inventory.pushed')).toHaveLength(1);
      expect((await eventTypes(id)).filter((type) => type === 'inventory.request.applied')).toHaveLength(1);
    });

    it('a push the store refuses once (maintenance, 503) is retried with backoff and applied', async () => {
      await startWorkers();
      const level = levels[5]!;
      const before = await dockhandLevel(level);
      const id = await request(level, { delta: -1 });
      // Enough 503s to outlast the client's own retries: one try of the push fails.
      emulator.control.failRestRequests(siteId(), {
        method: 'PUT',
        route: `/products/${level.productId}`,
        count: DEFAULT_RETRY.retries + 1,
        retryAfterSeconds: 0,
      });
      expect((await api('POST', `/v1/inventory/requests/${id}/approve`, { token: admin.token, body: {} })).status).toBe(200);
      const applied = await settled(id, ['applied', 'conflict']);
      expect(applied).toMatchObject({ status: 'applied', attempts: 2, lastError: null });
      expect(await storeStock(level)).toBe(before - 1);
      expect(await requestLedger(id)).toMatchObject([{ source: 'request', delta: -1 }]);
    });

    it('an approval whose push never reached the queue (the queue was down) is pushed by the sweep', async () => {
      await startWorkers();
      const level = levels[7]!;
      const before = await dockhandLevel(level);
      const id = await request(level, { delta: 3 });
      // What an approval leaves when queueing its push failed after the commit: approved, due a while ago.
      await db()`
        update inventory_requests set status = 'approved', expected_available = ${before}, approvals = 1, push_round = 1,
          decided_by = ${admin.userId}, decided_at = now(), next_attempt_at = now() - interval '1 minute'
        where id = ${id}`;
      expect((await settled(id)).status).toBe('applied');
      expect(await storeStock(level)).toBe(before + 3);
      expect(await requestLedger(id)).toMatchObject([{ source: 'request', delta: 3, actor_id: admin.userId }]);
    });

    it('a push that keeps failing becomes `failed` with its error; retry queues it again and it applies', async () => {
      await startWorkers();
      const level = levels[6]!;
      const before = await dockhandLevel(level);
      const id = await request(level, { delta: 2 });
      emulator.control.failRestRequests(siteId(), {
        method: 'PUT',
        route: `/products/${level.productId}`,
        count: 1_000,
        retryAfterSeconds: 0,
      });
      try {
        expect((await api('POST', `/v1/inventory/requests/${id}/approve`, { token: admin.token, body: {} })).status).toBe(200);
        const failed = await settled(id);
        expect(failed).toMatchObject({ status: 'failed', attempts: RETRY.attempts, nextAttemptAt: null });
        expect(failed.lastError).toMatch(/503/);
        expect(await eventTypes(id)).toContain('inventory.request.failed');
        expect(await auditActions(id)).toContain('inventory.push_failed');
        expect(await storeStock(level)).toBe(before);
      } finally {
        emulator.control.clearRestFaults(siteId());
      }
      const retried = await api('POST', `/v1/inventory/requests/${id}/retry`, { token: admin.token });
      expect(retried.status, JSON.stringify(retried.body)).toBe(200);
      expect(retried.body.data).toMatchObject({ status: 'approved', attempts: 0, expectedAvailable: before });
      expect((await settled(id)).status).toBe('applied');
      expect(await storeStock(level)).toBe(before + 2);
      const again = await api('POST', `/v1/inventory/requests/${id}/retry`, { token: admin.token });
      expect(again.status).toBe(409);
    });

    it('a change the level cannot hold is refused when asked and again at approval; a store’s own absurd count is held at the bound', async () => {
      const level = levels[8]!;
      const before = await dockhandLevel(level);
      const refused = async (change: { delta: number } | { set: number }) => {
        const answer = await api('POST', '/v1/inventory/requests', {
          token: merchant.token,
          body: { variantId: level.variantId, locationId: level.locationId, reason: 'count', ...change },
        });
        expect(answer.status, JSON.stringify(answer.body)).toBe(400);
        return answer.body.error.details;
      };
      // Below 0 by a decrease, and past the most a level holds (a chain of sets could reach it otherwise).
      expect(await refused({ delta: -(before + 1) })).toMatchObject({ field: 'delta', available: before, result: -1 });
      expect(await refused({ delta: 1_000_000_000 })).toMatchObject({ available: before, result: before + 1_000_000_000 });
      expect(await refused({ delta: -1_000_000_000 })).toMatchObject({ result: before - 1_000_000_000 });

      // Asked while it fitted; the store's count then fell, so at approval it no longer does.
      const id = await request(level, { delta: -before });
      emulator.control.setStock(siteId(), level.productId, before - 5);
      await reconcile();
      const approval = await api('POST', `/v1/inventory/requests/${id}/approve`, { token: admin.token, body: {} });
      expect(approval.status).toBe(409);
      expect(approval.body.error.details).toEqual({ available: before - 5, result: -5 });
      expect((await getRequest(id)).status).toBe('pending');
      expect(await eventTypes(id)).toEqual(['inventory.request.created']);
      expect(await storeStock(level)).toBe(before - 5);

      // A store's admin can type any count; the sync holds it at the bound instead of failing every page.
      emulator.control.setStock(siteId(), level.productId, 3_000_000_000);
      await reconcile();
      expect(await dockhandLevel(level)).toBe(1_000_000_000);
      const [state] = await db()<{ status: string }[]>`
        select status from sync_state where store_id = ${target.storeId} and entity = 'inventory'`;
      expect(state?.status).not.toBe('failed');
      expect(await refused({ delta: 1 })).toMatchObject({ available: 1_000_000_000, result: 1_000_000_001 });
    });

    it('holds one person to 1000 requests waiting for an answer; another person still asks', async () => {
      const level = levels[3]!;
      const flooder = await memberSession(server, target.orgId, 'merchant', [target.storeId]);
      await db()`
        insert into inventory_requests (org_id, store_id, variant_id, location_id, kind, delta, reason, requested_by)
        select ${target.orgId}, ${target.storeId}, ${level.variantId}, ${level.locationId}, 'delta', 1, 'flood ' || n, ${flooder.userId}
        from generate_series(1, 999) n`;
      await request(level, { delta: 1 }, flooder.token);
      const over = await api('POST', '/v1/inventory/requests', {
        token: flooder.token,
        body: { variantId: level.variantId, locationId: level.locationId, reason: 'one more', delta: 1 },
      });
      expect(over.status).toBe(409);
      expect(over.body.error.message).toContain('1000 requests waiting');
      await request(level, { delta: 1 }, merchant.token);
    });
  });
}
