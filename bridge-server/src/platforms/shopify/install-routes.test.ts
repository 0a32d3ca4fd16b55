import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startShopifyEmulator, type ShopifyEmulator } from '@dockhand/emulators';
import express, { type ErrorRequestHandler } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  approveOnShopify,
  BROWSER_AGENT as BROWSER,
  connectThroughOAuth,
  CookieJar,
  selfServeThroughOAuth,
} from '../../../test/support/shopify-fixture.ts';
import { apiClient, signedInOrg, startTestServer, type TestServer } from '../../../test/support/test-server.ts';
import { ApiError } from '../../api/errors.ts';
import { systemPrincipal, withPrincipal } from '../../db/principal.ts';
import { createOrganization } from '../../domain/users/user-service.ts';
import { applyWebhookEvent } from '../../sync/apply-webhook.ts';
import { shopifyInstallRoutes, type InstallOutcome } from './install-routes.ts';
import { createShopifyApp } from './shopify-app.ts';
import { ShopifyTokenService } from './shopify-token-service.ts';
import { shopifyWebhooks } from './webhooks.ts';

let emulator: ShopifyEmulator;
let server: TestServer;
let listener: Server;
let appUrl: string;
let tokens: ShopifyTokenService;
let installer: Awaited<ReturnType<typeof signedInOrg>>;
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
  emulator = await startShopifyEmulator({ seed: 31, shops: 8, ordersPerShop: 5 });
  // The listener first: its URL is the PUBLIC_URL the OAuth redirect comes back to.
  const holder: { app?: express.Express } = {};
  listener = createServer((req, res) => holder.app!(req, res));
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', () => resolve()));
  appUrl = `http://127.0.0.1:${(listener.address() as AddressInfo).port}`;
  server = await startTestServer({
    env: {
      SHOPIFY_API_KEY: emulator.apiKey,
      SHOPIFY_API_SECRET: emulator.apiSecret,
      SHOPIFY_ADMIN_BASE_URL: `${emulator.url}/shops/{shop}`,
      PUBLIC_URL: appUrl,
    },
  });
  holder.app = buildApp();
  installer = await signedInOrg(server, 'Installer');
});

afterAll(async () => {
  await new Promise<void>((resolve) => listener?.close(() => resolve()));
  await server?.close();
  await emulator?.close();
});

async function storeRow(orgId: string, storeId: string) {
  return withPrincipal(server.runtime.ctx.db, systemPrincipal(orgId), async (tx) => {
    const [row] = await tx<
      { status: string; shop_domain: string; credentials_ciphertext: Buffer | null; platform_shop_id: string | null }[]
    >`select status, shop_domain, credentials_ciphertext, platform_shop_id from stores where id = ${storeId}`;
    const credentials = await server.runtime.ctx.stores.readCredentials(tx, storeId);
    return { ...row!, credentials };
  });
}

const storesOf = (shop: string) =>
  server.database.db.owner<{ org_id: string; id: string; status: string }[]>`
    select org_id, id, status from stores where shop_domain = ${shop} order by created_at`;

/** A Set-Cookie line as its name, value and attributes (names lower-cased, flags as true). */
function parseSetCookie(line: string) {
  const [pair = '', ...parts] = line.split(';').map((part) => part.trim());
  const at = pair.indexOf('=');
  const attributes: Record<string, string | true> = {};
  for (const part of parts) {
    const eq = part.indexOf('=');
    if (eq === -1) attributes[part.toLowerCase()] = true;
    else attributes[part.slice(0, eq).toLowerCase()] = part.slice(eq + 1);
  }
  return { name: pair.slice(0, at), value: pair.slice(at + 1), attributes };
}

const cookieSet = (response: Response, name: string) =>
  response.headers
    .getSetCookie()
    .map(parseSetCookie)
    .find((cookie) => cookie.name === name);

/** The organization row and its audit entries, as create-org and a self-serve install must both leave them. */
async function organizationRecord(orgId: string) {
  const [org] = await server.database.db.owner<
    { id: string; name: string }[]
  >`select id, name from organizations where id = ${orgId}`;
  const audit = await server.database.db.owner<
    { actor_kind: string; action: string; subject_type: string; subject_id: string }[]
  >`
    select actor_kind, action, subject_type, subject_id from audit_log where org_id = ${orgId} and action = 'org.created'`;
  return { org, audit };
}

const lastInstall = (shop: string) => installs.filter((entry) => entry.shop === shop).at(-1);

const shopId = (index: number) => emulator.shops[index]!.id.replace(/^.*\//, '');

/** The shop uninstalls the app: Shopify revokes its tokens and sends app/uninstalled, which Dockhand applies. */
async function uninstall(shop: string): Promise<void> {
  const since = emulator.webhooks.deliveries().length;
  emulator.control.uninstall(shop);
  const delivery = await emulator.webhooks.waitFor(
    (entry) => entry.shop === shop && entry.topic === 'app/uninstalled' && emulator.webhooks.deliveries().indexOf(entry) >= since,
  );
  expect(delivery.statusCode).toBe(200);
  const [event] = await server.database.db.owner<{ org_id: string; id: string }[]>`
    select org_id, id from webhook_events where headers->>'x-shopify-event-id' = ${delivery.eventId}`;
  expect(await applyWebhookEvent(server.runtime.ctx.db, { orgId: event!.org_id, eventId: event!.id })).toBe('applied');
}

describe('when an admin installs a shop through OAuth with a connect token', () => {
  it('creates an active store in their organization with a sealed expiring token that works, and registers webhooks', async () => {
    const shop = emulator.shops[0]!.domain;
    const { page, callback, jar } = await connectThroughOAuth({
      baseUrl: appUrl,
      emulator,
      accessToken: installer.token,
      shop,
    });
    expect(page).toContain('data-organization>Installer<');
    expect(callback.status, await callback.clone().text()).toBe(302);
    expect(callback.headers.get('location')).toBe(`${appUrl}/app?shop=${shop}`);
    // The connect cookies do not outlive the install.
    expect(jar.has('dockhand_shopify_connect')).toBe(false);
    expect(jar.has('dockhand_shopify_binding')).toBe(false);
    const clearedBinding = cookieSet(callback, 'dockhand_shopify_binding')!;
    expect(clearedBinding).toMatchObject({ value: '', attributes: { path: '/shopify', httponly: true, samesite: 'Lax' } });
    expect(Date.parse(String(clearedBinding.attributes['expires']))).toBeLessThanOrEqual(Date.now());

    const outcome = lastInstall(shop)!;
    expect(outcome).toMatchObject({ orgId: installer.orgId, createdOrganization: false, createdStore: true });
    expect(outcome.webhooks?.created).toBeGreaterThan(0);
    const row = await storeRow(outcome.orgId, outcome.storeId);
    expect(row.status).toBe('active');
    expect(row.platform_shop_id).toBe(shopId(0));
    expect(row.credentials!['accessToken']).toMatch(/^shpat_/);
    expect(row.credentials!['refreshToken']).toMatch(/^shprt_/);
    expect(Date.parse(row.credentials!['expiresAt']!)).toBeGreaterThan(Date.now());
    expect(row.credentials_ciphertext!.toString('latin1')).not.toContain(row.credentials!['accessToken']!);
    // Its first backfill is requested with the install, not left to the first reconcile.
    const requested = await server.database.db.owner<{ entity: string }[]>`
      select entity from sync_state where store_id = ${outcome.storeId} order by entity`;
    expect(requested.map(({ entity }) => entity)).toEqual(['customers', 'inventory', 'orders', 'products']);

    const connector = tokens.connector({ ...outcome, shopDomain: shop }, { fetch: emulator.fetch });
    const page1 = await connector.fetchPage('orders', { since: null, cursor: null });
    expect(page1.items.length).toBe(5);
    const subscribed = emulator.webhooks.subscriptions(shop).filter((s) => s.uri === `${server.url}/webhooks/shopify`);
    // Every topic the webhook module subscribes through the API (the compliance topics come from the app's configuration).
    const expected = Object.entries(shopifyWebhooks.topics).filter(([, topic]) => topic.subscribedBy === 'api');
    expect(new Set(subscribed.map((s) => s.topic))).toEqual(new Set(expected.map(([name]) => name)));
  });

  it('refreshes the expiring token before it runs out, once even when asked concurrently', async () => {
    const outcome = lastInstall(emulator.shops[0]!.domain)!;
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

describe('when a merchant installs a shop with no Dockhand organization context', () => {
  it('creates a new organization for the shop', async () => {
    const shop = emulator.shops[1]!.domain;
    const { callback } = await selfServeThroughOAuth({ baseUrl: appUrl, emulator, shop });
    expect(callback.status, await callback.clone().text()).toBe(302);
    const outcome = lastInstall(shop)!;
    expect(outcome).toMatchObject({ createdOrganization: true, createdStore: true });
    const row = await storeRow(outcome.orgId, outcome.storeId);
    expect(row.status).toBe('active');
    expect(row.platform_shop_id).toBe(shopId(1));
  });

  it('creates it through the organization service: the same row and audit entry as create-org', async () => {
    const outcome = lastInstall(emulator.shops[1]!.domain)!;
    const installed = await organizationRecord(outcome.orgId);
    const name = emulator.shops[1]!.domain.replace(/\.myshopify\.com$/, '');
    expect(installed.org).toEqual({ id: outcome.orgId, name });
    const created = await createOrganization(server.runtime.ctx.db, {
      name,
      adminEmail: `${randomUUID()}@example.com`,
      adminPassword: 'correct horse battery staple 42',
    });
    const byCli = await organizationRecord(created.orgId);
    const shape = (record: typeof installed) => ({
      name: record.org?.name,
      audit: record.audit.map((entry) => ({ ...entry, subject_id: entry.subject_id === record.org?.id })),
    });
    expect(shape(installed)).toEqual(shape(byCli));
    expect(installed.audit).toEqual([
      { actor_kind: 'system', action: 'org.created', subject_type: 'organization', subject_id: outcome.orgId },
    ]);
  });
});

describe('when the install callback is tampered with or its state cookie is missing', () => {
  it('rejects a tampered query with 400 and the error envelope, and stores nothing', async () => {
    const shop = emulator.shops[2]!.domain;
    const jar = new CookieJar();
    const callbackUrl = await approveOnShopify(emulator, await jar.fetch(`${appUrl}/shopify/auth?shop=${shop}`));
    callbackUrl.searchParams.set('code', `${callbackUrl.searchParams.get('code')}0`);
    const callback = await jar.fetch(callbackUrl);
    expect(callback.status).toBe(400);
    const body = (await callback.json()) as { error: { code: string; details: unknown; requestId: unknown } };
    expect(body.error).toMatchObject({ code: 'BAD_REQUEST', details: { reason: 'invalid_callback' } });
    expect(body.error.requestId).toEqual(expect.any(String));
    expect(installs.some((entry) => entry.shop === shop)).toBe(false);
  });

  it('rejects a callback naming a parameter twice: a leaked code of one shop put before another shop’s signed callback', async () => {
    // The victim's install stopped at its callback, whose URL (and unused code) the attacker has.
    const victim = emulator.shops[2]!.domain;
    const leaked = await approveOnShopify(emulator, await new CookieJar().fetch(`${appUrl}/shopify/auth?shop=${victim}`));
    // The attacker approves a shop of its own, in its own browser: a callback Shopify signed, with its state.
    const attacker = new CookieJar();
    const own = await approveOnShopify(
      emulator,
      await attacker.fetch(`${appUrl}/shopify/auth?shop=${emulator.shops[3]!.domain}`),
    );
    const polluted = new URL(`${appUrl}/shopify/auth/callback`);
    polluted.search = `shop=${victim}&code=${leaked.searchParams.get('code')}&${own.search.slice(1)}`;
    const callback = await attacker.fetch(polluted);
    expect(callback.status).toBe(400);
    expect(((await callback.json()) as { error: { details: unknown } }).error.details).toEqual({ reason: 'invalid_callback' });
    expect(installs.some((entry) => entry.shop === victim)).toBe(false);
    expect(await storesOf(victim)).toEqual([]);
  });

  it('rejects a callback without the state cookie with 401', async () => {
    const shop = emulator.shops[2]!.domain;
    const callbackUrl = await approveOnShopify(emulator, await new CookieJar().fetch(`${appUrl}/shopify/auth?shop=${shop}`));
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
    expect(row.platform_shop_id).toBe(shopId(3));
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
    expect(await storesOf(shop)).toEqual([]);
  });
});

describe('#8.9 a Shopify connect link works only for the shop it names and the browser that asked for it', () => {
  it('a token needs a shop, and one minted for a shop does not open another', async () => {
    const api = apiClient(appUrl);
    const none = await api('POST', '/shopify/connect-token', { token: installer.token, body: {} });
    expect(none.status).toBe(400);
    const jar = new CookieJar();
    const minted = await jar.fetch(`${appUrl}/shopify/connect-token`, {
      method: 'POST',
      headers: { authorization: `Bearer ${installer.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ shop: emulator.shops[5]!.domain }),
    });
    const { connectToken } = ((await minted.json()) as { data: { connectToken: string } }).data;
    const other = await jar.fetch(`${appUrl}/shopify/auth?shop=${emulator.shops[6]!.domain}&connect_token=${connectToken}`);
    expect(other.status).toBe(401);
    expect(((await other.json()) as { error: { details: { reason: string } } }).error.details.reason).toBe('connect_token');
  });

  it('an attacker’s link opened in the merchant’s browser installs nothing into the attacker’s organization', async () => {
    const shop = emulator.shops[5]!.domain;
    const attacker = await signedInOrg(server, 'Attacker');
    // The attacker mints a link for the victim's shop in its own browser…
    const attackerBrowser = new CookieJar();
    const minted = await attackerBrowser.fetch(`${appUrl}/shopify/connect-token`, {
      method: 'POST',
      headers: { authorization: `Bearer ${attacker.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ shop }),
    });
    const { connectToken, installUrl } = ((await minted.json()) as { data: { connectToken: string; installUrl: string } }).data;
    // …and sends it to the merchant, whose browser never asked for it.
    const merchant = new CookieJar();
    const page = await merchant.fetch(installUrl);
    expect(page.status).toBe(401);
    expect(await page.text()).not.toContain('Attacker');
    const confirm = await merchant.fetch(`${appUrl}/shopify/auth`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ shop, connect_token: connectToken }).toString(),
    });
    expect(confirm.status).toBe(401);
    expect(merchant.has('dockhand_shopify_connect')).toBe(false);
    // Even a connect cookie planted in the merchant's browser is refused at the callback.
    merchant.set('dockhand_shopify_connect', encodeURIComponent(connectToken));
    const begin = await fetch(`${appUrl}/shopify/auth?shop=${shop}`, {
      redirect: 'manual',
      headers: { 'user-agent': BROWSER, cookie: merchant.header() },
    });
    const state = new CookieJar().take(begin);
    const callbackUrl = await approveOnShopify(emulator, begin);
    const callback = await fetch(callbackUrl, {
      redirect: 'manual',
      headers: { 'user-agent': BROWSER, cookie: `${merchant.header()}; ${state.header()}` },
    });
    expect(callback.status).toBe(401);
    expect((await storesOf(shop)).filter((row) => row.org_id === attacker.orgId)).toEqual([]);
  });

  it('the install page names the organization before anything is sent to Shopify, and continues only when confirmed', async () => {
    const shop = emulator.shops[5]!.domain;
    const jar = new CookieJar();
    const minted = await jar.fetch(`${appUrl}/shopify/connect-token`, {
      method: 'POST',
      headers: { authorization: `Bearer ${installer.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ shop }),
    });
    const { installUrl } = ((await minted.json()) as { data: { installUrl: string } }).data;
    const page = await jar.fetch(installUrl);
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(html).toContain(`data-shop>${shop}<`);
    expect(html).toContain('data-organization>Installer<');
    expect(html).toContain('method="post" action="/shopify/auth"');
    // Nothing was started: no state cookie, no redirect to the shop.
    expect(page.headers.get('location')).toBeNull();
    expect(jar.has('shopify_app_state')).toBe(false);
  });

  it('sets and clears its cookies with the same attributes as before (over http: HttpOnly, SameSite=Lax, not Secure)', async () => {
    const shop = emulator.shops[5]!.domain;
    const jar = new CookieJar();
    const minted = await jar.fetch(`${appUrl}/shopify/connect-token`, {
      method: 'POST',
      headers: { authorization: `Bearer ${installer.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ shop }),
    });
    const binding = cookieSet(minted, 'dockhand_shopify_binding')!;
    expect(binding.value).toMatch(/^[\w-]{43}$/);
    expect(binding.attributes).toMatchObject({ path: '/shopify', 'max-age': '600', httponly: true, samesite: 'Lax' });
    expect(binding.attributes['secure']).toBeUndefined();
    const { connectToken } = ((await minted.json()) as { data: { connectToken: string } }).data;
    const confirm = await jar.fetch(`${appUrl}/shopify/auth`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ shop, connect_token: connectToken }).toString(),
    });
    const connect = cookieSet(confirm, 'dockhand_shopify_connect')!;
    expect(decodeURIComponent(connect.value)).toBe(connectToken);
    // This answer's cookies pass through the library's auth.begin, which re-writes the flag as
    // `HttpOnly=undefined` (a browser reads any value of it as HttpOnly).
    expect(connect.attributes).toMatchObject({ path: '/shopify/auth/callback', 'max-age': '600', samesite: 'Lax' });
    expect(connect.attributes).toHaveProperty('httponly');
    expect(connect.attributes['secure']).toBeUndefined();
    // A self-serve start clears a connect cookie left behind, on the path it was set for.
    const selfServe = await jar.fetch(`${appUrl}/shopify/auth?shop=${shop}`);
    const cleared = cookieSet(selfServe, 'dockhand_shopify_connect')!;
    expect(cleared.value).toBe('');
    expect(cleared.attributes).toMatchObject({ path: '/shopify/auth/callback', samesite: 'Lax' });
    expect(cleared.attributes).toHaveProperty('httponly');
    expect(Date.parse(String(cleared.attributes['expires']))).toBeLessThanOrEqual(Date.now());
    expect(jar.has('dockhand_shopify_connect')).toBe(false);
  });

  it('a connect cookie left behind by an abandoned attempt does not capture a later self-serve install', async () => {
    const shop = emulator.shops[6]!.domain;
    const browser = new CookieJar();
    // The installer starts connecting the shop and abandons it on Shopify's authorize page.
    const minted = await browser.fetch(`${appUrl}/shopify/connect-token`, {
      method: 'POST',
      headers: { authorization: `Bearer ${installer.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ shop }),
    });
    const { connectToken } = ((await minted.json()) as { data: { connectToken: string } }).data;
    const confirm = await browser.fetch(`${appUrl}/shopify/auth`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ shop, connect_token: connectToken }).toString(),
    });
    expect(confirm.status).toBe(302);
    expect(browser.has('dockhand_shopify_connect')).toBe(true);
    // Later the shop's owner installs the app from the App Store in the same browser.
    const { callback } = await selfServeThroughOAuth({ baseUrl: appUrl, emulator, shop, jar: browser });
    expect(callback.status, await callback.clone().text()).toBe(302);
    const outcome = lastInstall(shop)!;
    expect(outcome.createdOrganization).toBe(true);
    expect(outcome.orgId).not.toBe(installer.orgId);
  });
});

describe('#8.10 disconnect and uninstall stick, and a reinstall returns to its organization', () => {
  it('a store an admin disconnected stays disconnected when the embedded app opens, until its admin reconnects', async () => {
    const shop = emulator.shops[7]!.domain;
    const api = apiClient(appUrl);
    const owner = await signedInOrg(server, 'Disconnecting');
    const { callback } = await connectThroughOAuth({ baseUrl: appUrl, emulator, accessToken: owner.token, shop });
    expect(callback.status).toBe(302);
    const { storeId } = lastInstall(shop)!;
    const removed = await apiClient(server.url)('DELETE', `/v1/stores/${storeId}`, { token: owner.token });
    expect(removed.body.data).toMatchObject({ status: 'disconnected', hasCredentials: false });

    const session = await api('POST', '/shopify/session', {
      headers: { authorization: `Bearer ${emulator.mintSessionToken(shop)}` },
    });
    expect(session.status).toBe(409);
    expect(session.body.error.details.reason).toBe('disconnected');
    expect(await storesOf(shop)).toEqual([{ org_id: owner.orgId, id: storeId, status: 'disconnected' }]);
    // An admin cannot flip it back by hand either.
    const patched = await apiClient(server.url)('PATCH', `/v1/stores/${storeId}`, {
      token: owner.token,
      body: { status: 'active' },
    });
    expect(patched.status).toBe(409);

    const reconnect = await api('POST', '/shopify/session', {
      headers: { authorization: `Bearer ${emulator.mintSessionToken(shop)}` },
      body: { reconnect: true },
    });
    expect(reconnect.status, JSON.stringify(reconnect.body)).toBe(200);
    expect(reconnect.body.data).toEqual({ storeId, orgId: owner.orgId, shop, created: false });
    expect((await storeRow(owner.orgId, storeId)).status).toBe('active');
  });

  it('an uninstalled shop that reinstalls through OAuth returns to its organization and store, with its data', async () => {
    const shop = emulator.shops[0]!.domain;
    const before = lastInstall(shop)!;
    await server.database.db.owner`
      insert into orders (org_id, store_id, platform_id, number, status, currency, total, placed_at, platform_updated_at)
      values (${before.orgId}, ${before.storeId}, '9007199254740993', '#1001', 'open', 'USD', 10, now(), now())`;
    await uninstall(shop);
    expect((await storeRow(before.orgId, before.storeId)).status).toBe('uninstalled');

    const { callback } = await selfServeThroughOAuth({ baseUrl: appUrl, emulator, shop });
    expect(callback.status, await callback.clone().text()).toBe(302);
    expect(lastInstall(shop)).toMatchObject({
      orgId: before.orgId,
      storeId: before.storeId,
      createdOrganization: false,
      createdStore: false,
    });
    const row = await storeRow(before.orgId, before.storeId);
    expect(row.status).toBe('active');
    expect(row.credentials!['accessToken']).toMatch(/^shpat_/);
    const orders = await withPrincipal(
      server.runtime.ctx.db,
      systemPrincipal(before.orgId),
      (tx) => tx<{ platform_id: string }[]>`select platform_id from orders where store_id = ${before.storeId}`,
    );
    expect(orders).toEqual([{ platform_id: '9007199254740993' }]);
    expect((await storesOf(shop)).map((entry) => entry.org_id)).toEqual([before.orgId]);
  });

  it('an uninstalled shop that reinstalls through token exchange returns to its organization and store', async () => {
    const shop = emulator.shops[3]!.domain;
    const api = apiClient(appUrl);
    const [before] = await storesOf(shop);
    await uninstall(shop);
    expect((await storesOf(shop))[0]!.status).toBe('uninstalled');
    const session = await api('POST', '/shopify/session', {
      headers: { authorization: `Bearer ${emulator.mintSessionToken(shop)}` },
    });
    expect(session.status, JSON.stringify(session.body)).toBe(200);
    expect(session.body.data).toEqual({ storeId: before!.id, orgId: before!.org_id, shop, created: false });
    expect(await storesOf(shop)).toEqual([{ ...before!, status: 'active' }]);
  });
});
