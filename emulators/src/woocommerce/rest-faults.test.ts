import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWooCommerceEmulator, type WooCommerceEmulator } from './index.ts';
import { client, failure } from './testing.ts';

describe('REST faults', () => {
  let emulator: WooCommerceEmulator;
  let api: ReturnType<typeof client>;

  beforeAll(async () => {
    emulator = await startWooCommerceEmulator({ seed: 22, ordersPerSite: 5 });
    const site = emulator.sites[0]!;
    api = client({ url: site.baseUrl, consumerKey: site.consumerKey, consumerSecret: site.consumerSecret });
    emulator.control.setStock('1', 10, 40);
  });
  afterAll(async () => {
    await emulator.close();
  });

  it('answers matching requests with WordPress’s maintenance page (503, Retry-After) as many times as asked, then serves again', async () => {
    emulator.control.failRestRequests('1', { method: 'PUT', route: '/products/10', count: 2, retryAfterSeconds: 5 });
    // Other methods and routes are not affected.
    expect(((await api.get('products/10')).data as { stock_quantity: number }).stock_quantity).toBe(40);
    for (let n = 0; n < 2; n++) {
      const refused = await api.put('products/10', { stock_quantity: 41 }).then(
        () => undefined,
        (error: { response?: { status: number; headers: Record<string, string>; data: unknown } }) => error.response,
      );
      expect(refused?.status).toBe(503);
      expect(refused?.headers['retry-after']).toBe('5');
      expect(String(refused?.data)).toContain('Briefly unavailable for scheduled maintenance');
    }
    const stock = ((await api.get('products/10')).data as { stock_quantity: number }).stock_quantity;
    expect(stock).toBe(40);
    expect(((await api.put('products/10', { stock_quantity: 41 })).data as { stock_quantity: number }).stock_quantity).toBe(41);
  });

  it('answers another status with WordPress’s critical-error JSON, and clears on request', async () => {
    emulator.control.failRestRequests('1', { status: 500, count: 3 });
    const broken = await failure(api.get('orders'));
    expect(broken.status).toBe(500);
    expect(broken.data).toMatchObject({ code: 'internal_server_error', data: { status: 500 } });
    emulator.control.clearRestFaults('1');
    expect((await api.get('orders')).status).toBe(200);
  });
});
