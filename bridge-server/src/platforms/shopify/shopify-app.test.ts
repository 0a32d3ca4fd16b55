import { startShopifyEmulator, type ShopifyEmulator } from '@dockhand/emulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectThroughOAuth } from '../../../test/support/shopify-fixture.ts';
import { apiClient, signedInOrg, startTestServer, type TestServer } from '../../../test/support/test-server.ts';
import { systemPrincipal, withPrincipal } from '../../db/principal.ts';
import { ShopifyTokenService } from './shopify-token-service.ts';

// No setAbstractFetchFunc here: the server's own Shopify set-up must send the library's calls
// (code exchange, token exchange, refresh) to SHOPIFY_ADMIN_BASE_URL.

let emulator: ShopifyEmulator;
let server: TestServer;

beforeAll(async () => {
  emulator = await startShopifyEmulator({ seed: 47, shops: 3, ordersPerShop: 3 });
  server = await startTestServer({
    env: {
      SHOPIFY_API_KEY: emulator.apiKey,
      SHOPIFY_API_SECRET: emulator.apiSecret,
      SHOPIFY_ADMIN_BASE_URL: `${emulator.url}/shops/{shop}`,
    },
  });
});

afterAll(async () => {
  await server?.close();
  await emulator?.close();
});

const storeOf = async (shop: string) => {
  const [row] = await server.database.db.owner<{ org_id: string; id: string; status: string }[]>`
    select org_id, id, status from stores where shop_domain = ${shop}`;
  return row!;
};

describe('when SHOPIFY_ADMIN_BASE_URL names an emulator, a running server', () => {
  it('completes an OAuth install with a connect token through the real HTTP flow', async () => {
    const admin = await signedInOrg(server, 'Emulated');
    const shop = emulator.shops[0]!.domain;
    const { callback } = await connectThroughOAuth({ baseUrl: server.url, emulator, accessToken: admin.token, shop });
    expect(callback.status, await callback.clone().text()).toBe(302);
    const store = await storeOf(shop);
    expect(store).toMatchObject({ org_id: admin.orgId, status: 'active' });
  });

  it('exchanges an embedded app session token, and refreshes the expiring token it got', async () => {
    const shop = emulator.shops[1]!.domain;
    const api = apiClient(server.url);
    const session = await api('POST', '/shopify/session', {
      headers: { authorization: `Bearer ${emulator.mintSessionToken(shop)}` },
      body: {},
    });
    expect(session.status, JSON.stringify(session.body)).toBe(200);
    const store = await storeOf(shop);
    expect(store.status).toBe('active');
    const target = { orgId: store.org_id, storeId: store.id };
    const ctx = server.runtime.ctx;
    const before = await withPrincipal(ctx.db, systemPrincipal(store.org_id), (tx) => ctx.stores.readCredentials(tx, store.id));
    // A refresh window longer than the token's life: the next use refreshes through the library.
    const eager = new ShopifyTokenService({
      db: ctx.db,
      stores: ctx.stores,
      shopify: ctx.shopify!.app,
      refreshWithinMs: 86_400_000,
    });
    const refreshed = await eager.accessToken(target);
    expect(refreshed).toMatch(/^shpat_/);
    expect(refreshed).not.toBe(before!['accessToken']);
  });
});
