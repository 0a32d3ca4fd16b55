import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import { sendWooWebhook } from '../../test/support/woo-fixture.ts';
import { systemPrincipal, withPrincipal } from '../db/principal.ts';
import { createOrganization } from '../domain/users/user-service.ts';
import { signBase64Hmac } from './webhook-signature.ts';

const APP_SECRET = `shpss_${randomBytes(16).toString('hex')}`;
const WOO_SECRET = `woo-secret-${randomBytes(12).toString('hex')}`;
const SHOP = `ingest-${randomBytes(3).toString('hex')}.myshopify.com`;

let server: TestServer;
let orgId: string;
let shopifyStoreId: string;
let wooStoreId: string;
const enqueued: Array<{ orgId: string; eventId: string }> = [];

/** A Shopify order body whose ids exceed 2^53, as the platform sends them. */
const orderBody = (id = '820982911946154508', updatedAt = '2026-11-20T10:00:00-05:00') =>
  `{"id":${id},"admin_graphql_api_id":"gid://shopify/Order/${id}","name":"#1001","updated_at":"${updatedAt}","line_items":[{"id":866550311766439020,"quantity":1}]}`;

function shopifyDelivery(body: string, overrides: Record<string, string> = {}) {
  return fetch(`${server.url}/webhooks/shopify`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-shopify-topic': 'orders/updated',
      'x-shopify-shop-domain': SHOP,
      'x-shopify-api-version': '2026-10',
      'x-shopify-webhook-id': randomUUID(),
      'x-shopify-event-id': randomUUID(),
      'x-shopify-triggered-at': new Date().toISOString(),
      'x-shopify-hmac-sha256': signBase64Hmac(body, APP_SECRET),
      ...overrides,
    },
    body,
  });
}

function wooDelivery(storeId: string, body: string, overrides: Record<string, string> = {}) {
  return sendWooWebhook(server.url, {
    storeId,
    secret: WOO_SECRET,
    topic: 'order.updated',
    body,
    headers: {
      'x-wc-webhook-source': 'https://woo.example/',
      'x-wc-webhook-resource': 'order',
      'x-wc-webhook-event': 'updated',
      'x-wc-webhook-id': '1',
      'x-wc-webhook-delivery-id': randomBytes(16).toString('hex'),
      ...overrides,
    },
  });
}

const inbox = async () =>
  server.database.db.owner<{ id: string; store_id: string; topic: string; body: string; event_id: string | null }[]>`
    select id, store_id, topic, body, headers->>'x-shopify-event-id' as event_id from webhook_events
    where org_id = ${orgId} order by received_at`;

beforeAll(async () => {
  server = await startTestServer({
    env: { SHOPIFY_API_KEY: 'test-key', SHOPIFY_API_SECRET: APP_SECRET, DOCKHAND_BODY_LIMIT: '1mb' },
    enqueueApply: async (job) => {
      enqueued.push(job);
    },
  });
  const { ctx } = server.runtime;
  ({ orgId } = await createOrganization(ctx.db, {
    name: 'Ingest',
    adminEmail: `ingest-${randomUUID()}@example.test`,
    adminPassword: 'ingest password',
  }));
  const principal = systemPrincipal(orgId);
  [shopifyStoreId, wooStoreId] = await withPrincipal(ctx.db, principal, async (tx) => {
    const shopify = await ctx.stores.create(tx, principal, {
      platform: 'shopify',
      name: 'Shop',
      shopDomain: SHOP,
      status: 'active',
    });
    const woo = await ctx.stores.create(tx, principal, {
      platform: 'woocommerce',
      name: 'Woo',
      siteUrl: 'https://woo.example',
      status: 'active',
      webhookSecret: WOO_SECRET,
    });
    return [shopify.id, woo.id];
  });
});

afterAll(async () => {
  await server?.close();
});

describe('Shopify webhooks', () => {
  it('stores a verified delivery with its raw body intact and enqueues it by row id', async () => {
    const body = orderBody();
    const response = await shopifyDelivery(body);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: true, duplicate: false });
    const rows = (await inbox()).filter((row) => row.body === body);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.body).toContain('820982911946154508');
    expect(enqueued).toContainEqual({ orgId, eventId: rows[0]!.id });
  });

  it('answers 401 to a body with one changed byte and stores nothing', async () => {
    const before = (await inbox()).length;
    const body = orderBody('820982911946154599');
    const signature = signBase64Hmac(body, APP_SECRET);
    const tampered = body.replace('#1001', '#1002');
    const response = await shopifyDelivery(tampered, { 'x-shopify-hmac-sha256': signature });
    expect(response.status).toBe(401);
    expect(((await response.json()) as any).error.code).toBe('UNAUTHORIZED');
    expect(await inbox()).toHaveLength(before);
  });

  it('answers 401 to a delivery signed with another secret, or not signed at all', async () => {
    const body = orderBody();
    expect((await shopifyDelivery(body, { 'x-shopify-hmac-sha256': signBase64Hmac(body, 'not-the-secret') })).status).toBe(401);
    expect((await shopifyDelivery(body, { 'x-shopify-hmac-sha256': '' })).status).toBe(401);
    // Compliance topics follow the same rule: an invalid HMAC is 401.
    expect(
      (await shopifyDelivery('{"shop_id":1}', { 'x-shopify-topic': 'shop/redact', 'x-shopify-hmac-sha256': 'bm9wZQ==' })).status,
    ).toBe(401);
  });

  describe('when the same webhook arrives twice', () => {
    it('stores it once, answers 2xx both times and enqueues it once', async () => {
      const body = orderBody('820982911946154600');
      const eventId = randomUUID();
      const first = await shopifyDelivery(body, { 'x-shopify-event-id': eventId });
      const replay = await shopifyDelivery(body, { 'x-shopify-event-id': eventId });
      expect([first.status, replay.status]).toEqual([200, 200]);
      expect(await replay.json()).toEqual({ received: true, duplicate: true });
      const rows = (await inbox()).filter((row) => row.event_id === eventId);
      expect(rows).toHaveLength(1);
      expect(enqueued.filter((job) => job.eventId === rows[0]!.id)).toHaveLength(1);
    });

    it('stores it once when both copies arrive at the same moment', async () => {
      const body = orderBody('820982911946154601');
      const eventId = randomUUID();
      const results = await Promise.allSettled([1, 2, 3].map(() => shopifyDelivery(body, { 'x-shopify-event-id': eventId })));
      expect(results.map((result) => (result.status === 'fulfilled' ? result.value.status : 0))).toEqual([200, 200, 200]);
      expect((await inbox()).filter((row) => row.event_id === eventId)).toHaveLength(1);
    });
  });

  it('answers 404 for a shop that is not installed', async () => {
    const response = await shopifyDelivery(orderBody(), { 'x-shopify-shop-domain': 'stranger.myshopify.com' });
    expect(response.status).toBe(404);
  });

  it('answers 400 to a signed body that is not JSON, and 413 to one over the limit', async () => {
    expect((await shopifyDelivery('{"id": 1,')).status).toBe(400);
    const big = JSON.stringify({ id: 1, note: 'x'.repeat(2 * 1024 * 1024) });
    const response = await shopifyDelivery(big);
    expect(response.status).toBe(413);
    expect(((await response.json()) as any).error.code).toBe('PAYLOAD_TOO_LARGE');
  });
});

describe('WooCommerce webhooks', () => {
  it('answers the creation ping with exactly 200 and stores nothing', async () => {
    const before = (await inbox()).length;
    const response = await fetch(`${server.url}/webhooks/woocommerce/${wooStoreId}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'user-agent': 'WooCommerce/10.0.2 Hookshot (WordPress/6.8.8)',
      },
      body: 'webhook_id=7',
    });
    expect(response.status).toBe(200);
    expect(await inbox()).toHaveLength(before);
  });

  it('stores a verified delivery, and the same change fired again only once', async () => {
    const body = JSON.stringify({ id: 42, status: 'processing', date_modified_gmt: '2026-11-20T15:00:00', line_items: [] });
    const responses = [];
    for (let fire = 0; fire < 3; fire++) responses.push((await wooDelivery(wooStoreId, body)).status);
    expect(responses).toEqual([200, 200, 200]);
    const rows = (await inbox()).filter((row) => row.store_id === wooStoreId && row.body === body);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.topic).toBe('order.updated');
  });

  it('answers 401 to a wrong signature and stores nothing', async () => {
    const before = (await inbox()).length;
    const body = JSON.stringify({ id: 43 });
    expect((await wooDelivery(wooStoreId, body, { 'x-wc-webhook-signature': signBase64Hmac(body, 'wrong') })).status).toBe(401);
    expect((await wooDelivery(wooStoreId, body, { 'x-wc-webhook-signature': '' })).status).toBe(401);
    expect(await inbox()).toHaveLength(before);
  });

  it('answers 404 for an unknown store id, a malformed one, or a Shopify store’s id', async () => {
    const body = JSON.stringify({ id: 44 });
    expect((await wooDelivery(randomUUID(), body)).status).toBe(404);
    expect((await wooDelivery('not-a-uuid', body)).status).toBe(404);
    expect((await wooDelivery(shopifyStoreId, body)).status).toBe(404);
  });
});

describe('#8.1 only an active Shopify store receives webhooks', () => {
  const principalFor = (org: string) => systemPrincipal(org);

  it('answers 404 for a shop whose only store is pending (added by hand, never proven)', async () => {
    const shop = `pending-${randomBytes(3).toString('hex')}.myshopify.com`;
    await withPrincipal(server.runtime.ctx.db, principalFor(orgId), (tx) =>
      server.runtime.ctx.stores.create(tx, principalFor(orgId), { platform: 'shopify', name: 'Pending', shopDomain: shop }),
    );
    const response = await shopifyDelivery(orderBody('820982911946154700'), { 'x-shopify-shop-domain': shop });
    expect(response.status).toBe(404);
    expect((await inbox()).filter((row) => row.body.includes('820982911946154700'))).toEqual([]);
  });

  it('answers a compliance request for a shop it keeps nothing of with 200, storing nothing', async () => {
    const before = (await inbox()).length;
    const body = '{"shop_id":4242,"shop_domain":"stranger.myshopify.com"}';
    const response = await shopifyDelivery(body, {
      'x-shopify-topic': 'shop/redact',
      'x-shopify-shop-domain': 'stranger.myshopify.com',
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: true, stored: false });
    expect(await inbox()).toHaveLength(before);
  });

  it('still takes shop/redact for an uninstalled store when the body names that shop, and refuses one naming another', async () => {
    const shop = `gone-${randomBytes(3).toString('hex')}.myshopify.com`;
    const storeId = await withPrincipal(server.runtime.ctx.db, principalFor(orgId), async (tx) => {
      const store = await server.runtime.ctx.stores.create(tx, principalFor(orgId), {
        platform: 'shopify',
        name: 'Gone',
        shopDomain: shop,
        status: 'active',
        platformShopId: '5151',
      });
      await tx`update stores set status = 'uninstalled' where id = ${store.id}`;
      return store.id;
    });
    const orders = await shopifyDelivery(orderBody('820982911946154701'), { 'x-shopify-shop-domain': shop });
    expect(orders.status).toBe(404);
    const forged = await shopifyDelivery(`{"shop_id":9999,"shop_domain":"${shop}"}`, {
      'x-shopify-topic': 'shop/redact',
      'x-shopify-shop-domain': shop,
    });
    expect(forged.status).toBe(401);
    const redact = await shopifyDelivery(`{"shop_id":5151,"shop_domain":"${shop}"}`, {
      'x-shopify-topic': 'shop/redact',
      'x-shopify-shop-domain': shop,
    });
    expect(redact.status).toBe(200);
    const [row] = await server.database.db.owner<{ store_id: string }[]>`
      select store_id from webhook_events where topic = 'shop/redact' and store_id = ${storeId}`;
    expect(row).toEqual({ store_id: storeId });
  });
});

describe('#8.2 the inbox keeps headers as a JSON object, without the signature', () => {
  it('stores every X-Shopify header but X-Shopify-Hmac-Sha256, as an object', async () => {
    const body = orderBody('820982911946154702');
    const eventId = randomUUID();
    expect((await shopifyDelivery(body, { 'x-shopify-event-id': eventId })).status).toBe(200);
    const [row] = await server.database.db.owner<{ kind: string; headers: Record<string, string> }[]>`
      select jsonb_typeof(headers) as kind, headers from webhook_events where headers->>'x-shopify-event-id' = ${eventId}`;
    expect(row!.kind).toBe('object');
    expect(row!.headers).toMatchObject({ 'x-shopify-event-id': eventId, 'x-shopify-topic': 'orders/updated' });
    expect(row!.headers).not.toHaveProperty('x-shopify-hmac-sha256');
  });

  it('stores WooCommerce headers without X-WC-Webhook-Signature', async () => {
    const body = JSON.stringify({ id: 45, status: 'processing', line_items: [] });
    expect((await wooDelivery(wooStoreId, body)).status).toBe(200);
    const [row] = await server.database.db.owner<{ kind: string; headers: Record<string, string> }[]>`
      select jsonb_typeof(headers) as kind, headers from webhook_events where store_id = ${wooStoreId} and body = ${body}`;
    expect(row!.kind).toBe('object');
    expect(row!.headers['x-wc-webhook-topic']).toBe('order.updated');
    expect(row!.headers).not.toHaveProperty('x-wc-webhook-signature');
  });
});
