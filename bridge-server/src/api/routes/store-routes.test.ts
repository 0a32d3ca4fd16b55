import { startShopifyEmulator, type ShopifyEmulator } from '@dockhand/emulators';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { systemPrincipal, withPrincipal } from '../../db/principal.ts';
import { startSyncWorkers } from '../../runtime.ts';
import { apiClient, signedInOrg, startTestServer, type Api, type TestServer } from '../../../test/support/test-server.ts';

const HOUR = 3_600_000;
let emulator: ShopifyEmulator;
let server: TestServer;
let api: Api;

beforeAll(async () => {
  emulator = await startShopifyEmulator({ seed: 7, shops: 3, ordersPerShop: 3 });
  server = await startTestServer({
    env: {
      SHOPIFY_API_KEY: emulator.apiKey,
      SHOPIFY_API_SECRET: emulator.apiSecret,
      SHOPIFY_ADMIN_BASE_URL: `${emulator.url}/shops/{shop}`,
    },
  });
  api = apiClient(server.url);
  // Timers an hour away: only the create can queue a backfill in these tests.
  await startSyncWorkers(server.runtime.ctx, { reconcileEveryMs: HOUR, sweepEveryMs: HOUR });
});

afterAll(async () => {
  await server?.close();
  await emulator?.close();
});

const shopifyStore = (shopDomain: string, accessToken?: string) => ({
  platform: 'shopify',
  name: 'By hand',
  shopDomain,
  ...(accessToken ? { credentials: { accessToken } } : {}),
});

describe('when a Shopify shop is added with a verified admin token', () => {
  it('registers its webhooks and queues its first backfill, as the install flows do', async () => {
    const org = await signedInOrg(server, 'AdminToken');
    const shop = emulator.shops[0]!.domain;
    const created = await api('POST', '/v1/stores', {
      token: org.token,
      body: shopifyStore(shop, emulator.issueAccessToken(shop).access_token),
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.data).toMatchObject({ status: 'active', hasCredentials: true });
    const storeId: string = created.body.data.id;
    await vi.waitFor(
      () => {
        const subscriptions = emulator.webhooks.subscriptions(shop).filter((s) => s.uri === `${server.url}/webhooks/shopify`);
        expect(subscriptions.map((s) => s.topic)).toContain('orders/updated');
      },
      { timeout: 20_000, interval: 50 },
    );
    await vi.waitFor(
      async () => {
        const [orders] = await server.database.db.owner<{ status: string; checkpoint: Date | null }[]>`
          select status, checkpoint from sync_state where store_id = ${storeId} and entity = 'orders'`;
        expect(orders).toMatchObject({ status: 'idle', checkpoint: expect.any(Date) });
      },
      { timeout: 30_000, interval: 100 },
    );
  });
});

describe('when a deleted Shopify store is added again', () => {
  it('comes back on the same row, pending until the shop is installed (no 409)', async () => {
    const org = await signedInOrg(server, 'AddAgain');
    const shop = emulator.shops[1]!.domain;
    const first = await api('POST', '/v1/stores', { token: org.token, body: shopifyStore(shop) });
    expect(first.status).toBe(201);
    const twice = await api('POST', '/v1/stores', { token: org.token, body: shopifyStore(shop) });
    expect(twice.status).toBe(409);
    expect((await api('DELETE', `/v1/stores/${first.body.data.id}`, { token: org.token })).body.data.status).toBe('disconnected');

    const again = await api('POST', '/v1/stores', { token: org.token, body: { ...shopifyStore(shop), name: 'Back again' } });
    expect(again.status, JSON.stringify(again.body)).toBe(201);
    expect(again.body.data).toMatchObject({
      id: first.body.data.id,
      name: 'Back again',
      status: 'pending',
      hasCredentials: false,
    });
  });
});

describe('when an admin sets a store active by hand', () => {
  it('is refused for a store that is not active, even one holding credentials: only connecting registers webhooks', async () => {
    const org = await signedInOrg(server, 'ByHand');
    const principal = systemPrincipal(org.orgId);
    // A pending store with sealed credentials (as an older version left them).
    const store = await withPrincipal(server.runtime.ctx.db, principal, (tx) =>
      server.runtime.ctx.stores.create(tx, principal, {
        platform: 'woocommerce',
        name: 'Old pending',
        siteUrl: 'https://old-pending.example.test',
        credentials: { consumerKey: 'ck_old', consumerSecret: 'cs_old' },
      }),
    );
    expect(store).toMatchObject({ status: 'pending', hasCredentials: true });
    const patched = await api('PATCH', `/v1/stores/${store.id}`, { token: org.token, body: { status: 'active' } });
    expect(patched.status).toBe(409);
    expect(patched.body.error.code).toBe('CONFLICT');
    const [row] = await server.database.db.owner<{ status: string }[]>`select status from stores where id = ${store.id}`;
    expect(row!.status).toBe('pending');
    // Renaming still works, and a store that is not there is 404, not 409.
    expect((await api('PATCH', `/v1/stores/${store.id}`, { token: org.token, body: { name: 'Renamed' } })).status).toBe(200);
    const missing = await api('PATCH', '/v1/stores/00000000-0000-4000-8000-000000000000', {
      token: org.token,
      body: { status: 'active' },
    });
    expect(missing.status).toBe(404);
  });
});
