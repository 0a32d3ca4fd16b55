import { startWooCommerceEmulator, type WooCommerceEmulator } from '@dockhand/emulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openConnector } from '../platforms/registry.ts';
import type { WooCommerceConnector } from '../platforms/woocommerce/connector.ts';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import { connectWooSite } from '../../test/support/woo-fixture.ts';
import { applyWebhookEvent } from './apply-webhook.ts';
import { syncStore } from './backfill.ts';

/**
 * Records deleted on the store reach Dockhand through the delete topics the connector
 * subscribes, delivered by the emulator as WooCommerce sends them (`{id}`), and are kept as
 * tombstones. No workers run here: the test applies the inbox through the real apply path.
 */

let server: TestServer;
let emulator: WooCommerceEmulator;
let connector: WooCommerceConnector;
let target: { orgId: string; storeId: string };

const owner = () => server.database.db.owner;

async function applyInbox(): Promise<void> {
  await emulator.control.flushWebhooks();
  const rows = await owner()<{ id: string }[]>`
    select id from webhook_events where store_id = ${target.storeId} and status = 'received' order by received_at, id`;
  for (const row of rows) await applyWebhookEvent(server.runtime.ctx.db, { orgId: target.orgId, eventId: row.id });
}

async function deletedAt(table: 'orders' | 'products' | 'customers', platformId: string): Promise<Date | null | undefined> {
  const rows =
    table === 'orders'
      ? await owner()<{ deleted_at: Date | null }[]>`
          select deleted_at from orders where store_id = ${target.storeId} and platform_id = ${platformId}`
      : table === 'products'
        ? await owner()<{ deleted_at: Date | null }[]>`
            select deleted_at from products where store_id = ${target.storeId} and platform_id = ${platformId}`
        : await owner()<{ deleted_at: Date | null }[]>`
            select deleted_at from customers where store_id = ${target.storeId} and platform_id = ${platformId}`;
  return rows[0]?.deleted_at;
}

beforeAll(async () => {
  emulator = await startWooCommerceEmulator({ seed: 91, sites: 1, ordersPerSite: 10 });
  server = await startTestServer({ env: { DOCKHAND_OUTBOUND_ALLOW_HOSTS: '127.0.0.1:*' } });
  const { ctx } = server.runtime;
  const { orgId, storeId } = await connectWooSite(ctx, emulator.sites[0]!);
  target = { orgId, storeId };
  connector = (await openConnector({ db: ctx.db, stores: ctx.stores, outbound: ctx.outbound }, target)) as WooCommerceConnector;
  await connector.registerWebhooks(`${server.url}/webhooks/woocommerce/${storeId}`);
  await syncStore(ctx.db, target, connector, 'backfill');
});

afterAll(async () => {
  await server?.close();
  await emulator?.close();
});

describe('when an order, a product and a customer are deleted on a WooCommerce store', () => {
  it('keeps each as a tombstone with the time it went, and the history whole', async () => {
    const [order] = await owner()<{ platform_id: string }[]>`
      select platform_id from orders where store_id = ${target.storeId} order by platform_id limit 1`;
    const [product] = await owner()<{ platform_id: string }[]>`
      select p.platform_id from products p
      where p.store_id = ${target.storeId}
        and exists (select 1 from inventory_ledger g join product_variants v on v.id = g.variant_id where v.product_id = p.id)
      order by p.platform_id limit 1`;
    const [customer] = await owner()<{ platform_id: string }[]>`
      select platform_id from customers where store_id = ${target.storeId} order by platform_id limit 1`;
    expect(order && product && customer).toBeTruthy();
    const counts = () =>
      owner()<{ orders: number; products: number; customers: number; ledger: number }[]>`
        select (select count(*)::int from orders where store_id = ${target.storeId}) as orders,
               (select count(*)::int from products where store_id = ${target.storeId}) as products,
               (select count(*)::int from customers where store_id = ${target.storeId}) as customers,
               (select count(*)::int from inventory_ledger where store_id = ${target.storeId}) as ledger`;
    const [before] = await counts();
    expect(await deletedAt('orders', order!.platform_id)).toBeNull();

    const start = new Date();
    // An order and a product go to the trash; a customer can only be deleted for good.
    await connector.client.request('DELETE', `orders/${order!.platform_id}`);
    await connector.client.request('DELETE', `products/${product!.platform_id}`);
    await connector.client.request('DELETE', `customers/${customer!.platform_id}`, { query: { force: 'true' } });
    await applyInbox();

    const topics = await owner()<{ topic: string; status: string }[]>`
      select topic, status from webhook_events where store_id = ${target.storeId} and topic like '%.deleted' order by topic`;
    expect(topics).toEqual([
      { topic: 'customer.deleted', status: 'applied' },
      { topic: 'order.deleted', status: 'applied' },
      { topic: 'product.deleted', status: 'applied' },
    ]);
    for (const [table, id] of [
      ['orders', order!.platform_id],
      ['products', product!.platform_id],
      ['customers', customer!.platform_id],
    ] as const) {
      const at = await deletedAt(table, id);
      expect(at, `${table} ${id}`).toBeInstanceOf(Date);
      expect(at!.getTime()).toBeGreaterThanOrEqual(start.getTime() - 1_000);
    }
    expect((await counts())[0]).toEqual(before);
  });
});
