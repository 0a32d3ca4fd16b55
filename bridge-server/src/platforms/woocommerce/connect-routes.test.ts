import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startWooCommerceEmulator } from '@dockhand/emulators';
import express, { type ErrorRequestHandler } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, signedInOrg, type TestServer } from '../../../test/support/test-server.ts';
import { ApiError } from '../../api/errors.ts';
import { systemPrincipal, withPrincipal } from '../../db/principal.ts';
import { webhookRoutes } from '../../ingest/webhook-routes.ts';
import { createOutboundGuard } from '../../security/outbound-guard.ts';
import { wooCommerceConnectRoutes, type WooCommerceConnectDeps } from './connect-routes.ts';
import { createWooCommerceConnector } from './connector.ts';

type Emulator = Awaited<ReturnType<typeof startWooCommerceEmulator>>;
type Outcome = Parameters<NonNullable<WooCommerceConnectDeps['onWebhooksRegistered']>>[0];

let server: TestServer;
let woo: Emulator;
let bridge: http.Server;
let publicUrl = '';
let owner: Awaited<ReturnType<typeof signedInOrg>>;
const outcomes: Outcome[] = [];
const waiters: Array<(outcome: Outcome) => void> = [];
const nextRegistration = (): Promise<Outcome> =>
  outcomes.length ? Promise.resolve(outcomes.shift()!) : new Promise((resolve) => waiters.push(resolve));

/** The lead mounts the router on the real app; here it shares the test server's context on a listener of its own. */
beforeAll(async () => {
  server = await startTestServer();
  woo = await startWooCommerceEmulator({
    seed: 9,
    ordersPerSite: 120,
    allowInsecureLoopbackCallback: true,
    duplicateOrderUpdated: false,
  });
  bridge = http.createServer();
  await new Promise<void>((resolve) => bridge.listen(0, '127.0.0.1', resolve));
  publicUrl = `http://127.0.0.1:${(bridge.address() as AddressInfo).port}`;
  const ctx = server.runtime.ctx;
  const app = express();
  app.use('/webhooks', webhookRoutes(ctx));
  app.use(
    '/woocommerce',
    wooCommerceConnectRoutes(ctx, {
      guard: createOutboundGuard({ allowHosts: ['127.0.0.1:*'] }),
      publicUrl,
      onWebhooksRegistered: (outcome) => {
        const waiter = waiters.shift();
        if (waiter) waiter(outcome);
        else outcomes.push(outcome);
      },
    }),
  );
  const errors: ErrorRequestHandler = (error: unknown, _req, res, _next) => {
    const known = error instanceof ApiError ? error : new ApiError('INTERNAL_ERROR', String(error));
    res.status(known.status).json({ error: { code: known.code, message: known.message, details: known.details } });
  };
  app.use(errors);
  bridge.on('request', app);
  owner = await signedInOrg(server, 'Woo');
});

afterAll(async () => {
  await new Promise<void>((resolve) => {
    bridge?.close(() => resolve());
    bridge?.closeAllConnections();
  });
  await woo?.close();
  await server?.close();
});

const get = (url: string, headers: Record<string, string> = {}) => fetch(url, { redirect: 'manual', headers });

async function storeRow(storeId: string) {
  return withPrincipal(server.runtime.ctx.db, systemPrincipal(owner.orgId), async (tx) => {
    const [row] = await tx<{ status: string; site_url: string; credentials_ciphertext: Buffer | null }[]>`
      select status, site_url, credentials_ciphertext from stores where id = ${storeId}`;
    const credentials = await server.runtime.ctx.stores.readCredentials(tx, storeId);
    return { row: row!, credentials };
  });
}

describe('connecting a WooCommerce store through wc-auth', () => {
  let storeId = '';
  let state = '';

  it('redirects to the store, receives the keys, activates the store and registers webhooks', async () => {
    const site = woo.sites[0]!;
    const start = await get(`${publicUrl}/woocommerce/connect?store_url=${encodeURIComponent(`${site.baseUrl}/`)}`, {
      authorization: `Bearer ${owner.token}`,
    });
    expect(start.status).toBe(302);
    const authorize = new URL(start.headers.get('location')!);
    expect(`${authorize.origin}${authorize.pathname}`).toBe(`${site.baseUrl}/wc-auth/v1/authorize`);
    expect(authorize.searchParams.get('scope')).toBe('read_write');
    expect(authorize.searchParams.get('callback_url')).toBe(`${publicUrl}/woocommerce/keys-callback`);
    state = authorize.searchParams.get('user_id')!;

    // The store approves, POSTs the keys to our callback (which must answer 200), then sends the browser back.
    const approved = await get(authorize.toString());
    expect(approved.status).toBe(302);
    const back = new URL(approved.headers.get('location')!);
    expect(back.searchParams.get('success')).toBe('1');
    const landing = await get(back.toString());
    expect(landing.status).toBe(200);
    expect(await landing.text()).toContain('Store connected');

    const registered = await nextRegistration();
    expect(registered.error).toBeUndefined();
    expect(registered).toMatchObject({ created: 6, existing: 0 });
    storeId = registered.storeId;

    const { row, credentials } = await storeRow(storeId);
    expect(row.status).toBe('active');
    expect(row.site_url).toBe(site.baseUrl);
    expect(credentials?.['consumerKey']).toMatch(/^ck_/);
    expect(row.credentials_ciphertext!.toString('latin1')).not.toContain(credentials!['consumerSecret']!);

    const hooks = woo.control
      .listWebhooks('1')
      .filter((hook) => hook.deliveryUrl === `${publicUrl}/webhooks/woocommerce/${storeId}`);
    expect(hooks).toHaveLength(6);
    expect(hooks.every((hook) => hook.pingStatus === 200)).toBe(true);
  });

  it('stored keys that work against the store', async () => {
    const { credentials } = await storeRow(storeId);
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

  describe('when the keys callback carries a bad state', () => {
    const keys = (userId: string) => ({
      key_id: 99,
      user_id: userId,
      consumer_key: `ck_${'1'.repeat(40)}`,
      consumer_secret: `cs_${'2'.repeat(40)}`,
      key_permissions: 'read_write',
    });
    const post = (body: unknown) =>
      fetch(`${publicUrl}/woocommerce/keys-callback`, {
        method: 'POST',
        headers: { 'content-type': 'application/json;charset=UTF-8' },
        body: JSON.stringify(body),
      });

    it('refuses a forged or tampered state with 400', async () => {
      expect((await post(keys('1'))).status).toBe(400);
      const [body, signature] = state.split('.');
      const tampered = JSON.parse(Buffer.from(body!, 'base64url').toString('utf8')) as Record<string, unknown>;
      tampered['store'] = '00000000-0000-4000-8000-000000000000';
      expect((await post(keys(`${Buffer.from(JSON.stringify(tampered)).toString('base64url')}.${signature}`))).status).toBe(400);
    });

    it('refuses a replayed state and keeps the keys it has', async () => {
      const response = await post(keys(state));
      expect(response.status).toBe(409);
      const { credentials } = await storeRow(storeId);
      expect(credentials?.['consumerKey']).not.toBe(`ck_${'1'.repeat(40)}`);
    });

    it('refuses keys without read_write', async () => {
      expect((await post({ ...keys(state), key_permissions: 'read' })).status).toBe(400);
    });
  });
});

describe('starting a connection', () => {
  it('needs an owner or admin', async () => {
    const response = await get(`${publicUrl}/woocommerce/connect?store_url=${encodeURIComponent(woo.sites[0]!.baseUrl)}`);
    expect(response.status).toBe(401);
  });

  it('works from a browser with a short-lived connect link', async () => {
    const minted = await fetch(`${publicUrl}/woocommerce/connect-token`, {
      method: 'POST',
      headers: { authorization: `Bearer ${owner.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ storeUrl: woo.sites[0]!.baseUrl }),
    });
    expect(minted.status).toBe(200);
    const { data } = (await minted.json()) as { data: { connectUrl: string } };
    const response = await get(data.connectUrl);
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toContain('/wc-auth/v1/authorize?');
    expect((await get(`${data.connectUrl}x`)).status).toBe(401);
  });

  it.each([
    ['cloud metadata', 'http://169.254.169.254/'],
    ['a private network', 'http://10.0.0.8/'],
    ['IPv6 loopback', 'http://[::1]:8080/'],
    ['a name resolving to loopback', 'http://localhost/'],
  ])('refuses a store URL pointing at %s', async (_label, storeUrl) => {
    const response = await get(`${publicUrl}/woocommerce/connect?store_url=${encodeURIComponent(storeUrl)}`, {
      authorization: `Bearer ${owner.token}`,
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(/Refusing outbound request/);
  });
});
