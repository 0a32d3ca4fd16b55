import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RequestedTokenType, type Shopify } from '@shopify/shopify-api';
import { getJwt } from '@shopify/shopify-api/test-helpers';
import { startShopifyEmulator, type ShopifyEmulator } from './index.ts';
import { shopifyFor } from './test-support.ts';

const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36';

let emulator: ShopifyEmulator;
let shopify: Shopify;
let app: Server;
let appUrl: string;
let shop: string;
/** Whether the app's next callback asks for an expiring offline token. */
let expiringCallback = false;

/** A minimal app: /auth begins OAuth, /auth/callback completes it and answers with the session. */
async function startApp(): Promise<void> {
  app = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://app');
    try {
      if (url.pathname === '/auth') {
        await shopify.auth.begin({
          shop: url.searchParams.get('shop') as string,
          callbackPath: '/auth/callback',
          isOnline: url.searchParams.get('online') === '1',
          rawRequest: req,
          rawResponse: res,
        });
        return;
      }
      if (url.pathname === '/auth/callback') {
        const { session } = await shopify.auth.callback({ rawRequest: req, rawResponse: res, expiring: expiringCallback });
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(session.toObject()));
        return;
      }
      res.writeHead(404).end();
    } catch (error) {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(`${(error as Error).name}: ${(error as Error).message}`);
    }
  });
  await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', () => resolve()));
  appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  emulator = await startShopifyEmulator({ seed: 11, shops: 2, ordersPerShop: 10 });
  shop = emulator.shops[0]!.domain;
  await startApp();
  shopify = shopifyFor(emulator, { hostName: appUrl.replace('http://', ''), hostScheme: 'http', isEmbeddedApp: false });
});

afterAll(async () => {
  await new Promise<void>((resolve) => app.close(() => resolve()));
  await emulator.close();
});

/** Drives a browser through begin → emulator authorize → callback, returning the app's answer. */
async function install(
  params: { online?: boolean; expiring?: boolean } = {},
): Promise<{ status: number; body: string; authorizeUrl: URL; callbackUrl: URL }> {
  const begin = await fetch(`${appUrl}/auth?shop=${shop}&online=${params.online ? 1 : 0}`, {
    redirect: 'manual',
    headers: { 'user-agent': BROWSER },
  });
  expect(begin.status).toBe(302);
  const cookies = begin.headers
    .getSetCookie()
    .map((cookie) => cookie.split(';')[0])
    .join('; ');
  const authorizeUrl = new URL(begin.headers.get('location') as string);
  expect(authorizeUrl.host).toBe(shop);
  const authorize = await emulator.fetch(authorizeUrl.href, { redirect: 'manual', headers: { 'user-agent': BROWSER } });
  expect(authorize.status).toBe(302);
  const callbackUrl = new URL(authorize.headers.get('location') as string);
  expiringCallback = Boolean(params.expiring);
  const callback = await fetch(callbackUrl, { headers: { cookie: cookies, 'user-agent': BROWSER } });
  expiringCallback = false;
  return { status: callback.status, body: await callback.text(), authorizeUrl, callbackUrl };
}

describe('when an app is installed through auth.begin and auth.callback', () => {
  it('redirects back with code, hmac, host, shop, state and timestamp, and the library yields an offline session', async () => {
    const result = await install();
    expect([...result.callbackUrl.searchParams.keys()]).toEqual(['code', 'hmac', 'host', 'shop', 'state', 'timestamp']);
    expect(result.callbackUrl.searchParams.get('state')).toBe(result.authorizeUrl.searchParams.get('state'));
    expect(result.status, result.body).toBe(200);
    const session = JSON.parse(result.body) as {
      shop: string;
      isOnline: boolean;
      accessToken: string;
      scope: string;
      id: string;
    };
    expect(session.shop).toBe(shop);
    expect(session.isOnline).toBe(false);
    expect(session.id).toBe(`offline_${shop}`);
    expect(session.accessToken).toMatch(/^shpat_/);
    expect(session.scope).toBe('read_orders,write_inventory');
  });

  it('grants an online token with the associated user when per-user access is asked for', async () => {
    const result = await install({ online: true });
    expect(result.authorizeUrl.searchParams.get('grant_options[]')).toBe('per-user');
    expect(result.status, result.body).toBe(200);
    const session = JSON.parse(result.body) as {
      isOnline: boolean;
      accessToken: string;
      onlineAccessInfo: { associated_user: { id: number; email: string } };
    };
    expect(session.isOnline).toBe(true);
    expect(session.accessToken).toMatch(/^shpua_/);
    expect(session.onlineAccessInfo.associated_user.id).toBe(emulator.shops[0]!.owner.id);
  });

  it('grants an expiring offline token with a refresh token, which auth.refreshToken can use once', async () => {
    const result = await install({ expiring: true });
    expect(result.status, result.body).toBe(200);
    const session = JSON.parse(result.body) as { accessToken: string; refreshToken: string; expires: string };
    expect(session.refreshToken).toMatch(/^shprt_/);
    expect(new Date(session.expires).getTime()).toBeGreaterThan(Date.now() + 3_500_000);
    const refreshed = await shopify.auth.refreshToken({ shop, refreshToken: session.refreshToken });
    expect(refreshed.session.accessToken).not.toBe(session.accessToken);
    expect(refreshed.session.refreshToken).toMatch(/^shprt_/);
    await expect(shopify.auth.refreshToken({ shop, refreshToken: session.refreshToken })).rejects.toMatchObject({
      response: { code: 400, body: { error: 'invalid_grant' } },
    });
  });

  it('rejects a callback whose query was tampered with', async () => {
    const begin = await fetch(`${appUrl}/auth?shop=${shop}`, { redirect: 'manual', headers: { 'user-agent': BROWSER } });
    const cookies = begin.headers
      .getSetCookie()
      .map((cookie) => cookie.split(';')[0])
      .join('; ');
    const authorize = await emulator.fetch(begin.headers.get('location') as string, { redirect: 'manual' });
    const callbackUrl = new URL(authorize.headers.get('location') as string);
    callbackUrl.searchParams.set('code', `${callbackUrl.searchParams.get('code')}0`);
    const callback = await fetch(callbackUrl, { headers: { cookie: cookies, 'user-agent': BROWSER } });
    expect(callback.status).toBe(500);
    expect(await callback.text()).toMatch(/Invalid OAuth callback/);
  });

  it('answers an unknown code with the documented error body', async () => {
    const response = await emulator.fetch(`https://${shop}/admin/oauth/access_token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: emulator.apiKey, client_secret: emulator.apiSecret, code: 'nope' }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'invalid_request', error_description: expect.any(String) });
  });

  it('shows a consent page instead of redirecting when auto-approve is off', async () => {
    const manual = await startShopifyEmulator({ seed: 11, autoApprove: false, ordersPerShop: 1 });
    try {
      const domain = manual.shops[0]!.domain;
      const query = new URLSearchParams({
        client_id: manual.apiKey,
        scope: 'read_orders',
        redirect_uri: 'https://app.example.test/cb',
        state: 's1',
      });
      const page = await manual.fetch(`https://${domain}/admin/oauth/authorize?${query}`);
      expect(page.status).toBe(200);
      const html = await page.text();
      const approve = /id="install" href="([^"]+)"/.exec(html)?.[1]?.replace(/&amp;/g, '&');
      expect(approve).toBeTruthy();
      const approved = await manual.fetch(`https://${domain}${approve}`, { redirect: 'manual' });
      expect(approved.status).toBe(302);
      expect(new URL(approved.headers.get('location') as string).searchParams.get('state')).toBe('s1');
    } finally {
      await manual.close();
    }
  });
});

describe('session tokens', () => {
  it('are accepted by session.decodeSessionToken with every App Bridge claim', async () => {
    const token = emulator.mintSessionToken(shop);
    const payload = await shopify.session.decodeSessionToken(token);
    expect(payload).toMatchObject({
      iss: `https://${shop}/admin`,
      dest: `https://${shop}`,
      aud: emulator.apiKey,
      sub: String(emulator.shops[0]!.owner.id),
    });
    expect(payload.exp - payload.iat).toBe(60);
    expect(payload.nbf).toBe(payload.iat);
    expect(payload.jti).toEqual(expect.any(String));
    expect(payload.sid).toEqual(expect.any(String));
  });

  it('are rejected once expired', async () => {
    const token = emulator.mintSessionToken(shop, { now: Date.now() - 120_000 });
    await expect(shopify.session.decodeSessionToken(token)).rejects.toThrow(/exp/);
  });

  it('are rejected when signed with another secret', async () => {
    const token = emulator.mintSessionToken(shop, { secret: 'not-the-app-secret' });
    await expect(shopify.session.decodeSessionToken(token)).rejects.toThrow(/signature/);
  });

  it('can be minted over HTTP', async () => {
    const response = await fetch(`${emulator.url}/_emulator/session-token`, { method: 'POST', body: JSON.stringify({ shop }) });
    const { token } = (await response.json()) as { token: string };
    expect((await shopify.session.decodeSessionToken(token)).dest).toBe(`https://${shop}`);
  });
});

describe('token exchange', () => {
  it('exchanges an emulator-minted session token for an offline token', async () => {
    const { session } = await shopify.auth.tokenExchange({
      shop,
      sessionToken: emulator.mintSessionToken(shop),
      requestedTokenType: RequestedTokenType.OfflineAccessToken,
    });
    expect(session.isOnline).toBe(false);
    expect(session.accessToken).toMatch(/^shpat_/);
    expect(session.expires).toBeUndefined();
  });

  it('exchanges for an expiring offline token when asked', async () => {
    const { session } = await shopify.auth.tokenExchange({
      shop,
      sessionToken: emulator.mintSessionToken(shop),
      requestedTokenType: RequestedTokenType.OfflineAccessToken,
      expiring: true,
    });
    expect(session.refreshToken).toMatch(/^shprt_/);
    expect(session.expires!.getTime()).toBeGreaterThan(Date.now());
  });

  it('exchanges for an online token bound to the token’s user', async () => {
    const sessionToken = emulator.mintSessionToken(shop, { userId: 4242 });
    const { session } = await shopify.auth.tokenExchange({
      shop,
      sessionToken,
      requestedTokenType: RequestedTokenType.OnlineAccessToken,
    });
    expect(session.isOnline).toBe(true);
    expect(session.onlineAccessInfo?.associated_user.id).toBe(4242);
  });

  it('accepts a session token made independently by the library’s test helpers', async () => {
    const { token } = await getJwt(shop.replace('.myshopify.com', ''), emulator.apiKey, emulator.apiSecret, {
      exp: Math.floor(Date.now() / 1000) + 60,
      nbf: Math.floor(Date.now() / 1000),
      iat: Math.floor(Date.now() / 1000),
    });
    const { session } = await shopify.auth.tokenExchange({
      shop,
      sessionToken: token,
      requestedTokenType: RequestedTokenType.OfflineAccessToken,
    });
    expect(session.accessToken).toMatch(/^shpat_/);
  });

  it('answers a bad subject token with 400 invalid_subject_token', async () => {
    const response = await emulator.fetch(`https://${shop}/admin/oauth/access_token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        client_id: emulator.apiKey,
        client_secret: emulator.apiSecret,
        grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
        subject_token: emulator.mintSessionToken(shop, { secret: 'forged' }),
        subject_token_type: 'urn:ietf:params:oauth:token-type:id_token',
        requested_token_type: 'urn:shopify:params:oauth:token-type:offline-access-token',
      }),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: string; error_description: string };
    expect(body.error).toBe('invalid_subject_token');
  });

  it('refuses a session token minted for another shop', async () => {
    const other = emulator.shops[1]!.domain;
    const response = await emulator.fetch(`https://${shop}/admin/oauth/access_token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        client_id: emulator.apiKey,
        client_secret: emulator.apiSecret,
        grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
        subject_token: emulator.mintSessionToken(other),
        subject_token_type: 'urn:ietf:params:oauth:token-type:id_token',
      }),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toBe('invalid_subject_token');
  });
});

describe('the emulated admin', () => {
  it('loads apps with a query the library validates (hmac, host, id_token)', async () => {
    const query = Object.fromEntries(emulator.appLoadQuery(shop));
    expect(query).toMatchObject({ shop, embedded: '1', locale: 'en' });
    expect(await shopify.utils.validateHmac(query)).toBe(true);
    expect(shopify.utils.sanitizeHost(query.host as string)).toBe(query.host);
    expect((await shopify.session.decodeSessionToken(query.id_token as string)).dest).toBe(`https://${shop}`);
  });

  it('serves an admin page that frames the app URL with the signed query', async () => {
    const response = await fetch(
      `${emulator.url}/_emulator/admin?shop=${shop}&app=${encodeURIComponent('https://app.example.test/home')}`,
    );
    const html = await response.text();
    const src = /<iframe[^>]* src="([^"]+)"/.exec(html)?.[1]?.replace(/&amp;/g, '&');
    const framed = new URL(src as string);
    expect(framed.origin + framed.pathname).toBe('https://app.example.test/home');
    expect(await shopify.utils.validateHmac(Object.fromEntries(framed.searchParams))).toBe(true);
    expect(html).toContain('dockhand-emulator:id-token-request');
  });
});
