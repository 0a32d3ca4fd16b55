import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startWooCommerceEmulator } from '@dockhand/emulators';
import type { WooCommerceControl } from '@dockhand/emulators';
import express, { type ErrorRequestHandler } from 'express';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { apiClient, signedInOrg, startTestServer, type Api, type TestServer } from '../../../test/support/test-server.ts';
import { ApiError } from '../../api/errors.ts';
import { systemPrincipal, withPrincipal } from '../../db/principal.ts';
import { startSyncWorkers } from '../../runtime.ts';
import { createOutboundGuard } from '../../security/outbound-guard.ts';
import { createQueueBackend } from '../../sync/queue-backend.ts';
import { QueueSyncRunner } from '../../sync/sync-queues.ts';
import { wooCommerceConnectRoutes } from './connect-routes.ts';
import { createWooCommerceConnector, WOO_WEBHOOK_TOPICS } from './connector.ts';

type Emulator = Awaited<ReturnType<typeof startWooCommerceEmulator>>;
type Org = Awaited<ReturnType<typeof signedInOrg>>;
type ApiKeyInfo = ReturnType<WooCommerceControl['createApiKey']>;

let server: TestServer;
let api: Api;
let woo: Emulator;
/** A store that, like WooCommerce itself, posts keys only to an https callback. */
let strictWoo: Emulator;
let owner: Org;
const extraListeners: http.Server[] = [];
const HOUR = 3_600_000;

beforeAll(async () => {
  server = await startTestServer({ env: { DOCKHAND_OUTBOUND_ALLOW_HOSTS: '127.0.0.1:*' } });
  api = apiClient(server.url);
  // The timers are an hour away: whatever syncs during these tests was started on purpose.
  await startSyncWorkers(server.runtime.ctx, { reconcileEveryMs: HOUR, sweepEveryMs: HOUR });
  woo = await startWooCommerceEmulator({
    seed: 9,
    sites: 2,
    ordersPerSite: 120,
    allowInsecureLoopbackCallback: true,
    duplicateOrderUpdated: false,
  });
  strictWoo = await startWooCommerceEmulator({ seed: 10, ordersPerSite: 5 });
  owner = await signedInOrg(server, 'Woo');
});

afterAll(async () => {
  for (const listener of extraListeners) {
    await new Promise<void>((resolve) => {
      listener.close(() => resolve());
      listener.closeAllConnections();
    });
  }
  await woo?.close();
  await strictWoo?.close();
  await server?.close();
});

const get = (url: string, headers: Record<string, string> = {}) => fetch(url, { redirect: 'manual', headers });
const connectWithBearer = (token: string, storeUrl: string, base = server.url) =>
  get(`${base}/woocommerce/connect?store_url=${encodeURIComponent(storeUrl)}`, { authorization: `Bearer ${token}` });
const stateOf = (response: Response): string => new URL(response.headers.get('location')!).searchParams.get('user_id')!;
const postKeys = (body: unknown) =>
  fetch(`${server.url}/woocommerce/keys-callback`, {
    method: 'POST',
    headers: { 'content-type': 'application/json;charset=UTF-8' },
    body: JSON.stringify(body),
  });
const keysBody = (state: string, key: { keyId: number; consumerKey: string; consumerSecret: string }) => ({
  key_id: key.keyId,
  user_id: state,
  consumer_key: key.consumerKey,
  consumer_secret: key.consumerSecret,
  key_permissions: 'read_write',
});

async function storesOf(orgId: string) {
  return server.database.db.owner<{ id: string; status: string; site_url: string; credentials_key_id: string | null }[]>`
    select id, status, site_url, credentials_key_id from stores where org_id = ${orgId} order by created_at`;
}

async function attemptsOf(orgId: string) {
  return server.database.db.owner<{ id: string; status: string; store_url: string; store_id: string | null }[]>`
    select id, status, store_url, store_id from woocommerce_connect_attempts where org_id = ${orgId} order by created_at`;
}

async function credentialsOf(storeId: string, orgId: string) {
  return withPrincipal(server.runtime.ctx.db, systemPrincipal(orgId), (tx) =>
    server.runtime.ctx.stores.readCredentials(tx, storeId),
  );
}

async function syncStates(storeId: string) {
  return server.database.db.owner<{ entity: string; status: string; checkpoint: Date | null }[]>`
    select entity, status, checkpoint from sync_state where store_id = ${storeId} order by entity`;
}

/** The router on a listener of its own, with another PUBLIC_URL, sharing the test server's context. */
async function routerWithPublicUrl(publicUrl: string): Promise<string> {
  const app = express();
  app.use('/woocommerce', wooCommerceConnectRoutes(server.runtime.ctx, { guard: server.runtime.ctx.outbound, publicUrl }));
  const errors: ErrorRequestHandler = (error: unknown, _req, res, _next) => {
    const known = error instanceof ApiError ? error : new ApiError('INTERNAL_ERROR', String(error));
    res.status(known.status).json({ error: { code: known.code, message: known.message, details: known.details } });
  };
  app.use(errors);
  const listener = http.createServer(app);
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  extraListeners.push(listener);
  return `http://127.0.0.1:${(listener.address() as AddressInfo).port}`;
}

describe('connecting a WooCommerce store through wc-auth', () => {
  let storeId = '';

  it('redirects to the store, receives the keys, activates the store and registers webhooks', async () => {
    const site = woo.sites[0]!;
    const start = await connectWithBearer(owner.token, `${site.baseUrl}/`);
    expect(start.status).toBe(302);
    const authorize = new URL(start.headers.get('location')!);
    expect(`${authorize.origin}${authorize.pathname}`).toBe(`${site.baseUrl}/wc-auth/v1/authorize`);
    expect(authorize.searchParams.get('scope')).toBe('read_write');
    expect(authorize.searchParams.get('callback_url')).toBe(`${server.url}/woocommerce/keys-callback`);
    // The store's consent page names the organization that asks.
    expect(authorize.searchParams.get('app_name')).toBe('Dockhand (Woo)');
    // Nothing exists in the organization until the keys arrive.
    expect(await storesOf(owner.orgId)).toEqual([]);

    // The store approves, POSTs the keys to our callback (which must answer 200), then sends the browser back.
    const approved = await get(authorize.toString());
    expect(approved.status).toBe(302);
    const back = new URL(approved.headers.get('location')!);
    expect(back.searchParams.get('success')).toBe('1');
    const landing = await get(back.toString());
    expect(landing.status).toBe(200);
    expect(await landing.text()).toContain('Store connected');

    const [store] = await storesOf(owner.orgId);
    expect(store).toMatchObject({ status: 'active', site_url: site.baseUrl });
    storeId = store!.id;
    expect((await credentialsOf(storeId, owner.orgId))?.['consumerKey']).toMatch(/^ck_/);
    expect(await attemptsOf(owner.orgId)).toEqual([expect.objectContaining({ status: 'completed', store_id: storeId })]);

    await vi.waitFor(
      () => {
        const hooks = woo.control
          .listWebhooks('1')
          .filter((hook) => hook.deliveryUrl === `${server.url}/webhooks/woocommerce/${storeId}`);
        expect(hooks).toHaveLength(WOO_WEBHOOK_TOPICS.length);
        expect(hooks.every((hook) => hook.pingStatus === 200)).toBe(true);
      },
      { timeout: 10_000, interval: 50 },
    );
  });

  it('stored keys that work against the store', async () => {
    const credentials = await credentialsOf(storeId, owner.orgId);
    const connector = createWooCommerceConnector({
      siteUrl: woo.sites[0]!.baseUrl,
      consumerKey: credentials!['consumerKey']!,
      consumerSecret: credentials!['consumerSecret']!,
      guard: createOutboundGuard({ allowHosts: ['127.0.0.1:*'] }),
    });
    const page = await connector.fetchPage('orders', { since: null, cursor: null });
    expect(page.total).toBe(120);
  });

  it('signed the webhooks with the secret it stored: a delivery is accepted', async () => {
    const delivered = new Promise<{ status: number; topic: string }>((resolve) => {
      const listener = (record: { status: number; topic: string; ping: boolean; webhookId: number }) => {
        if (record.ping || record.topic !== 'order.created') return;
        woo.events.off('delivery', listener);
        resolve(record);
      };
      woo.events.on('delivery', listener);
    });
    woo.control.createOrder('1', { status: 'processing', lineItems: [{ productId: 10, quantity: 1 }] });
    expect((await delivered).status).toBe(200);
  });

  describe('#8.8 the first backfill after connecting', () => {
    it('starts at once, without waiting for the maintenance or reconcile timer', async () => {
      // The workers' timers are an hour away, so only the connect itself can have queued this.
      await vi.waitFor(
        async () => {
          const states = await syncStates(storeId);
          expect(states.map((state) => [state.entity, state.status, state.checkpoint !== null])).toEqual([
            ['customers', 'idle', true],
            ['inventory', 'idle', true],
            ['orders', 'idle', true],
            ['products', 'idle', true],
          ]);
        },
        { timeout: 20_000, interval: 100 },
      );
      const [orders] = await server.database.db.owner<{ count: number }[]>`
        select count(*)::int as count from orders where store_id = ${storeId}`;
      expect(orders!.count).toBeGreaterThanOrEqual(120);
    });
  });

  describe('when the keys callback carries a bad state', () => {
    it('refuses a forged or tampered state with 400', async () => {
      const start = await connectWithBearer(owner.token, woo.sites[1]!.baseUrl);
      const state = stateOf(start);
      const key = woo.control.createApiKey('2', 'read_write');
      expect((await postKeys(keysBody('1', key))).status).toBe(400);
      const [body, signature] = state.split('.');
      const tampered = JSON.parse(Buffer.from(body!, 'base64url').toString('utf8')) as Record<string, unknown>;
      tampered['attempt'] = '00000000-0000-4000-8000-000000000000';
      expect(
        (await postKeys(keysBody(`${Buffer.from(JSON.stringify(tampered)).toString('base64url')}.${signature}`, key))).status,
      ).toBe(400);
    });

    it('refuses keys without read_write', async () => {
      const start = await connectWithBearer(owner.token, woo.sites[1]!.baseUrl);
      const key = woo.control.createApiKey('2', 'read');
      expect((await postKeys({ ...keysBody(stateOf(start), key), key_permissions: 'read' })).status).toBe(400);
    });
  });
});

describe('#8.8 the first backfill with the sync queues on Redis', () => {
  it('is queued when the keys arrive, not on the next maintenance tick', { timeout: 60_000 }, async () => {
    const redisUrl = process.env['DOCKHAND_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
    const prefix = `t_woo_connect_${randomBytes(4).toString('hex')}`;
    const queued = await startTestServer({
      env: { DOCKHAND_OUTBOUND_ALLOW_HOSTS: '127.0.0.1:*', REDIS_URL: redisUrl },
      sync: new QueueSyncRunner(await createQueueBackend({ redisUrl, prefix }), { lockDuration: 5_000, stalledInterval: 2_500 }),
    });
    try {
      // The maintenance schedule (which sets up reconciles) is an hour apart.
      await startSyncWorkers(queued.runtime.ctx, { reconcileEveryMs: HOUR, sweepEveryMs: HOUR });
      const org = await signedInOrg(queued, 'Queued');
      const start = await connectWithBearer(org.token, woo.sites[0]!.baseUrl, queued.url);
      expect((await get(start.headers.get('location')!)).headers.get('location')).toContain('success=1');
      const [store] = await queued.database.db.owner<{ id: string }[]>`select id from stores where org_id = ${org.orgId}`;
      await vi.waitFor(
        async () => {
          const states = await queued.database.db.owner<{ entity: string; status: string; checkpoint: Date | null }[]>`
            select entity, status, checkpoint from sync_state where store_id = ${store!.id} order by entity`;
          expect(states.map((state) => [state.entity, state.status, state.checkpoint !== null])).toEqual([
            ['customers', 'idle', true],
            ['inventory', 'idle', true],
            ['orders', 'idle', true],
            ['products', 'idle', true],
          ]);
        },
        { timeout: 20_000, interval: 100 },
      );
    } finally {
      await queued.close();
      const redis = new Redis(redisUrl);
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
    }
  });
});

describe('#8.8 connecting a WooCommerce store over plain http', () => {
  it('refuses to start when PUBLIC_URL is not https, naming PUBLIC_URL, before sending anyone to the store', async () => {
    const org = await signedInOrg(server, 'PlainHttp');
    const base = await routerWithPublicUrl('http://dockhand.example.com');
    const response = await connectWithBearer(org.token, woo.sites[0]!.baseUrl, base);
    expect(response.status).toBe(503);
    expect(response.headers.get('location')).toBeNull();
    const { error } = (await response.json()) as { error: { code: string; message: string; details: Record<string, unknown> } };
    expect(error.code).toBe('SERVICE_UNAVAILABLE');
    expect(error.message).toMatch(/^PUBLIC_URL \(http:\/\/dockhand\.example\.com\) is not https/);
    expect(error.details).toMatchObject({ setting: 'PUBLIC_URL' });

    const minted = await fetch(`${base}/woocommerce/connect-token`, {
      method: 'POST',
      headers: { authorization: `Bearer ${org.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ storeUrl: woo.sites[0]!.baseUrl }),
    });
    expect(minted.status).toBe(503);
    expect(await attemptsOf(org.orgId)).toEqual([]);
    expect(await storesOf(org.orgId)).toEqual([]);
  });

  it.each([
    ['a port WordPress does not post to', 'https://dockhand.example.com:8443', /uses port 8443/],
    ['a private address', 'https://192.168.1.10', /is a private or loopback address/],
  ])('refuses a PUBLIC_URL on %s', async (_label, publicUrl, problem) => {
    const org = await signedInOrg(server, 'Unusable');
    const response = await connectWithBearer(org.token, woo.sites[0]!.baseUrl, await routerWithPublicUrl(publicUrl));
    expect(response.status).toBe(503);
    expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(problem);
    expect(await attemptsOf(org.orgId)).toEqual([]);
  });

  it('allows a loopback PUBLIC_URL only for a store on loopback (the emulator)', async () => {
    const org = await signedInOrg(server, 'Loopback');
    const base = await routerWithPublicUrl('http://127.0.0.1:9');
    expect((await connectWithBearer(org.token, woo.sites[0]!.baseUrl, base)).status).toBe(302);
    // A store elsewhere would refuse the http callback: refused here first (a public address, allowed through the guard).
    const publicStore = await connectWithBearer(org.token, 'http://93.184.215.14/shop', base);
    expect(publicStore.status).toBe(503);
  });

  it('sends the store an https callback_url when PUBLIC_URL is https', async () => {
    const org = await signedInOrg(server, 'Https');
    const base = await routerWithPublicUrl('https://dockhand.example.com/');
    const response = await connectWithBearer(org.token, woo.sites[0]!.baseUrl, base);
    expect(response.status).toBe(302);
    const authorize = new URL(response.headers.get('location')!);
    expect(authorize.searchParams.get('callback_url')).toBe('https://dockhand.example.com/woocommerce/keys-callback');
  });

  it('leaves no pending store behind when the store refuses the callback or the attempt is abandoned', async () => {
    const org = await signedInOrg(server, 'Refused');
    const site = strictWoo.sites[0]!;
    const keysBefore = strictWoo.control.listApiKeys('1').length;
    const start = await connectWithBearer(org.token, site.baseUrl);
    expect(start.status).toBe(302);
    const refused = await get(start.headers.get('location')!);
    expect(refused.status).toBe(401);
    expect(await refused.text()).toContain('The callback_url needs to be over SSL');
    // Abandoned: never approved.
    expect((await connectWithBearer(org.token, woo.sites[1]!.baseUrl)).status).toBe(302);
    expect(await storesOf(org.orgId)).toEqual([]);
    expect((await api('GET', '/v1/stores', { token: org.token })).body.data).toEqual([]);
    expect(strictWoo.control.listApiKeys('1')).toHaveLength(keysBefore);
  });
});

describe('#8.9 a WooCommerce connect token is single-use and bound to one store', () => {
  /** A connect link, and the binding cookie its browser got with it. */
  const mint = async (token: string, body: unknown) => {
    const answer = (await api('POST', '/woocommerce/connect-token', { token, body })) as {
      status: number;
      body: { data: { connectUrl: string; connectToken: string } };
      headers: Headers;
    };
    const cookie = (answer.headers.getSetCookie()[0] ?? '').split(';')[0]!;
    return { ...answer, browser: { cookie } };
  };

  it('is minted only for a named store', async () => {
    expect((await mint(owner.token, {})).status).toBe(400);
    expect((await mint(owner.token, { storeUrl: 'javascript:alert(1)' })).status).toBe(400);
  });

  it('sends the browser to the store it names, once', async () => {
    const org = await signedInOrg(server, 'Once');
    const site = woo.sites[0]!;
    const minted = await mint(org.token, { storeUrl: `${site.baseUrl}/?utm=x#frag` });
    expect(minted.status).toBe(200);
    const first = await get(minted.body.data.connectUrl, minted.browser);
    expect(first.status).toBe(302);
    const authorize = new URL(first.headers.get('location')!);
    expect(`${authorize.origin}${authorize.pathname}`).toBe(`${site.baseUrl}/wc-auth/v1/authorize`);

    const again = await get(minted.body.data.connectUrl, minted.browser);
    expect(again.status).toBe(401);
    expect(again.headers.get('location')).toBeNull();
    // Tampering with the token does not help either.
    expect((await get(`${minted.body.data.connectUrl}x`, minted.browser)).status).toBe(401);
    expect((await attemptsOf(org.orgId)).map((attempt) => attempt.status)).toEqual(['started']);
    expect(await storesOf(org.orgId)).toEqual([]);
  });

  it('goes nowhere but its own store, whatever store_url the link is given', async () => {
    const org = await signedInOrg(server, 'Bound');
    const minted = await mint(org.token, { storeUrl: woo.sites[0]!.baseUrl });
    const token = minted.body.data.connectToken;
    for (const elsewhere of [woo.sites[1]!.baseUrl, 'https://attacker.example']) {
      const response = await get(
        `${server.url}/woocommerce/connect?${new URLSearchParams({ connect_token: token, store_url: elsewhere })}`,
        minted.browser,
      );
      expect(response.status).toBe(400);
      expect(response.headers.get('location')).toBeNull();
    }
    const own = await get(`${server.url}/woocommerce/connect?${new URLSearchParams({ connect_token: token })}`, minted.browser);
    expect(own.status).toBe(302);
    expect(own.headers.get('location')).toContain(`${woo.sites[0]!.baseUrl}/wc-auth/v1/authorize?`);
  });

  it('works only in the browser that asked for it: sent to a store’s owner, it cannot get keys approved for the sender', async () => {
    const attacker = await signedInOrg(server, 'Sender');
    const minted = await mint(attacker.token, { storeUrl: woo.sites[0]!.baseUrl });
    expect(minted.browser.cookie).toMatch(/^dockhand_woocommerce_binding=/);
    expect(minted.headers.getSetCookie()[0]).toMatch(/HttpOnly/i);
    // The store's owner opens it in a browser of their own: no binding, or another one.
    for (const elsewhere of [{}, { cookie: 'dockhand_woocommerce_binding=someone-else' }] as Record<string, string>[]) {
      const opened = await get(minted.body.data.connectUrl, elsewhere);
      expect(opened.status).toBe(401);
      expect(opened.headers.get('location')).toBeNull();
      expect(((await opened.json()) as { error: { details: unknown } }).error.details).toEqual({
        reason: 'connect_token_browser',
      });
    }
    // Nothing was used up: the link still works where it was asked for.
    expect((await attemptsOf(attacker.orgId)).map((attempt) => attempt.status)).toEqual(['minted']);
    expect((await get(minted.body.data.connectUrl, minted.browser)).status).toBe(302);
  });

  it('starts one attempt when the same link is opened four times at once', async () => {
    const org = await signedInOrg(server, 'Race');
    const minted = await mint(org.token, { storeUrl: woo.sites[0]!.baseUrl });
    const answers = await Promise.all([1, 2, 3, 4].map(() => get(minted.body.data.connectUrl, minted.browser)));
    expect(answers.map((answer) => answer.status).sort()).toEqual([302, 401, 401, 401]);
    expect((await attemptsOf(org.orgId)).map((attempt) => attempt.status)).toEqual(['started']);
  });

  it('needs an owner or admin to mint or to connect with a bearer', async () => {
    expect((await get(`${server.url}/woocommerce/connect?store_url=${encodeURIComponent(woo.sites[0]!.baseUrl)}`)).status).toBe(
      401,
    );
    expect((await api('POST', '/woocommerce/connect-token', { body: { storeUrl: woo.sites[0]!.baseUrl } })).status).toBe(401);
  });

  it.each([
    ['cloud metadata', 'http://169.254.169.254/'],
    ['a private network', 'http://10.0.0.8/'],
    ['IPv6 loopback', 'http://[::1]:8080/'],
    ['a name resolving to loopback', 'http://localhost/'],
  ])('refuses a store URL pointing at %s', async (_label, storeUrl) => {
    const response = await connectWithBearer(owner.token, storeUrl);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(/Refusing outbound request/);
    expect((await mint(owner.token, { storeUrl })).status).toBe(400);
  });
});

describe('#8.10 a keys callback is accepted once, for an open attempt, with keys that work', () => {
  let org: Org;
  let state = '';
  let good: ApiKeyInfo;
  const site = () => woo.sites[1]!;

  beforeAll(async () => {
    org = await signedInOrg(server, 'Callbacks');
  });

  it('refuses keys that do not work against the attempt’s store, and stores nothing', async () => {
    state = stateOf(await connectWithBearer(org.token, site().baseUrl));
    const made = { keyId: 77, consumerKey: `ck_${'1'.repeat(40)}`, consumerSecret: `cs_${'2'.repeat(40)}` };
    expect((await postKeys(keysBody(state, made))).status).toBe(400);
    // Working keys, but of another store: they do not work against this one.
    const otherStore = woo.control.createApiKey('1', 'read_write');
    expect((await postKeys(keysBody(state, otherStore))).status).toBe(400);
    // A key the store has revoked.
    const revoked = woo.control.createApiKey('2', 'read_write');
    woo.control.revokeApiKey('2', revoked.keyId);
    expect((await postKeys(keysBody(state, revoked))).status).toBe(400);
    expect(await storesOf(org.orgId)).toEqual([]);
    expect((await attemptsOf(org.orgId)).map((attempt) => attempt.status)).toEqual(['started']);

    // The same attempt still takes keys that do work, once.
    good = woo.control.createApiKey('2', 'read_write');
    expect((await postKeys(keysBody(state, good))).status).toBe(200);
    expect(await storesOf(org.orgId)).toEqual([expect.objectContaining({ status: 'active', site_url: site().baseUrl })]);
    expect((await postKeys(keysBody(state, good))).status).toBe(409);
  });

  it('never revives a disconnected store from a replayed callback', async () => {
    const [store] = await storesOf(org.orgId);
    expect((await api('DELETE', `/v1/stores/${store!.id}`, { token: org.token })).status).toBe(200);
    expect((await postKeys(keysBody(state, good))).status).toBe(409);
    expect(await storesOf(org.orgId)).toEqual([expect.objectContaining({ status: 'disconnected', credentials_key_id: null })]);
  });

  it('does not let an attempt opened before a disconnect bring the store back', async () => {
    // Connecting again through the front door works, on the same store row.
    const again = stateOf(await connectWithBearer(org.token, site().baseUrl));
    expect((await postKeys(keysBody(again, woo.control.createApiKey('2', 'read_write')))).status).toBe(200);
    const [store] = await storesOf(org.orgId);
    expect(store).toMatchObject({ status: 'active' });

    const open = stateOf(await connectWithBearer(org.token, site().baseUrl));
    expect((await api('DELETE', `/v1/stores/${store!.id}`, { token: org.token })).status).toBe(200);
    expect((await postKeys(keysBody(open, woo.control.createApiKey('2', 'read_write')))).status).toBe(409);
    expect(await storesOf(org.orgId)).toEqual([expect.objectContaining({ id: store!.id, status: 'disconnected' })]);
  });

  it('lets a newer attempt for the same store replace an older one', async () => {
    const older = stateOf(await connectWithBearer(org.token, site().baseUrl));
    const newer = stateOf(await connectWithBearer(org.token, site().baseUrl));
    const key = woo.control.createApiKey('2', 'read_write');
    expect((await postKeys(keysBody(older, key))).status).toBe(409);
    expect((await postKeys(keysBody(newer, key))).status).toBe(200);
    expect(await storesOf(org.orgId)).toEqual([expect.objectContaining({ status: 'active' })]);
  });

  it('accepts one of two identical callbacks racing', async () => {
    const racing = stateOf(await connectWithBearer(org.token, site().baseUrl));
    const key = woo.control.createApiKey('2', 'read_write');
    const answers = await Promise.all([postKeys(keysBody(racing, key)), postKeys(keysBody(racing, key))]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 409]);
    const [store] = await storesOf(org.orgId);
    expect((await credentialsOf(store!.id, org.orgId))?.['consumerKey']).toBe(key.consumerKey);
  });
});
