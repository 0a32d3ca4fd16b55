import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJsonKeepingBigInts, startShopifyEmulator, type ShopifyEmulator } from './index.ts';
import { startReceiver, type Receiver } from './test-support.ts';

let emulator: ShopifyEmulator;
let receiver: Receiver;
let shop: string;

beforeAll(async () => {
  emulator = await startShopifyEmulator({ seed: 21, ordersPerShop: 30 });
  shop = emulator.shops[0]!.domain;
  receiver = await startReceiver(emulator.apiSecret);
});

afterAll(async () => {
  await receiver.close();
  await emulator.close();
});

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const response = await fetch(`${emulator.url}${path}`, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, json: JSON.parse(await response.text()) };
}

describe('the HTTP control API', () => {
  it('creates, updates, fulfils and cancels orders, each change emitting its webhooks', async () => {
    for (const topic of ['orders/create', 'orders/updated', 'orders/fulfilled', 'orders/cancelled', 'fulfillments/create']) {
      expect((await call('POST', '/_emulator/webhooks/subscriptions', { shop, topic, uri: receiver.url })).status).toBe(201);
    }
    const created = await call('POST', `/_emulator/shops/${shop}/orders`, { tags: ['from-control'] });
    expect(created.status).toBe(201);
    const id = created.json.order.id as string;
    expect(
      (await call('PATCH', `/_emulator/shops/${shop}/orders/${encodeURIComponent(id)}`, { note: 'ring twice' })).status,
    ).toBe(200);
    const fulfilled = await call('POST', `/_emulator/shops/${shop}/orders/${encodeURIComponent(id)}/fulfill`, {
      number: 'Z1',
      company: 'UPS',
    });
    expect(fulfilled.status).toBe(200);
    const other = await call('POST', `/_emulator/shops/${shop}/orders`, {});
    const cancelled = await call('POST', `/_emulator/shops/${shop}/orders/${other.json.order.legacyResourceId}/cancel`, {
      reason: 'customer',
    });
    expect(cancelled.json.order.cancelledAt).toEqual(expect.any(String));
    await emulator.webhooks.idle();
    const topics = receiver.received.map((hook) => hook.headers['x-shopify-topic']);
    expect(topics.filter((t) => t === 'orders/create')).toHaveLength(2);
    expect(topics).toEqual(
      expect.arrayContaining(['orders/updated', 'fulfillments/create', 'orders/fulfilled', 'orders/cancelled']),
    );
    expect(receiver.received.every((hook) => hook.signatureValid)).toBe(true);

    const order = await fetch(`${emulator.url}/_emulator/shops/${shop}/orders/${encodeURIComponent(id)}`);
    const rest = parseJsonKeepingBigInts(await order.text()) as {
      order: { id: string; note: string; tags: string; fulfillment_status: string };
    };
    expect(rest.order).toMatchObject({
      id: id.split('/').pop(),
      note: 'ring twice',
      tags: 'from-control',
      fulfillment_status: 'fulfilled',
    });
  });

  it('creates an order for chosen variants, committing their stock at the first location', async () => {
    const firstLocation = emulator.shops[0]!.locations[0]!.id;
    const { json } = await call('GET', `/_emulator/shops/${shop}/inventory`);
    const row = json.inventory.find(
      (r: { available: number; locationId: string }) => r.locationId === firstLocation && r.available > 2,
    );
    const created = await call('POST', `/_emulator/shops/${shop}/orders`, {
      lineItems: [{ variantId: row.variantId, quantity: 2 }],
    });
    expect(created.json.order.lineItems).toEqual([
      { id: expect.any(String), variantId: row.variantId, sku: row.sku, quantity: 2 },
    ]);
    const after = (await call('GET', `/_emulator/shops/${shop}/inventory`)).json.inventory.find(
      (r: { inventoryItemId: string; locationId: string }) =>
        r.inventoryItemId === row.inventoryItemId && r.locationId === firstLocation,
    );
    expect(after.available).toBe(row.available - 2);
    expect(
      (await call('POST', `/_emulator/shops/${shop}/orders`, { lineItems: [{ variantId: 'nope', quantity: 1 }] })).status,
    ).toBe(422);
  });

  it('sets and adjusts stock', async () => {
    const { json } = await call('GET', `/_emulator/shops/${shop}/inventory`);
    const row = json.inventory[0];
    const set = await call('POST', `/_emulator/shops/${shop}/inventory`, {
      inventoryItemId: row.inventoryItemId,
      locationId: row.locationId,
      available: 10,
    });
    expect(set.json.inventoryLevel.available).toBe(10);
    const adjusted = await call('POST', `/_emulator/shops/${shop}/inventory`, {
      inventoryItemId: row.inventoryItemId,
      locationId: row.locationId,
      delta: -3,
    });
    expect(adjusted.json.inventoryLevel.available).toBe(7);
  });

  it('switches webhook faults and reports deliveries', async () => {
    expect((await call('PUT', '/_emulator/webhooks/faults', { drop: 1 })).json).toMatchObject({ drop: 1 });
    await call('POST', `/_emulator/shops/${shop}/orders`, {});
    const { json } = await call('GET', '/_emulator/webhooks/deliveries');
    expect(json.deliveries.some((d: { outcome: string }) => d.outcome === 'dropped')).toBe(true);
    expect((await call('DELETE', '/_emulator/webhooks/faults')).json).not.toHaveProperty('drop');
  });

  it('reads and sets the rate-limit bucket', async () => {
    const drained = await call('POST', `/_emulator/shops/${shop}/bucket`, { currentlyAvailable: 0 });
    expect(drained.json).toMatchObject({ maximumAvailable: 2000, restoreRate: 100 });
    expect(drained.json.currentlyAvailable).toBeLessThan(5);
    await call('POST', `/_emulator/shops/${shop}/bucket`, { currentlyAvailable: 2000 });
  });

  it('answers unknown shops and routes with 404', async () => {
    expect((await call('POST', '/_emulator/shops/nope.myshopify.com/orders', {})).status).toBe(404);
    expect((await call('GET', '/_emulator/nothing-here')).status).toBe(404);
    expect((await call('GET', `/_emulator/shops/${shop}/orders/not-an-id`)).status).toBe(404);
    expect((await call('POST', `/_emulator/shops/${shop}/orders/123/cancel`, {})).status).toBe(404);
  });
});
