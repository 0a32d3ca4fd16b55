import { randomUUID } from 'node:crypto';
import { startShopifyEmulator, type ShopifyEmulator } from '@dockhand/emulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, signedInOrg, startTestServer, type Api, type TestServer } from '../../../test/support/test-server.ts';
import { signBase64Hmac } from '../../ingest/webhook-signature.ts';

let emulator: ShopifyEmulator;
let server: TestServer;
let api: Api;

beforeAll(async () => {
  emulator = await startShopifyEmulator({ seed: 41, shops: 4, ordersPerShop: 2 });
  server = await startTestServer({
    env: {
      SHOPIFY_API_KEY: emulator.apiKey,
      SHOPIFY_API_SECRET: emulator.apiSecret,
      SHOPIFY_ADMIN_BASE_URL: `${emulator.url}/shops/{shop}`,
    },
    // Deliveries stay in the inbox: these tests look at where they land.
    enqueueApply: async () => {},
  });
  api = apiClient(server.url);
});

afterAll(async () => {
  await server?.close();
  await emulator?.close();
});

/** A signed orders/updated delivery for `shop`, as Shopify sends it; answers the status and where it landed. */
async function webhookFor(shop: string): Promise<{ status: number; orgId: string | undefined }> {
  const body = `{"id":${9007199254740993n + BigInt(Math.floor(Math.random() * 1e6))},"updated_at":"2026-11-20T10:00:00Z","line_items":[]}`;
  const eventId = randomUUID();
  const response = await fetch(`${server.url}/webhooks/shopify`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-shopify-topic': 'orders/updated',
      'x-shopify-shop-domain': shop,
      'x-shopify-event-id': eventId,
      'x-shopify-hmac-sha256': signBase64Hmac(body, emulator.apiSecret),
    },
    body,
  });
  const [row] = await server.database.db.owner<{ org_id: string }[]>`
    select org_id from webhook_events where headers->>'x-shopify-event-id' = ${eventId}`;
  return { status: response.status, orgId: row?.org_id };
}

const storesOf = (shop: string) =>
  server.database.db.owner<{ org_id: string; status: string }[]>`
    select org_id, status from stores where shop_domain = ${shop} order by created_at`;

describe('#8.1 a Shopify shop joins an organization only with proof of control', () => {
  it('a store added by hand without a token holds nothing: no webhooks, no claim on the shop, no install captured', async () => {
    const shop = emulator.shops[0]!.domain;
    const claimer = await signedInOrg(server, 'Claimer');
    const claimed = await api('POST', '/v1/stores', {
      token: claimer.token,
      body: { platform: 'shopify', name: 'Not mine', shopDomain: shop },
    });
    expect(claimed.status).toBe(201);
    expect(claimed.body.data).toMatchObject({ status: 'pending', hasCredentials: false });
    // The shop's signed webhooks are not routed to the claimer.
    expect(await webhookFor(shop)).toEqual({ status: 404, orgId: undefined });
    // The claimer cannot make its row active by hand.
    const activated = await api('PATCH', `/v1/stores/${claimed.body.data.id}`, {
      token: claimer.token,
      body: { status: 'active' },
    });
    expect(activated.status).toBe(409);
    expect(await webhookFor(shop)).toEqual({ status: 404, orgId: undefined });

    // The shop's own admin opens the app: the shop gets its own organization, not the claimer's.
    const session = await api('POST', '/shopify/session', {
      headers: { authorization: `Bearer ${emulator.mintSessionToken(shop)}` },
    });
    expect(session.status, JSON.stringify(session.body)).toBe(200);
    expect(session.body.data.orgId).not.toBe(claimer.orgId);
    expect(await webhookFor(shop)).toEqual({ status: 200, orgId: session.body.data.orgId });
    expect(await storesOf(shop)).toEqual([
      { org_id: claimer.orgId, status: 'pending' },
      { org_id: session.body.data.orgId, status: 'active' },
    ]);
  });

  it('refuses an admin token the shop does not accept, or one that belongs to another shop', async () => {
    const shop = emulator.shops[1]!.domain;
    const org = await signedInOrg(server, 'Token');
    const forged = await api('POST', '/v1/stores', {
      token: org.token,
      body: { platform: 'shopify', name: 'Forged', shopDomain: shop, credentials: { accessToken: 'shpat_forged' } },
    });
    expect(forged.status).toBe(400);
    expect(forged.body.error.details.reason).toBe('token_rejected');
    const otherShopsToken = emulator.issueAccessToken(emulator.shops[2]!.domain).access_token;
    const borrowed = await api('POST', '/v1/stores', {
      token: org.token,
      body: { platform: 'shopify', name: 'Borrowed', shopDomain: shop, credentials: { accessToken: otherShopsToken } },
    });
    expect(borrowed.status).toBe(400);
    expect(await storesOf(shop)).toEqual([]);
  });

  it('a verified admin token connects the shop; another organization gets 409 until it is disconnected, which frees it', async () => {
    const shop = emulator.shops[3]!.domain;
    const first = await signedInOrg(server, 'First');
    const second = await signedInOrg(server, 'Second');
    const token = () => emulator.issueAccessToken(shop).access_token;
    const connected = await api('POST', '/v1/stores', {
      token: first.token,
      body: { platform: 'shopify', name: 'Custom app', shopDomain: shop, credentials: { accessToken: token() } },
    });
    expect(connected.status, JSON.stringify(connected.body)).toBe(201);
    expect(connected.body.data).toMatchObject({ status: 'active', hasCredentials: true });
    expect(await webhookFor(shop)).toEqual({ status: 200, orgId: first.orgId });

    const taken = await api('POST', '/v1/stores', {
      token: second.token,
      body: { platform: 'shopify', name: 'Mine too', shopDomain: shop, credentials: { accessToken: token() } },
    });
    expect(taken.status).toBe(409);
    // Nor can the shop's own session move it while it is active in the first organization.
    const session = await api('POST', '/shopify/session', {
      headers: { authorization: `Bearer ${emulator.mintSessionToken(shop)}` },
    });
    expect(session.body.data).toMatchObject({ orgId: first.orgId, storeId: connected.body.data.id });

    const removed = await api('DELETE', `/v1/stores/${connected.body.data.id}`, { token: first.token });
    expect(removed.body.data).toMatchObject({ status: 'disconnected', hasCredentials: false });
    // A disconnected store receives nothing…
    expect(await webhookFor(shop)).toEqual({ status: 404, orgId: undefined });
    // …and its shop is free to be connected elsewhere, with proof.
    const moved = await api('POST', '/v1/stores', {
      token: second.token,
      body: { platform: 'shopify', name: 'Now mine', shopDomain: shop, credentials: { accessToken: token() } },
    });
    expect(moved.status, JSON.stringify(moved.body)).toBe(201);
    expect(await webhookFor(shop)).toEqual({ status: 200, orgId: second.orgId });
    expect(await storesOf(shop)).toEqual([
      { org_id: first.orgId, status: 'disconnected' },
      { org_id: second.orgId, status: 'active' },
    ]);

    // Once the second lets it go, the first connects its own earlier store again, with its data.
    await api('DELETE', `/v1/stores/${moved.body.data.id}`, { token: second.token });
    const back = await api('POST', '/v1/stores', {
      token: first.token,
      body: { platform: 'shopify', name: 'Custom app again', shopDomain: shop, credentials: { accessToken: token() } },
    });
    expect(back.status, JSON.stringify(back.body)).toBe(201);
    expect(back.body.data).toMatchObject({ id: connected.body.data.id, name: 'Custom app again', status: 'active' });
    expect(await webhookFor(shop)).toEqual({ status: 200, orgId: first.orgId });
  });
});
