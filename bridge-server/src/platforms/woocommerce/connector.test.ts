import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startWooCommerceEmulator } from '@dockhand/emulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOutboundGuard, OutboundUrlRefusedError } from '../../security/outbound-guard.ts';
import {
  PlatformAuthError,
  PlatformBusyError,
  type EntityTypes,
  type Page,
  type PageItem,
  type StoreConnector,
  type SyncEntity,
} from '../connector.ts';
import { APPLIED_CHANGES_META, createWooCommerceConnector, TRACKING_META, type WooCommerceConnector } from './connector.ts';
import { createWooRestClient, holdsMoreJsonValues, MAX_JSON_VALUES, WooCommerceApiError } from './rest-client.ts';
import { topicSecret } from './topic-secrets.ts';
import { wooCommerceWebhooks } from './webhooks.ts';

type Emulator = Awaited<ReturnType<typeof startWooCommerceEmulator>>;

const ORDERS = 1000;
const guard = createOutboundGuard({ allowHosts: ['127.0.0.1:*'] });
let woo: Emulator;
let connector: WooCommerceConnector;

async function fetchAll<E extends SyncEntity>(
  target: StoreConnector,
  entity: E,
  since: string | null = null,
  pageSize?: number,
): Promise<{ items: PageItem<EntityTypes[E]>[]; pages: number; totals: Array<number | undefined> }> {
  const items: PageItem<EntityTypes[E]>[] = [];
  const totals: Array<number | undefined> = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page: Page<EntityTypes[E]> = await target.fetchPage(entity, { since, cursor, ...(pageSize ? { pageSize } : {}) });
    items.push(...page.items);
    totals.push(page.total);
    cursor = page.nextCursor;
    pages++;
    if (pages > 1000) throw new Error('runaway pagination');
  } while (cursor);
  return { items, pages, totals };
}

beforeAll(async () => {
  woo = await startWooCommerceEmulator({ seed: 4, ordersPerSite: ORDERS, duplicateOrderUpdated: false });
  const site = woo.sites[0]!;
  connector = createWooCommerceConnector({
    siteUrl: site.baseUrl,
    consumerKey: site.consumerKey,
    consumerSecret: site.consumerSecret,
    webhookSecret: 'a'.repeat(64),
    guard,
  });
});
afterAll(async () => {
  await woo?.close();
});

describe('fetching pages from a WooCommerce store', () => {
  it('pages through every order of a 1,000-order site exactly once', async () => {
    const { items, pages, totals } = await fetchAll(connector, 'orders');
    // time windows restart at the last item's second, so a page more than offset paging at most
    expect(pages).toBeGreaterThanOrEqual(ORDERS / 100);
    expect(pages).toBeLessThanOrEqual(ORDERS / 50);
    expect(items).toHaveLength(ORDERS);
    expect(new Set(items.map((entry) => entry.item.platformId)).size).toBe(ORDERS);
    expect(totals.every((total) => total === ORDERS)).toBe(true);
    // raw is that item's own JSON text
    const first = items[0]!;
    expect(String((JSON.parse(first.raw) as { id: number }).id)).toBe(first.item.platformId);
    // ascending by modification, so a checkpoint only moves forward
    const updated = items.map((entry) => Date.parse(entry.item.updatedAt));
    expect([...updated].sort((a, b) => a - b)).toEqual(updated);
  });

  it('gives the same orders with small pages, where many share one modified second', async () => {
    const { items } = await fetchAll(connector, 'orders', null, 7);
    expect(new Set(items.map((entry) => entry.item.platformId)).size).toBe(ORDERS);
  });

  describe('when a checkpoint is given', () => {
    it('returns only what changed at or after it', async () => {
      const since = new Date().toISOString();
      const created = woo.control.createOrder('1', { status: 'pending', lineItems: [{ productId: 10, quantity: 1 }] }) as {
        id: number;
      };
      const { items } = await fetchAll(connector, 'orders', since);
      expect(items.map((entry) => entry.item.platformId)).toEqual([String(created.id)]);
    });
  });

  it('reads products with their variations as variants', async () => {
    const { items } = await fetchAll(connector, 'products');
    expect(items).toHaveLength(36);
    const variable = items.filter((entry) => (JSON.parse(entry.raw) as { type: string }).type === 'variable');
    expect(variable).toHaveLength(9);
    for (const entry of variable) {
      expect(entry.item.variants).toHaveLength(3);
      expect(entry.item.variants.map((variant) => variant.title)).toEqual(['S', 'M', 'L']);
    }
  });

  it('derives stock levels from products and variations that manage stock', async () => {
    woo.control.setStock('1', 11, 42);
    const { items } = await fetchAll(connector, 'inventory');
    const levels = new Map(items.map((entry) => [(entry.item.variant as { platformId: string }).platformId, entry.item]));
    const eleven = levels.get('11');
    expect(eleven?.available).toBe(42);
    expect(eleven?.locationPlatformId).toBe('default');
    const products = await fetchAll(connector, 'products');
    const variationIds = products.items
      .filter((entry) => (JSON.parse(entry.raw) as { type: string }).type === 'variable')
      .flatMap((entry) => entry.item.variants.map((variant) => variant.platformId));
    for (const id of variationIds) expect(levels.has(id)).toBe(true);
  });

  it('finds a variation whose stock changed although its parent did not', async () => {
    const products = await fetchAll(connector, 'products');
    const variationId = products.items.find((entry) => entry.item.variants[0]!.platformId !== entry.item.platformId)!.item
      .variants[1]!.platformId;
    const since = new Date().toISOString();
    woo.control.setStock('1', Number(variationId), 7);
    const { items } = await fetchAll(connector, 'inventory', since);
    expect(
      items.map((entry) => [(entry.item.variant as { platformId: string }).platformId, entry.item.available]),
    ).toContainEqual([variationId, 7]);
    const changedProducts = await fetchAll(connector, 'products', since);
    expect(changedProducts.items.some((entry) => entry.item.variants.some((variant) => variant.platformId === variationId))).toBe(
      true,
    );
  });

  it('reads customers', async () => {
    const { items } = await fetchAll(connector, 'customers');
    expect(items).toHaveLength(80);
  });
});

describe('pushing an inventory change', () => {
  /** Simple products that manage their stock. */
  let simple: string[] = [];
  beforeAll(async () => {
    const list = await connector.client.list('products', { type: 'simple', per_page: 100, orderby: 'id', order: 'asc' });
    simple = list.items
      .map((item) => item.value as { id: number; manage_stock: boolean })
      .filter((product) => product.manage_stock)
      .map((product) => String(product.id));
    expect(simple.length).toBeGreaterThanOrEqual(3);
  });

  it('applies it when the store has what we expect', async () => {
    woo.control.setStock('1', Number(simple[0]), 30);
    const result = await connector.pushInventoryChange({
      variantPlatformId: simple[0]!,
      locationPlatformId: 'default',
      delta: -4,
      expectedAvailable: 30,
      idempotencyKey: 'req-apply',
      reason: 'test',
    });
    expect(result).toEqual({ kind: 'applied', available: 26 });
    const product = (await connector.client.request('GET', `products/${simple[0]}`)).value as {
      stock_quantity: number;
      meta_data: Array<{ key: string }>;
    };
    expect(product.stock_quantity).toBe(26);
    expect(product.meta_data.some((meta) => meta.key === APPLIED_CHANGES_META)).toBe(true);
  });

  it('refuses with a conflict when the store changed meanwhile', async () => {
    woo.control.setStock('1', Number(simple[1]), 50);
    const result = await connector.pushInventoryChange({
      variantPlatformId: simple[1]!,
      locationPlatformId: 'default',
      delta: 5,
      expectedAvailable: 40,
      idempotencyKey: 'req-conflict',
      reason: 'test',
    });
    expect(result).toEqual({ kind: 'conflict', actual: 50 });
    expect(
      ((await connector.client.request('GET', `products/${simple[1]}`)).value as { stock_quantity: number }).stock_quantity,
    ).toBe(50);
  });

  describe('when the same idempotency key arrives twice', () => {
    it('applies it once, one after the other and at the same time', async () => {
      woo.control.setStock('1', Number(simple[2]), 10);
      const change = {
        variantPlatformId: simple[2]!,
        locationPlatformId: 'default',
        delta: 3,
        expectedAvailable: 10,
        idempotencyKey: 'req-twice',
        reason: 'test',
      };
      const results = await Promise.allSettled([connector.pushInventoryChange(change), connector.pushInventoryChange(change)]);
      expect(results.map((result) => result.status)).toEqual(['fulfilled', 'fulfilled']);
      expect(await connector.pushInventoryChange(change)).toEqual({ kind: 'applied', available: 13 });
      // a second connector (another worker) sees the key in the store, not in memory
      const site = woo.sites[0]!;
      const other = createWooCommerceConnector({
        siteUrl: site.baseUrl,
        consumerKey: site.consumerKey,
        consumerSecret: site.consumerSecret,
        guard,
      });
      expect(await other.pushInventoryChange(change)).toEqual({ kind: 'applied', available: 13 });
      expect(
        ((await connector.client.request('GET', `products/${simple[2]}`)).value as { stock_quantity: number }).stock_quantity,
      ).toBe(13);
    });
  });

  it('applies a change to a variation', async () => {
    const products = await fetchAll(connector, 'products');
    const variationId = products.items.find((entry) => entry.item.variants[0]!.platformId !== entry.item.platformId)!.item
      .variants[0]!.platformId;
    woo.control.setStock('1', Number(variationId), 20);
    const site = woo.sites[0]!;
    // a fresh connector has not seen the catalogue: it must find the parent itself
    const fresh = createWooCommerceConnector({
      siteUrl: site.baseUrl,
      consumerKey: site.consumerKey,
      consumerSecret: site.consumerSecret,
      guard,
    });
    const result = await fresh.pushInventoryChange({
      variantPlatformId: variationId,
      locationPlatformId: 'default',
      delta: -1,
      expectedAvailable: 20,
      idempotencyKey: 'req-variation',
      reason: 'test',
    });
    expect(result).toEqual({ kind: 'applied', available: 19 });
  });
});

/** The real guard, watched: how many requests whose path matches are in flight at most. */
function watchedGuard(pattern: RegExp) {
  let inFlight = 0;
  const watched = { max: 0, calls: 0, guard: { ...guard } };
  watched.guard.fetch = async (url, init) => {
    if (!pattern.test(new URL(String(url)).pathname)) return guard.fetch(url, init);
    watched.calls++;
    watched.max = Math.max(watched.max, ++inFlight);
    try {
      const response = await guard.fetch(url, init);
      return new Response(await response.arrayBuffer(), { status: response.status, headers: response.headers });
    } finally {
      inFlight--;
    }
  };
  return watched;
}

describe('the connector’s limiter and lock', () => {
  const connectorWith = (watched: { guard: typeof guard }, concurrency?: number) => {
    const site = woo.sites[0]!;
    return createWooCommerceConnector({
      siteUrl: site.baseUrl,
      consumerKey: site.consumerKey,
      consumerSecret: site.consumerSecret,
      guard: watched.guard,
      ...(concurrency ? { concurrency } : {}),
    });
  };

  it('reads variations with at most `concurrency` requests in flight, across reads running at once', async () => {
    const watched = watchedGuard(/\/variations$/);
    const limited = connectorWith(watched, 3);
    const [one, two] = await Promise.all([fetchAll(limited, 'products'), fetchAll(limited, 'products')]);
    expect(one.items).toHaveLength(36);
    expect(two.items).toHaveLength(36);
    expect(watched.calls).toBe(18);
    expect(watched.max).toBe(3);
  });

  it('serialises read-compare-write per variant: two changes expecting the same stock, one applies and one conflicts', async () => {
    const list = await connector.client.list('products', { type: 'simple', per_page: 100, orderby: 'id', order: 'asc' });
    const [first, second] = list.items
      .map((item) => item.value as { id: number; manage_stock: boolean })
      .filter((product) => product.manage_stock)
      .slice(-2)
      .map((product) => String(product.id));
    woo.control.setStock('1', Number(first), 8);
    woo.control.setStock('1', Number(second), 8);
    const watched = watchedGuard(/\/products\/\d+$/);
    const pusher = connectorWith(watched);
    const change = (variantPlatformId: string, idempotencyKey: string) =>
      pusher.pushInventoryChange({
        variantPlatformId,
        locationPlatformId: 'default',
        delta: -2,
        expectedAvailable: 8,
        idempotencyKey,
        reason: 'test',
      });
    const results = await Promise.all([change(first!, 'lock-a'), change(first!, 'lock-b'), change(second!, 'lock-c')]);
    expect(results.filter((result) => result.kind === 'applied')).toHaveLength(2);
    expect(results[2]).toEqual({ kind: 'applied', available: 6 });
    expect(results.slice(0, 2)).toContainEqual({ kind: 'conflict', actual: 6 });
    // Another variant is not held up by the lock of the first.
    expect(watched.max).toBeGreaterThan(1);
    // And the lock is not kept once released: the variant takes changes again.
    expect(await change(first!, 'lock-d').then(() => change(first!, 'lock-e'))).toEqual({ kind: 'conflict', actual: 6 });
  });
});

describe('registering webhooks', () => {
  it('creates the subscriptions once, and repairs instead of duplicating', async () => {
    const received: Array<{ topic: string; signature: string; body: Buffer }> = [];
    const receiver = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const topic = req.headers['x-wc-webhook-topic'];
        if (typeof topic === 'string') {
          received.push({ topic, signature: String(req.headers['x-wc-webhook-signature']), body: Buffer.concat(chunks) });
        }
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const callback = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/woocommerce/store-1`;
    try {
      const topics = Object.keys(wooCommerceWebhooks.topics);
      expect(await connector.registerWebhooks(callback)).toEqual({ created: topics.length, existing: 0 });
      const hooks = () => woo.control.listWebhooks('1').filter((hook) => hook.deliveryUrl === callback);
      expect(
        hooks()
          .map((hook) => hook.topic)
          .sort(),
      ).toEqual([...topics].sort());
      const first = hooks()[0]!;
      await connector.client.request('PUT', `webhooks/${first.id}`, { body: { status: 'disabled' } });
      expect(await connector.registerWebhooks(callback)).toEqual({ created: 0, existing: topics.length });
      expect(hooks()).toHaveLength(topics.length);
      expect(hooks().every((hook) => hook.status === 'active')).toBe(true);
      // Each topic's webhook signs with its topic's own secret, not the store's.
      woo.control.createOrder('1', { status: 'pending', lineItems: [{ productId: 10, quantity: 1 }] });
      await woo.control.flushWebhooks();
      const created = received.find((delivery) => delivery.topic === 'order.created');
      expect(created).toBeDefined();
      const sign = (secret: string) => createHmac('sha256', secret).update(created!.body).digest('base64');
      expect(created!.signature).toBe(sign(topicSecret('a'.repeat(64), 'order.created')));
      expect(created!.signature).not.toBe(sign('a'.repeat(64)));
    } finally {
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
    }
  });
});

describe('orders: fulfillment and returns', () => {
  it('completes the order with its tracking', async () => {
    const order = woo.control.createOrder('1', { status: 'processing', lineItems: [{ productId: 12, quantity: 1 }] }) as {
      id: number;
    };
    const push = { orderPlatformId: String(order.id), tracking: { number: '1Z999', company: 'UPS' }, notifyCustomer: true };
    expect(await connector.pushFulfillment(push)).toEqual({ fulfillmentPlatformId: `${order.id}:1Z999` });
    expect(await connector.pushFulfillment(push)).toEqual({ fulfillmentPlatformId: `${order.id}:1Z999` });
    const stored = (await connector.client.request('GET', `orders/${order.id}`)).value as {
      status: string;
      meta_data: Array<{ key: string; value: unknown }>;
    };
    expect(stored.status).toBe('completed');
    expect(stored.meta_data.find((meta) => meta.key === TRACKING_META.number)?.value).toBe('1Z999');
  });

  it('records an approved return as a refund once', async () => {
    const order = woo.control.createOrder('1', {
      status: 'completed',
      paymentMethod: 'bacs',
      lineItems: [{ productId: 12, quantity: 2 }],
    }) as { id: number };
    const push = {
      orderPlatformId: String(order.id),
      returnPlatformId: 'ret-1',
      decision: 'approve' as const,
      reason: 'damaged',
    };
    await connector.pushReturnDecision(push);
    await connector.pushReturnDecision(push);
    const refunds = (await connector.client.request('GET', `orders/${order.id}/refunds`)).value as unknown[];
    expect(refunds).toHaveLength(1);
    expect(((await connector.client.request('GET', `orders/${order.id}`)).value as { status: string }).status).toBe('refunded');
  });
});

describe('over https', () => {
  it('authenticates with HTTP Basic against a secure store', async () => {
    const secure = await startWooCommerceEmulator({ seed: 5, ordersPerSite: 30, secure: true });
    try {
      const site = secure.sites[0]!;
      expect(site.baseUrl).toMatch(/^https:/);
      const tlsConnector = createWooCommerceConnector({
        siteUrl: site.baseUrl,
        consumerKey: site.consumerKey,
        consumerSecret: site.consumerSecret,
        guard: createOutboundGuard({ allowHosts: ['127.0.0.1:*'], ca: secure.tls!.cert }),
      });
      const { items } = await fetchAll(tlsConnector, 'orders');
      expect(items).toHaveLength(30);
    } finally {
      await secure.close();
    }
  });
});

describe('failures', () => {
  it('refuses a store URL that points at a private address without the allowlist', async () => {
    const site = woo.sites[0]!;
    const strict = createWooCommerceConnector({
      siteUrl: site.baseUrl,
      consumerKey: site.consumerKey,
      consumerSecret: site.consumerSecret,
      guard: createOutboundGuard(),
    });
    await expect(strict.fetchPage('orders', { since: null, cursor: null })).rejects.toBeInstanceOf(OutboundUrlRefusedError);
  });

  it('turns a refused key into PlatformAuthError', async () => {
    const site = woo.sites[0]!;
    const wrong = createWooCommerceConnector({
      siteUrl: site.baseUrl,
      consumerKey: site.consumerKey,
      consumerSecret: 'cs_wrong',
      guard,
    });
    await expect(wrong.fetchPage('orders', { since: null, cursor: null })).rejects.toBeInstanceOf(PlatformAuthError);
  });

  describe('when the store answers more than any WooCommerce page holds', () => {
    let server: http.Server;
    let url = '';
    let body = '';
    beforeAll(async () => {
      server = http.createServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'x-wp-total': '1', 'x-wp-totalpages': '1' });
        res.end(body);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/shop`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    const client = () => createWooRestClient({ siteUrl: url, consumerKey: 'ck_x', consumerSecret: 'cs_x', guard });

    it('refuses an answer of more JSON values than a page holds before parsing it (parsed, each costs ~60 times its text)', async () => {
      // 600 kB, far under the byte cap: parsed, it would be a few hundred thousand objects.
      body = `[${'0,'.repeat(MAX_JSON_VALUES)}0]`;
      const failure = await client()
        .list('webhooks', { per_page: 1 })
        .catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(WooCommerceApiError);
      expect((failure as WooCommerceApiError).code).toBe('too_large');
      await expect(client().request('GET', 'system_status')).rejects.toThrow(/more than 250000 JSON values/);
    });

    it('refuses a page longer than the per_page it asked for', async () => {
      body = JSON.stringify(Array.from({ length: 3 }, (_, id) => ({ id })));
      await expect(client().list('webhooks', { per_page: 2 })).rejects.toThrow(/3 items from webhooks for a page of 2/);
      body = JSON.stringify(Array.from({ length: 2 }, (_, id) => ({ id })));
      expect((await client().list('webhooks', { per_page: 2 })).items).toHaveLength(2);
    });

    it('counts values outside strings only: commas and brackets in text are not values', () => {
      const text = JSON.stringify([{ note: ',,,[[[{{{', quoted: 'a \\" , [' }, 1, 2]);
      // The array and the object open, and three commas separate: five, whatever the strings hold.
      expect(holdsMoreJsonValues(text, 5)).toBe(false);
      expect(holdsMoreJsonValues(text, 4)).toBe(true);
    });
  });

  describe('when the store answers 429 and 5xx', () => {
    let server: http.Server;
    let url = '';
    let script: Array<{ status: number; headers?: Record<string, string> }> = [];
    const seen: string[] = [];
    beforeAll(async () => {
      server = http.createServer((req, res) => {
        seen.push(req.url ?? '');
        const step = script.shift() ?? { status: 200 };
        res.writeHead(step.status, {
          'content-type': 'application/json',
          'x-wp-total': '1',
          'x-wp-totalpages': '1',
          ...step.headers,
        });
        res.end(
          step.status === 200
            ? '[{"id":12345678901234567890,"name":"big"}]'
            : '{"code":"busy","message":"slow down","data":{"status":429}}',
        );
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/shop`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('retries with backoff, honouring Retry-After, and keeps big ids intact', async () => {
      const delays: number[] = [];
      const client = createWooRestClient({
        siteUrl: url,
        consumerKey: 'ck_x',
        consumerSecret: 'cs_x',
        guard,
        sleep: async (ms) => void delays.push(ms),
      });
      script = [{ status: 429, headers: { 'retry-after': '2' } }, { status: 503 }, { status: 200 }];
      const list = await client.list('products');
      expect(delays[0]).toBe(2000);
      expect(delays).toHaveLength(2);
      expect(list.total).toBe(1);
      expect(list.items[0]!.raw).toBe('{"id":12345678901234567890,"name":"big"}');
      expect((list.items[0]!.value as { id: string }).id).toBe('12345678901234567890');
      expect(seen.at(-1)).toMatch(/^\/shop\/wp-json\/wc\/v3\/products\?.*oauth_signature=/);
    });

    it('gives up with PlatformBusyError after a bounded number of tries', async () => {
      const delays: number[] = [];
      const client = createWooRestClient({
        siteUrl: url,
        consumerKey: 'ck_x',
        consumerSecret: 'cs_x',
        guard,
        retry: { retries: 3, baseDelayMs: 100, maxDelayMs: 1000 },
        sleep: async (ms) => void delays.push(ms),
      });
      script = Array.from({ length: 4 }, () => ({ status: 502 }));
      const failure = await client.list('products').catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(PlatformBusyError);
      expect((failure as PlatformBusyError).retryAfterMs).toBeGreaterThan(0);
      expect(delays).toHaveLength(3);
      // exponential with jitter: each ceiling doubles
      delays.forEach((delay, attempt) => {
        const ceiling = Math.min(1000, 100 * 2 ** attempt);
        expect(delay).toBeGreaterThanOrEqual(ceiling / 2);
        expect(delay).toBeLessThanOrEqual(ceiling);
      });
    });
  });
});
