import { startWooCommerceEmulator, type WooCommerceEmulator } from '@dockhand/emulators';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { StoreConnector } from '../../platforms/connector.ts';
import { openConnector } from '../../platforms/registry.ts';
import { connectorDeps, startSyncWorkers } from '../../runtime.ts';
import { syncEntity, syncStore } from '../../sync/backfill.ts';
import {
  apiClient,
  memberSession,
  signedInOrg,
  startTestServer,
  type Api,
  type TestServer,
} from '../../../test/support/test-server.ts';
import { connectWooSite } from '../../../test/support/woo-fixture.ts';

/**
 * Reading stock: levels now and as of an instant (from the ledger), the ledger itself,
 * thresholds and low stock, and the dashboard's numbers, on a store synced from the
 * WooCommerce emulator, through the HTTP API.
 */

interface Level {
  variantId: string;
  locationId: string;
  productId: number;
}

let emulator: WooCommerceEmulator;
let server: TestServer;
let api: Api;
let connector: StoreConnector;
let target: { orgId: string; storeId: string };
let levels: Level[];
let admin: { token: string; userId: string };
let merchant: { token: string; userId: string };

const db = () => server.database.db.owner;
const siteId = () => emulator.sites[0]!.id;

beforeAll(async () => {
  emulator = await startWooCommerceEmulator({ seed: 72, sites: 1, ordersPerSite: 30 });
  server = await startTestServer({ env: { DOCKHAND_OUTBOUND_ALLOW_HOSTS: '127.0.0.1:*' } });
  api = apiClient(server.url);
  const { ctx } = server.runtime;
  const connected = await connectWooSite(ctx, emulator.sites[0]!);
  target = { orgId: connected.orgId, storeId: connected.storeId };
  connector = await openConnector(connectorDeps(ctx), target);
  await syncStore(ctx.db, target, connector, 'backfill');
  await startSyncWorkers(ctx, { sweepEveryMs: 500 });
  const rows = await db()<{ variant_id: string; location_id: string; platform_id: string }[]>`
    select l.variant_id, l.location_id, v.platform_id from inventory_levels l
    join product_variants v on v.id = l.variant_id join products p on p.id = v.product_id
    where l.store_id = ${target.storeId} and p.platform_id = v.platform_id and l.available > 20
    order by v.platform_id limit 3`;
  expect(rows).toHaveLength(3);
  levels = rows.map((row) => ({ variantId: row.variant_id, locationId: row.location_id, productId: Number(row.platform_id) }));
  admin = await memberSession(server, target.orgId, 'admin');
  merchant = await memberSession(server, target.orgId, 'merchant', [target.storeId]);
}, 60_000);

afterAll(async () => {
  await server?.close();
  await emulator?.close();
});

const reconcile = () => syncEntity(server.runtime.ctx.db, target, connector, 'inventory', 'reconcile');

/** Every page of a list, following its cursors. */
async function allPages(path: string, token = admin.token): Promise<any[]> {
  const rows: any[] = [];
  let cursor: string | null = null;
  do {
    const separator = path.includes('?') ? '&' : '?';
    const answer = await api('GET', `${path}${cursor ? `${separator}cursor=${cursor}` : ''}`, { token });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    rows.push(...answer.body.data);
    cursor = answer.body.page.nextCursor;
  } while (cursor);
  return rows;
}

async function levelNow(level: Level): Promise<number> {
  const [row] = await db()<{ available: number }[]>`
    select available from inventory_levels where variant_id = ${level.variantId} and location_id = ${level.locationId}`;
  return row!.available;
}

/** A moment strictly after everything committed so far, to the millisecond (as a client writes it). */
async function instant(): Promise<string> {
  const [row] = await db()<{ at: Date }[]>`select date_trunc('milliseconds', clock_timestamp()) + interval '1 millisecond' as at`;
  await vi.waitFor(async () => {
    const [now] = await db()<{ after: boolean }[]>`select clock_timestamp() > ${row!.at} as after`;
    expect(now!.after).toBe(true);
  });
  return row!.at.toISOString();
}

async function approveAndApply(level: Level, change: { delta: number } | { set: number }): Promise<void> {
  const created = await api('POST', '/v1/inventory/requests', {
    token: merchant.token,
    body: { variantId: level.variantId, locationId: level.locationId, reason: 'recount', ...change },
  });
  expect(created.status).toBe(201);
  const id = created.body.data.id as string;
  expect((await api('POST', `/v1/inventory/requests/${id}/approve`, { token: admin.token, body: {} })).status).toBe(200);
  await vi.waitFor(
    async () => {
      const found = await api('GET', `/v1/inventory/requests/${id}`, { token: admin.token });
      expect(found.body.data.status).toBe('applied');
    },
    { timeout: 15_000, interval: 50 },
  );
}

/** The ledger replayed: per level, the sum of its movements up to the instant. */
async function replay(at: string): Promise<Map<string, number>> {
  const rows = await db()<{ key: string; total: number }[]>`
    select variant_id || '/' || location_id as key, sum(delta)::int as total from inventory_ledger
    where store_id = ${target.storeId} and created_at <= ${at}::timestamptz
    group by variant_id, location_id`;
  return new Map(rows.map((row) => [row.key, row.total]));
}

describe('levels as of an instant', () => {
  it('equal a replay of the ledger at every instant, and the levels Dockhand held then', { timeout: 60_000 }, async () => {
    const [a, b, c] = levels as [Level, Level, Level];
    const history: Array<{ at: string; held: number[] }> = [];
    const mark = async () => history.push({ at: await instant(), held: await Promise.all(levels.map(levelNow)) });

    await mark();
    emulator.control.setStock(siteId(), a.productId, (await levelNow(a)) + 9);
    await reconcile();
    await mark();
    await approveAndApply(b, { delta: -4 });
    await mark();
    emulator.control.setStock(siteId(), a.productId, 3);
    emulator.control.setStock(siteId(), c.productId, (await levelNow(c)) + 1);
    await reconcile();
    await mark();
    await approveAndApply(a, { set: 25 });
    await approveAndApply(c, { delta: 6 });
    await mark();

    for (const { at, held } of history) {
      const asOf = await allPages(`/v1/inventory?at=${encodeURIComponent(at)}&limit=7`);
      const replayed = await replay(at);
      // Every level the ledger knows by then, each equal to its replay.
      expect(new Map(asOf.map((row) => [`${row.variantId}/${row.locationId}`, row.available]))).toEqual(replayed);
      levels.forEach((level, n) => {
        expect(replayed.get(`${level.variantId}/${level.locationId}`), `level ${n} at ${at}`).toBe(held[n]);
      });
    }
    // The last instant is now: the same as the levels without `at`.
    const now = await allPages('/v1/inventory?limit=50');
    const last = await allPages(`/v1/inventory?at=${encodeURIComponent(history.at(-1)!.at)}&limit=50`);
    expect(last.map((row) => [row.variantId, row.locationId, row.available])).toEqual(
      now
        .filter((row) => last.some((l) => l.variantId === row.variantId && l.locationId === row.locationId))
        .map((row) => [row.variantId, row.locationId, row.available]),
    );
    // Before the store was synced, there was nothing.
    expect(await allPages('/v1/inventory?at=2000-01-01T00:00:00Z')).toEqual([]);
  });
});

describe('levels, ledger and thresholds', () => {
  it('lists every level once over its pages, with product, SKU and location', async () => {
    const all = await allPages('/v1/inventory?limit=5');
    const [count] = await db()<
      { n: number }[]
    >`select count(*)::int as n from inventory_levels where store_id = ${target.storeId}`;
    expect(all).toHaveLength(count!.n);
    expect(new Set(all.map((row) => `${row.variantId}/${row.locationId}`)).size).toBe(count!.n);
    expect(all[0]).toMatchObject({ storeId: target.storeId, productTitle: expect.any(String), locationName: expect.any(String) });
  });

  it('searches SKU and titles, and filters by variant and location', async () => {
    const [variant] = await db()<{ sku: string; title: string }[]>`
      select v.sku, p.title from product_variants v join products p on p.id = v.product_id
      where v.id = ${levels[0]!.variantId}`;
    const bySku = await allPages(`/v1/inventory?q=${encodeURIComponent(variant!.sku.toLowerCase())}`);
    expect(bySku.map((row) => row.variantId)).toContain(levels[0]!.variantId);
    const q = variant!.sku.toLowerCase();
    const matches = (text: string | null) => (text ?? '').toLowerCase().includes(q);
    expect(bySku.every((row) => matches(row.sku) || matches(row.productTitle) || matches(row.variantTitle))).toBe(true);
    const literal = await api('GET', '/v1/inventory?q=%25%25', { token: admin.token });
    expect(literal.body.data).toEqual([]);
    const one = await allPages(`/v1/inventory?variant=${levels[0]!.variantId}&location=${levels[0]!.locationId}`);
    expect(one).toHaveLength(1);
    expect((await api('GET', '/v1/inventory?variant=nope', { token: admin.token })).status).toBe(400);
  });

  it('sets and clears thresholds (validated, audited): low stock follows, a location’s own threshold wins', async () => {
    const [a, b] = levels as [Level, Level];
    const aNow = await levelNow(a);
    const bNow = await levelNow(b);
    const put = (thresholds: unknown[], token = admin.token) =>
      api('PUT', '/v1/inventory/thresholds', { token, body: { thresholds } });

    expect((await put([{ variantId: a.variantId, threshold: -1 }])).status).toBe(400);
    expect((await put([{ variantId: a.variantId, threshold: 1 }], merchant.token)).status).toBe(403);
    expect((await put([{ variantId: crypto.randomUUID(), threshold: 1 }])).status).toBe(404);
    const set = await put([
      { variantId: a.variantId, threshold: aNow },
      { variantId: b.variantId, threshold: bNow + 100 },
      { variantId: b.variantId, locationId: b.locationId, threshold: bNow - 1 },
    ]);
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    expect(set.body.data.set).toHaveLength(3);

    const low = await allPages('/v1/inventory?low=true');
    expect(low.map((row) => row.variantId)).toEqual([a.variantId]);
    expect(low[0]).toMatchObject({ threshold: aNow, low: true });
    const bRow = (await allPages(`/v1/inventory?variant=${b.variantId}`))[0];
    expect(bRow).toMatchObject({ threshold: bNow - 1, low: false });

    const stats = await api('GET', '/v1/stats', { token: admin.token });
    expect(stats.body.data.inventory.lowStock).toBe(1);

    const cleared = await put([{ variantId: a.variantId, threshold: null }]);
    expect(cleared.body.data.cleared).toBe(1);
    expect(await allPages('/v1/inventory?low=true')).toEqual([]);
    const [audit] = await db()<{ n: number }[]>`
      select count(*)::int as n from audit_log where action = 'inventory.thresholds_set' and actor_id = ${admin.userId}`;
    expect(audit!.n).toBe(2);
  });

  it('pages the ledger newest first, and scopes it to a merchant’s stores', async () => {
    const all = await allPages('/v1/inventory/ledger?limit=7');
    const [count] = await db()<{ n: number }[]>`select count(*)::int as n from inventory_ledger`;
    expect(all).toHaveLength(count!.n);
    const ids = all.map((row) => Number(row.id));
    expect(ids).toEqual([...ids].sort((x, y) => y - x));
    const outsider = await memberSession(server, target.orgId, 'merchant', []);
    expect((await api('GET', '/v1/inventory/ledger', { token: outsider.token })).body.data).toEqual([]);
    expect((await api('GET', '/v1/inventory', { token: outsider.token })).body.data).toEqual([]);
    // A merchant cannot ask about a store that is not its own: the variant is not there.
    const asked = await api('POST', '/v1/inventory/requests', {
      token: outsider.token,
      body: { variantId: levels[0]!.variantId, locationId: levels[0]!.locationId, delta: 1, reason: 'x' },
    });
    expect(asked.status).toBe(404);
  });
});

describe('stats', () => {
  it('counts today’s and this week’s orders (UTC), unfulfilled, pending approvals, and shows sync health', async () => {
    emulator.control.createOrder(siteId());
    emulator.control.createOrder(siteId());
    await syncEntity(server.runtime.ctx.db, target, connector, 'orders', 'reconcile');
    const pending = await api('POST', '/v1/inventory/requests', {
      token: merchant.token,
      body: { variantId: levels[2]!.variantId, locationId: levels[2]!.locationId, delta: 1, reason: 'found one' },
    });
    expect(pending.status).toBe(201);

    const answer = await api('GET', `/v1/stats?store=${target.storeId}`, { token: merchant.token });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    const midnight = new Date();
    midnight.setUTCHours(0, 0, 0, 0);
    const [expected] = await db()<{ today: number; unfulfilled: number; pending: number }[]>`
      select (select count(*)::int from orders where placed_at >= ${midnight}) as today,
             (select count(*)::int from orders where fulfillment_status is distinct from 'fulfilled'
                and status not in ('cancelled', 'refunded', 'failed', 'trash', 'checkout-draft')) as unfulfilled,
             (select count(*)::int from inventory_requests where status = 'pending') as pending`;
    expect(answer.body.data.since.today).toBe(midnight.toISOString());
    expect(answer.body.data.orders.today).toBe(expected!.today);
    expect(answer.body.data.orders.today).toBeGreaterThanOrEqual(2);
    expect(answer.body.data.orders.week).toBeGreaterThanOrEqual(answer.body.data.orders.today);
    expect(answer.body.data.orders.unfulfilled).toBe(expected!.unfulfilled);
    expect(answer.body.data.inventory.pendingApprovals).toBe(expected!.pending);
    expect(answer.body.data.sync).toHaveLength(1);
    expect(answer.body.data.sync[0]).toMatchObject({ storeId: target.storeId, health: 'ok' });

    // A merchant with no stores sees none of it; another organization's store is not found.
    const outsider = await memberSession(server, target.orgId, 'merchant', []);
    const empty = await api('GET', '/v1/stats', { token: outsider.token });
    expect(empty.body.data).toMatchObject({ orders: { today: 0, week: 0, unfulfilled: 0 }, sync: [] });
    expect((await api('GET', `/v1/stats?store=${target.storeId}`, { token: outsider.token })).status).toBe(404);
    const stranger = await signedInOrg(server, 'Stranger');
    expect((await api('GET', `/v1/stats?store=${target.storeId}`, { token: stranger.token })).status).toBe(404);
  });
});
