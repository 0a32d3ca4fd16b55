import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database.ts';
import { systemPrincipal, withPrincipal } from '../db/principal.ts';
import { StoreService } from '../domain/stores/store-service.ts';
import { WebhookInbox } from '../ingest/webhook-inbox.ts';
import { KeyRing } from '../security/key-ring.ts';
import { applyWebhookEvent, RetryLaterError } from './apply-webhook.ts';

let t: TestDatabase;
const orgId = randomUUID();
let shopifyStore: string;
let wooStore: string;

const ORDER_ID = '820982911946154508';
const LINE_ID = '866550311766439020';
const VARIANT_ID = '9007199254740995';
const ITEM_ID = '9007199254741001';
const LOCATION_ID = '9007199254741111';

const shopifyOrder = (updatedAt: string, extra = '') =>
  `{"id":${ORDER_ID},"name":"#1001","email":"ann@example.test","created_at":"2026-11-01T10:00:00-05:00","updated_at":"${updatedAt}",` +
  `"cancelled_at":null,"closed_at":null,"currency":"USD","financial_status":"paid","fulfillment_status":null,"total_price":"25.50",` +
  `"customer":{"id":9007199254740999},"line_items":[{"id":${LINE_ID},"variant_id":${VARIANT_ID},"sku":"SKU-1","title":"Mug","quantity":2,"price":"12.75"}]${extra}}`;

async function deliver(platform: 'shopify' | 'woocommerce', topic: string, body: string, eventId = randomUUID()) {
  const stored = await new WebhookInbox(t.db).store({
    orgId,
    storeId: { shopify: shopifyStore, woocommerce: wooStore }[platform],
    platform,
    eventId,
    topic,
    body,
    headers: {},
  });
  return { ...stored, apply: () => applyWebhookEvent(t.db, { orgId, eventId: stored.id }) };
}

const owner = () => t.db.owner;

beforeAll(async () => {
  t = await createTestDatabase();
  const stores = new StoreService(new KeyRing(`k:${KeyRing.generateKey()}`));
  const principal = systemPrincipal(orgId);
  [shopifyStore, wooStore] = await withPrincipal(t.db, principal, async (tx) => {
    await tx`insert into organizations (id, name) values (${orgId}, 'Apply')`;
    const shop = await stores.create(tx, principal, {
      platform: 'shopify',
      name: 'S',
      shopDomain: 'apply.myshopify.com',
      status: 'active',
      credentials: { accessToken: 'shpat_x' },
    });
    const woo = await stores.create(tx, principal, {
      platform: 'woocommerce',
      name: 'W',
      siteUrl: 'https://w.example',
      status: 'active',
    });
    return [shop.id, woo.id];
  });
});

afterAll(async () => {
  await t?.drop();
});

describe('applying Shopify order webhooks', () => {
  it('creates the order and its lines, keeping ids above 2^53 exact in the raw payload', async () => {
    const event = await deliver('shopify', 'orders/create', shopifyOrder('2026-11-01T10:00:00-05:00'));
    expect(await event.apply()).toBe('applied');
    const [order] = await owner()<{ number: string; total: string; status: string; raw_id: string; platform_id: string }[]>`
      select number, total, status, raw->>'id' as raw_id, platform_id from orders where store_id = ${shopifyStore}`;
    expect(order).toEqual({ number: '#1001', total: '25.50', status: 'open', raw_id: ORDER_ID, platform_id: ORDER_ID });
    const lines = await owner()<
      { platform_id: string; quantity: number }[]
    >`select platform_id, quantity from order_lines where store_id = ${shopifyStore}`;
    expect(lines).toEqual([{ platform_id: LINE_ID, quantity: 2 }]);
    const [row] = await owner()<{ status: string }[]>`select status from webhook_events where id = ${event.id}`;
    expect(row!.status).toBe('applied');
  });

  describe('when deliveries arrive out of order', () => {
    it('keeps the newest version (last write wins on updated_at)', async () => {
      const newer = await deliver(
        'shopify',
        'orders/updated',
        shopifyOrder('2026-11-03T10:00:00-05:00').replace('"total_price":"25.50"', '"total_price":"30.00"'),
      );
      const older = await deliver(
        'shopify',
        'orders/updated',
        shopifyOrder('2026-11-02T10:00:00-05:00').replace('"total_price":"25.50"', '"total_price":"27.00"'),
      );
      expect(await newer.apply()).toBe('applied');
      expect(await older.apply()).toBe('unchanged');
      const [order] = await owner()<{ total: string }[]>`select total from orders where store_id = ${shopifyStore}`;
      expect(order!.total).toBe('30.00');
    });
  });

  describe('when the same event is applied twice', () => {
    it('changes nothing the second time, even when both run at once', async () => {
      const event = await deliver(
        'shopify',
        'orders/cancelled',
        shopifyOrder('2026-11-04T10:00:00-05:00').replace('"cancelled_at":null', '"cancelled_at":"2026-11-04T10:00:00-05:00"'),
      );
      const results = await Promise.allSettled([event.apply(), event.apply()]);
      const outcomes = results.map((result) => (result.status === 'fulfilled' ? result.value : 'rejected')).sort();
      expect(outcomes).toEqual(['already_done', 'applied']);
      expect(await event.apply()).toBe('already_done');
      const [order] = await owner()<{ status: string }[]>`select status from orders where store_id = ${shopifyStore}`;
      expect(order!.status).toBe('cancelled');
    });
  });

  it('marks a payload it cannot read as failed at once', async () => {
    const event = await deliver('shopify', 'orders/updated', '{"id":"not-an-order"}');
    await expect(event.apply()).rejects.toThrow(/Cannot read Shopify order/);
    const [row] = await owner()<
      { status: string; last_error: string }[]
    >`select status, last_error from webhook_events where id = ${event.id}`;
    expect(row!.status).toBe('failed');
    expect(row!.last_error).toContain('Shopify order');
  });

  it('ignores topics it does not handle', async () => {
    const event = await deliver('shopify', 'themes/publish', '{"id":1}');
    expect(await event.apply()).toBe('ignored');
  });
});

describe('applying Shopify inventory webhooks', () => {
  const level = (available: number, updatedAt: string) =>
    `{"inventory_item_id":${ITEM_ID},"location_id":${LOCATION_ID},"available":${available},"updated_at":"${updatedAt}","admin_graphql_api_id":"gid://shopify/InventoryLevel/1"}`;

  it('asks to retry later while the product is not synced yet', async () => {
    const event = await deliver('shopify', 'inventory_levels/update', level(5, '2026-11-05T00:00:00Z'));
    await expect(event.apply()).rejects.toBeInstanceOf(RetryLaterError);
    const [row] = await owner()<
      { status: string; attempts: number }[]
    >`select status, attempts from webhook_events where id = ${event.id}`;
    expect(row).toEqual({ status: 'received', attempts: 1 });
    const product = await deliver(
      'shopify',
      'products/update',
      `{"id":9007199254740990,"title":"Mug","status":"active","updated_at":"2026-11-01T00:00:00Z","variants":[{"id":${VARIANT_ID},"inventory_item_id":${ITEM_ID},"sku":"SKU-1","title":"Default","price":"12.75"}]}`,
    );
    expect(await product.apply()).toBe('applied');
    expect(await event.apply()).toBe('applied');
  });

  it('writes exactly one ledger row per real change, whatever the duplicates and order', async () => {
    const before = await owner()<
      { n: number }[]
    >`select count(*)::int as n from inventory_ledger where store_id = ${shopifyStore}`;
    const changes = [level(8, '2026-11-05T01:00:00Z'), level(6, '2026-11-05T02:00:00Z'), level(9, '2026-11-05T03:00:00Z')];
    const events = [];
    // Each change delivered twice under different event ids, and the middle one late.
    for (const body of [changes[0]!, changes[2]!, changes[0]!, changes[1]!, changes[2]!, changes[1]!])
      events.push(await deliver('shopify', 'inventory_levels/update', body));
    for (const event of events) await event.apply();
    const after = await owner()<
      { n: number }[]
    >`select count(*)::int as n from inventory_ledger where store_id = ${shopifyStore}`;
    // 8 then 9 were applied in arrival order; 6 arrived after 9 and is older, so it is not a change.
    expect(after[0]!.n - before[0]!.n).toBe(2);
    const [stock] = await owner()<
      { available: number }[]
    >`select available from inventory_levels where store_id = ${shopifyStore}`;
    expect(stock!.available).toBe(9);
    const ledger = await owner()<{ delta: number; quantity_after: number }[]>`
      select delta, quantity_after from inventory_ledger where store_id = ${shopifyStore} order by id`;
    expect(ledger.map((row) => row.quantity_after)).toEqual([5, 8, 9]);
    expect(ledger.reduce((sum, row) => sum + row.delta, 0)).toBe(9);
  });
});

describe('Shopify compliance and lifecycle webhooks', () => {
  it('customers/data_request records an export request in the audit log', async () => {
    const event = await deliver(
      'shopify',
      'customers/data_request',
      `{"shop_id":1,"shop_domain":"apply.myshopify.com","orders_requested":[${ORDER_ID}],"customer":{"id":9007199254740999,"email":"ann@example.test","phone":null},"data_request":{"id":9999}}`,
    );
    expect(await event.apply()).toBe('applied');
    const [audit] = await owner()<{ subject_id: string; details: { ordersRequested: string[] } }[]>`
      select subject_id, details from audit_log where org_id = ${orgId} and action = 'compliance.data_request'`;
    expect(audit!.subject_id).toBe('9007199254740999');
    expect(audit!.details.ordersRequested).toEqual([ORDER_ID]);
  });

  it('customers/redact erases the customer’s personal data from orders', async () => {
    const event = await deliver(
      'shopify',
      'customers/redact',
      `{"shop_id":1,"shop_domain":"apply.myshopify.com","customer":{"id":9007199254740999},"orders_to_redact":[${ORDER_ID}]}`,
    );
    expect(await event.apply()).toBe('applied');
    const [order] = await owner()<
      { email: string | null; raw: object }[]
    >`select email, raw from orders where store_id = ${shopifyStore}`;
    expect(order).toEqual({ email: null, raw: {} });
  });

  it('shop/redact purges the store’s data and forgets its credentials', async () => {
    const event = await deliver('shopify', 'shop/redact', '{"shop_id":1,"shop_domain":"apply.myshopify.com"}');
    expect(await event.apply()).toBe('applied');
    const [counts] = await owner()<{ orders: number; products: number; status: string; creds: string | null }[]>`
      select (select count(*)::int from orders where store_id = ${shopifyStore}) as orders,
             (select count(*)::int from products where store_id = ${shopifyStore}) as products,
             s.status, s.credentials_key_id as creds
      from stores s where s.id = ${shopifyStore}`;
    expect(counts).toEqual({ orders: 0, products: 0, status: 'uninstalled', creds: null });
  });
});

describe('applying WooCommerce webhooks', () => {
  const product = (stock: number, modified: string) =>
    JSON.stringify({
      id: 31,
      name: 'Tee',
      type: 'simple',
      status: 'publish',
      sku: 'TEE',
      price: '15',
      manage_stock: true,
      stock_quantity: stock,
      stock_status: 'instock',
      date_modified_gmt: modified,
    });

  it('syncs a product, its stock level and its ledger row', async () => {
    expect(await (await deliver('woocommerce', 'product.updated', product(12, '2026-11-06T10:00:00'))).apply()).toBe('applied');
    expect(await (await deliver('woocommerce', 'product.updated', product(10, '2026-11-06T11:00:00'))).apply()).toBe('applied');
    const [level] = await owner()<{ available: number; location: string }[]>`
      select l.available, loc.platform_id as location from inventory_levels l join locations loc on loc.id = l.location_id
      where l.store_id = ${wooStore}`;
    expect(level).toEqual({ available: 10, location: 'default' });
    const ledger = await owner()<
      { delta: number }[]
    >`select delta from inventory_ledger where store_id = ${wooStore} order by id`;
    expect(ledger.map((row) => row.delta)).toEqual([12, -2]);
  });

  it('syncs an order with UTC timestamps', async () => {
    const body = JSON.stringify({
      id: 501,
      number: '501',
      status: 'processing',
      currency: 'EUR',
      total: '15.00',
      customer_id: 0,
      date_created_gmt: '2026-11-06T09:00:00',
      date_modified_gmt: '2026-11-06T09:30:00',
      date_paid_gmt: '2026-11-06T09:01:00',
      billing: { email: 'bob@example.test' },
      line_items: [{ id: 77, product_id: 31, variation_id: 0, sku: 'TEE', name: 'Tee', quantity: 1, price: 15 }],
    });
    expect(await (await deliver('woocommerce', 'order.updated', body)).apply()).toBe('applied');
    const [order] = await owner()<{ number: string; financial_status: string; placed_at: Date; variant_linked: boolean }[]>`
      select o.number, o.financial_status, o.placed_at, l.variant_id is not null as variant_linked
      from orders o join order_lines l on l.order_id = o.id where o.store_id = ${wooStore}`;
    expect(order).toEqual({
      number: '#501',
      financial_status: 'paid',
      placed_at: new Date('2026-11-06T09:00:00Z'),
      variant_linked: true,
    });
  });
});

describe('when WooCommerce deletes an order, a product or a customer', () => {
  const order = (modified: string) =>
    JSON.stringify({
      id: 601,
      number: '601',
      status: 'processing',
      currency: 'EUR',
      total: '9.00',
      customer_id: 0,
      date_created_gmt: '2026-11-07T09:00:00',
      date_modified_gmt: modified,
      billing: { email: 'del@example.test' },
      line_items: [],
    });
  const deletedAt = async () =>
    (
      await owner()<{ deleted_at: Date | null }[]>`
        select deleted_at from orders where store_id = ${wooStore} and platform_id = '601'`
    )[0]?.deleted_at;

  it('keeps the order as a tombstone, once, and a late update does not revive it', async () => {
    expect(await (await deliver('woocommerce', 'order.created', order('2026-11-07T09:00:00'))).apply()).toBe('applied');
    expect(await deletedAt()).toBeNull();
    // WooCommerce sends `{id}` on a move to the trash, and may send it more than once.
    const results = await Promise.allSettled([
      deliver('woocommerce', 'order.deleted', '{"id":601}').then((event) => event.apply()),
      deliver('woocommerce', 'order.deleted', '{"id":601}', randomUUID()).then((event) => event.apply()),
    ]);
    expect(results.map((result) => (result.status === 'fulfilled' ? result.value : 'rejected')).sort()).toEqual([
      'applied',
      'unchanged',
    ]);
    const gone = await deletedAt();
    expect(gone).toBeInstanceOf(Date);
    // An update delivered late (changed before the deletion) leaves it deleted.
    await (await deliver('woocommerce', 'order.updated', order('2026-11-07T09:30:00'))).apply();
    expect(await deletedAt()).toEqual(gone);
    const [row] = await owner()<{ count: number }[]>`
      select count(*)::int as count from orders where store_id = ${wooStore} and platform_id = '601'`;
    expect(row!.count).toBe(1);
  });

  it('clears the tombstone when the order is taken out of the trash', async () => {
    expect(await (await deliver('woocommerce', 'order.restored', order('2026-11-07T09:30:00'))).apply()).toBe('applied');
    expect(await deletedAt()).toBeNull();
  });

  it('tombstones products and customers, keeping the ledger whole; an unknown id changes nothing', async () => {
    const [ledgerBefore] = await owner()<{ count: number }[]>`
      select count(*)::int as count from inventory_ledger where store_id = ${wooStore}`;
    expect(await (await deliver('woocommerce', 'product.deleted', '{"id":31}')).apply()).toBe('applied');
    const [product] = await owner()<{ deleted_at: Date | null }[]>`
      select deleted_at from products where store_id = ${wooStore} and platform_id = '31'`;
    expect(product!.deleted_at).toBeInstanceOf(Date);
    const [ledgerAfter] = await owner()<{ count: number }[]>`
      select count(*)::int as count from inventory_ledger where store_id = ${wooStore}`;
    expect(ledgerAfter).toEqual(ledgerBefore);
    const customer = JSON.stringify({
      id: 88,
      email: 'gone@example.test',
      first_name: 'G',
      last_name: 'One',
      date_modified_gmt: '2026-11-07T10:00:00',
    });
    expect(await (await deliver('woocommerce', 'customer.created', customer)).apply()).toBe('applied');
    expect(await (await deliver('woocommerce', 'customer.deleted', '{"id":88}')).apply()).toBe('applied');
    const [gone] = await owner()<{ deleted_at: Date | null }[]>`
      select deleted_at from customers where store_id = ${wooStore} and platform_id = '88'`;
    expect(gone!.deleted_at).toBeInstanceOf(Date);
    expect(await (await deliver('woocommerce', 'order.deleted', '{"id":999999}')).apply()).toBe('unchanged');
  });

  it('marks a deletion without an id as failed at once', async () => {
    const event = await deliver('woocommerce', 'product.deleted', '{"name":"no id"}');
    await expect(event.apply()).rejects.toThrow(/product.deleted/);
  });
});

describe('#8.2 a Shopify body applied only to the shop it belongs to', () => {
  const stores = new StoreService(new KeyRing(`k:${KeyRing.generateKey()}`));
  const victimOrg = randomUUID();
  const otherOrg = randomUUID();
  let victimStore: string;
  let otherStore: string;
  const OTHER_ORDER = '9007199254749001';
  /** The other shop's order: all its ids its own. */
  const otherOrder = (updatedAt: string) =>
    shopifyOrder(updatedAt)
      .replace(ORDER_ID, OTHER_ORDER)
      .replace(LINE_ID, '9007199254749002')
      .replace(VARIANT_ID, '9007199254749003')
      .replace('9007199254740999', '9007199254749004');

  const deliverTo = async (org: string, store: string, topic: string, body: string) => {
    const stored = await new WebhookInbox(t.db).store({
      orgId: org,
      storeId: store,
      platform: 'shopify',
      eventId: randomUUID(),
      topic,
      body,
      headers: {},
    });
    return { ...stored, apply: () => applyWebhookEvent(t.db, { orgId: org, eventId: stored.id }) };
  };
  const victimState = async () => {
    const [state] = await owner()<{ status: string; creds: string | null; orders: number; customers: number }[]>`
      select s.status, s.credentials_key_id as creds,
             (select count(*)::int from orders where store_id = s.id) as orders,
             (select count(*)::int from customers where store_id = s.id and redacted_at is null) as customers
      from stores s where s.id = ${victimStore}`;
    return state!;
  };

  beforeAll(async () => {
    const make = async (org: string, name: string, domain: string, shopId: string) =>
      withPrincipal(t.db, systemPrincipal(org), async (tx) => {
        await tx`insert into organizations (id, name) values (${org}, ${name})`;
        const store = await stores.create(tx, systemPrincipal(org), {
          platform: 'shopify',
          name,
          shopDomain: domain,
          status: 'active',
          platformShopId: shopId,
          credentials: { accessToken: `shpat_${name}` },
        });
        return store.id;
      });
    victimStore = await make(victimOrg, 'victim', 'victim.myshopify.com', '111');
    otherStore = await make(otherOrg, 'other', 'other.myshopify.com', '222');
    // The other shop's order, synced into its own store; and one order of the victim's own.
    expect(await (await deliverTo(otherOrg, otherStore, 'orders/create', otherOrder('2026-11-01T10:00:00-05:00'))).apply()).toBe(
      'applied',
    );
    expect(
      await (await deliverTo(victimOrg, victimStore, 'orders/create', shopifyOrder('2026-11-01T10:00:00-05:00'))).apply(),
    ).toBe('applied');
  });

  it('refuses an order body whose ids belong to another store', async () => {
    const before = await victimState();
    const event = await deliverTo(victimOrg, victimStore, 'orders/updated', otherOrder('2026-11-09T10:00:00-05:00'));
    expect(await event.apply()).toBe('refused');
    expect(await victimState()).toEqual(before);
    const [row] = await owner()<{ status: string; last_error: string }[]>`
      select status, last_error from webhook_events where id = ${event.id}`;
    expect(row).toEqual({ status: 'ignored', last_error: 'Refused: the body names resources of another store' });
  });

  it('refuses uninstall and compliance bodies that name another shop (an inbox row stored before the ingest check)', async () => {
    const before = await victimState();
    const bodies: Array<[string, string]> = [
      ['app/uninstalled', '{"id":222,"domain":"other.myshopify.com","myshopify_domain":"other.myshopify.com"}'],
      ['app/uninstalled', '{"id":222,"domain":"victim.myshopify.com","myshopify_domain":"victim.myshopify.com"}'],
      ['shop/redact', '{"shop_id":222,"shop_domain":"other.myshopify.com"}'],
      ['shop/redact', '{"shop_id":111,"shop_domain":"other.myshopify.com"}'],
      [
        'customers/redact',
        `{"shop_id":222,"shop_domain":"other.myshopify.com","customer":{"id":9007199254740999},"orders_to_redact":[${ORDER_ID}]}`,
      ],
      ['customers/data_request', '{"shop_id":222,"shop_domain":"other.myshopify.com","customer":{"id":9007199254740999}}'],
      ['shop/redact', '{}'],
    ];
    for (const [topic, body] of bodies) {
      expect(await (await deliverTo(victimOrg, victimStore, topic, body)).apply(), `${topic} ${body}`).toBe('refused');
    }
    expect(await victimState()).toEqual(before);
  });

  it('applies the same topics when the body names this shop', async () => {
    const event = await deliverTo(
      victimOrg,
      victimStore,
      'customers/redact',
      `{"shop_id":111,"shop_domain":"victim.myshopify.com","customer":{"id":9007199254740999},"orders_to_redact":[${ORDER_ID}]}`,
    );
    expect(await event.apply()).toBe('applied');
    expect((await victimState()).customers).toBe(0);
  });

  it('ignores a delivery for a store that was disconnected after it arrived', async () => {
    const event = await deliverTo(
      victimOrg,
      victimStore,
      'orders/updated',
      shopifyOrder('2026-11-10T10:00:00-05:00').replace('"total_price":"25.50"', '"total_price":"99.00"'),
    );
    await withPrincipal(t.db, systemPrincipal(victimOrg), (tx) => stores.disconnect(tx, systemPrincipal(victimOrg), victimStore));
    expect(await event.apply()).toBe('ignored');
    const [order] = await owner()<{ total: string }[]>`select total from orders where store_id = ${victimStore}`;
    expect(order!.total).toBe('25.50');
    // A compliance request still reaches its data.
    const redact = await deliverTo(victimOrg, victimStore, 'shop/redact', '{"shop_id":111,"shop_domain":"victim.myshopify.com"}');
    expect(await redact.apply()).toBe('applied');
    expect((await victimState()).orders).toBe(0);
  });
});
