import { createHmac } from 'node:crypto';
import { startWooCommerceEmulator, type WooCommerceEmulator } from '@dockhand/emulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import { connectWooSite } from '../../test/support/woo-fixture.ts';
import { openConnector } from '../platforms/registry.ts';
import type { WooCommerceConnector } from '../platforms/woocommerce/connector.ts';
import { wooWebhookUrl } from '../platforms/woocommerce/topic-secrets.ts';
import { connectorDeps } from '../runtime.ts';
import { runSyncJob } from './sync-jobs.ts';

/**
 * A WooCommerce store connected before each topic's webhook had a secret of its own (migration
 * 0025) still has webhooks signed with the store's one secret, which the server accepts for it
 * alone. Its next sync registers them again with their topics' secrets and records it, so the
 * store's own secret stops signing for any topic.
 */

let emulator: WooCommerceEmulator;
let server: TestServer;

beforeAll(async () => {
  emulator = await startWooCommerceEmulator({ seed: 57, sites: 1, ordersPerSite: 3 });
  server = await startTestServer({ env: { DOCKHAND_OUTBOUND_ALLOW_HOSTS: '127.0.0.1:*' } });
});

afterAll(async () => {
  await server?.close();
  await emulator?.close();
});

describe('a WooCommerce store whose webhooks share the store’s secret', () => {
  it('has them registered again with their topics’ secrets at its next sync, and no longer takes the store’s', async () => {
    const { ctx } = server.runtime;
    const site = emulator.sites[0]!;
    const target = await connectWooSite(ctx, site);
    const owner = server.database.db.owner;
    const deps = { ...connectorDeps(ctx), webhookBaseUrl: server.url };
    // As the previous release left it: one webhook signed with the store's own secret.
    await owner`update stores set webhook_topic_secrets = false where id = ${target.storeId}`;
    ctx.ingest.directory.forget(target.storeId);
    const connector = (await openConnector(deps, target)) as WooCommerceConnector;
    await connector.client.request('POST', 'webhooks', {
      body: {
        topic: 'order.created',
        delivery_url: wooWebhookUrl(server.url, target.storeId),
        secret: target.webhookSecret,
        status: 'active',
      },
    });
    const delivered = async () => {
      await emulator.control.flushWebhooks();
      return emulator.control.deliveries(site.id).filter((delivery) => delivery.topic === 'order.created' && !delivery.ping);
    };
    emulator.control.createOrder(site.id, { status: 'pending', lineItems: [{ productId: 10, quantity: 1 }] });
    expect((await delivered()).map((delivery) => delivery.status)).toEqual([200]);

    // A process that knows another public URL leaves the store's webhooks as they are.
    await runSyncJob(
      ctx.db,
      { ...deps, webhookBaseUrl: 'https://elsewhere.example' },
      { ...target, mode: 'backfill', entity: 'customers' },
    );
    const flag = async () =>
      (await owner<{ on: boolean }[]>`select webhook_topic_secrets as on from stores where id = ${target.storeId}`)[0]!.on;
    expect(await flag()).toBe(false);
    expect(emulator.control.listWebhooks(site.id)).toHaveLength(1);

    await runSyncJob(ctx.db, deps, { ...target, mode: 'backfill', entity: 'customers' });
    const [store] = await owner<{ webhook_topic_secrets: boolean }[]>`
      select webhook_topic_secrets from stores where id = ${target.storeId}`;
    expect(store!.webhook_topic_secrets).toBe(true);
    const hooks = emulator.control.listWebhooks(site.id).filter((hook) => hook.topic === 'order.created');
    expect(hooks).toHaveLength(1);

    // The same webhook, now signed with its topic's secret, still arrives; the store's own secret is refused.
    ctx.ingest.directory.forget(target.storeId);
    emulator.control.createOrder(site.id, { status: 'pending', lineItems: [{ productId: 10, quantity: 1 }] });
    expect((await delivered()).map((delivery) => delivery.status)).toEqual([200, 200]);
    const body = JSON.stringify({ id: 4242 });
    const plain = await fetch(wooWebhookUrl(server.url, target.storeId), {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-wc-webhook-topic': 'order.deleted',
        'x-wc-webhook-signature': createHmac('sha256', target.webhookSecret).update(body).digest('base64'),
      },
      body,
    });
    expect(plain.status).toBe(401);
  });
});
