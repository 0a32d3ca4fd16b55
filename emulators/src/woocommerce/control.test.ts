import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWooCommerceEmulator, type WooCommerceEmulator } from './index.ts';
import { client, startReceiver, verifyWooSignature } from './testing.ts';

type Json = Record<string, unknown>;

describe('live activity control', () => {
  let emulator: WooCommerceEmulator;
  let api: ReturnType<typeof client>;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    emulator = await startWooCommerceEmulator({ seed: 21, ordersPerSite: 30, duplicateOrderUpdated: false });
    const site = emulator.sites[0]!;
    api = client({ url: site.baseUrl, consumerKey: site.consumerKey, consumerSecret: site.consumerSecret });
    receiver = await startReceiver();
    emulator.control.setStock('1', 10, 40); // managed stock, before any webhook exists
    for (const topic of ['order.created', 'order.updated', 'product.updated']) {
      await api.post('webhooks', { topic, delivery_url: `${receiver.url}/${topic}`, secret: 's3cret' });
    }
    await receiver.next();
    await receiver.next();
    await receiver.next();
  });
  afterAll(async () => {
    await receiver.close();
    await emulator.close();
  });

  it('creates an order, moves it and cancels it, each change bumping date_modified and emitting its webhook', async () => {
    const order = emulator.control.createOrder('1', { lineItems: [{ productId: 10, quantity: 2 }] });
    expect(order['status']).toBe('processing');
    let created = await receiver.next();
    while (created.url !== '/order.created') created = await receiver.next();
    expect(verifyWooSignature(created.rawBody, 's3cret', created.headers['x-wc-webhook-signature'])).toBe(true);
    expect((JSON.parse(created.rawBody.toString()) as Json)['id']).toBe(order['id']);
    await emulator.control.flushWebhooks();
    receiver.received.splice(0);

    const seeded = (await api.get('orders/1001')).data as Json;
    const completed = emulator.control.updateOrderStatus('1', 1001, 'completed');
    expect(String(completed['date_modified']) > String(seeded['date_modified'])).toBe(true);
    const cancelled = emulator.control.cancelOrder('1', Number(order['id']));
    expect(cancelled['status']).toBe('cancelled');
    await emulator.control.flushWebhooks();
    const updates = receiver.received
      .filter((r) => r.url === '/order.updated')
      .map((r) => (JSON.parse(r.rawBody.toString()) as Json)['id']);
    expect(updates).toEqual([1001, order['id']]);
    // Cancelling a paid order puts its stock back, which is a product change too.
    expect(receiver.received.some((r) => r.url === '/product.updated')).toBe(true);
  });

  it('sets stock through the HTTP control API and the REST API sees it', async () => {
    const response = await fetch(`${emulator.url}/_emulator/sites/1/products/11/stock`, {
      method: 'POST',
      body: JSON.stringify({ quantity: 3 }),
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as Json)['stock_quantity']).toBe(3);
    expect((await api.get('products/11')).data.stock_quantity).toBe(3);
    const zero = await fetch(`${emulator.url}/_emulator/sites/1/products/11/stock`, {
      method: 'POST',
      body: JSON.stringify({ quantity: 0 }),
    });
    expect(((await zero.json()) as Json)['stock_status']).toBe('outofstock');
  });

  it('creates orders and random activity over HTTP', async () => {
    const before = Number((await api.get('orders')).headers['x-wp-total']);
    const created = await fetch(`${emulator.url}/_emulator/sites/1/orders`, {
      method: 'POST',
      body: JSON.stringify({ lineItems: [{ productId: 10, quantity: 2 }], status: 'on-hold' }),
    });
    expect(created.status).toBe(201);
    expect(((await created.json()) as Json)['status']).toBe('on-hold');
    const activity = await fetch(`${emulator.url}/_emulator/sites/1/activity`, {
      method: 'POST',
      body: JSON.stringify({ steps: 5 }),
    });
    const changes = (await activity.json()) as Array<{ kind: string }>;
    expect(changes.length).toBeGreaterThan(0);
    const newOrders = changes.filter((c) => c.kind === 'order.created').length;
    expect(Number((await api.get('orders')).headers['x-wp-total'])).toBe(before + 1 + newOrders);
    const summary = (await (await fetch(`${emulator.url}/_emulator`)).json()) as { sites: Array<{ baseUrl: string }> };
    expect(summary.sites[0]!.baseUrl).toBe(emulator.sites[0]!.baseUrl);
    const unknown = await fetch(`${emulator.url}/_emulator/sites/9/orders`, { method: 'POST', body: '{}' });
    expect(unknown.status).toBe(404);
  });
});
