import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startShopifyEmulator, type ShopifyEmulator } from '@dockhand/emulators';
import express, { type ErrorRequestHandler } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, signedInOrg, startTestServer, type TestServer } from '../../../test/support/test-server.ts';
import { ApiError } from '../../api/errors.ts';
import { systemPrincipal, withPrincipal } from '../../db/principal.ts';
import { shopifyInstallRoutes, type InstallOutcome } from './install-routes.ts';
import { createShopifyApp } from './shopify-app.ts';
import { ShopifyTokenService } from './shopify-token-service.ts';

const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36';

let emulator: ShopifyEmulator;
let server: TestServer;
let listener: Server;
let appUrl: string;
let tokens: ShopifyTokenService;
const installs: InstallOutcome[] = [];

/** The routes mounted at /shopify on a listener of their own, with the server's error envelope. */
function buildApp(): express.Express {
  const ctx = server.runtime.ctx;
  const shopify = createShopifyApp({
    apiKey: emulator.apiKey,
    apiSecret: emulator.apiSecret,
    publicUrl: appUrl,
    fetch: emulator.fetch,
  });
  tokens = new ShopifyTokenService({ db: ctx.db, stores: ctx.stores, shopify });
  const app = express();
  app.use((_req, res, next) => {
    res.locals['requestId'] = randomUUID();
    next();
  });
  app.use(
    '/shopify',
    shopifyInstallRoutes(ctx, {
      shopify,
      tokens,
      fetch: emulator.fetch,
      webhookUrl: `${server.url}/webhooks/shopify`,
      appUrl: (shop) => `${appUrl}/app?shop=${shop}`,
      onInstalled: (outcome) => installs.push(outcome),
    }),
  );
  const errors: ErrorRequestHandler = (error: unknown, _req, res, _next) => {
    const known = error instanceof ApiError ? error : new ApiError('INTERNAL_ERROR', String((error as Error).message));
    res.status(known.status).json({
      error: { code: known.code, message: known.message, details: known.details, requestId: res.locals['requestId'] },
    });
  };
  app.use(errors);
  return app;
}

beforeAll(async () => {
  emulator = await startShopifyEmulator({ seed: 31, shops: 5, ordersPerShop: 5 });
  // The listener first: its URL is the PUBLIC_URL the OAuth redirect comes back to.
  const holder: { app?: express.Express } = {};
  listener = createServer((req, res) => holder.app!(req, res));
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', () => resolve()));
  appUrl = `http://127.0.0.1:${(listener.address() as AddressInfo).port}`;
  server = await startTestServer({
    env: { SHOPIFY_API_KEY: emulator.apiKey, SHOPIFY_API_SECRET: emulator.apiSecret, PUBLIC_URL: appUrl },
  });
  holder.app = buildApp();
});

afterAll(async () => {
  await new Promise<void>((resolve) => listener?.close(() => resolve()));
  await server?.close();
  await emulator?.close();
});

const cookiesOf = (response: Response) =>
  response.headers
    .getSetCookie()
    .map((cookie) => cookie.split(';')[0])
    .filter((cookie) => cookie!.indexOf('=') < cookie!.length - 1)
    .join('; ');

/** begin → the emulator's authorize page (auto-approve) → the callback URL, with the browser's cookies. */
async function authorize(path: string): Promise<{ callbackUrl: URL; cookies: string; begin: Response }> {
  const begin = await fetch(`${appUrl}${path}`, { redirect: 'manual', headers: { 'user-agent': BROWSER } });
  expect(begin.status, await begin.clone().text()).toBe(302);
  const authorizeUrl = new URL(begin.headers.get('location')!);
  const approved = await emulator.fetch(authorizeUrl.href, { redirect: 'manual', headers: { 'user-agent': BROWSER } });
  expect(approved.status).toBe(302);
  return { callbackUrl: new URL(approved.headers.get('location')!), cookies: cookiesOf(begin), begin };
}

async function storeRow(orgId: string, storeId: string) {
  return withPrincipal(server.runtime.ctx.db, systemPrincipal(orgId), async (tx) => {
    const [row] = await tx<{ status: string; shop_domain: string; credentials_ciphertext: Buffer | null }[]>`
      select status, shop_domain, credentials_ciphertext from stores where id = ${storeId}`;
    const credentials = await server.runtime.ctx.stores.readCredentials(tx, storeId);
    return { ...row!, credentials };
  });
}

describe('when an admin installs a shop through OAuth with a connect token', () => {
  it('creates an active store in their organization with a sealed expiring token that works, and registers webhooks', async () => {
    const shop = emulator.shops[0]!.domain;
    const admin = await signedInOrg(server, 'Installer');
    const minted = await apiClient(appUrl)('POST', '/shopify/connect-token', { token: admin.token, body: { shop } });
    expect(minted.status, JSON.stringify(minted.body)).toBe(200);
    const installUrl = new URL(minted.body.data.installUrl);
    const { callbackUrl, cookies, begin } = await authorize(`${installUrl.pathname}${installUrl.search}`);
    expect(begin.headers.get('location')).toMatch(new RegExp(`^https://${shop.replace(/\./g, '\\.')}/admin/oauth/authorize\\?`));
    expect(cookies).toContain('shopify_app_state=');
    expect(cookies).toContain('dockhand_shopify_connect=');

    const callback = await fetch(callbackUrl, { redirect: 'manual', headers: { cookie: cookies, 'user-agent': BROWSER } });
    expect(callback.status, await callback.clone().text()).toBe(302);
    expect(callback.headers.get('location')).toBe(`${appUrl}/app?shop=${shop}`);

    const outcome = installs.find((entry) => entry.shop === shop)!;
    expect(outcome).toMatchObject({ orgId: admin.orgId, createdOrganization: false, createdStore: true });
    expect(outcome.webhooks?.created).toBeGreaterThan(0);
    const row = await storeRow(outcome.orgId, outcome.storeId);
    expect(row.status).toBe('active');
    expect(row.credentials!['accessToken']).toMatch(/^shpat_/);
    expect(row.credentials!['refreshToken']).toMatch(/^shprt_/);
    expect(Date.parse(row.credentials!['expiresAt']!)).toBeGreaterThan(Date.now());
    expect(row.credentials_ciphertext!.toString('latin1')).not.toContain(row.credentials!['accessToken']!);

    const connector = tokens.connector({ ...outcome, shopDomain: shop }, { fetch: emulator.fetch });
    const page = await connector.fetchPage('orders', { since: null, cursor: null });
    expect(page.items.length).toBe(5);
    const subscribed = emulator.webhooks.subscriptions(shop).filter((s) => s.uri === `${server.url}/webhooks/shopify`);
    expect(new Set(subscribed.map((s) => s.topic))).toEqual(
      new Set([
        'orders/create',
        'orders/updated',
        'orders/cancelled',
        'products/create',
        'products/update',
        'inventory_levels/update',
        'app/uninstalled',
      ]),
    );
  });

  it('refreshes the expiring token before it runs out, once even when asked concurrently', async () => {
    const outcome = installs.find((entry) => entry.shop === emulator.shops[0]!.domain)!;
    const stored = (await storeRow(outcome.orgId, outcome.storeId)).credentials!;
    // Two minutes left: inside the five-minute refresh window.
    const before: Record<string, string> = { ...stored, expiresAt: new Date(Date.now() + 2 * 60_000).toISOString() };
    await withPrincipal(server.runtime.ctx.db, systemPrincipal(outcome.orgId), (tx) =>
      server.runtime.ctx.stores.setCredentials(tx, outcome.orgId, outcome.storeId, before),
    );
    // Two services: two processes, which take turns through the store row's lock.
    const other = new ShopifyTokenService({
      db: server.runtime.ctx.db,
      stores: server.runtime.ctx.stores,
      shopify: createShopifyApp({ apiKey: emulator.apiKey, apiSecret: emulator.apiSecret, publicUrl: appUrl }),
    });
    const [a, b, c] = await Promise.all([tokens.accessToken(outcome), tokens.accessToken(outcome), other.accessToken(outcome)]);
    expect(c).toBe(a);
    expect(a).toBe(b);
    expect(a).not.toBe(before['accessToken']);
    const after = (await storeRow(outcome.orgId, outcome.storeId)).credentials!;
    expect(after['accessToken']).toBe(a);
    expect(after['refreshToken']).not.toBe(before['refreshToken']);
    const connector = tokens.connector({ ...outcome, shopDomain: outcome.shop }, { fetch: emulator.fetch });
    expect((await connector.fetchPage('products', { since: null, cursor: null })).items.length).toBeGreaterThan(0);
  });
});

describe('when a shop uninstalled from an organization is installed into it again', () => {
  it('revives the same store with the new token', async () => {
    const outcome = installs.find((entry) => entry.shop === emulator.shops[0]!.domain)!;
    // What app/uninstalled does (sync/apply-webhook.ts): forget the credentials, mark it uninstalled.
    await withPrincipal(
      server.runtime.ctx.db,
      systemPrincipal(outcome.orgId),
      (tx) => tx`
      update stores set status = 'uninstalled', credentials_ciphertext = null, credentials_key_id = null where id = ${outcome.storeId}`,
    );
    const admin = await server.runtime.ctx.accessTokens.issue({
      sub: randomUUID(),
      org: outcome.orgId,
      role: 'owner',
      stores: 'all',
      email: 'owner@example.test',
    });
    const minted = await apiClient(appUrl)('POST', '/shopify/connect-token', {
      token: admin.token,
      body: { shop: outcome.shop },
    });
    const installUrl = new URL(minted.body.data.installUrl);
    const { callbackUrl, cookies } = await authorize(`${installUrl.pathname}${installUrl.search}`);
    const callback = await fetch(callbackUrl, { redirect: 'manual', headers: { cookie: cookies, 'user-agent': BROWSER } });
    expect(callback.status, await callback.clone().text()).toBe(302);
    const again = installs.filter((entry) => entry.shop === outcome.shop).at(-1)!;
    expect(again).toMatchObject({
      orgId: outcome.orgId,
      storeId: outcome.storeId,
      createdStore: false,
      createdOrganization: false,
    });
    const row = await storeRow(outcome.orgId, outcome.storeId);
    expect(row.status).toBe('active');
    expect(row.credentials!['accessToken']).toMatch(/^shpat_/);
  });
});

describe('when a merchant installs a shop with no Dockhand organization context', () => {
  it('creates a new organization for the shop', async () => {
    const shop = emulator.shops[1]!.domain;
    const { callbackUrl, cookies } = await authorize(`/shopify/auth?shop=${shop}`);
    const callback = await fetch(callbackUrl, { redirect: 'manual', headers: { cookie: cookies, 'user-agent': BROWSER } });
    expect(callback.status, await callback.clone().text()).toBe(302);
    const outcome = installs.find((entry) => entry.shop === shop)!;
    expect(outcome).toMatchObject({ createdOrganization: true, createdStore: true });
    expect((await storeRow(outcome.orgId, outcome.storeId)).status).toBe('active');
  });
});

describe('when the install callback is tampered with or its state cookie is missing', () => {
  it('rejects a tampered query with 400 and the error envelope, and stores nothing', async () => {
    const shop = emulator.shops[2]!.domain;
    const { callbackUrl, cookies } = await authorize(`/shopify/auth?shop=${shop}`);
    callbackUrl.searchParams.set('code', `${callbackUrl.searchParams.get('code')}0`);
    const callback = await fetch(callbackUrl, { redirect: 'manual', headers: { cookie: cookies, 'user-agent': BROWSER } });
    expect(callback.status).toBe(400);
    const body = (await callback.json()) as { error: { code: string; details: unknown; requestId: unknown } };
    expect(body.error).toMatchObject({ code: 'BAD_REQUEST', details: { reason: 'invalid_callback' } });
    expect(body.error.requestId).toEqual(expect.any(String));
    expect(installs.some((entry) => entry.shop === shop)).toBe(false);
  });

  it('rejects a callback without the state cookie with 401', async () => {
    const shop = emulator.shops[2]!.domain;
    const { callbackUrl } = await authorize(`/shopify/auth?shop=${shop}`);
    const callback = await fetch(callbackUrl, { redirect: 'manual', headers: { 'user-agent': BROWSER } });
    expect(callback.status).toBe(401);
    expect(((await callback.json()) as { error: { code: string } }).error.code).toBe('UNAUTHORIZED');
  });

  it('refuses a shop that is not a shop domain and a forged connect token', async () => {
    const api = apiClient(appUrl);
    expect((await api('GET', '/shopify/auth?shop=evil.example.com', { headers: { 'user-agent': BROWSER } })).status).toBe(400);
    const forged = await api('GET', `/shopify/auth?shop=${emulator.shops[2]!.domain}&connect_token=abc.def.ghi`, {
      headers: { 'user-agent': BROWSER },
    });
    expect(forged.status).toBe(401);
  });
});

describe('when the embedded app sends its first session token', () => {
  it('exchanges it for an expiring offline token, creates the store once, and answers the store', async () => {
    const shop = emulator.shops[3]!.domain;
    const api = apiClient(appUrl);
    const first = await api('POST', '/shopify/session', {
      headers: { authorization: `Bearer ${emulator.mintSessionToken(shop)}` },
    });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.data).toMatchObject({ shop, created: true });
    const row = await storeRow(first.body.data.orgId, first.body.data.storeId);
    expect(row.status).toBe('active');
    expect(row.credentials!['refreshToken']).toMatch(/^shprt_/);

    const again = await api('POST', '/shopify/session', {
      headers: { authorization: `Bearer ${emulator.mintSessionToken(shop)}` },
    });
    expect(again.body.data).toEqual({ ...first.body.data, created: false });
    const connector = tokens.connector({ ...first.body.data, shopDomain: shop }, { fetch: emulator.fetch });
    expect((await connector.fetchPage('orders', { since: null, cursor: null })).items.length).toBe(5);
  });

  it('answers 401 to an expired or re-signed session token, and to none', async () => {
    const shop = emulator.shops[4]!.domain;
    const api = apiClient(appUrl);
    const expired = emulator.mintSessionToken(shop, { now: Date.now() - 5 * 60_000 });
    const resigned = emulator.mintSessionToken(shop, { secret: 'not-the-app-secret' });
    for (const token of [expired, resigned]) {
      const answer = await api('POST', '/shopify/session', { headers: { authorization: `Bearer ${token}` } });
      expect(answer.status).toBe(401);
      expect(answer.body.error.code).toBe('UNAUTHORIZED');
    }
    expect((await api('POST', '/shopify/session')).status).toBe(401);
    const [row] = await server.runtime.ctx.db.app<
      { store_id: string }[]
    >`select store_id from dockhand.shopify_store_by_domain(${shop})`;
    expect(row).toBeUndefined();
  });
});
