import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWooCommerceEmulator, type WooCommerceEmulator } from './index.ts';
import { client, failure } from './testing.ts';

let emulator: WooCommerceEmulator;
let api: ReturnType<typeof client>;

beforeAll(async () => {
  emulator = await startWooCommerceEmulator({ seed: 17, sites: 1, ordersPerSite: 3 });
  const site = emulator.sites[0]!;
  api = client({ url: site.baseUrl, consumerKey: site.consumerKey, consumerSecret: site.consumerSecret });
});
afterAll(async () => {
  await emulator.close();
});

describe('order notes (/orders/{id}/notes), through the official client', () => {
  it('creates, lists newest first, filters by type, reads and deletes only with force', async () => {
    const order = emulator.control.createOrder('1', { status: 'processing' });
    const id = order['id'] as number;
    const modified = order['date_modified_gmt'];

    const internal = await api.post(`orders/${id}/notes`, { note: 'Packed by Sam.' });
    expect(internal.status).toBe(201);
    expect(internal.headers['location']).toMatch(new RegExp(`/orders/${id}/notes/${internal.data.id}$`));
    expect(Object.keys(internal.data).sort()).toEqual([
      '_links',
      'author',
      'customer_note',
      'date_created',
      'date_created_gmt',
      'id',
      'note',
    ]);
    expect(internal.data).toMatchObject({ author: 'system', note: 'Packed by Sam.', customer_note: false });
    const customer = await api.post(`orders/${id}/notes`, {
      note: 'Shipped: UPS 1Z999.',
      customer_note: true,
      added_by_user: true,
    });
    expect(customer.data).toMatchObject({ customer_note: true, note: 'Shipped: UPS 1Z999.' });
    expect(customer.data.author).not.toBe('system');

    const all = (await api.get(`orders/${id}/notes`)).data as Array<{ id: number }>;
    expect(all.map((note) => note.id)).toEqual([customer.data.id, internal.data.id]);
    expect(((await api.get(`orders/${id}/notes`, { type: 'customer' })).data as Array<{ id: number }>).map((n) => n.id)).toEqual([
      customer.data.id,
    ]);
    expect(((await api.get(`orders/${id}/notes`, { type: 'internal' })).data as Array<{ id: number }>).map((n) => n.id)).toEqual([
      internal.data.id,
    ]);
    expect((await api.get(`orders/${id}/notes/${internal.data.id}`)).data).toEqual(internal.data);

    // A note is a comment on the order: the order itself is not saved.
    expect((await api.get(`orders/${id}`)).data.date_modified_gmt).toBe(modified);

    const notTrashed = await failure(api.delete(`orders/${id}/notes/${internal.data.id}`));
    expect(notTrashed).toMatchObject({ status: 501, data: { code: 'woocommerce_rest_trash_not_supported' } });
    const deleted = await api.delete(`orders/${id}/notes/${internal.data.id}`, { force: true });
    expect(deleted.data.id).toBe(internal.data.id);
    expect(await failure(api.get(`orders/${id}/notes/${internal.data.id}`))).toMatchObject({
      status: 404,
      data: { code: 'woocommerce_rest_invalid_id' },
    });
  });

  it('refuses a note without text and a note on an order that does not exist', async () => {
    const order = emulator.control.createOrder('1');
    expect(await failure(api.post(`orders/${order['id']}/notes`, { customer_note: true }))).toMatchObject({
      status: 400,
      data: { code: 'rest_missing_callback_param', data: { params: ['note'] } },
    });
    expect(await failure(api.post('orders/999999/notes', { note: 'x' }))).toMatchObject({
      status: 404,
      data: { code: 'woocommerce_rest_order_invalid_id', message: 'Invalid order ID.' },
    });
    expect(await failure(api.get('orders/999999/notes'))).toMatchObject({
      status: 404,
      data: { code: 'woocommerce_rest_shop_order_invalid_id' },
    });
  });

  it('merges meta_data by key on PUT and moves the order to completed, as the fulfilment push does', async () => {
    const order = emulator.control.createOrder('1', { status: 'processing' });
    const id = order['id'] as number;
    await api.put(`orders/${id}`, {
      meta_data: [
        { key: '_tracking', value: 'A' },
        { key: '_carrier', value: 'UPS' },
      ],
    });
    const updated = await api.put(`orders/${id}`, { status: 'completed', meta_data: [{ key: '_tracking', value: 'B' }] });
    expect(updated.data.status).toBe('completed');
    expect(updated.data.date_completed_gmt).not.toBeNull();
    const meta = (updated.data.meta_data as Array<{ key: string; value: unknown }>).map((entry) => [entry.key, entry.value]);
    expect(meta).toEqual([
      ['_tracking', 'B'],
      ['_carrier', 'UPS'],
    ]);
  });
});
