import { startShopifyEmulator, type ShopifyEmulator } from '@dockhand/emulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EntityTypes, Page, PageItem, StoreConnector, SyncEntity } from '../connector.ts';
import { PlatformAuthError } from '../connector.ts';
import { parsePlatformJson } from '../model.ts';
import { CostBucket } from './admin-client.ts';
import { createShopifyConnector, type ShopifyConnector } from './connector.ts';
import { normalizeShopifyOrder } from './normalize.ts';

const ORDERS = 1000;
let emulator: ShopifyEmulator;
let shop: string;
let connector: ShopifyConnector;

async function fetchAll<E extends SyncEntity>(
  target: StoreConnector,
  entity: E,
  since: string | null = null,
): Promise<{ items: PageItem<EntityTypes[E]>[]; pages: number }> {
  const items: PageItem<EntityTypes[E]>[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page: Page<EntityTypes[E]> = await target.fetchPage(entity, { since, cursor });
    items.push(...page.items);
    cursor = page.nextCursor;
    if (++pages > 2000) throw new Error('runaway pagination');
  } while (cursor);
  return { items, pages };
}

function connectorFor(target: ShopifyEmulator, domain: string, bucket = new CostBucket()): ShopifyConnector {
  const info = target.shops.find((candidate) => candidate.domain === domain)!;
  return createShopifyConnector({
    shopDomain: domain,
    accessToken: target.issueAccessToken(domain).access_token,
    apiVersion: target.apiVersion,
    shopBaseUrl: info.baseUrl,
    bucket,
  });
}

/** The emulator's control API speaks GIDs; the connector interface takes numeric platform ids. */
const num = (gid: string): string => gid.slice(gid.lastIndexOf('/') + 1).split('?')[0]!;

beforeAll(async () => {
  // A fast-restoring bucket keeps this file quick; pacing at real limits is tested below and benchmarked.
  emulator = await startShopifyEmulator({
    seed: 21,
    shops: 1,
    ordersPerShop: ORDERS,
    bucket: { maximumAvailable: 2000, restoreRate: 20_000 },
  });
  shop = emulator.shops[0]!.domain;
  connector = connectorFor(emulator, shop);
});
afterAll(async () => {
  await emulator?.close();
});

describe('when the connector pages through the orders of a 1,000-order shop', () => {
  it('reads every order exactly once, in pages the bucket can afford', async () => {
    const { items, pages } = await fetchAll(connector, 'orders');
    expect(items.length).toBe(emulator.control.orderCount(shop));
    expect(new Set(items.map((entry) => entry.item.platformId)).size).toBe(items.length);
    expect(pages).toBeGreaterThan(1);
    expect(connector.client.stats.requestedCost / connector.client.stats.requests).toBeLessThanOrEqual(1000);
  });

  it('normalizes each order exactly as the webhook path does for the same order', async () => {
    const { items } = await fetchAll(connector, 'orders');
    for (const entry of items.slice(0, 200)) {
      const webhookShape = normalizeShopifyOrder(parsePlatformJson(emulator.control.orderJson(shop, entry.item.platformId)));
      expect(entry.item).toEqual(webhookShape);
    }
    const sample = items[0]!;
    expect(sample.item.platformId).toMatch(/^\d{16,}$/);
    expect(JSON.parse(sample.raw).id).toBe(`gid://shopify/Order/${sample.item.platformId}`);
  });

  it('answers only the orders changed at or after `since`', async () => {
    const since = new Date(Math.floor(Date.now() / 1000) * 1000 - 1000).toISOString();
    const created = emulator.control.createOrder(shop);
    const seeded = (await connector.fetchPage('orders', { since: null, cursor: null, pageSize: 1 })).items[0]!;
    emulator.control.updateOrder(shop, seeded.item.platformId, { tags: ['since-test'] });
    const { items } = await fetchAll(connector, 'orders', since);
    expect(items.map((entry) => entry.item.platformId).sort()).toEqual([created.legacyResourceId, seeded.item.platformId].sort());
    for (const entry of items) expect(Date.parse(entry.item.updatedAt)).toBeGreaterThanOrEqual(Date.parse(since));
  });
});

describe('when products, customers and inventory are read', () => {
  it('answers products with their variants and inventory item ids, and every stock level', async () => {
    const products = await fetchAll(connector, 'products');
    const variants = products.items.flatMap((entry) => entry.item.variants);
    const stock = emulator.control.inventory(shop);
    expect(new Set(variants.map((variant) => variant.platformId))).toEqual(new Set(stock.map((row) => num(row.variantId))));
    for (const variant of variants) expect(variant.inventoryItemId).toMatch(/^\d+$/);

    const levels = await fetchAll(connector, 'inventory');
    const key = (item: string, location: string) => `${item}:${location}`;
    const expected = new Map(stock.map((row) => [key(num(row.inventoryItemId), num(row.locationId)), row.available]));
    const got = new Map(
      levels.items.map((entry) => {
        const level = entry.item;
        return [key((level.variant as { inventoryItemId: string }).inventoryItemId, level.locationPlatformId), level.available];
      }),
    );
    expect(got).toEqual(expected);
  });

  it('reads customers (through their orders where the API has no customers root)', async () => {
    const { items } = await fetchAll(connector, 'customers');
    expect(items.length).toBeGreaterThan(0);
    expect(new Set(items.map((entry) => entry.item.platformId)).size).toBeLessThanOrEqual(items.length);
    for (const entry of items.slice(0, 20)) expect(entry.item.email).toContain('@');
  });
});

describe('when webhooks are registered twice', () => {
  it('creates each subscription once', async () => {
    const other = emulator.shops[0]!;
    const uri = 'https://dockhand.example.test/webhooks/shopify';
    const first = await connector.registerWebhooks(uri);
    const second = await connector.registerWebhooks(uri);
    expect(first.created).toBeGreaterThan(0);
    expect(second.created).toBe(0);
    expect(second.existing).toBe(first.created);
    const subscriptions = emulator.webhooks.subscriptions(other.domain).filter((s) => s.uri === uri);
    expect(subscriptions.length).toBe(first.created);
    expect(new Set(subscriptions.map((s) => s.topic))).toContain('orders/create');
  });
});

describe('when an inventory change is pushed', () => {
  it('applies once per idempotency key and reports a conflict, with the actual level, when the belief is stale', async () => {
    const row = emulator.control.inventory(shop)[0]!;
    emulator.control.setInventory(shop, { inventoryItemId: row.inventoryItemId, locationId: row.locationId, available: 40 });
    const change = {
      variantPlatformId: num(row.variantId),
      inventoryItemId: num(row.inventoryItemId),
      locationPlatformId: num(row.locationId),
      delta: 5,
      expectedAvailable: 40,
      idempotencyKey: `req-${Date.now()}`,
      reason: 'correction',
    };
    const [a, b] = await Promise.all([connector.pushInventoryChange(change), connector.pushInventoryChange(change)]);
    expect(a).toEqual({ kind: 'applied', available: 45 });
    expect(b).toEqual({ kind: 'applied', available: 45 });
    expect(await connector.pushInventoryChange(change)).toEqual({ kind: 'applied', available: 45 });
    const level = () =>
      emulator.control.inventory(shop).find((r) => r.inventoryItemId === row.inventoryItemId && r.locationId === row.locationId)!;
    expect(level().available).toBe(45);

    const stale = await connector.pushInventoryChange({
      ...change,
      idempotencyKey: `${change.idempotencyKey}-2`,
      expectedAvailable: 40,
    });
    expect(stale).toEqual({ kind: 'conflict', actual: 45 });
    expect(level().available).toBe(45);
  });

  it('looks the inventory item up from the variant when it is not given', async () => {
    const row = emulator.control.inventory(shop)[1]!;
    const result = await connector.pushInventoryChange({
      variantPlatformId: num(row.variantId),
      locationPlatformId: num(row.locationId),
      delta: -1,
      expectedAvailable: row.available,
      idempotencyKey: `req-variant-${Date.now()}`,
      reason: 'damaged',
    });
    expect(result).toEqual({ kind: 'applied', available: row.available - 1 });
  });
});

describe('when a fulfillment and a return decision are pushed', () => {
  it('fulfils the open fulfillment orders with tracking and approves a requested return', async () => {
    const order = emulator.control.createOrder(shop);
    const pushed = await connector.pushFulfillment({
      orderPlatformId: order.legacyResourceId,
      tracking: { number: '1Z999', company: 'UPS', url: 'https://track.example/1Z999' },
      notifyCustomer: false,
    });
    expect(pushed.fulfillmentPlatformId).toMatch(/^\d+$/);
    const rest = JSON.parse(emulator.control.orderJson(shop, order.legacyResourceId).replace(/:(\d{16,})/g, ':"$1"'));
    expect(rest.fulfillment_status).toBe('fulfilled');
    expect(rest.fulfillments[0].tracking_number).toBe('1Z999');

    // A return requested by the customer, then approved through the connector.
    const { data } = await connector.client.request<{
      order: { fulfillments: Array<{ fulfillmentLineItems: { nodes: Array<{ id: string }> } }> };
    }>(`query($id: ID!) { order(id: $id) { fulfillments(first: 1) { fulfillmentLineItems(first: 1) { nodes { id } } } } }`, {
      id: order.id,
    });
    const lineId = data.order.fulfillments[0]!.fulfillmentLineItems.nodes[0]!.id;
    const requested = await connector.client.request<{ returnRequest: { return: { id: string } } }>(
      `mutation($input: ReturnRequestInput!) { returnRequest(input: $input) { return { id } userErrors { message } } }`,
      {
        input: {
          orderId: order.id,
          returnLineItems: [{ fulfillmentLineItemId: lineId, quantity: 1, returnReason: 'DEFECTIVE' }],
        },
      },
    );
    const returnId = requested.data.returnRequest.return.id;
    await connector.pushReturnDecision({
      orderPlatformId: order.legacyResourceId,
      returnPlatformId: returnId.slice(returnId.lastIndexOf('/') + 1),
      decision: 'approve',
    });
    const status = await connector.client.request<{ return: { status: string } }>(
      `query($id: ID!) { return(id: $id) { status } }`,
      {
        id: returnId,
      },
    );
    expect(status.data.return.status).toBe('OPEN');
  });
});

describe('when the bucket is empty or the token is refused', () => {
  it('waits for the restore instead of failing on THROTTLED', async () => {
    const slow = await startShopifyEmulator({
      seed: 22,
      shops: 1,
      ordersPerShop: 30,
      bucket: { maximumAvailable: 200, restoreRate: 400 },
    });
    try {
      const domain = slow.shops[0]!.domain;
      const paced = connectorFor(slow, domain);
      await paced.fetchPage('orders', { since: null, cursor: null });
      // Drained behind the client's back: its next query meets THROTTLED and must wait it out.
      slow.control.setBucket(domain, { currentlyAvailable: 0 });
      const { items } = await fetchAll(paced, 'orders');
      expect(items.length).toBe(30);
      expect(paced.client.stats.throttled).toBeGreaterThan(0);
    } finally {
      await slow.close();
    }
  });

  it('raises PlatformAuthError on 401', async () => {
    const refused = createShopifyConnector({
      shopDomain: shop,
      accessToken: 'shpat_not_a_token',
      apiVersion: emulator.apiVersion,
      shopBaseUrl: emulator.shops[0]!.baseUrl,
    });
    await expect(refused.fetchPage('orders', { since: null, cursor: null })).rejects.toBeInstanceOf(PlatformAuthError);
  });
});
