import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startShopifyEmulator, type ShopifyEmulator } from '@dockhand/emulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, startTestServer, type TestServer } from '../../test/support/test-server.ts';
import { connectorDeps } from '../runtime.ts';
import { shopifyWebhooks } from '../platforms/shopify/webhooks.ts';
import { applyWebhookEvent } from '../sync/apply-webhook.ts';
import { runSyncJob } from '../sync/sync-jobs.ts';
import { signBase64Hmac } from './webhook-signature.ts';

/**
 * Shopify signs a webhook's body only. An attacker who holds one signed delivery (from a shop of
 * its own) re-sends it with another organization's shop in X-Shopify-Shop-Domain, for every
 * topic Dockhand acts on; the victim's organization must not change.
 */

interface Capture {
  topic: string;
  shop: string;
  body: string;
  hmac: string;
  /** Delivered by the emulator (a real capture) or built from the shop's data and signed. */
  source: 'emulator' | 'built';
}

let emulator: ShopifyEmulator;
let server: TestServer;
let captureServer: Server;
const captured = new Map<string, Capture>();
let victim: { orgId: string; storeId: string; shop: string };
let attacker: { orgId: string; storeId: string; shop: string };
/** A shop of the attacker's that uninstalls (its app/uninstalled delivery is captured). */
let burnerShop: string;
/** Every Shopify topic the server acts on, from the platform's topic table (a new topic cannot slip past). */
const SHOPIFY_HANDLED_TOPICS = Object.keys(shopifyWebhooks.topics);

async function install(shop: string): Promise<{ orgId: string; storeId: string; shop: string }> {
  const session = await apiClient(server.url)('POST', '/shopify/session', {
    headers: { authorization: `Bearer ${emulator.mintSessionToken(shop)}` },
  });
  expect(session.status, JSON.stringify(session.body)).toBe(200);
  const { orgId, storeId } = session.body.data as { orgId: string; storeId: string };
  await runSyncJob(server.runtime.ctx.db, connectorDeps(server.runtime.ctx), { orgId, storeId, mode: 'backfill' });
  return { orgId, storeId, shop };
}

function deliver(capture: Capture, shop: string, eventId = randomUUID()): Promise<Response> {
  return fetch(`${server.url}/webhooks/shopify`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-shopify-topic': capture.topic,
      'x-shopify-shop-domain': shop,
      'x-shopify-api-version': emulator.apiVersion,
      'x-shopify-webhook-id': randomUUID(),
      'x-shopify-event-id': eventId,
      'x-shopify-triggered-at': new Date().toISOString(),
      'x-shopify-hmac-sha256': capture.hmac,
    },
    body: capture.body,
  });
}

/** Applies what the organization's inbox holds, as a worker would; answers each outcome. */
async function applyInbox(orgId: string): Promise<string[]> {
  const rows = await server.database.db.owner<{ id: string }[]>`
    select id from webhook_events where org_id = ${orgId} and status = 'received' order by received_at`;
  const outcomes: string[] = [];
  for (const row of rows) {
    outcomes.push(await applyWebhookEvent(server.runtime.ctx.db, { orgId, eventId: row.id }).catch((error) => String(error)));
  }
  return outcomes;
}

/** Everything of an organization a delivery could change, except its inbox. */
async function snapshot(orgId: string): Promise<Record<string, unknown>> {
  const [state] = await server.database.db.owner<Record<string, unknown>[]>`
    select
      (select string_agg(concat_ws('|', id, status, name, shop_domain, platform_shop_id, credentials_key_id, updated_at), ',' order by id)
         from stores where org_id = ${orgId}) as stores,
      (select md5(coalesce(string_agg(concat_ws('|', platform_id, email, status, financial_status, total, raw::text, platform_updated_at, updated_at), ',' order by platform_id), ''))
         from orders where org_id = ${orgId}) as orders,
      (select count(*) from order_lines where org_id = ${orgId}) as order_lines,
      (select md5(coalesce(string_agg(concat_ws('|', platform_id, title, raw::text, updated_at), ',' order by platform_id), ''))
         from products where org_id = ${orgId}) as products,
      (select md5(coalesce(string_agg(concat_ws('|', platform_id, inventory_item_id, sku, updated_at), ',' order by platform_id), ''))
         from product_variants where org_id = ${orgId}) as variants,
      (select md5(coalesce(string_agg(concat_ws('|', platform_id, email, first_name, phone, raw::text, redacted_at, updated_at), ',' order by platform_id), ''))
         from customers where org_id = ${orgId}) as customers,
      (select count(*) from locations where org_id = ${orgId}) as locations,
      (select md5(coalesce(string_agg(concat_ws('|', variant_id, location_id, available), ',' order by variant_id, location_id), ''))
         from inventory_levels where org_id = ${orgId}) as levels,
      (select count(*) from inventory_ledger where org_id = ${orgId}) as ledger,
      (select count(*) from audit_log where org_id = ${orgId}) as audit`;
  return state!;
}

/**
 * Builds a topic's body from the attacker's synced data, signed as Shopify signs it, for the
 * topics the emulator does not send (products/create, customers/*): the signature covers only the
 * body, so this is what a capture of one would be.
 */
async function built(topic: string): Promise<Capture> {
  const sign = (body: string): Capture => ({
    topic,
    shop: attacker.shop,
    body,
    hmac: signBase64Hmac(body, emulator.apiSecret),
    source: 'built',
  });
  if (topic.endsWith('/delete')) {
    // A deletion carries the record's id only.
    const table = { orders: 'orders', products: 'products', customers: 'customers' }[topic.split('/')[0]!];
    if (!table) throw new Error(`no way to build a ${topic} delivery: add one to this test`);
    const [record] = await server.database.db.owner<{ platform_id: string }[]>`
      select platform_id from ${server.database.db.owner(table)} where store_id = ${attacker.storeId} order by platform_id limit 1`;
    return sign(`{"id":${record!.platform_id}}`);
  }
  if (topic.startsWith('orders/')) {
    const [order] = await server.database.db.owner<{ platform_id: string }[]>`
      select platform_id from orders where store_id = ${attacker.storeId} order by platform_id limit 1`;
    return sign(emulator.control.orderJson(attacker.shop, order!.platform_id));
  }
  if (topic.startsWith('products/')) {
    const [product] = await server.database.db.owner<{ body: string }[]>`
      select json_build_object(
               'id', p.platform_id::numeric, 'title', p.title, 'status', 'active',
               'updated_at', to_char(now() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
               'variants', json_agg(json_build_object('id', v.platform_id::numeric, 'inventory_item_id', v.inventory_item_id::numeric,
                                                     'sku', v.sku, 'title', v.title, 'price', v.price::text)))::text as body
      from products p join product_variants v on v.product_id = p.id and v.org_id = p.org_id
      where p.store_id = ${attacker.storeId} group by p.id, p.platform_id, p.title order by p.platform_id limit 1`;
    return sign(product!.body);
  }
  if (topic.startsWith('customers/')) {
    const [customer] = await server.database.db.owner<{ body: string }[]>`
      select json_build_object('id', platform_id::numeric, 'email', email, 'first_name', 'Mallory', 'last_name', last_name,
                               'phone', phone, 'updated_at', to_char(now() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'))::text as body
      from customers where store_id = ${attacker.storeId} order by platform_id limit 1`;
    return sign(customer!.body);
  }
  throw new Error(`no way to capture or build a ${topic} delivery: add one to this test`);
}

beforeAll(async () => {
  emulator = await startShopifyEmulator({ seed: 77, shops: 3, ordersPerShop: 4 });
  server = await startTestServer({
    env: {
      SHOPIFY_API_KEY: emulator.apiKey,
      SHOPIFY_API_SECRET: emulator.apiSecret,
      SHOPIFY_ADMIN_BASE_URL: `${emulator.url}/shops/{shop}`,
    },
  });
  victim = await install(emulator.shops[0]!.domain);
  attacker = await install(emulator.shops[1]!.domain);
  burnerShop = emulator.shops[2]!.domain;

  // The attacker listens to its own shops' deliveries: these are the captures.
  captureServer = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const topic = String(req.headers['x-shopify-topic']);
      captured.set(topic, {
        topic,
        shop: String(req.headers['x-shopify-shop-domain']),
        body: Buffer.concat(chunks).toString('utf8'),
        hmac: String(req.headers['x-shopify-hmac-sha256']),
        source: 'emulator',
      });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => captureServer.listen(0, '127.0.0.1', () => resolve()));
  const captureUrl = `http://127.0.0.1:${(captureServer.address() as AddressInfo).port}/`;
  for (const topic of SHOPIFY_HANDLED_TOPICS) {
    try {
      emulator.webhooks.subscribe({ topic, uri: captureUrl, shop: attacker.shop });
      emulator.webhooks.subscribe({ topic, uri: captureUrl, shop: burnerShop });
    } catch {
      // A topic the emulator does not send: its delivery is built (see `built`).
    }
  }
  emulator.webhooks.setComplianceUri(captureUrl);
  const paid = emulator.control.createOrder(attacker.shop, { financialStatus: 'paid' });
  emulator.control.updateOrder(attacker.shop, paid.id, { tags: ['captured'] });
  emulator.control.fulfillOrder(attacker.shop, paid.id, { number: 'TRACK-1' });
  emulator.control.cancelOrder(attacker.shop, emulator.control.createOrder(attacker.shop).id);
  const [product] = await server.database.db.owner<{ platform_id: string }[]>`
    select platform_id from products where store_id = ${attacker.storeId} order by platform_id limit 1`;
  emulator.control.updateProduct(attacker.shop, product!.platform_id, { title: 'Captured' });
  const [level] = emulator.control.inventory(attacker.shop);
  emulator.control.adjustStock(attacker.shop, {
    inventoryItemId: level!.inventoryItemId,
    locationId: level!.locationId,
    delta: 3,
  });
  for (const topic of ['customers/data_request', 'customers/redact', 'shop/redact'] as const) {
    emulator.control.triggerCompliance(attacker.shop, topic);
  }
  emulator.control.uninstall(burnerShop);
  await emulator.webhooks.idle();
  emulator.webhooks.setComplianceUri(null);
  // What Shopify delivered to Dockhand for the attacker's own store is applied there first.
  await applyInbox(attacker.orgId);
});

afterAll(async () => {
  await new Promise<void>((resolve) => (captureServer ? captureServer.close(() => resolve()) : resolve()));
  await server?.close();
  await emulator?.close();
});

describe('#8.2 a captured Shopify delivery re-aimed at another organization’s shop', () => {
  it('is covered for every topic the server handles, most of them with a real capture', async () => {
    expect(SHOPIFY_HANDLED_TOPICS.length).toBeGreaterThan(10);
    const real = SHOPIFY_HANDLED_TOPICS.filter((topic) => captured.has(topic));
    expect(real).toEqual(
      expect.arrayContaining([
        'orders/create',
        'orders/updated',
        'orders/cancelled',
        'orders/paid',
        'orders/fulfilled',
        'products/update',
        'inventory_levels/update',
        'app/uninstalled',
        'customers/data_request',
        'customers/redact',
        'shop/redact',
      ]),
    );
  });

  for (const topic of SHOPIFY_HANDLED_TOPICS) {
    it(`${topic}: changes nothing in the victim's organization`, async () => {
      const capture = captured.get(topic) ?? (await built(topic));
      if (
        capture.shop === attacker.shop &&
        !topic.startsWith('app/') &&
        !topic.includes('redact') &&
        !topic.includes('request')
      ) {
        // As Shopify would have: the delivery reaches the attacker's own store first.
        expect((await deliver(capture, attacker.shop)).status).toBe(200);
        await applyInbox(attacker.orgId);
      }
      const before = await snapshot(victim.orgId);
      const eventId = randomUUID();
      const response = await deliver(capture, victim.shop, eventId);
      expect([200, 401]).toContain(response.status);
      const outcomes = await applyInbox(victim.orgId);
      expect(outcomes.every((outcome) => outcome === 'refused')).toBe(true);
      expect(await snapshot(victim.orgId)).toEqual(before);
      const [row] = await server.database.db.owner<{ status: string; last_error: string | null }[]>`
        select status, last_error from webhook_events where org_id = ${victim.orgId} and headers->>'x-shopify-event-id' = ${eventId}`;
      const answer = response.status === 200 ? ((await response.json()) as { duplicate?: boolean }) : {};
      // Refused, or the same body already re-sent under another topic of its resource (stored once), or stored and refused when applied.
      if (response.status === 401 || answer.duplicate) expect(row).toBeUndefined();
      else expect(row).toMatchObject({ status: 'ignored', last_error: expect.stringMatching(/^Refused/) });
      // The victim's store still works.
      const stillInstalled = await server.runtime.ctx.shopify!.tokens.stillInstalled(
        { ...victim, shopDomain: victim.shop, platformShopId: null },
        { shopBaseUrl: `${emulator.url}/shops/${victim.shop}` },
      );
      expect(stillInstalled).toBe(true);
    });
  }
});

describe('#8.2 an app/uninstalled delivery while the app is still installed', () => {
  it('is ignored: the store’s token still works, so it changes nothing', async () => {
    const shopInfo = emulator.shops[0]!;
    // The victim's own shop, named correctly in the body: only Shopify can say it was not uninstalled.
    // Ids as raw JSON numbers, as Shopify sends them (they may exceed 2^53).
    const body = `{"id":${shopInfo.id.replace(/^.*\//, '')},"name":${JSON.stringify(shopInfo.name)},"domain":"${shopInfo.domain}","myshopify_domain":"${shopInfo.domain}"}`;
    const before = await snapshot(victim.orgId);
    const eventId = randomUUID();
    const response = await deliver(
      { topic: 'app/uninstalled', shop: victim.shop, body, hmac: signBase64Hmac(body, emulator.apiSecret), source: 'built' },
      victim.shop,
      eventId,
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: true, ignored: true });
    expect(await applyInbox(victim.orgId)).toEqual([]);
    expect(await snapshot(victim.orgId)).toEqual(before);
  });
});

describe('#8.2 the inbox keeps the delivery headers as a JSON object, without the signature', () => {
  it('stores the X-Shopify headers but not X-Shopify-Hmac-Sha256', async () => {
    const rows = await server.database.db.owner<{ kind: string; headers: Record<string, string> }[]>`
      select jsonb_typeof(headers) as kind, headers from webhook_events where org_id = ${attacker.orgId}`;
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row.kind).toBe('object');
      expect(row.headers['x-shopify-topic']).toEqual(expect.any(String));
      expect(row.headers).not.toHaveProperty('x-shopify-hmac-sha256');
    }
  });
});
