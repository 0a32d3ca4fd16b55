import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWooCommerceEmulator, type WooCommerceEmulator } from './index.ts';
import { client, failure } from './testing.ts';

/** WordPress's `_fields` parameter, driven through the official WooCommerce client. */

let emulator: WooCommerceEmulator;
let api: ReturnType<typeof client>;

beforeAll(async () => {
  emulator = await startWooCommerceEmulator({ seed: 94, sites: 1, ordersPerSite: 12 });
  const site = emulator.sites[0]!;
  api = client({ url: site.baseUrl, consumerKey: site.consumerKey, consumerSecret: site.consumerSecret });
});

afterAll(async () => {
  await emulator?.close();
});

describe('_fields', () => {
  it('keeps only the listed fields of every item of a list, pagination headers unchanged', async () => {
    const whole = await api.get('orders', { per_page: 5, orderby: 'id', order: 'asc' });
    const ids = await api.get('orders', { per_page: 5, orderby: 'id', order: 'asc', _fields: 'id' });
    expect(ids.data).toEqual((whole.data as Array<{ id: number }>).map((order) => ({ id: order.id })));
    expect(ids.headers['x-wp-total']).toBe(whole.headers['x-wp-total']);
    expect(ids.headers['x-wp-totalpages']).toBe(whole.headers['x-wp-totalpages']);
  });

  it('takes a comma list and nested fields, and filters a single item too', async () => {
    const [first] = (await api.get('orders', { per_page: 1 })).data as Array<{ id: number; billing: { email: string } }>;
    const one = await api.get(`orders/${first!.id}`, { _fields: 'id, status,billing.email,unknown' });
    expect(one.data).toEqual({ id: first!.id, status: expect.any(String), billing: { email: first!.billing.email } });
    // A field kept whole wins over its sub-fields.
    const billing = await api.get(`orders/${first!.id}`, { _fields: 'billing,billing.email' });
    expect(Object.keys(billing.data.billing).length).toBeGreaterThan(1);
  });

  it('leaves errors alone', async () => {
    const answer = await failure(api.get('orders/999999', { _fields: 'id' }));
    expect(answer.status).toBe(404);
    expect(answer.data.code).toBe('woocommerce_rest_shop_order_invalid_id');
  });
});
