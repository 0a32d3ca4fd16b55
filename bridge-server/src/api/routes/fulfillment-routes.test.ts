import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  startShopifyEmulator,
  startWooCommerceEmulator,
  type ShopifyEmulator,
  type WooCommerceEmulator,
} from '@dockhand/emulators';
import WooModule from '@woocommerce/woocommerce-rest-api';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../config/env.ts';
import { openDatabase } from '../../db/database.ts';
import { migrate } from '../../db/migrator.ts';
import { systemPrincipal, withPrincipal } from '../../db/principal.ts';
import { createFulfillment, listOrderFulfillments } from '../../domain/orders/fulfillments.ts';
import { upsertOrder } from '../../domain/orders/order-sync.ts';
import type { Page } from '../../platforms/connector.ts';
import type { NormalizedOrder } from '../../platforms/model.ts';
import { openConnector } from '../../platforms/registry.ts';
import { connectorDeps, createRuntime, listen, startSyncWorkers } from '../../runtime.ts';
import { EmbeddedSyncRunner } from '../../sync/embedded-sync-runner.ts';
import { numericId } from '../../../test/support/shopify-fixture.ts';
import {
  apiClient,
  captureLogs,
  memberSession,
  signedInOrg,
  startTestServer,
  testSecrets,
  type Api,
  type TestServer,
} from '../../../test/support/test-server.ts';
import { connectWooSite } from '../../../test/support/woo-fixture.ts';

type WooClass = typeof WooModule.default;
const WooCommerceRestApi: WooClass =
  (WooModule as unknown as { default?: WooClass }).default ?? (WooModule as unknown as WooClass);

let shopify: ShopifyEmulator;
let woo: WooCommerceEmulator;
let server: TestServer;
let api: Api;
let wooApi: InstanceType<WooClass>;
/** The organization that holds both stores. */
let org: { orgId: string; token: string; wooStoreId: string; shopifyStoreId: string };
let shop: string;

/** Brings the store's orders into Dockhand the way the sync does (connector pages → upsertOrder). */
async function syncOrders(storeId: string): Promise<void> {
  const target = { orgId: org.orgId, storeId };
  const connector = await openConnector(connectorDeps(server.runtime.ctx), target);
  let cursor: string | null = null;
  do {
    const page: Page<NormalizedOrder> = await connector.fetchPage('orders', { since: null, cursor, pageSize: 100 });
    await withPrincipal(server.runtime.ctx.db, systemPrincipal(org.orgId), async (tx) => {
      for (const entry of page.items) await upsertOrder(tx, target, entry.item, entry.raw);
    });
    cursor = page.nextCursor;
  } while (cursor);
}

async function dockhandOrder(
  storeId: string,
  platformId: string,
): Promise<{ id: string; lines: Array<{ id: string; platform_id: string; quantity: number }> }> {
  const [order] = await server.database.db.owner<{ id: string }[]>`
    select id from orders where store_id = ${storeId} and platform_id = ${platformId}`;
  const lines = await server.database.db.owner<{ id: string; platform_id: string; quantity: number }[]>`
    select id, platform_id, quantity from order_lines where order_id = ${order!.id} order by platform_id`;
  return { id: order!.id, lines: [...lines] };
}

/** Shopify's own Admin GraphQL API, as any client (or the merchant's admin) uses it. */
async function shopifyGraphql(query: string, variables: Record<string, unknown>): Promise<any> {
  const info = shopify.shops[0]!;
  const response = await fetch(`${info.baseUrl}/admin/api/${shopify.apiVersion}/graphql.json`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-shopify-access-token': shopify.issueAccessToken(shop).access_token },
    body: JSON.stringify({ query, variables }),
  });
  return ((await response.json()) as { data: unknown }).data;
}

async function shopifyOrder(platformId: string) {
  const info = shopify.shops[0]!;
  const response = await fetch(`${info.baseUrl}/admin/api/${shopify.apiVersion}/graphql.json`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-shopify-access-token': shopify.issueAccessToken(shop).access_token },
    body: JSON.stringify({
      query: `query ($id: ID!) { order(id: $id) { displayFulfillmentStatus closed
        fulfillments(first: 10) { id status trackingInfo(first: 5) { number company url } fulfillmentLineItems(first: 10) { nodes { quantity lineItem { id } } } } } }`,
      variables: { id: `gid://shopify/Order/${platformId}` },
    }),
  });
  const body = (await response.json()) as { data: { order: any } };
  return body.data.order;
}

beforeAll(async () => {
  shopify = await startShopifyEmulator({
    seed: 131,
    shops: 1,
    ordersPerShop: 5,
    bucket: { maximumAvailable: 100_000, restoreRate: 100_000 },
  });
  woo = await startWooCommerceEmulator({ seed: 131, sites: 1, ordersPerSite: 5 });
  shop = shopify.shops[0]!.domain;
  const site = woo.sites[0]!;
  wooApi = new WooCommerceRestApi({
    url: site.baseUrl,
    consumerKey: site.consumerKey,
    consumerSecret: site.consumerSecret,
    version: 'wc/v3',
  });
});

afterAll(async () => {
  await shopify?.close();
  await woo?.close();
});

/** A real server on PGlite (the embedded default), pointed at the emulators like the PostgreSQL one. */
async function startEmbeddedServer(env: Record<string, string>): Promise<TestServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'dockhand-pglite-'));
  const db = await openDatabase({ dataDir });
  await migrate(db.owner);
  const config = loadConfig({
    ...testSecrets(),
    DOCKHAND_DATA_DIR: dataDir,
    LOG_LEVEL: 'info',
    PUBLIC_URL: 'http://127.0.0.1',
    ...env,
  });
  const { logs, logger } = captureLogs();
  const runtime = await createRuntime(config, { db, logger, sync: new EmbeddedSyncRunner(db) });
  const running = await listen(runtime.ctx, 0, '127.0.0.1');
  const drop = async () => {
    await db.close();
    await rm(dataDir, { recursive: true, force: true });
  };
  return {
    url: running.url,
    runtime,
    database: { name: 'pglite', ownerUrl: '', db, drop },
    logs,
    close: async () => {
      await running.close();
      await runtime.close();
      await drop();
    },
  };
}

describe.each(['postgres', 'pglite'] as const)('fulfillment on %s', (backend) => {
  beforeAll(async () => {
    const env = {
      DOCKHAND_OUTBOUND_ALLOW_HOSTS: '127.0.0.1:*',
      SHOPIFY_API_KEY: shopify.apiKey,
      SHOPIFY_API_SECRET: shopify.apiSecret,
      SHOPIFY_ADMIN_BASE_URL: `${shopify.url}/shops/{shop}`,
    };
    server = backend === 'pglite' ? await startEmbeddedServer(env) : await startTestServer({ env });
    api = apiClient(server.url);
    const connected = await connectWooSite(server.runtime.ctx, woo.sites[0]!);
    const login = await api('POST', '/v1/auth/login', {
      body: { email: connected.adminEmail, password: connected.adminPassword },
    });
    expect(login.status).toBe(200);
    const token = login.body.data.accessToken as string;
    const created = await api('POST', '/v1/stores', {
      token,
      body: {
        platform: 'shopify',
        name: 'Emulated shop',
        shopDomain: shop,
        credentials: { accessToken: shopify.issueAccessToken(shop).access_token },
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    org = { orgId: connected.orgId, token, wooStoreId: connected.storeId, shopifyStoreId: created.body.data.id };
  }, 120_000);

  afterAll(async () => {
    await server?.close();
  });

  describe('POST /v1/orders/:id/fulfillments on Shopify', () => {
    it('fulfils the chosen lines with tracking, visible through the Admin API, and replays a retry with the same key', async () => {
      const placed = shopify.control.createOrder(shop, {});
      await syncOrders(org.shopifyStoreId);
      const order = await dockhandOrder(org.shopifyStoreId, numericId(placed.id));
      const first = order.lines[0]!;
      const key = randomUUID();
      const body = {
        lines: [{ lineId: first.id, quantity: 1 }],
        trackingNumber: '1Z999AA10123456784',
        carrier: 'UPS',
        trackingUrl: 'https://www.ups.com/track?tracknum=1Z999AA10123456784',
        notify: true,
      };
      const created = await api('POST', `/v1/orders/${order.id}/fulfillments`, {
        token: org.token,
        body,
        headers: { 'idempotency-key': key },
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      expect(created.body.data).toMatchObject({
        orderId: order.id,
        storeId: org.shopifyStoreId,
        status: 'pushed',
        source: 'dockhand',
        trackingNumber: '1Z999AA10123456784',
        carrier: 'UPS',
        notify: true,
        lines: [{ lineId: first.id, quantity: 1 }],
        error: null,
      });
      expect(created.body.data.platformId).toMatch(/^\d+$/);

      const onShopify = await shopifyOrder(numericId(placed.id));
      const totalUnits = order.lines.reduce((sum, line) => sum + line.quantity, 0);
      expect(onShopify.displayFulfillmentStatus).toBe(totalUnits === 1 ? 'FULFILLED' : 'PARTIALLY_FULFILLED');
      expect(onShopify.fulfillments).toHaveLength(1);
      expect(numericId(onShopify.fulfillments[0].id)).toBe(created.body.data.platformId);
      expect(onShopify.fulfillments[0].trackingInfo).toEqual([
        { number: '1Z999AA10123456784', company: 'UPS', url: 'https://www.ups.com/track?tracknum=1Z999AA10123456784' },
      ]);
      expect(onShopify.fulfillments[0].fulfillmentLineItems.nodes).toEqual([
        { quantity: 1, lineItem: { id: `gid://shopify/LineItem/${first.platform_id}` } },
      ]);

      // The same key and body: the same answer, nothing pushed again.
      const retried = await api('POST', `/v1/orders/${order.id}/fulfillments`, {
        token: org.token,
        body,
        headers: { 'idempotency-key': key },
      });
      expect(retried.status).toBe(201);
      expect(retried.headers.get('idempotent-replayed')).toBe('true');
      expect(retried.body.data).toEqual(created.body.data);
      expect((await shopifyOrder(numericId(placed.id))).fulfillments).toHaveLength(1);

      // The same key with another body: refused.
      const reused = await api('POST', `/v1/orders/${order.id}/fulfillments`, {
        token: org.token,
        body: { ...body, trackingNumber: 'OTHER' },
        headers: { 'idempotency-key': key },
      });
      expect(reused.status).toBe(409);
      expect(reused.body.error.code).toBe('CONFLICT');

      // What the order detail shows, an audit trail, and one event announced.
      const listed = await withPrincipal(server.runtime.ctx.db, systemPrincipal(org.orgId), (tx) =>
        listOrderFulfillments(tx, order.id),
      );
      expect(listed).toEqual([created.body.data]);
      const detail = await api('GET', `/v1/orders/${order.id}`, { token: org.token });
      expect(detail.status, JSON.stringify(detail.body)).toBe(200);
      expect(detail.body.data.fulfillments).toEqual([created.body.data]);
      const audit = await server.database.db.owner<{ action: string }[]>`
      select action from audit_log where org_id = ${org.orgId} and subject_id = ${order.id} order by id`;
      expect(audit.map((row) => row.action)).toEqual(['fulfillment.requested', 'fulfillment.created']);
      const events = await server.database.db.owner<{ type: string; subject_id: string; data: any }[]>`
      select type, subject_id, data from events where org_id = ${org.orgId} and type = 'fulfillment.created' and subject_id = ${order.id}`;
      expect(events).toHaveLength(1);
      expect(events[0]!.data).toMatchObject({ fulfillmentId: created.body.data.id, trackingNumber: '1Z999AA10123456784' });
    });

    it('keeps the record failed and answers the platform’s reason when Shopify refuses', async () => {
      const placed = shopify.control.createOrder(shop, {});
      await syncOrders(org.shopifyStoreId);
      const order = await dockhandOrder(org.shopifyStoreId, numericId(placed.id));
      const all = await api('POST', `/v1/orders/${order.id}/fulfillments`, {
        token: org.token,
        body: { trackingNumber: 'A1', carrier: 'DHL' },
      });
      expect(all.status, JSON.stringify(all.body)).toBe(201);
      expect((await shopifyOrder(numericId(placed.id))).displayFulfillmentStatus).toBe('FULFILLED');

      // Nothing is left to ship: Shopify has no open fulfillment order.
      const key = randomUUID();
      const again = await api('POST', `/v1/orders/${order.id}/fulfillments`, {
        token: org.token,
        body: { trackingNumber: 'A2', carrier: 'DHL' },
        headers: { 'idempotency-key': key },
      });
      expect(again.status).toBe(409);
      expect(again.body.error.details.reason).toMatch(/no open fulfillment order/);
      expect(again.body.error.details.fulfillment).toMatchObject({ status: 'failed', platformId: null });
      const replayed = await api('POST', `/v1/orders/${order.id}/fulfillments`, {
        token: org.token,
        body: { trackingNumber: 'A2', carrier: 'DHL' },
        headers: { 'idempotency-key': key },
      });
      expect(replayed.status).toBe(409);
      expect(replayed.body.error.details).toEqual(again.body.error.details);
      const listed = await withPrincipal(server.runtime.ctx.db, systemPrincipal(org.orgId), (tx) =>
        listOrderFulfillments(tx, order.id),
      );
      expect(listed.map((row) => [row.trackingNumber, row.status])).toEqual([
        ['A1', 'pushed'],
        ['A2', 'failed'],
      ]);
    });
  });

  describe('POST /v1/orders/:id/fulfillments on WooCommerce', () => {
    it('completes the order with the tracking in meta and an order note, read back through the official client', async () => {
      const placed = woo.control.createOrder('1', { status: 'processing' });
      await syncOrders(org.wooStoreId);
      const order = await dockhandOrder(org.wooStoreId, String(placed['id']));
      const created = await api('POST', `/v1/orders/${order.id}/fulfillments`, {
        token: org.token,
        body: { trackingNumber: '9400111899223197428490', carrier: 'USPS', notify: true },
        headers: { 'idempotency-key': randomUUID() },
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      expect(created.body.data).toMatchObject({ status: 'pushed', platformId: `${placed['id']}:9400111899223197428490` });

      const read = (await wooApi.get(`orders/${placed['id']}`)).data as {
        status: string;
        meta_data: Array<{ key: string; value: unknown }>;
      };
      expect(read.status).toBe('completed');
      const meta = Object.fromEntries(read.meta_data.map((entry) => [entry.key, entry.value]));
      expect(meta).toMatchObject({ _dockhand_tracking_number: '9400111899223197428490', _dockhand_tracking_company: 'USPS' });
      const notes = (await wooApi.get(`orders/${placed['id']}/notes`)).data as Array<{ note: string; customer_note: boolean }>;
      expect(notes).toHaveLength(1);
      expect(notes[0]).toMatchObject({ customer_note: true });
      expect(notes[0]!.note).toContain('9400111899223197428490');
      const detail = await api('GET', `/v1/orders/${order.id}`, { token: org.token });
      expect(detail.body.data.fulfillments).toEqual([created.body.data]);
    });
  });

  describe('shipping some lines of a WooCommerce order', () => {
    /** A processing WooCommerce order of one line of 3 units, synced. */
    async function wooOrderOfThree() {
      const [product] = (await wooApi.get('products', { per_page: 1, type: 'simple', status: 'publish' })).data as Array<{
        id: number;
      }>;
      const placed = woo.control.createOrder('1', { status: 'processing', lineItems: [{ productId: product!.id, quantity: 3 }] });
      await syncOrders(org.wooStoreId);
      const order = await dockhandOrder(org.wooStoreId, String(placed['id']));
      return { placed, order, line: order.lines[0]! };
    }

    it('keeps the status until every unit has shipped (WooCommerce has no partial fulfilment), and checks the lines asked for', async () => {
      const { placed, order, line } = await wooOrderOfThree();
      const tooMany = await api('POST', `/v1/orders/${order.id}/fulfillments`, {
        token: org.token,
        body: { lines: [{ lineId: line.id, quantity: 4 }], trackingNumber: 'P-0', carrier: 'DHL' },
      });
      expect(tooMany.status).toBe(400);
      const foreignLine = await api('POST', `/v1/orders/${order.id}/fulfillments`, {
        token: org.token,
        body: { lines: [{ lineId: randomUUID(), quantity: 1 }], trackingNumber: 'P-0', carrier: 'DHL' },
      });
      expect(foreignLine.status).toBe(400);

      const partial = await api('POST', `/v1/orders/${order.id}/fulfillments`, {
        token: org.token,
        body: { lines: [{ lineId: line.id, quantity: 2 }], trackingNumber: 'P-1', carrier: 'DHL' },
      });
      expect(partial.status, JSON.stringify(partial.body)).toBe(201);
      const read = (await wooApi.get(`orders/${placed['id']}`)).data as {
        status: string;
        meta_data: Array<{ key: string; value: unknown }>;
      };
      expect(read.status).toBe('processing');
      expect(read.meta_data.find((meta) => meta.key === '_dockhand_tracking_number')?.value).toBe('P-1');
      const rest = await api('POST', `/v1/orders/${order.id}/fulfillments`, {
        token: org.token,
        body: { lines: [{ lineId: line.id, quantity: 1 }], trackingNumber: 'P-2', carrier: 'DHL' },
      });
      expect(rest.status).toBe(201);
      // With the earlier shipment, every unit has shipped now: the order completes.
      expect(((await wooApi.get(`orders/${placed['id']}`)).data as { status: string }).status).toBe('completed');
      const notes = (await wooApi.get(`orders/${placed['id']}/notes`)).data as Array<{ note: string; customer_note: boolean }>;
      expect(notes.map((note) => note.customer_note)).toEqual([false, false]);
    });

    it('ships no unit twice: a line counts its earlier shipments, a tracking number is one parcel, a shipped order takes no more', async () => {
      const { placed, order, line } = await wooOrderOfThree();
      const ship = (body: Record<string, unknown>) =>
        api('POST', `/v1/orders/${order.id}/fulfillments`, { token: org.token, body });

      const first = await ship({ lines: [{ lineId: line.id, quantity: 2 }], trackingNumber: 'TWICE-1', carrier: 'UPS' });
      expect(first.status, JSON.stringify(first.body)).toBe(201);
      // 2 of 3 have shipped: 2 more is over.
      const over = await ship({ lines: [{ lineId: line.id, quantity: 2 }], trackingNumber: 'TWICE-2', carrier: 'UPS' });
      expect(over.status).toBe(400);
      expect(over.body.error.message).toContain('1 left to ship');
      // The same parcel again, with another carrier and no key: refused, naming the first, nothing left pending.
      const sameParcel = await ship({ lines: [{ lineId: line.id, quantity: 1 }], trackingNumber: 'TWICE-1', carrier: 'DHL' });
      expect(sameParcel.status).toBe(409);
      expect(sameParcel.body.error.details).toEqual({ fulfillmentId: first.body.data.id });

      const last = await ship({ lines: [{ lineId: line.id, quantity: 1 }], trackingNumber: 'TWICE-3', carrier: 'UPS' });
      expect(last.status).toBe(201);
      await syncOrders(org.wooStoreId);
      const again = await ship({ trackingNumber: 'TWICE-4', carrier: 'UPS', notify: true });
      expect(again.status).toBe(409);
      expect(again.body.error.message).toContain('has shipped');
      const rows = await server.database.db.owner<{ status: string; tracking_number: string }[]>`
        select status, tracking_number from fulfillments where order_id = ${order.id} and source = 'dockhand' order by created_at`;
      expect(rows).toEqual([
        { status: 'pushed', tracking_number: 'TWICE-1' },
        { status: 'pushed', tracking_number: 'TWICE-3' },
      ]);
      const notes = (await wooApi.get(`orders/${placed['id']}/notes`)).data as Array<{ customer_note: boolean }>;
      expect(notes.filter((note) => note.customer_note)).toEqual([]);
    });
  });

  describe('who may fulfil which order', () => {
    it('answers 403 to a merchant, 404 for another organization’s order and for a malformed id', async () => {
      const placed = woo.control.createOrder('1', { status: 'processing' });
      await syncOrders(org.wooStoreId);
      const order = await dockhandOrder(org.wooStoreId, String(placed['id']));
      const body = { trackingNumber: 'X1', carrier: 'DHL' };
      const merchant = await memberSession(server, org.orgId, 'merchant', [org.wooStoreId]);
      const refused = await api('POST', `/v1/orders/${order.id}/fulfillments`, { token: merchant.token, body });
      expect(refused.status).toBe(403);
      const bulk = await api('POST', '/v1/orders/bulk', {
        token: merchant.token,
        body: { action: 'addTracking', ids: [order.id], tracking: body },
      });
      expect(bulk.status).toBe(403);

      const stranger = await memberSession(server, await otherOrg(), 'owner');
      expect((await api('POST', `/v1/orders/${order.id}/fulfillments`, { token: stranger.token, body })).status).toBe(404);
      expect((await api('POST', '/v1/orders/not-a-uuid/fulfillments', { token: org.token, body })).status).toBe(404);
      expect(
        (await api('POST', `/v1/orders/${order.id}/fulfillments`, { token: org.token, body: { carrier: 'DHL' } })).status,
      ).toBe(400);
      // Nothing reached the platform.
      expect(((await wooApi.get(`orders/${placed['id']}`)).data as { status: string }).status).toBe('processing');
    });
  });

  async function otherOrg(): Promise<string> {
    const { createOrganization } = await import('../../domain/users/user-service.ts');
    const { orgId } = await createOrganization(server.runtime.ctx.db, {
      name: 'Other',
      adminEmail: `other-${randomUUID()}@example.test`,
      adminPassword: 'another long password',
    });
    return orgId;
  }

  describe('POST /v1/orders/bulk', () => {
    it('adds tracking to 50 orders, one of them another organization’s: 49 fulfilled on the store, one error, in input order', async () => {
      const placed = Array.from({ length: 49 }, () => woo.control.createOrder('1', { status: 'processing' }));
      await syncOrders(org.wooStoreId);
      const ids = await Promise.all(placed.map(async (entry) => (await dockhandOrder(org.wooStoreId, String(entry['id']))).id));
      // An order that exists, in another organization that holds the same store.
      const foreign = await otherOrganizationOrder();
      ids.splice(17, 0, foreign);
      const tracking = ids.map((_id, index) => ({ trackingNumber: `BULK${String(index).padStart(4, '0')}`, carrier: 'DPD' }));

      const bulkKey = randomUUID();
      const answer = await api('POST', '/v1/orders/bulk', {
        token: org.token,
        body: { action: 'addTracking', ids, tracking },
        headers: { 'idempotency-key': bulkKey },
      });
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      const results = answer.body.data as Array<{ id: string; ok: boolean; status?: string; error?: { code: string } }>;
      expect(results.map((result) => result.id)).toEqual(ids);
      expect(results.filter((result) => result.ok)).toHaveLength(49);
      expect(results[17]).toEqual({ id: foreign, ok: false, error: { code: 'NOT_FOUND', message: 'Order not found' } });
      expect(results.filter((result) => result.ok).every((result) => result.status === 'pushed')).toBe(true);

      // The same request again (a client retrying after a dropped connection): the same answers, nothing pushed twice.
      const replayed = await api('POST', '/v1/orders/bulk', {
        token: org.token,
        body: { action: 'addTracking', ids, tracking },
        headers: { 'idempotency-key': bulkKey },
      });
      expect(replayed.body.data).toEqual(results);
      expect(((await wooApi.get(`orders/${placed[0]!['id']}/notes`)).data as unknown[]).length).toBe(1);

      // On the store, through the official client: 49 completed, each with its own tracking.
      for (const [index, entry] of placed.entries()) {
        const read = (await wooApi.get(`orders/${entry['id']}`)).data as {
          status: string;
          meta_data: Array<{ key: string; value: unknown }>;
        };
        expect(read.status).toBe('completed');
        const number = read.meta_data.find((meta) => meta.key === '_dockhand_tracking_number')?.value;
        expect(number).toBe(tracking[index < 17 ? index : index + 1]!.trackingNumber);
      }
    }, 120_000);

    it('changes status where the platform has it, and fails per id where it does not', async () => {
      const placedWoo = woo.control.createOrder('1', { status: 'processing' });
      const placedShopify = shopify.control.createOrder(shop, {});
      await syncOrders(org.wooStoreId);
      await syncOrders(org.shopifyStoreId);
      const wooOrder = await dockhandOrder(org.wooStoreId, String(placedWoo['id']));
      const shopifyOrderRow = await dockhandOrder(org.shopifyStoreId, numericId(placedShopify.id));
      const onHold = await api('POST', '/v1/orders/bulk', {
        token: org.token,
        body: { action: 'changeStatus', ids: [shopifyOrderRow.id, wooOrder.id], status: 'on-hold' },
      });
      expect(onHold.status).toBe(200);
      expect(onHold.body.data[0]).toMatchObject({ id: shopifyOrderRow.id, ok: false, error: { code: 'BAD_REQUEST' } });
      expect(onHold.body.data[1]).toEqual({ id: wooOrder.id, ok: true, status: 'on-hold' });
      expect(((await wooApi.get(`orders/${placedWoo['id']}`)).data as { status: string }).status).toBe('on-hold');

      const closed = await api('POST', '/v1/orders/bulk', {
        token: org.token,
        body: { action: 'changeStatus', ids: [shopifyOrderRow.id], status: 'closed' },
      });
      expect(closed.body.data).toEqual([{ id: shopifyOrderRow.id, ok: true, status: 'closed' }]);
      expect((await shopifyOrder(numericId(placedShopify.id))).closed).toBe(true);

      // One order named twice in two cases is named twice; an id in capitals is still that order.
      const twice = await api('POST', '/v1/orders/bulk', {
        token: org.token,
        body: { action: 'changeStatus', ids: [wooOrder.id, wooOrder.id.toUpperCase()], status: 'processing' },
      });
      expect(twice.status).toBe(400);
      const capitals = await api('POST', '/v1/orders/bulk', {
        token: org.token,
        body: { action: 'changeStatus', ids: [wooOrder.id.toUpperCase()], status: 'processing' },
      });
      expect(capitals.body.data).toEqual([{ id: wooOrder.id, ok: true, status: 'processing' }]);
    });
  });

  /** An order of the same WooCommerce store, synced into a second organization. */
  async function otherOrganizationOrder(): Promise<string> {
    const other = await connectWooSite(server.runtime.ctx, woo.sites[0]!);
    const placed = woo.control.createOrder('1', { status: 'processing' });
    const connector = await openConnector(connectorDeps(server.runtime.ctx), { orgId: other.orgId, storeId: other.storeId });
    const raw = (await wooApi.get(`orders/${placed['id']}`)).data as unknown;
    // The tests before this one changed many of the store's orders in the last seconds: page through them.
    const since = new Date(Date.now() - 5_000).toISOString();
    let entry: Page<NormalizedOrder>['items'][number] | undefined;
    for (let cursor: string | null = null, pages = 0; !entry && pages < 20; pages++) {
      const page: Page<NormalizedOrder> = await connector.fetchPage('orders', { since, cursor, pageSize: 100 });
      entry = page.items.find((item) => item.item.platformId === String(placed['id']));
      cursor = page.nextCursor;
      if (cursor === null) break;
    }
    expect(entry, JSON.stringify(raw)).toBeDefined();
    await withPrincipal(server.runtime.ctx.db, systemPrincipal(other.orgId), (tx) =>
      upsertOrder(tx, { orgId: other.orgId, storeId: other.storeId }, entry!.item, entry!.raw),
    );
    const [row] = await server.database.db.owner<{ id: string }[]>`
    select id from orders where store_id = ${other.storeId} and platform_id = ${String(placed['id'])}`;
    return row!.id;
  }

  describe('fulfillments made on the platform, arriving with synced orders', () => {
    it('records a Shopify fulfillment made in the admin once, announced, and matches Dockhand’s own by platform id', async () => {
      const placed = shopify.control.createOrder(shop, {});
      await shopifyGraphql(
        `mutation ($fo: ID!) { fulfillmentCreate(fulfillment: { lineItemsByFulfillmentOrder: [{ fulfillmentOrderId: $fo }],
          trackingInfo: { number: "PLAT-1", company: "FedEx", url: "https://fedex.test/PLAT-1" } }) { fulfillment { id } userErrors { message } } }`,
        { fo: placed.fulfillmentOrderIds[0] },
      );
      await syncOrders(org.shopifyStoreId);
      await syncOrders(org.shopifyStoreId); // the same version again changes nothing
      const order = await dockhandOrder(org.shopifyStoreId, numericId(placed.id));
      const listed = await withPrincipal(server.runtime.ctx.db, systemPrincipal(org.orgId), (tx) =>
        listOrderFulfillments(tx, order.id),
      );
      expect(listed).toHaveLength(1);
      expect(listed[0]).toMatchObject({
        source: 'platform',
        status: 'pushed',
        trackingNumber: 'PLAT-1',
        carrier: 'FedEx',
        trackingUrl: 'https://fedex.test/PLAT-1',
        createdBy: null,
      });
      const events = await server.database.db.owner<{ data: { source: string } }[]>`
        select data from events where org_id = ${org.orgId} and type = 'fulfillment.created' and subject_id = ${order.id}`;
      expect(events.map((event) => event.data.source)).toEqual(['platform']);

      // Dockhand's own, synced back: the same record, not a second one.
      const second = shopify.control.createOrder(shop, {});
      await syncOrders(org.shopifyStoreId);
      const mine = await dockhandOrder(org.shopifyStoreId, numericId(second.id));
      const created = await api('POST', `/v1/orders/${mine.id}/fulfillments`, {
        token: org.token,
        body: { trackingNumber: 'MINE-1', carrier: 'UPS' },
      });
      expect(created.status).toBe(201);
      await syncOrders(org.shopifyStoreId);
      const after = await withPrincipal(server.runtime.ctx.db, systemPrincipal(org.orgId), (tx) =>
        listOrderFulfillments(tx, mine.id),
      );
      expect(after).toEqual([expect.objectContaining({ id: created.body.data.id, source: 'dockhand', status: 'pushed' })]);
    });

    it('adopts a failed Dockhand fulfillment when the platform turns out to have that shipment', async () => {
      const placed = shopify.control.createOrder(shop, {});
      await syncOrders(org.shopifyStoreId);
      const order = await dockhandOrder(org.shopifyStoreId, numericId(placed.id));
      // Shipped in the Shopify admin meanwhile, with the same tracking: Dockhand's push is refused.
      await shopifyGraphql(
        `mutation ($fo: ID!) { fulfillmentCreate(fulfillment: { lineItemsByFulfillmentOrder: [{ fulfillmentOrderId: $fo }],
          trackingInfo: { number: "SAME-1", company: "UPS" } }) { fulfillment { id } userErrors { message } } }`,
        { fo: placed.fulfillmentOrderIds[0] },
      );
      const refused = await api('POST', `/v1/orders/${order.id}/fulfillments`, {
        token: org.token,
        body: { trackingNumber: 'SAME-1', carrier: 'UPS' },
      });
      expect(refused.status).toBe(409);
      await syncOrders(org.shopifyStoreId);
      const listed = await withPrincipal(server.runtime.ctx.db, systemPrincipal(org.orgId), (tx) =>
        listOrderFulfillments(tx, order.id),
      );
      expect(listed).toEqual([
        expect.objectContaining({
          id: refused.body.error.details.fulfillment.id,
          source: 'dockhand',
          status: 'pushed',
          error: null,
        }),
      ]);
      expect(listed[0]!.platformId).toMatch(/^\d+$/);
    });

    it('reads WooCommerce shipments from the Shipment Tracking extension’s order meta', async () => {
      const placed = woo.control.createOrder('1', { status: 'completed' });
      await wooApi.put(`orders/${placed['id']}`, {
        meta_data: [
          {
            key: '_wc_shipment_tracking_items',
            value: [
              {
                tracking_provider: 'royal-mail',
                custom_tracking_provider: '',
                custom_tracking_link: '',
                tracking_number: 'RM123456789GB',
                date_shipped: '1764115200',
                tracking_id: 'a1b2c3',
              },
            ],
          },
        ],
      });
      await syncOrders(org.wooStoreId);
      const order = await dockhandOrder(org.wooStoreId, String(placed['id']));
      const listed = await withPrincipal(server.runtime.ctx.db, systemPrincipal(org.orgId), (tx) =>
        listOrderFulfillments(tx, order.id),
      );
      expect(listed).toEqual([
        expect.objectContaining({
          source: 'platform',
          status: 'pushed',
          platformId: `${placed['id']}:RM123456789GB`,
          trackingNumber: 'RM123456789GB',
          carrier: 'royal-mail',
          createdAt: '2025-11-26T00:00:00.000Z',
        }),
      ]);
    });
  });

  describe('a push that outlives the request’s timeout', () => {
    it('answers failed at once, and still records the fulfillment as pushed when the platform takes it', async () => {
      const placed = woo.control.createOrder('1', { status: 'processing' });
      await syncOrders(org.wooStoreId);
      const order = await dockhandOrder(org.wooStoreId, String(placed['id']));
      const ctx = server.runtime.ctx;
      const result = await createFulfillment(
        { db: ctx.db, connectorFor: (target) => openConnector(connectorDeps(ctx), target), pushTimeoutMs: 1 },
        systemPrincipal(org.orgId),
        order.id,
        { trackingNumber: 'LATE-1', carrier: 'DHL' },
        { clientKey: randomUUID() },
      );
      expect(result).toMatchObject({ ok: false, fulfillment: { status: 'failed' } });
      expect(!result.ok && result.reason).toMatch(/did not answer within/);
      await vi.waitFor(
        async () => {
          const [row] = await withPrincipal(ctx.db, systemPrincipal(org.orgId), (tx) => listOrderFulfillments(tx, order.id));
          expect(row).toMatchObject({ status: 'pushed', platformId: `${placed['id']}:LATE-1`, error: null });
        },
        { timeout: 10_000, interval: 50 },
      );
      expect(((await wooApi.get(`orders/${placed['id']}`)).data as { status: string }).status).toBe('completed');
    });
  });
});

describe('with the store’s webhooks applied as they arrive (postgres)', () => {
  it('a pushed fulfillment stays one record when its webhook comes back; one made in the Shopify admin arrives by webhook', async () => {
    const env = {
      DOCKHAND_OUTBOUND_ALLOW_HOSTS: '127.0.0.1:*',
      SHOPIFY_API_KEY: shopify.apiKey,
      SHOPIFY_API_SECRET: shopify.apiSecret,
      SHOPIFY_ADMIN_BASE_URL: `${shopify.url}/shops/{shop}`,
    };
    const live = await startTestServer({ env });
    try {
      await startSyncWorkers(live.runtime.ctx, { sweepEveryMs: 500, sweepOlderThanSeconds: 1 });
      const liveApi = apiClient(live.url);
      const admin = await signedInOrg(live, 'Live');
      const created = await liveApi('POST', '/v1/stores', {
        token: admin.token,
        body: {
          platform: 'shopify',
          name: 'Live shop',
          shopDomain: shop,
          credentials: { accessToken: shopify.issueAccessToken(shop).access_token },
        },
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const storeId = created.body.data.id as string;
      const owner = live.database.db.owner;
      const orderRow = async (platformId: string) => {
        let id = '';
        await vi.waitFor(
          async () => {
            const [row] = await owner<{ id: string }[]>`
              select id from orders where store_id = ${storeId} and platform_id = ${platformId}`;
            expect(row).toBeDefined();
            id = row!.id;
          },
          { timeout: 60_000, interval: 100 },
        );
        return id;
      };

      // Dockhand pushes; Shopify's orders/updated (with the fulfillment) comes back and is applied.
      const placed = shopify.control.createOrder(shop, {});
      const orderId = await orderRow(numericId(placed.id));
      const pushed = await liveApi('POST', `/v1/orders/${orderId}/fulfillments`, {
        token: admin.token,
        body: { trackingNumber: 'LIVE-1', carrier: 'UPS' },
      });
      expect(pushed.status, JSON.stringify(pushed.body)).toBe(201);
      await vi.waitFor(
        async () => {
          const [row] = await owner<{ fulfillment_status: string | null }[]>`
            select fulfillment_status from orders where id = ${orderId}`;
          expect(row!.fulfillment_status).toBe('fulfilled');
        },
        { timeout: 60_000, interval: 100 },
      );
      const rows = await owner<{ id: string; source: string; status: string }[]>`
        select id, source, status from fulfillments where order_id = ${orderId}`;
      expect(rows).toEqual([{ id: pushed.body.data.id, source: 'dockhand', status: 'pushed' }]);
      const [announced] = await owner<{ count: number }[]>`
        select count(*)::int as count from events where type = 'fulfillment.created' and subject_id = ${orderId}`;
      expect(announced!.count).toBe(1);

      // Shipped in the Shopify admin: recorded from the webhook, as the platform's.
      const other = shopify.control.createOrder(shop, {});
      const otherId = await orderRow(numericId(other.id));
      await shopifyGraphql(
        `mutation ($fo: ID!) { fulfillmentCreate(fulfillment: { lineItemsByFulfillmentOrder: [{ fulfillmentOrderId: $fo }],
          trackingInfo: { number: "ADMIN-1", company: "USPS" } }) { fulfillment { id } userErrors { message } } }`,
        { fo: other.fulfillmentOrderIds[0] },
      );
      await vi.waitFor(
        async () => {
          const found = await owner<{ source: string; tracking_number: string; status: string }[]>`
            select source, tracking_number, status from fulfillments where order_id = ${otherId}`;
          expect(found).toEqual([{ source: 'platform', tracking_number: 'ADMIN-1', status: 'pushed' }]);
        },
        { timeout: 60_000, interval: 100 },
      );
    } finally {
      await live.close();
    }
  }, 180_000);
});
