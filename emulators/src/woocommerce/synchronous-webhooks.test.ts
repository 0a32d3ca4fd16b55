import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWooCommerceEmulator, type WooCommerceEmulator } from './index.ts';
import { client, startReceiver, verifyWooSignature } from './testing.ts';

const SECRET = 'synchronous-delivery-secret';

describe('#8.7 webhooks delivered inside the request, as with asynchronous delivery turned off', () => {
  let emulator: WooCommerceEmulator;
  let api: ReturnType<typeof client>;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let productId: number;
  /** Set while a REST request of the test is open; read by the receiver when a delivery arrives. */
  let requestOpen = false;
  const seenWhileOpen: boolean[] = [];

  beforeAll(async () => {
    emulator = await startWooCommerceEmulator({ seed: 17, ordersPerSite: 5, synchronousWebhooks: true });
    const site = emulator.sites[0]!;
    api = client({ url: site.baseUrl, consumerKey: site.consumerKey, consumerSecret: site.consumerSecret });
    receiver = await startReceiver((request) => {
      if (request.headers['x-wc-webhook-topic']) seenWhileOpen.push(requestOpen);
      return 200;
    });
    const created = await api.post('webhooks', {
      name: 'stock',
      topic: 'product.updated',
      delivery_url: `${receiver.url}/stock`,
      secret: SECRET,
    });
    expect(created.status).toBe(201);
    const products = await api.get('products', { per_page: 20, type: 'simple' });
    productId = (products.data as Array<{ id: number; manage_stock: boolean }>).find((p) => p.manage_stock)!.id;
  });
  afterAll(async () => {
    await receiver?.close();
    await emulator?.close();
  });

  /** Changes the stock over REST and tells whether its delivery had arrived when the response did. */
  async function changeStock(quantity: number): Promise<{ deliveredBeforeResponse: boolean }> {
    const before = receiver.received.length;
    requestOpen = true;
    const response = await api.put(`products/${productId}`, { stock_quantity: quantity });
    requestOpen = false;
    expect(response.status).toBe(200);
    const deliveredBeforeResponse = receiver.received
      .slice(before)
      .some((request) => JSON.parse(request.rawBody.toString('utf8')).stock_quantity === quantity);
    return { deliveredBeforeResponse };
  }

  it('delivers the change’s webhook, signed, before the REST response leaves', async () => {
    expect(await changeStock(41)).toEqual({ deliveredBeforeResponse: true });
    const delivery = receiver.received.at(-1)!;
    expect(delivery.headers['x-wc-webhook-topic']).toBe('product.updated');
    expect(verifyWooSignature(delivery.rawBody, SECRET, delivery.headers['x-wc-webhook-signature'])).toBe(true);
    expect(seenWhileOpen.at(-1)).toBe(true);
  });

  it('still answers the request when the receiver fails (the outcome only counts failures)', async () => {
    receiver.setResponder(() => 500);
    try {
      expect(await changeStock(42)).toEqual({ deliveredBeforeResponse: true });
      expect(emulator.control.listWebhooks('1')[0]!.failureCount).toBe(1);
    } finally {
      receiver.setResponder(() => 200);
    }
  });

  it('switches back to background delivery through the control API, programmatic or HTTP', async () => {
    expect(emulator.control.synchronousWebhooks()).toBe(true);
    const settings = await fetch(`${emulator.url}/_emulator/settings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ synchronousWebhooks: false }),
    });
    expect(await settings.json()).toMatchObject({ synchronousWebhooks: false });
    expect(emulator.control.synchronousWebhooks()).toBe(false);
    // In the background the delivery still arrives, and flushWebhooks() waits for it.
    await changeStock(43);
    await emulator.control.flushWebhooks();
    expect(JSON.parse(receiver.received.at(-1)!.rawBody.toString('utf8')).stock_quantity).toBe(43);

    emulator.control.setSynchronousWebhooks(true);
    expect(((await (await fetch(`${emulator.url}/_emulator`)).json()) as Record<string, unknown>)['synchronousWebhooks']).toBe(
      true,
    );
    expect(await changeStock(44)).toEqual({ deliveredBeforeResponse: true });
  });
});
