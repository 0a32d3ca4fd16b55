import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startWooCommerceEmulator, type WooCommerceEmulator } from './index.ts';
import { client, startReceiver, verifyWooSignature, type ReceivedRequest } from './testing.ts';

const SECRET = 'dockhand-test-secret';

describe('WooCommerce webhooks', () => {
  let emulator: WooCommerceEmulator;
  let api: ReturnType<typeof client>;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const created: number[] = [];

  beforeAll(async () => {
    emulator = await startWooCommerceEmulator({ seed: 9, ordersPerSite: 40 });
    const site = emulator.sites[0]!;
    api = client({ url: site.baseUrl, consumerKey: site.consumerKey, consumerSecret: site.consumerSecret });
    receiver = await startReceiver();
  });
  afterEach(async () => {
    while (created.length) await api.delete(`webhooks/${String(created.pop())}`, { force: true });
    await emulator.control.flushWebhooks();
    emulator.control.setDuplicateOrderUpdated(true);
    receiver.setResponder(() => 200);
  });
  afterAll(async () => {
    await receiver.close();
    await emulator.close();
  });

  async function createWebhook(topic: string, path: string): Promise<{ id: number; ping: ReceivedRequest }> {
    const response = await api.post('webhooks', {
      name: `test ${topic}`,
      topic,
      delivery_url: `${receiver.url}${path}`,
      secret: SECRET,
      status: 'active',
    });
    expect(response.status).toBe(201);
    const id = Number(response.data.id);
    created.push(id);
    // WooCommerce pings inside the create request, so the ping is already here.
    const ping = receiver.received.find((r) => r.url === path && r.rawBody.toString() === `webhook_id=${id}`);
    expect(ping).toBeDefined();
    while ((await receiver.next()) !== ping) {
      // skip anything that arrived before the ping
    }
    return { id, ping: ping as ReceivedRequest };
  }

  function assertSignedDelivery(delivery: ReceivedRequest, topic: string, webhookId: number): Record<string, unknown> {
    const [resource, event] = topic.split('.');
    expect(delivery.method).toBe('POST');
    expect(delivery.headers['content-type']).toBe('application/json');
    expect(delivery.headers['user-agent']).toBe('WooCommerce/10.0.2 Hookshot (WordPress/6.8.8)');
    expect(delivery.headers['x-wc-webhook-source']).toBe(`${emulator.sites[0]!.baseUrl}/`);
    expect(delivery.headers['x-wc-webhook-topic']).toBe(topic);
    expect(delivery.headers['x-wc-webhook-resource']).toBe(resource);
    expect(delivery.headers['x-wc-webhook-event']).toBe(event);
    expect(delivery.headers['x-wc-webhook-id']).toBe(String(webhookId));
    expect(delivery.headers['x-wc-webhook-delivery-id']).toMatch(/^[0-9a-f]{32}$/);
    expect(verifyWooSignature(delivery.rawBody, SECRET, delivery.headers['x-wc-webhook-signature'])).toBe(true);
    expect(verifyWooSignature(delivery.rawBody, `${SECRET}x`, delivery.headers['x-wc-webhook-signature'])).toBe(false);
    return JSON.parse(delivery.rawBody.toString('utf8')) as Record<string, unknown>;
  }

  it('pings a new webhook form-encoded with no X-WC headers', async () => {
    const { id, ping } = await createWebhook('order.created', '/ping');
    expect(ping.method).toBe('POST');
    expect(ping.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(ping.headers['user-agent']).toBe('WooCommerce/10.0.2 Hookshot (WordPress/6.8.8)');
    expect(Object.keys(ping.headers).filter((h) => h.startsWith('x-wc'))).toEqual([]);
    expect(ping.rawBody.toString()).toBe(`webhook_id=${id}`);
    expect(emulator.control.listWebhooks('1').find((w) => w.id === id)?.pingStatus).toBe(200);
  });

  it('records a ping that did not get exactly 200 (the REST API still creates the webhook)', async () => {
    receiver.setResponder((req) => (req.url === '/picky' ? 204 : 200));
    const { id } = await createWebhook('order.created', '/picky');
    const info = emulator.control.listWebhooks('1').find((w) => w.id === id);
    expect(info?.pingStatus).toBe(204);
    expect(info?.status).toBe('active');
  });

  it('signs order.created, product.updated and order.deleted deliveries', async () => {
    // Managed stock, so the order below takes stock and fires product.updated.
    emulator.control.setStock('1', 10, 50);
    const orderHook = await createWebhook('order.created', '/orders');
    const productHook = await createWebhook('product.updated', '/products');
    const deletedHook = await createWebhook('order.deleted', '/deleted');

    const order = emulator.control.createOrder('1', { lineItems: [{ productId: 10, quantity: 1 }], status: 'on-hold' });
    const bodies = new Map<string, Record<string, unknown>>();
    for (let i = 0; i < 2; i++) {
      const delivery = await receiver.next();
      const topic = String(delivery.headers['x-wc-webhook-topic']);
      const hookId = topic === 'order.created' ? orderHook.id : productHook.id;
      bodies.set(topic, assertSignedDelivery(delivery, topic, hookId));
    }
    expect(bodies.get('order.created')?.['id']).toBe(order['id']);
    expect(bodies.get('order.created')?.['total']).toBe(order['total']);
    expect(bodies.get('product.updated')?.['id']).toBe(10);

    await api.delete(`orders/${String(order['id'])}`, { force: true });
    const deleted = await receiver.next();
    expect(assertSignedDelivery(deleted, 'order.deleted', deletedHook.id)).toEqual({ id: order['id'] });
  });

  it('delivers order.updated 2–4 times per change while the switch is on, once when off', async () => {
    const hook = await createWebhook('order.updated', '/updated');
    emulator.control.updateOrderStatus('1', 1001, 'completed');
    await emulator.control.flushWebhooks();
    const duplicated = receiver.received.filter(
      (r) => r.url === '/updated' && r.headers['x-wc-webhook-topic'] === 'order.updated',
    );
    expect(duplicated.length).toBeGreaterThanOrEqual(2);
    expect(duplicated.length).toBeLessThanOrEqual(4);
    for (const delivery of duplicated) {
      expect(assertSignedDelivery(delivery, 'order.updated', hook.id)['status']).toBe('completed');
    }

    emulator.control.setDuplicateOrderUpdated(false);
    const before = receiver.received.length;
    emulator.control.updateOrderStatus('1', 1002, 'completed');
    await emulator.control.flushWebhooks();
    expect(receiver.received.slice(before).filter((r) => r.url === '/updated')).toHaveLength(1);
  });

  it('never retries, and disables the webhook after more than 5 consecutive failures', async () => {
    emulator.control.setDuplicateOrderUpdated(false);
    receiver.setResponder((req) => (req.url === '/failing' && req.headers['x-wc-webhook-topic'] ? 500 : 200));
    const hook = await createWebhook('product.updated', '/failing');
    const status = () => emulator.control.listWebhooks('1').find((w) => w.id === hook.id)!;
    for (let attempt = 1; attempt <= 6; attempt++) {
      emulator.control.setStock('1', 10, attempt);
      await emulator.control.flushWebhooks();
      expect(status().failureCount).toBe(attempt);
      expect(status().status).toBe('active');
    }
    const deliveredSoFar = receiver.received.filter((r) => r.url === '/failing' && r.headers['x-wc-webhook-topic']).length;
    expect(deliveredSoFar).toBe(6);
    emulator.control.setStock('1', 10, 99);
    await emulator.control.flushWebhooks();
    expect(status().status).toBe('disabled');
    const listed = await api.get(`webhooks/${hook.id}`);
    expect(listed.data.status).toBe('disabled');
    emulator.control.setStock('1', 10, 100);
    await emulator.control.flushWebhooks();
    expect(receiver.received.filter((r) => r.url === '/failing' && r.headers['x-wc-webhook-topic'])).toHaveLength(7);
  });

  it('resets the failure count on success', async () => {
    emulator.control.setDuplicateOrderUpdated(false);
    let fail = true;
    receiver.setResponder((req) => (req.url === '/flaky' && req.headers['x-wc-webhook-topic'] && fail ? 503 : 200));
    const hook = await createWebhook('product.updated', '/flaky');
    emulator.control.setStock('1', 11, 3);
    await emulator.control.flushWebhooks();
    expect(emulator.control.listWebhooks('1').find((w) => w.id === hook.id)?.failureCount).toBe(1);
    fail = false;
    emulator.control.setStock('1', 11, 4);
    await emulator.control.flushWebhooks();
    expect(emulator.control.listWebhooks('1').find((w) => w.id === hook.id)?.failureCount).toBe(0);
  });

  it('validates topic and delivery URL like WooCommerce', async () => {
    const topic = await api
      .post('webhooks', { topic: 'order.exploded', delivery_url: receiver.url })
      .catch((e: { response: { status: number; data: unknown } }) => e.response);
    expect(topic.status).toBe(400);
    expect(topic.data).toEqual({
      code: 'woocommerce_rest_webhook_invalid_topic',
      message: 'Webhook topic is required and must be valid.',
      data: { status: 400 },
    });
    const url = await api
      .post('webhooks', { topic: 'order.created', delivery_url: 'ftp://nope' })
      .catch((e: { response: { status: number } }) => e.response);
    expect(url.status).toBe(400);
    const list = await api.get('webhooks');
    expect(list.headers['x-wp-total']).toBe(String(list.data.length));
  });
});

describe('when the emulator is asked to refuse webhooks whose ping fails (admin-screen behaviour)', () => {
  let emulator: WooCommerceEmulator;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  beforeAll(async () => {
    emulator = await startWooCommerceEmulator({ seed: 2, ordersPerSite: 3, rejectWebhookOnFailedPing: true });
    receiver = await startReceiver((req) => (req.url === '/accepting' ? 200 : 202));
  });
  afterAll(async () => {
    await receiver.close();
    await emulator.close();
  });

  it('creates the webhook only when the ping gets exactly 200', async () => {
    const site = emulator.sites[0]!;
    const api = client({ url: site.baseUrl, consumerKey: site.consumerKey, consumerSecret: site.consumerSecret });
    const refused = await api
      .post('webhooks', { topic: 'order.created', delivery_url: `${receiver.url}/almost` })
      .catch((e: { response: { status: number; data: unknown } }) => e.response);
    expect(refused.status).toBe(400);
    expect(refused.data).toEqual({
      code: 'error',
      message: 'Error: Delivery URL returned response code: 202',
      data: { status: 400 },
    });
    expect(receiver.received.map((r) => r.rawBody.toString())).toEqual(['webhook_id=1']);
    const accepted = await api.post('webhooks', { topic: 'order.created', delivery_url: `${receiver.url}/accepting` });
    expect(accepted.status).toBe(201);
    const listed = await api.get('webhooks');
    expect((listed.data as Array<{ id: number }>).map((w) => w.id)).toEqual([accepted.data.id]);
  });
});
