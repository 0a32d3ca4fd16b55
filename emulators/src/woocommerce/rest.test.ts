import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWooCommerceEmulator, type WooCommerceEmulator } from './index.ts';
import { client, failure } from './testing.ts';

const OBSERVED_ORDER_FIELDS = [
  '_links',
  'billing',
  'cart_hash',
  'cart_tax',
  'coupon_lines',
  'created_via',
  'currency',
  'currency_symbol',
  'customer_id',
  'customer_ip_address',
  'customer_note',
  'customer_user_agent',
  'date_completed',
  'date_completed_gmt',
  'date_created',
  'date_created_gmt',
  'date_modified',
  'date_modified_gmt',
  'date_paid',
  'date_paid_gmt',
  'discount_tax',
  'discount_total',
  'fee_lines',
  'id',
  'is_editable',
  'line_items',
  'meta_data',
  'needs_payment',
  'needs_processing',
  'number',
  'order_key',
  'parent_id',
  'payment_method',
  'payment_method_title',
  'payment_url',
  'prices_include_tax',
  'refunds',
  'shipping',
  'shipping_lines',
  'shipping_tax',
  'shipping_total',
  'status',
  'tax_lines',
  'total',
  'total_tax',
  'transaction_id',
  'version',
];
const OBSERVED_LINE_ITEM_FIELDS = [
  'id',
  'image',
  'meta_data',
  'name',
  'parent_name',
  'price',
  'product_id',
  'quantity',
  'sku',
  'subtotal',
  'subtotal_tax',
  'tax_class',
  'taxes',
  'total',
  'total_tax',
  'variation_id',
];
const BILLING_FIELDS = [
  'address_1',
  'address_2',
  'city',
  'company',
  'country',
  'email',
  'first_name',
  'last_name',
  'phone',
  'postcode',
  'state',
];

type Json = Record<string, unknown>;

describe('WooCommerce REST API v3 resources', () => {
  let emulator: WooCommerceEmulator;
  let api: ReturnType<typeof client>;

  beforeAll(async () => {
    emulator = await startWooCommerceEmulator({ seed: 5, ordersPerSite: 300, sites: 2 });
    const site = emulator.sites[0]!;
    api = client({ url: site.baseUrl, consumerKey: site.consumerKey, consumerSecret: site.consumerSecret });
  });
  afterAll(() => emulator.close());

  describe('orders', () => {
    it('have exactly the fields observed on a real store, with money as strings', async () => {
      const { data } = await api.get('orders', { per_page: 50 });
      const order = (data as Json[])[0]!;
      expect(Object.keys(order).sort()).toEqual(OBSERVED_ORDER_FIELDS);
      expect(Object.keys(order['billing'] as Json).sort()).toEqual(BILLING_FIELDS);
      const item = (order['line_items'] as Json[])[0]!;
      expect(Object.keys(item).sort()).toEqual(OBSERVED_LINE_ITEM_FIELDS);
      for (const field of ['total', 'total_tax', 'shipping_total', 'discount_total', 'cart_tax'])
        expect(order[field]).toMatch(/^-?\d+\.\d{2}$/);
      expect(item['subtotal']).toMatch(/^\d+\.\d{2}$/);
      expect(typeof item['price']).toBe('number');
      expect(order['date_created']).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
      // Newest first by default.
      const created = (data as Json[]).map((o) => String(o['date_created']));
      expect([...created].sort().reverse()).toEqual(created);
    });

    it('answers an unknown id with woocommerce_rest_shop_order_invalid_id', async () => {
      const { status, data } = await failure(api.get('orders/99999999'));
      expect(status).toBe(404);
      expect(data).toEqual({ code: 'woocommerce_rest_shop_order_invalid_id', message: 'Invalid ID.', data: { status: 404 } });
    });

    it('rejects per_page=101 with rest_invalid_param and details, params, status', async () => {
      const { status, data } = await failure(api.get('orders', { per_page: 101 }));
      expect(status).toBe(400);
      expect(data.code).toBe('rest_invalid_param');
      expect(data.message).toBe('Invalid parameter(s): per_page');
      expect(Object.keys(data.data).sort()).toEqual(['details', 'params', 'status']);
      expect(data.data['status']).toBe(400);
      expect(data.data['params']).toEqual({ per_page: 'per_page must be between 1 (inclusive) and 100 (inclusive)' });
      expect((data.data['details'] as Json)['per_page']).toEqual({
        code: 'rest_out_of_bounds',
        message: 'per_page must be between 1 (inclusive) and 100 (inclusive)',
        data: null,
      });
      expect((await failure(api.get('orders', { per_page: 0 }))).status).toBe(400);
      expect((await api.get('orders', { per_page: 100 })).data).toHaveLength(100);
    });

    it('validates orderby and status against their enums', async () => {
      const bad = await failure(api.get('orders', { orderby: 'price' }));
      expect(bad.data.data['params']).toEqual({ orderby: 'orderby is not one of date, id, include, title, slug, modified.' });
      const ok = await api.get('orders', { orderby: 'id', order: 'asc', per_page: 3 });
      expect((ok.data as Json[]).map((o) => o['id'])).toEqual([1001, 1002, 1003]);
    });

    it('filters by status, include/exclude and modified_after', async () => {
      const completed = await api.get('orders', { status: 'completed', per_page: 100 });
      expect((completed.data as Json[]).every((o) => o['status'] === 'completed')).toBe(true);
      const total = Number(completed.headers['x-wp-total']);
      expect(total).toBeGreaterThan(100);
      expect(completed.headers['x-wp-totalpages']).toBe(String(Math.ceil(total / 100)));

      const included = await api.get('orders', { include: [1005, 1003, 1010], orderby: 'include' });
      expect((included.data as Json[]).map((o) => o['id'])).toEqual([1005, 1003, 1010]);

      const recent = await api.get('orders', { per_page: 1, orderby: 'modified' });
      const newest = String((recent.data as Json[])[0]!['date_modified']);
      const after = await api.get('orders', { modified_after: newest });
      expect(after.data).toEqual([]);
      const changed = await api.put('orders/1002', { customer_note: 'ring twice' });
      const since = await api.get('orders', { modified_after: newest });
      expect((since.data as Json[]).map((o) => o['id'])).toEqual([1002]);
      expect(changed.data.date_modified > newest).toBe(true);
    });

    it('creates, updates and deletes an order, moving stock with the status', async () => {
      const product = (
        await api.post('products', { name: 'Test Kettle', regular_price: '20.00', manage_stock: true, stock_quantity: 10 })
      ).data as Json;
      const created = await api.post('orders', {
        customer_id: 2,
        set_paid: true,
        payment_method: 'stripe',
        line_items: [{ product_id: product['id'], quantity: 3 }],
        shipping_lines: [{ method_id: 'flat_rate', method_title: 'Flat rate', total: '4.50' }],
      });
      expect(created.status).toBe(201);
      const order = created.data as Json;
      expect(order['status']).toBe('processing');
      expect(order['total']).toBe('64.50');
      expect(created.headers['location']).toBe(`${emulator.sites[0]!.baseUrl}/wp-json/wc/v3/orders/${String(order['id'])}`);
      expect((await api.get(`products/${String(product['id'])}`)).data.stock_quantity).toBe(7);

      const cancelled = await api.put(`orders/${String(order['id'])}`, { status: 'cancelled' });
      expect(cancelled.data.status).toBe('cancelled');
      expect((await api.get(`products/${String(product['id'])}`)).data.stock_quantity).toBe(10);

      const trashed = await api.delete(`orders/${String(order['id'])}`);
      expect(trashed.data.status).toBe('trash');
      const gone = await api.delete(`orders/${String(order['id'])}`, { force: true });
      expect(gone.data.id).toBe(order['id']);
      expect((await failure(api.get(`orders/${String(order['id'])}`))).status).toBe(404);
    });
  });

  describe('batch', () => {
    it('refuses more than 100 items in all with 413', async () => {
      const { status, data } = await failure(
        api.post('orders/batch', {
          create: Array.from({ length: 60 }, () => ({ status: 'pending' })),
          update: Array.from({ length: 41 }, (_, i) => ({ id: 1001 + i })),
        }),
      );
      expect(status).toBe(413);
      expect(data).toEqual({
        code: 'woocommerce_rest_request_entity_too_large',
        message: 'Unable to accept more than 100 items for this request.',
        data: { status: 413 },
      });
      const products = await failure(api.post('products/batch', { delete: Array.from({ length: 101 }, (_, i) => i + 1) }));
      expect(products.status).toBe(413);
    });

    it('reports a failed item as {id, error:{code, message, data}} and applies the rest', async () => {
      const response = await api.post('orders/batch', {
        create: [
          { status: 'on-hold', line_items: [{ product_id: 10, quantity: 1 }] },
          { id: 1001, status: 'pending' },
        ],
        update: [
          { id: 1003, customer_note: 'batched' },
          { id: 98765432, status: 'completed' },
        ],
        delete: [99999999],
      });
      expect(response.status).toBe(200);
      const { create, update, delete: deleted } = response.data as Record<string, Json[]>;
      expect(create![0]!['status']).toBe('on-hold');
      expect(create![1]).toEqual({
        id: 0,
        error: {
          code: 'woocommerce_rest_shop_order_exists',
          message: 'Cannot create existing shop_order.',
          data: { status: 400 },
        },
      });
      expect(update![0]!['customer_note']).toBe('batched');
      expect(update![1]).toEqual({
        id: 98765432,
        error: { code: 'woocommerce_rest_shop_order_invalid_id', message: 'Invalid ID.', data: { status: 400 } },
      });
      expect(deleted![0]).toEqual({
        id: 99999999,
        error: { code: 'woocommerce_rest_shop_order_invalid_id', message: 'Invalid ID.', data: { status: 404 } },
      });
    });

    it('batches products, reporting a duplicated SKU', async () => {
      const response = await api.post('products/batch', {
        create: [
          { name: 'Batch Mug', sku: 'BATCH-1', regular_price: '9.00' },
          { name: 'Batch Mug 2', sku: 'BATCH-1' },
        ],
      });
      const create = (response.data as Record<string, Json[]>)['create']!;
      expect(create[0]!['sku']).toBe('BATCH-1');
      expect((create[1]!['error'] as Json)['code']).toBe('product_invalid_sku');
      expect(create[1]!['id']).toBe(0);
    });
  });

  describe('products, variations, customers and refunds', () => {
    it('lists products with stock_quantity as number or null and variations under their parent', async () => {
      const { data, headers } = await api.get('products', { per_page: 100 });
      const products = data as Json[];
      expect(Number(headers['x-wp-total'])).toBeGreaterThanOrEqual(36);
      for (const product of products) {
        expect(product['stock_quantity'] === null || typeof product['stock_quantity'] === 'number').toBe(true);
        expect(['instock', 'outofstock', 'onbackorder']).toContain(product['stock_status']);
        expect(typeof product['price']).toBe('string');
      }
      const variable = products.find((p) => p['type'] === 'variable')!;
      const variations = await api.get(`products/${String(variable['id'])}/variations`);
      expect((variations.data as Json[]).map((v) => v['id']).sort()).toEqual([...(variable['variations'] as number[])].sort());
      const variation = (variations.data as Json[])[0]!;
      const updated = await api.put(`products/${String(variable['id'])}/variations/${String(variation['id'])}`, {
        stock_quantity: 42,
      });
      expect(updated.data.stock_quantity).toBe(42);
      const missing = await failure(api.get('products/999999'));
      expect(missing.data).toEqual({
        code: 'woocommerce_rest_product_invalid_id',
        message: 'Invalid ID.',
        data: { status: 404 },
      });
    });

    it('lists and creates customers', async () => {
      const { data, headers } = await api.get('customers', { per_page: 5 });
      expect(headers['x-wp-total']).toBe('80');
      expect(Object.keys((data as Json[])[0]!['billing'] as Json).sort()).toEqual(BILLING_FIELDS);
      const created = await api.post('customers', { email: 'new.person@example.com', first_name: 'New', last_name: 'Person' });
      expect(created.status).toBe(201);
      const missing = await failure(api.post('customers', { first_name: 'No email' }));
      expect(missing.status).toBe(400);
      expect((await failure(api.delete(`customers/${String(created.data.id)}`))).status).toBe(501);
    });

    it('refunds an order through /orders/{id}/refunds and lists it under /refunds', async () => {
      const order = emulator.control.createOrder('1', {
        lineItems: [{ productId: 10, quantity: 2 }],
        setPaid: true,
        paymentMethod: 'stripe',
      });
      const before = await api.get('refunds', { per_page: 100 });
      const refund = await api.post(`orders/${String(order['id'])}/refunds`, { amount: '5.00', reason: 'scratched' });
      expect(refund.status).toBe(201);
      expect(refund.data.amount).toBe('5.00');
      const listed = await api.get(`orders/${String(order['id'])}/refunds`);
      expect((listed.data as Json[]).map((r) => r['id'])).toEqual([refund.data.id]);
      const all = await api.get('refunds', { per_page: 100 });
      expect(Number(all.headers['x-wp-total'])).toBe(Number(before.headers['x-wp-total']) + 1);
      expect((all.data as Json[])[0]).toMatchObject({ id: refund.data.id, parent_id: order['id'] });
      const refreshed = await api.get(`orders/${String(order['id'])}`);
      expect(refreshed.data.refunds).toEqual([{ id: refund.data.id, reason: 'scratched', total: '-5.00' }]);

      const manual = emulator.control.createOrder('1', { lineItems: [{ productId: 10 }], setPaid: true, paymentMethod: 'bacs' });
      const gateway = await failure(api.post(`orders/${String(manual['id'])}/refunds`, { amount: '1.00' }));
      expect(gateway.status).toBe(500);
      expect(gateway.data.message).toBe('The payment gateway for this order does not support automatic refunds.');
    });

    it('keeps sites apart', async () => {
      const second = emulator.sites[1]!;
      expect(second.baseUrl).toMatch(/\/sites\/2$/);
      const otherKey = await failure(
        client({
          url: second.baseUrl,
          consumerKey: emulator.sites[0]!.consumerKey,
          consumerSecret: emulator.sites[0]!.consumerSecret,
        }).get('orders'),
      );
      expect(otherKey.data.message).toBe('Consumer key is invalid.');
      const own = await client({
        url: second.baseUrl,
        consumerKey: second.consumerKey,
        consumerSecret: second.consumerSecret,
      }).get('orders');
      expect(own.headers['x-wp-total']).toBe('300');
    });

    it('answers /system_status with versions and the site currency', async () => {
      const { data } = await api.get('system_status');
      expect(data.environment.version).toBe('10.0.2');
      expect(data.environment.wp_version).toBe('6.8.8');
      expect(data.environment.home_url).toBe(emulator.sites[0]!.baseUrl);
      expect(data.settings.currency).toBe(emulator.sites[0]!.currency);
    });

    it('answers unknown routes with rest_no_route', async () => {
      const { status, data } = await failure(api.get('nothing-here'));
      expect(status).toBe(404);
      expect(data).toEqual({
        code: 'rest_no_route',
        message: 'No route was found matching the URL and request method.',
        data: { status: 404 },
      });
    });
  });
});
