import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import { sendWooWebhook } from '../../test/support/woo-fixture.ts';
import { systemPrincipal, withPrincipal } from '../db/principal.ts';
import { createOrganization } from '../domain/users/user-service.ts';
import { topicSecret } from '../platforms/woocommerce/topic-secrets.ts';
import { signBase64Hmac } from './webhook-signature.ts';

/**
 * The platforms sign a webhook's body, not its headers. An attacker who captured one signed
 * delivery re-sends it to the same store with another event id or another topic: a customer's
 * data request as its erasure or as the shop's, an order update as its deletion, an old update
 * as a restore. Each is the same delivery (stored once) or refused, and nothing new reaches the
 * inbox, so nothing is applied.
 */

const APP_SECRET = `shpss_${randomBytes(16).toString('hex')}`;
const WOO_SECRET = `woo-secret-${randomBytes(12).toString('hex')}`;
const SHOP = `swap-${randomBytes(3).toString('hex')}.myshopify.com`;
const SHOP_ID = '6160';

let server: TestServer;
let orgId: string;
let wooStoreId: string;

function shopify(topic: string, body: string, eventId = randomUUID()) {
  return fetch(`${server.url}/webhooks/shopify`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-shopify-topic': topic,
      'x-shopify-shop-domain': SHOP,
      'x-shopify-api-version': '2026-10',
      'x-shopify-webhook-id': randomUUID(),
      'x-shopify-event-id': eventId,
      'x-shopify-triggered-at': new Date().toISOString(),
      'x-shopify-hmac-sha256': signBase64Hmac(body, APP_SECRET),
    },
    body,
  });
}

function woo(topic: string, body: string) {
  return sendWooWebhook(server.url, {
    storeId: wooStoreId,
    secret: WOO_SECRET,
    topic,
    body,
    headers: { 'x-wc-webhook-source': 'https://woo.example/', 'x-wc-webhook-delivery-id': randomBytes(16).toString('hex') },
  });
}

const inboxSize = async () =>
  (await server.database.db.owner<{ n: number }[]>`select count(*)::int as n from webhook_events where org_id = ${orgId}`)[0]!.n;

/** Status and answer of a delivery, and how many rows it added to the inbox. */
async function outcome(send: () => Promise<Response>) {
  const before = await inboxSize();
  const response = await send();
  const answer = (await response.json()) as Record<string, unknown>;
  return {
    status: response.status,
    answer: response.ok ? answer : (answer['error'] as { code: string }).code,
    added: (await inboxSize()) - before,
  };
}

beforeAll(async () => {
  server = await startTestServer({
    env: { SHOPIFY_API_KEY: 'test-key', SHOPIFY_API_SECRET: APP_SECRET },
    enqueueApply: async () => {},
  });
  const { ctx } = server.runtime;
  ({ orgId } = await createOrganization(ctx.db, {
    name: 'Swap',
    adminEmail: `swap-${randomUUID()}@example.test`,
    adminPassword: 'swap password 1',
  }));
  const principal = systemPrincipal(orgId);
  wooStoreId = await withPrincipal(ctx.db, principal, async (tx) => {
    await ctx.stores.create(tx, principal, {
      platform: 'shopify',
      name: 'Shop',
      shopDomain: SHOP,
      status: 'active',
      platformShopId: SHOP_ID,
    });
    const store = await ctx.stores.create(tx, principal, {
      platform: 'woocommerce',
      name: 'Woo',
      siteUrl: 'https://woo.example',
      status: 'active',
      webhookSecret: WOO_SECRET,
    });
    return store.id;
  });
});

afterAll(async () => {
  await server?.close();
});

const stored = { status: 200, answer: { received: true, duplicate: false }, added: 1 };
const duplicate = { status: 200, answer: { received: true, duplicate: true }, added: 0 };
const refused = { status: 401, answer: 'UNAUTHORIZED', added: 0 };

describe('a captured Shopify delivery re-sent to its own shop under another event id or topic', () => {
  it('a data request is never an erasure of the customer or of the shop', async () => {
    const request = `{"shop_id":${SHOP_ID},"shop_domain":"${SHOP}","orders_requested":[820982911946154508],"customer":{"id":207119551,"email":"ada@example.test","phone":null},"data_request":{"id":9999}}`;
    expect(await outcome(() => shopify('customers/data_request', request))).toEqual(stored);
    expect(await outcome(() => shopify('customers/data_request', request))).toEqual(duplicate);
    expect(await outcome(() => shopify('customers/redact', request))).toEqual(refused);
    expect(await outcome(() => shopify('shop/redact', request))).toEqual(refused);
  });

  it('a customer’s erasure is not the shop’s, and a shop’s erasure while it is installed is ignored', async () => {
    const redact = `{"shop_id":${SHOP_ID},"shop_domain":"${SHOP}","customer":{"id":207119551,"email":"ada@example.test","phone":null},"orders_to_redact":[820982911946154508]}`;
    expect(await outcome(() => shopify('customers/redact', redact))).toEqual(stored);
    expect(await outcome(() => shopify('shop/redact', redact))).toEqual(refused);
    expect(await outcome(() => shopify('customers/data_request', redact))).toEqual(refused);
    // Shopify sends shop/redact 48 hours after an uninstall: this shop is installed.
    const shopRedact = `{"shop_id":${SHOP_ID},"shop_domain":"${SHOP}"}`;
    expect(await outcome(() => shopify('shop/redact', shopRedact))).toEqual({
      status: 200,
      answer: { received: true, ignored: true },
      added: 0,
    });
  });

  it('an order’s update is never its deletion, and is stored once whatever its event id or topic of orders', async () => {
    const update = `{"id":820982911946154508,"name":"#1001","created_at":"2026-11-20T10:00:00-05:00","updated_at":"2026-11-20T11:00:00-05:00","line_items":[]}`;
    expect(await outcome(() => shopify('orders/updated', update))).toEqual(stored);
    expect(await outcome(() => shopify('orders/updated', update))).toEqual(duplicate);
    expect(await outcome(() => shopify('orders/cancelled', update))).toEqual(duplicate);
    expect(await outcome(() => shopify('orders/delete', update))).toEqual(refused);
    expect(await outcome(() => shopify('products/delete', update))).toEqual(refused);
    // Nor is an order's body a customer's or a product's update.
    expect(await outcome(() => shopify('customers/update', update))).toEqual(refused);
    expect(await outcome(() => shopify('products/update', update))).toEqual(refused);
    expect(await outcome(() => shopify('inventory_levels/update', update))).toEqual(refused);
    // The real deletion ({id}) is taken, once; the same id deleted as a product is another delivery.
    const deletion = '{"id":820982911946154508}';
    expect(await outcome(() => shopify('orders/delete', deletion))).toEqual(stored);
    expect(await outcome(() => shopify('orders/delete', deletion))).toEqual(duplicate);
    expect(await outcome(() => shopify('products/delete', deletion))).toEqual(stored);
    // A topic nothing acts on is not kept, under any name.
    for (const topic of ['orders/edited', 'made/up', 'zzz']) {
      expect(await outcome(() => shopify(topic, update)), topic).toEqual({
        status: 200,
        answer: { received: true, ignored: true },
        added: 0,
      });
    }
  });
});

describe('a WooCommerce delivery is signed for its topic', () => {
  /** Sent under the topic header `sentAs`, signed with `secret`. */
  const signed = (sentAs: string, body: string, secret: string) =>
    fetch(`${server.url}/webhooks/woocommerce/${wooStoreId}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-wc-webhook-topic': sentAs,
        'x-wc-webhook-signature': signBase64Hmac(body, secret),
      },
      body,
    });
  const productDeletion = topicSecret(WOO_SECRET, 'product.deleted');

  it('refuses a deletion re-sent under another resource’s deletion, which carries the same body', async () => {
    expect(await outcome(() => signed('product.deleted', '{"id":5}', productDeletion))).toEqual(stored);
    expect(await outcome(() => signed('customer.deleted', '{"id":5}', productDeletion))).toEqual(refused);
    expect(await outcome(() => signed('order.deleted', '{"id":5}', productDeletion))).toEqual(refused);
  });

  it('takes the store’s own secret only from a store whose webhooks were registered before topics had their own', async () => {
    expect(await outcome(() => signed('customer.deleted', '{"id":7}', WOO_SECRET))).toEqual(refused);
    await server.database.db.owner`update stores set webhook_topic_secrets = false where id = ${wooStoreId}`;
    server.runtime.ctx.ingest.directory.forget(wooStoreId);
    try {
      expect(await outcome(() => signed('customer.deleted', '{"id":7}', WOO_SECRET))).toEqual(stored);
      // Its topics' own secrets verify as well (its webhooks are being registered again).
      expect(await outcome(() => signed('customer.deleted', '{"id":8}', topicSecret(WOO_SECRET, 'customer.deleted')))).toEqual(
        stored,
      );
    } finally {
      await server.database.db.owner`update stores set webhook_topic_secrets = true where id = ${wooStoreId}`;
      server.runtime.ctx.ingest.directory.forget(wooStoreId);
    }
  });
});

describe('a captured WooCommerce delivery re-sent under another topic', () => {
  it('an order’s update is never its deletion, and an old update is never a restore', async () => {
    const update = JSON.stringify({
      id: 1030,
      status: 'processing',
      date_created: '2026-11-20T10:00:00',
      date_created_gmt: '2026-11-20T15:00:00',
      date_modified: '2026-11-20T11:00:00',
      date_modified_gmt: '2026-11-20T16:00:00',
      line_items: [],
    });
    expect(await outcome(() => woo('order.updated', update))).toEqual(stored);
    expect(await outcome(() => woo('order.deleted', update))).toEqual(refused);
    expect(await outcome(() => woo('order.restored', update))).toEqual(duplicate);
    // Nor is an order's body a product's or a customer's update.
    expect(await outcome(() => woo('product.updated', update))).toEqual(refused);
    expect(await outcome(() => woo('customer.updated', update))).toEqual(refused);
    const product = JSON.stringify({ id: 6, name: 'Mug', type: 'simple', date_modified_gmt: '2026-11-20T16:00:00' });
    expect(await outcome(() => woo('product.updated', product))).toEqual(stored);
    expect(await outcome(() => woo('customer.updated', product))).toEqual(refused);
    expect(await outcome(() => woo('order.deleted', '{"id":1030}'))).toEqual(stored);
    expect(await outcome(() => woo('product.deleted', '{"id":1030}'))).toEqual(stored);
  });
});
