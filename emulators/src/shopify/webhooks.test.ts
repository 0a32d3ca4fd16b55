import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Session, type Shopify } from '@shopify/shopify-api';
import { getHmac } from '@shopify/shopify-api/test-helpers';
import { RETRY_SCHEDULE_MS, startShopifyEmulator, type ShopifyEmulator } from './index.ts';
import { shopifyFor, startReceiver, type Receiver } from './test-support.ts';

const TIME_SCALE = 0.0001; // the ~4 h retry schedule runs in ~1.4 s

let emulator: ShopifyEmulator;
let shopify: Shopify;
let shop: string;
let receiver: Receiver;
let subscriptionIds: string[] = [];

beforeAll(async () => {
  emulator = await startShopifyEmulator({ seed: 5, shops: 2, ordersPerShop: 50, timeScale: TIME_SCALE, webhookTimeoutMs: 300 });
  shopify = shopifyFor(emulator);
  shop = emulator.shops[0]!.domain;
});

afterAll(async () => {
  await emulator.close();
});

async function listen(topic: string, targetShop = shop): Promise<Receiver> {
  receiver = await startReceiver(emulator.apiSecret);
  subscriptionIds = emulator.webhooks.subscribe({ shop: targetShop, topic, uri: receiver.url });
  return receiver;
}

afterEach(async () => {
  emulator.webhooks.clearFaults();
  await emulator.webhooks.idle();
  for (const id of subscriptionIds) emulator.webhooks.unsubscribe(id);
  subscriptionIds = [];
  await receiver?.close();
});

const eventIds = (hooks: Receiver['received']) => hooks.map((hook) => hook.headers['x-shopify-event-id']);
const orderIdIn = (raw: Buffer) => /"id":(\d+)/.exec(raw.toString('utf8'))?.[1];

describe('a webhook delivery', () => {
  it('carries every X-Shopify-* header and a signature the documented check accepts', async () => {
    await listen('orders/create');
    const order = emulator.control.createOrder(shop);
    const [hook] = await receiver.waitForCount(1);
    expect(hook!.signatureValid).toBe(true);
    expect(hook!.headers['x-shopify-hmac-sha256']).toBe(getHmac(hook!.rawBody.toString('utf8'), emulator.apiSecret));
    expect(hook!.headers).toMatchObject({
      'content-type': 'application/json',
      'x-shopify-topic': 'orders/create',
      'x-shopify-shop-domain': shop,
      'x-shopify-api-version': '2026-04',
    });
    for (const header of ['x-shopify-webhook-id', 'x-shopify-event-id', 'x-shopify-triggered-at'])
      expect(hook!.headers[header]).toEqual(expect.any(String));
    expect(orderIdIn(hook!.rawBody)).toBe(order.legacyResourceId);
  });

  it('writes ids above 2^53 as raw JSON numbers, which a lossy JSON.parse would corrupt', async () => {
    await listen('orders/create');
    const order = emulator.control.createOrder(shop);
    const [hook] = await receiver.waitForCount(1);
    const text = hook!.rawBody.toString('utf8');
    expect(text).toContain(`"id":${order.legacyResourceId},`);
    expect(BigInt(order.legacyResourceId) > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
    expect(Number.isSafeInteger((JSON.parse(text) as { id: number }).id)).toBe(false);
    expect(JSON.parse(text)).toMatchObject({
      name: order.name,
      admin_graphql_api_id: order.id,
      financial_status: 'paid',
      line_items: expect.any(Array),
    });
  });

  it('passes webhooks.validate, and fails it once one byte of the body changes', async () => {
    const results: Array<{ valid: boolean; topic?: string; domain?: string }> = [];
    let lastRequest: IncomingMessage | null = null;
    let lastBody = '';
    const app: Server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', async () => {
        lastBody = Buffer.concat(chunks).toString('utf8');
        lastRequest = req;
        results.push(
          (await shopify.webhooks.validate({ rawBody: lastBody, rawRequest: req, rawResponse: res })) as (typeof results)[number],
        );
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', () => resolve()));
    try {
      subscriptionIds = emulator.webhooks.subscribe({
        shop,
        topic: 'orders/updated',
        uri: `http://127.0.0.1:${(app.address() as AddressInfo).port}/hooks`,
      });
      const order = emulator.control.createOrder(shop);
      emulator.control.updateOrder(shop, order.id, { note: 'gift wrap' });
      await emulator.webhooks.waitFor((d) => d.topic === 'orders/updated' && d.outcome === 'delivered');
      expect(results[0]).toMatchObject({ valid: true, topic: 'ORDERS_UPDATED', domain: shop });
      const tampered = lastBody.replace('gift wrap', 'gift wrap!');
      const fakeRequest = { headers: lastRequest!.headers, method: 'POST', url: '/hooks' };
      const rejected = await shopify.webhooks.validate({
        rawBody: tampered,
        rawRequest: fakeRequest as IncomingMessage,
        rawResponse: {} as never,
      });
      expect(rejected).toMatchObject({ valid: false, reason: 'invalid_hmac' });
    } finally {
      await new Promise<void>((resolve) => app.close(() => resolve()));
    }
  });

  it('is sent for subscriptions made with webhookSubscriptionCreate', async () => {
    receiver = await startReceiver(emulator.apiSecret);
    const token = emulator.issueAccessToken(shop);
    const client = new shopify.clients.Graphql({
      session: new Session({ id: 's', shop, state: '', isOnline: false, accessToken: token.access_token }),
    });
    const created = await client.request(
      `mutation($uri: String!) { webhookSubscriptionCreate(topic: INVENTORY_LEVELS_UPDATE, webhookSubscription: { uri: $uri }) { webhookSubscription { id } userErrors { message } } }`,
      { variables: { uri: receiver.url } },
    );
    subscriptionIds = [
      (created.data as { webhookSubscriptionCreate: { webhookSubscription: { id: string } } }).webhookSubscriptionCreate
        .webhookSubscription.id,
    ];
    const row = emulator.control.inventory(shop)[3]!;
    emulator.control.adjustStock(shop, { inventoryItemId: row.inventoryItemId, locationId: row.locationId, delta: 7 });
    const [hook] = await receiver.waitForCount(1);
    expect(hook!.signatureValid).toBe(true);
    expect(hook!.headers['x-shopify-topic']).toBe('inventory_levels/update');
    const text = hook!.rawBody.toString('utf8');
    expect(text).toContain(`"inventory_item_id":${row.inventoryItemId.split('/').pop()}`);
    expect(text).toContain(`"available":${row.available + 7}`);
  });

  it('sends products/update with the whole product, in the REST shape, when a merchant edits it', async () => {
    await listen('products/update');
    const token = emulator.issueAccessToken(shop).access_token;
    const products = await emulator.fetch(`https://${shop}/admin/api/2026-04/graphql.json`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-shopify-access-token': token },
      body: JSON.stringify({ query: '{ products(first: 1) { nodes { id } } }' }),
    });
    const productId = ((await products.json()) as { data: { products: { nodes: Array<{ id: string }> } } }).data.products
      .nodes[0]!.id;
    const productJson = emulator.control.updateProduct(shop, productId, { title: 'Renamed' });
    const [hook] = await receiver.waitForCount(1);
    expect(hook!.signatureValid).toBe(true);
    const body = hook!.rawBody.toString('utf8');
    expect(body).toBe(productJson);
    expect(body).toContain('"title":"Renamed"');
    expect(body).toContain(`"id":${productId.split('/').pop()},`);
    for (const key of ['"admin_graphql_api_id":"gid://shopify/Product/', '"variants":[', '"inventory_item_id":'])
      expect(body).toContain(key);
  });

  it('goes only to the shop it concerns', async () => {
    await listen('orders/create', emulator.shops[1]!.domain);
    emulator.control.createOrder(shop);
    const other = emulator.control.createOrder(emulator.shops[1]!.domain);
    const [hook] = await receiver.waitForCount(1);
    await emulator.webhooks.idle();
    expect(receiver.received).toHaveLength(1);
    expect(orderIdIn(hook!.rawBody)).toBe(other.legacyResourceId);
  });
});

describe('compliance and uninstall topics', () => {
  it('sends customers/data_request, customers/redact and shop/redact to the compliance URL', async () => {
    receiver = await startReceiver(emulator.apiSecret);
    emulator.webhooks.setComplianceUri(receiver.url);
    try {
      emulator.control.triggerCompliance(shop, 'customers/data_request');
      emulator.control.triggerCompliance(shop, 'customers/redact');
      emulator.control.triggerCompliance(shop, 'shop/redact');
      const hooks = await receiver.waitForCount(3);
      expect(hooks.map((hook) => hook.headers['x-shopify-topic']).sort()).toEqual([
        'customers/data_request',
        'customers/redact',
        'shop/redact',
      ]);
      expect(hooks.every((hook) => hook.signatureValid)).toBe(true);
      expect(hooks.every((hook) => hook.headers['x-shopify-api-version'] === '2026-04')).toBe(true);
      const dataRequest = hooks
        .find((hook) => hook.headers['x-shopify-topic'] === 'customers/data_request')!
        .rawBody.toString('utf8');
      for (const key of ['"shop_id":', '"shop_domain":', '"orders_requested":', '"customer":', '"data_request":'])
        expect(dataRequest).toContain(key);
    } finally {
      emulator.webhooks.setComplianceUri(null);
    }
  });

  it('sends app/uninstalled and revokes the shop’s tokens', async () => {
    const uninstallShop = emulator.shops[1]!.domain;
    await listen('app/uninstalled', uninstallShop);
    const token = emulator.issueAccessToken(uninstallShop);
    emulator.control.uninstall(uninstallShop);
    const [hook] = await receiver.waitForCount(1);
    expect(hook!.headers['x-shopify-topic']).toBe('app/uninstalled');
    const response = await emulator.fetch(`https://${uninstallShop}/admin/api/2026-04/graphql.json`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-shopify-access-token': token.access_token },
      body: '{"query":"{ shop { name } }"}',
    });
    expect(response.status).toBe(401);
  });
});

describe('fault: duplicate', () => {
  it('delivers the same event twice with one X-Shopify-Event-Id', async () => {
    await listen('orders/create');
    emulator.webhooks.setFaults({ duplicate: true });
    emulator.control.createOrder(shop);
    const hooks = await receiver.waitForCount(2);
    expect(eventIds(hooks)[0]).toBe(eventIds(hooks)[1]);
    expect(hooks[0]!.rawBody.equals(hooks[1]!.rawBody)).toBe(true);
    expect(hooks[0]!.headers['x-shopify-webhook-id']).not.toBe(hooks[1]!.headers['x-shopify-webhook-id']);
    expect(hooks.every((hook) => hook.signatureValid)).toBe(true);
  });
});

describe('fault: reorder', () => {
  it('delivers events held in a window newest first', async () => {
    await listen('orders/create');
    emulator.webhooks.setFaults({ reorder: true, reorderWindowMs: 50 });
    const created = [emulator.control.createOrder(shop), emulator.control.createOrder(shop), emulator.control.createOrder(shop)];
    const hooks = await receiver.waitForCount(3);
    // Each delivery is its own request, so arrival order is what the receiver sees.
    expect(hooks.map((hook) => orderIdIn(hook.rawBody))).toEqual(created.map((order) => order.legacyResourceId).reverse());
  });
});

describe('fault: delay', () => {
  it('holds every delivery back by the given time', async () => {
    await listen('orders/create');
    emulator.webhooks.setFaults({ delayMs: 250 });
    emulator.control.createOrder(shop);
    const [hook] = await receiver.waitForCount(1);
    const triggeredAt = Date.parse(hook!.headers['x-shopify-triggered-at'] as string);
    expect(hook!.receivedAt - triggeredAt).toBeGreaterThanOrEqual(240);
  });
});

describe('fault: drop', () => {
  it('never delivers, records the drop, and leaves the change for polling to find', async () => {
    await listen('orders/create');
    emulator.webhooks.setFaults({ drop: true });
    const order = emulator.control.createOrder(shop);
    const dropped = await emulator.webhooks.waitFor((d) => d.outcome === 'dropped' && d.topic === 'orders/create');
    await emulator.webhooks.idle();
    expect(receiver.received).toHaveLength(0);
    expect(dropped.shop).toBe(shop);
    expect(JSON.parse(emulator.control.orderJson(shop, order.id).replace(/"id":(\d{16,})/g, '"id":"$1"'))).toMatchObject({
      name: order.name,
    });
  });
});

describe('fault: slow', () => {
  it('trickles the body slowly; the raw bytes still verify', async () => {
    await listen('orders/create');
    emulator.webhooks.setFaults({ slowMs: 200 });
    emulator.control.createOrder(shop);
    const [hook] = await receiver.waitForCount(1);
    expect(hook!.readMs).toBeGreaterThanOrEqual(150);
    expect(hook!.signatureValid).toBe(true);
  });

  it('treats an endpoint slower than the timeout as failed and retries it', async () => {
    await listen('orders/create');
    let calls = 0;
    receiver.respond = async () => {
      calls++;
      if (calls === 1) await new Promise((resolve) => setTimeout(resolve, 500)); // past the 300 ms timeout
      return 200;
    };
    emulator.control.createOrder(shop);
    const delivered = await emulator.webhooks.waitFor((d) => d.outcome === 'delivered' && d.url === receiver.url);
    const attempts = emulator.webhooks.deliveries().filter((d) => d.eventId === delivered.eventId);
    expect(attempts.map((d) => d.outcome)).toEqual(['failed', 'delivered']);
    expect(attempts[0]!.error).toMatch(/no response within 300 ms/);
  });
});

describe('retries', () => {
  it('retries a failing endpoint on the scaled schedule with the original payload', async () => {
    await listen('orders/create');
    let calls = 0;
    const bodies: string[] = [];
    receiver.respond = (hook) => {
      calls++;
      bodies.push(hook.rawBody.toString('utf8'));
      return calls <= 3 ? 500 : 200;
    };
    emulator.control.createOrder(shop);
    const delivered = await emulator.webhooks.waitFor((d) => d.outcome === 'delivered' && d.url === receiver.url);
    const attempts = emulator.webhooks.deliveries().filter((d) => d.eventId === delivered.eventId);
    expect(attempts.map((d) => [d.attempt, d.outcome, d.statusCode])).toEqual([
      [0, 'failed', 500],
      [1, 'failed', 500],
      [2, 'failed', 500],
      [3, 'delivered', 200],
    ]);
    expect(attempts.slice(0, 3).map((d) => d.nextRetryInMs)).toEqual(
      RETRY_SCHEDULE_MS.slice(0, 3).map((ms) => Math.max(1, Math.round(ms * TIME_SCALE))),
    );
    expect(new Set(bodies).size).toBe(1);
    expect(new Set(attempts.map((d) => d.webhookId)).size).toBe(1);
  });

  it('gives up after 8 retries over ~4 scaled hours and removes an API-made subscription', async () => {
    receiver = await startReceiver(emulator.apiSecret);
    receiver.respond = () => 503;
    const token = emulator.issueAccessToken(shop);
    const client = new shopify.clients.Graphql({
      session: new Session({ id: 's', shop, state: '', isOnline: false, accessToken: token.access_token }),
    });
    await client.request(
      `mutation($uri: String!) { webhookSubscriptionCreate(topic: ORDERS_CANCELLED, webhookSubscription: { uri: $uri }) { userErrors { message } } }`,
      {
        variables: { uri: receiver.url },
      },
    );
    const order = emulator.control.createOrder(shop);
    const started = Date.now();
    emulator.control.cancelOrder(shop, order.id);
    const last = await emulator.webhooks.waitFor((d) => d.topic === 'orders/cancelled' && d.attempt === 8, 10_000);
    const elapsed = Date.now() - started;
    const totalScaled = RETRY_SCHEDULE_MS.reduce((sum, ms) => sum + ms, 0) * TIME_SCALE;
    expect(RETRY_SCHEDULE_MS).toHaveLength(8);
    expect(RETRY_SCHEDULE_MS.reduce((sum, ms) => sum + ms, 0)).toBeLessThanOrEqual(4 * 3_600_000);
    expect(last.outcome).toBe('failed');
    expect(last.nextRetryInMs).toBeNull();
    expect(elapsed).toBeGreaterThanOrEqual(totalScaled * 0.9);
    expect(emulator.webhooks.subscriptions(shop).filter((s) => s.uri === receiver.url)).toEqual([]);
  });
});
