import { startWooCommerceEmulator, type WooCommerceEmulator } from '@dockhand/emulators';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { apiClient, signedInOrg, startTestServer, type Api, type TestServer } from '../../../test/support/test-server.ts';
import { startSyncWorkers } from '../../runtime.ts';
import { WOO_WEBHOOK_TOPICS } from './connector.ts';

let server: TestServer;
let api: Api;
let woo: WooCommerceEmulator;
const HOUR = 3_600_000;

beforeAll(async () => {
  server = await startTestServer({ env: { DOCKHAND_OUTBOUND_ALLOW_HOSTS: '127.0.0.1:*' } });
  api = apiClient(server.url);
  await startSyncWorkers(server.runtime.ctx, { reconcileEveryMs: HOUR, sweepEveryMs: HOUR });
  woo = await startWooCommerceEmulator({ seed: 12, sites: 2, ordersPerSite: 30, duplicateOrderUpdated: false });
});

afterAll(async () => {
  await woo?.close();
  await server?.close();
});

const storesOf = (orgId: string) =>
  server.database.db.owner<{ id: string; status: string; site_url: string }[]>`
    select id, status, site_url from stores where org_id = ${orgId}`;

describe('#8.1 a WooCommerce store joins an organization by POST /v1/stores only with keys that work against it', () => {
  const body = (siteUrl: string, consumerKey: string, consumerSecret: string) => ({
    platform: 'woocommerce',
    name: 'By hand',
    siteUrl,
    credentials: { consumerKey, consumerSecret },
  });

  it('refuses a store without keys', async () => {
    const org = await signedInOrg(server, 'NoKeys');
    const response = await api('POST', '/v1/stores', {
      token: org.token,
      body: { platform: 'woocommerce', name: 'Claimed', siteUrl: woo.sites[0]!.baseUrl },
    });
    expect(response.status).toBe(400);
    expect(await storesOf(org.orgId)).toEqual([]);
  });

  it('refuses keys the store does not accept: made up, revoked, or another store’s', async () => {
    const org = await signedInOrg(server, 'BadKeys');
    const site = woo.sites[0]!;
    const made = await api('POST', '/v1/stores', {
      token: org.token,
      body: body(site.baseUrl, `ck_${'a'.repeat(40)}`, `cs_${'b'.repeat(40)}`),
    });
    expect(made.status).toBe(400);
    expect(made.body.error.details).toMatchObject({ reason: 'refused' });

    const revoked = woo.control.createApiKey('1', 'read_write');
    woo.control.revokeApiKey('1', revoked.keyId);
    expect(
      (
        await api('POST', '/v1/stores', {
          token: org.token,
          body: body(site.baseUrl, revoked.consumerKey, revoked.consumerSecret),
        })
      ).status,
    ).toBe(400);

    const other = woo.sites[1]!;
    expect(
      (await api('POST', '/v1/stores', { token: org.token, body: body(site.baseUrl, other.consumerKey, other.consumerSecret) }))
        .status,
    ).toBe(400);
    expect(await storesOf(org.orgId)).toEqual([]);
  });

  it('refuses a store URL the outbound guard refuses, without calling it', async () => {
    const org = await signedInOrg(server, 'Ssrf');
    const response = await api('POST', '/v1/stores', {
      token: org.token,
      body: body('http://169.254.169.254/latest', `ck_${'a'.repeat(40)}`, `cs_${'b'.repeat(40)}`),
    });
    expect(response.status).toBe(400);
    expect(response.body.error.details).toMatchObject({ reason: 'outbound_refused' });
    expect(await storesOf(org.orgId)).toEqual([]);
  });

  it('saves working keys as an active store, starts its backfill at once and registers its webhooks', async () => {
    const org = await signedInOrg(server, 'GoodKeys');
    const site = woo.sites[1]!;
    const key = woo.control.createApiKey('2', 'read_write');
    const response = await api('POST', '/v1/stores', {
      token: org.token,
      body: body(`${site.baseUrl}/`, key.consumerKey, key.consumerSecret),
    });
    expect(response.status).toBe(201);
    expect(response.body.data).toMatchObject({
      platform: 'woocommerce',
      status: 'active',
      siteUrl: site.baseUrl,
      hasCredentials: true,
    });
    const storeId: string = response.body.data.id;
    expect(JSON.stringify(response.body)).not.toContain(key.consumerSecret);

    // The workers' timers are an hour away: only the create can have queued this backfill.
    await vi.waitFor(
      async () => {
        const [orders] = await server.database.db.owner<{ status: string; checkpoint: Date | null }[]>`
          select status, checkpoint from sync_state where store_id = ${storeId} and entity = 'orders'`;
        expect(orders).toMatchObject({ status: 'idle', checkpoint: expect.any(Date) });
      },
      { timeout: 20_000, interval: 100 },
    );
    await vi.waitFor(
      () =>
        expect(
          woo.control.listWebhooks('2').filter((hook) => hook.deliveryUrl.endsWith(`/webhooks/woocommerce/${storeId}`)),
        ).toHaveLength(WOO_WEBHOOK_TOPICS.length),
      { timeout: 10_000, interval: 50 },
    );

    const again = await api('POST', '/v1/stores', {
      token: org.token,
      body: body(site.baseUrl, key.consumerKey, key.consumerSecret),
    });
    expect(again.status).toBe(409);

    // Disconnected, it comes back only with keys that work again, on the same row.
    expect((await api('DELETE', `/v1/stores/${storeId}`, { token: org.token })).status).toBe(200);
    woo.control.revokeApiKey('2', key.keyId);
    const stale = await api('POST', '/v1/stores', {
      token: org.token,
      body: body(site.baseUrl, key.consumerKey, key.consumerSecret),
    });
    expect(stale.status).toBe(400);
    expect(await storesOf(org.orgId)).toEqual([expect.objectContaining({ id: storeId, status: 'disconnected' })]);
    const fresh = woo.control.createApiKey('2', 'read_write');
    const back = await api('POST', '/v1/stores', {
      token: org.token,
      body: body(site.baseUrl, fresh.consumerKey, fresh.consumerSecret),
    });
    expect(back.status).toBe(201);
    expect(back.body.data).toMatchObject({ id: storeId, status: 'active', hasCredentials: true });
  });
});
