import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemPrincipal, withPrincipal } from '../db/principal.ts';
import { apiClient, signedInOrg, startTestServer, type Api, type TestServer } from '../../test/support/test-server.ts';

let server: TestServer;
let api: Api;
let alpha: Awaited<ReturnType<typeof signedInOrg>>;
let beta: Awaited<ReturnType<typeof signedInOrg>>;

const expectEnvelope = (body: any, code: string) => {
  expect(body).toEqual({
    error: { code, message: expect.any(String), details: expect.any(Object), requestId: expect.any(String) },
  });
};

beforeAll(async () => {
  server = await startTestServer();
  api = apiClient(server.url);
  [alpha, beta] = await Promise.all([signedInOrg(server, 'Alpha'), signedInOrg(server, 'Beta')]);
});

afterAll(async () => {
  await server?.close();
});

describe('the error envelope', () => {
  it('answers an unknown route with 404 NOT_FOUND', async () => {
    const response = await api('GET', '/v1/nothing-here', { token: alpha.token });
    expect(response.status).toBe(404);
    expectEnvelope(response.body, 'NOT_FOUND');
    expect(response.body.error.requestId).toBe(response.headers.get('x-request-id'));
  });

  it('answers malformed JSON with 400 BAD_REQUEST', async () => {
    const response = await api('POST', '/v1/auth/login', { raw: '{"email": "a@b.c", "password": ' });
    expect(response.status).toBe(400);
    expectEnvelope(response.body, 'BAD_REQUEST');
  });

  it('answers a 2 MB body with 413 PAYLOAD_TOO_LARGE', async () => {
    const big = JSON.stringify({ email: 'a@b.c', password: 'x'.repeat(2 * 1024 * 1024) });
    const response = await api('POST', '/v1/auth/login', { raw: big });
    expect(response.status).toBe(413);
    expectEnvelope(response.body, 'PAYLOAD_TOO_LARGE');
  });

  it('answers invalid input with 400 naming the field', async () => {
    const response = await api('POST', '/v1/stores', {
      token: alpha.token,
      body: { platform: 'shopify', name: 'S', shopDomain: 'evil.com' },
    });
    expect(response.status).toBe(400);
    expectEnvelope(response.body, 'BAD_REQUEST');
    expect(response.body.error.details.issues[0].path).toBe('body.shopDomain');
  });

  it('answers a missing or forged token with 401', async () => {
    const missing = await api('GET', '/v1/stores');
    expect(missing.status).toBe(401);
    expectEnvelope(missing.body, 'UNAUTHORIZED');
    const [header, payload] = alpha.token.split('.');
    const forged = await api('GET', '/v1/stores', { token: `${header}.${payload}.${randomBytes(32).toString('base64url')}` });
    expect(forged.status).toBe(401);
  });

  it('echoes a sane X-Request-Id and replaces an unsafe one', async () => {
    const kept = await api('GET', '/health', { headers: { 'x-request-id': 'trace-abc-12345' } });
    expect(kept.headers.get('x-request-id')).toBe('trace-abc-12345');
    const replaced = await api('GET', '/health', { headers: { 'x-request-id': 'has spaces, not allowed' } });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('tenancy over HTTP', () => {
  let alphaStore: string;
  let betaStore: string;

  beforeAll(async () => {
    const a = await api('POST', '/v1/stores', {
      token: alpha.token,
      body: { platform: 'shopify', name: 'Alpha Shop', shopDomain: 'alpha-shop.myshopify.com' },
    });
    // Keys given over HTTP are checked against the store first; beta's store is made the way a
    // finished connect leaves it, with sealed keys, so that another organization can aim at it.
    const { ctx } = server.runtime;
    const betaPrincipal = systemPrincipal(beta.orgId);
    betaStore = await withPrincipal(ctx.db, betaPrincipal, async (tx) => {
      const store = await ctx.stores.create(tx, betaPrincipal, {
        platform: 'woocommerce',
        name: 'Beta Woo',
        siteUrl: 'https://beta.example',
        credentials: { consumerKey: 'ck_abc', consumerSecret: 'cs_def' },
      });
      return store.id;
    });
    expect(a.status).toBe(201);
    alphaStore = a.body.data.id;
  });

  it('answers 404 with the envelope when A asks for B’s store', async () => {
    const response = await api('GET', `/v1/stores/${betaStore}`, { token: alpha.token });
    expect(response.status).toBe(404);
    expectEnvelope(response.body, 'NOT_FOUND');
    expect(JSON.stringify(response.body)).not.toContain('Beta');
  });

  it('cannot change or disconnect another organization’s store', async () => {
    expect((await api('PATCH', `/v1/stores/${betaStore}`, { token: alpha.token, body: { name: 'pwned' } })).status).toBe(404);
    expect((await api('DELETE', `/v1/stores/${betaStore}`, { token: alpha.token })).status).toBe(404);
    const mine = await api('GET', `/v1/stores/${betaStore}`, { token: beta.token });
    expect(mine.body.data).toMatchObject({ name: 'Beta Woo', status: 'pending', hasCredentials: true });
  });

  it('lists only the caller’s stores and never returns credentials', async () => {
    const response = await api('GET', '/v1/stores', { token: beta.token });
    expect(response.status).toBe(200);
    expect(response.body.data.map((store: { id: string }) => store.id)).toEqual([betaStore]);
    expect(response.body.page).toEqual({ nextCursor: null });
    expect(JSON.stringify(response.body)).not.toContain('cs_def');
  });

  it('pages through stores with a keyset cursor', async () => {
    for (const n of [1, 2, 3]) {
      await api('POST', '/v1/stores', {
        token: alpha.token,
        body: { platform: 'shopify', name: `Extra ${n}`, shopDomain: `extra-${n}.myshopify.com` },
      });
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await api('GET', `/v1/stores?limit=2${cursor ? `&cursor=${cursor}` : ''}`, { token: alpha.token });
      expect(page.status).toBe(200);
      seen.push(...page.body.data.map((store: { id: string }) => store.id));
      cursor = page.body.page.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(4);
    expect(new Set(seen).size).toBe(4);
    expect(seen).toContain(alphaStore);
    const bad = await api('GET', '/v1/stores?cursor=not-a-cursor', { token: alpha.token });
    expect(bad.status).toBe(400);
  });

  it('refuses a duplicate shop domain in one organization with 409', async () => {
    const response = await api('POST', '/v1/stores', {
      token: alpha.token,
      body: { platform: 'shopify', name: 'Again', shopDomain: 'alpha-shop.myshopify.com' },
    });
    expect(response.status).toBe(409);
    expectEnvelope(response.body, 'CONFLICT');
  });

  it('shows a merchant user only the stores it belongs to, and forbids admin routes', async () => {
    const email = `merchant-${randomBytes(4).toString('hex')}@example.test`;
    const created = await api('POST', '/v1/users', {
      token: alpha.token,
      body: { email, password: 'merchant password 1', role: 'merchant', storeIds: [alphaStore] },
    });
    expect(created.status).toBe(201);
    expect(created.body.data.storeIds).toEqual([alphaStore]);
    const login = await api('POST', '/v1/auth/login', { body: { email, password: 'merchant password 1' } });
    expect(login.status).toBe(200);
    expect(login.body.data.user.storeIds).toEqual([alphaStore]);
    const token = login.body.data.accessToken;
    const stores = await api('GET', '/v1/stores', { token });
    expect(stores.body.data.map((store: { id: string }) => store.id)).toEqual([alphaStore]);
    expect((await api('GET', '/v1/users', { token })).status).toBe(403);
    expect(
      (await api('POST', '/v1/stores', { token, body: { platform: 'shopify', name: 'x', shopDomain: 'x.myshopify.com' } }))
        .status,
    ).toBe(403);
  });

  it('refuses a store named twice with 400, on creation and on update', async () => {
    const email = `m-${randomBytes(4).toString('hex')}@example.test`;
    const twice = [alphaStore, alphaStore];
    const created = await api('POST', '/v1/users', {
      token: alpha.token,
      body: { email, password: 'merchant password 1', role: 'merchant', storeIds: twice },
    });
    expect(created.status).toBe(400);
    expectEnvelope(created.body, 'BAD_REQUEST');
    const made = await api('POST', '/v1/users', {
      token: alpha.token,
      body: { email, password: 'merchant password 1', role: 'merchant', storeIds: [alphaStore] },
    });
    expect(made.status).toBe(201);
    const updated = await api('PATCH', `/v1/users/${made.body.data.id}`, { token: alpha.token, body: { storeIds: twice } });
    expect(updated.status).toBe(400);
    expectEnvelope(updated.body, 'BAD_REQUEST');
  });

  it('refuses to give a merchant another organization’s store', async () => {
    const response = await api('POST', '/v1/users', {
      token: alpha.token,
      body: {
        email: `m-${randomBytes(4).toString('hex')}@example.test`,
        password: 'merchant password 1',
        role: 'merchant',
        storeIds: [betaStore],
      },
    });
    expect(response.status).toBe(400);
    expect(response.body.error.details.missing).toEqual([betaStore]);
  });
});

describe('system endpoints', () => {
  it('reports health with the database check', async () => {
    const response = await api('GET', '/health');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      status: 'ok',
      version: expect.any(String),
      uptime: expect.any(Number),
      checks: { database: 'ok', queue: 'ok' },
      queueBackend: 'embedded',
    });
  });

  it('serves Prometheus metrics including request durations', async () => {
    const response = await api('GET', '/metrics');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    expect(response.body).toContain('dockhand_http_request_duration_seconds_bucket');
    expect(response.body).toContain('route="/health"');
  });

  it('serves an OpenAPI 3.1 document generated from the schemas', async () => {
    const response = await api('GET', '/v1/openapi.json');
    expect(response.status).toBe(200);
    expect(response.body.openapi).toBe('3.1.0');
    for (const path of ['/v1/auth/login', '/v1/auth/refresh', '/v1/users', '/v1/stores/{id}', '/health']) {
      expect(Object.keys(response.body.paths)).toContain(path);
    }
    expect(response.body.components.schemas.Error).toBeDefined();
  });

  it('sends security headers', async () => {
    const response = await api('GET', '/health');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(response.headers.get('x-powered-by')).toBeNull();
  });

  it('logs one JSON line per request with org and user ids and no secrets', async () => {
    const response = await api('GET', '/v1/stores', { token: alpha.token, headers: { 'x-request-id': 'log-check-0001' } });
    expect(response.status).toBe(200);
    const line = server.logs.find((entry) => entry['requestId'] === 'log-check-0001');
    expect(line).toMatchObject({ msg: 'request', status: 200, orgId: alpha.orgId, userId: alpha.userId });
    expect(JSON.stringify(server.logs)).not.toContain(alpha.token);
  });
});
