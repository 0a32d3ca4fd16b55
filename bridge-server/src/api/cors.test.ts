import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiClient,
  cookieOf,
  signedInOrg,
  startTestServer,
  testSecrets,
  type Api,
  type TestServer,
} from '../../test/support/test-server.ts';
import { ConfigError, loadConfig } from '../config/env.ts';
import {
  CORS_ALLOWED_HEADERS,
  CORS_ALLOWED_METHODS,
  CORS_EXPOSED_HEADERS,
  CORS_MAX_AGE_SECONDS,
  SAME_ORIGIN_ONLY_ROUTES,
} from './cors.ts';

const ERP = 'https://erp.example.test';
const OTHER_ERP = 'http://localhost:3000';
const STRANGER = 'https://evil.example.test';

/** /v1 operations that take no bearer and are open to listed origins anyway: public documents. */
const PUBLIC_WITHOUT_BEARER = ['GET /v1/openapi.json'];

let listed: TestServer;
let unlisted: TestServer;
let api: Api;
let token: string;

beforeAll(async () => {
  [listed, unlisted] = await Promise.all([
    startTestServer({ env: { DOCKHAND_CORS_ORIGINS: ` ${ERP}, ${OTHER_ERP},` } }),
    startTestServer(),
  ]);
  api = apiClient(listed.url);
  ({ token } = await signedInOrg(listed, 'Cors'));
});
afterAll(async () => {
  await listed?.close();
  await unlisted?.close();
});

/** A browser's preflight: OPTIONS with Origin and the method and headers the real request will use. */
const preflight = (target: Api, path: string, origin: string, method = 'POST', headers = 'authorization,content-type') =>
  target('OPTIONS', path, {
    headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': headers },
  });

const list = (value: string | null) => (value ?? '').split(',').map((item) => item.trim().toLowerCase());

describe('when a page on a listed origin calls /v1 with a bearer token', () => {
  it('lets it read the answer: its own origin echoed, the client’s headers exposed, never credentials', async () => {
    for (const origin of [ERP, OTHER_ERP]) {
      const me = await api('GET', '/v1/auth/me', { token, headers: { origin } });
      expect(me.status).toBe(200);
      expect(me.headers.get('access-control-allow-origin')).toBe(origin);
      expect(list(me.headers.get('access-control-expose-headers'))).toEqual(
        CORS_EXPOSED_HEADERS.map((name) => name.toLowerCase()),
      );
      expect(list(me.headers.get('vary'))).toContain('origin');
      expect(me.headers.get('access-control-allow-credentials')).toBeNull();
    }
  });

  it('lets it read error answers too, so the envelope and its request id reach the element', async () => {
    const refused = await api('GET', '/v1/orders', { headers: { origin: ERP } });
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe('UNAUTHORIZED');
    expect(refused.headers.get('access-control-allow-origin')).toBe(ERP);
    expect(refused.headers.get('x-request-id')).toBe(refused.body.error.requestId);
    expect(list(refused.headers.get('access-control-expose-headers'))).toContain('x-request-id');
  });

  it('answers its preflight 204 with the methods, headers and max-age the elements need', async () => {
    const answer = await preflight(api, '/v1/orders/bulk', ERP, 'POST', 'authorization,content-type,idempotency-key');
    expect(answer.status).toBe(204);
    expect(answer.body).toBeUndefined();
    expect(answer.headers.get('access-control-allow-origin')).toBe(ERP);
    expect(list(answer.headers.get('access-control-allow-methods'))).toEqual(CORS_ALLOWED_METHODS.map((m) => m.toLowerCase()));
    const allowedHeaders = list(answer.headers.get('access-control-allow-headers'));
    for (const name of ['authorization', 'content-type', 'idempotency-key', 'last-event-id', 'x-request-id']) {
      expect(allowedHeaders).toContain(name);
    }
    expect(allowedHeaders).toEqual(CORS_ALLOWED_HEADERS.map((name) => name.toLowerCase()));
    expect(answer.headers.get('access-control-max-age')).toBe(String(CORS_MAX_AGE_SECONDS));
    expect(list(answer.headers.get('vary'))).toContain('origin');
    expect(answer.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('opens the event stream too, Last-Event-ID resumption included', async () => {
    expect((await preflight(api, '/v1/stream', ERP, 'GET', 'authorization,last-event-id')).status).toBe(204);
    const abort = new AbortController();
    try {
      const stream = await fetch(`${listed.url}/v1/stream`, {
        headers: { origin: ERP, authorization: `Bearer ${token}`, accept: 'text/event-stream', 'last-event-id': '0' },
        signal: abort.signal,
      });
      expect(stream.status).toBe(200);
      expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
      expect(stream.headers.get('access-control-allow-origin')).toBe(ERP);
      expect(stream.headers.get('access-control-allow-credentials')).toBeNull();
    } finally {
      abort.abort();
    }
  });

  it('opens every bearer operation of the OpenAPI document, and a route without a bearer only when it was decided', async () => {
    const document = (await api('GET', '/v1/openapi.json')).body as {
      paths: Record<string, Record<string, { security?: unknown[] }>>;
    };
    const withoutBearer: string[] = [];
    let bearerOperations = 0;
    for (const [template, operations] of Object.entries(document.paths)) {
      if (!template.startsWith('/v1/')) continue;
      const path = template.replace(/\{\w+\}/g, '00000000-0000-4000-8000-000000000000');
      for (const [method, operation] of Object.entries(operations)) {
        const name = `${method.toUpperCase()} ${template}`;
        if (!operation.security?.length) {
          withoutBearer.push(name);
          continue;
        }
        bearerOperations++;
        expect(CORS_ALLOWED_METHODS, name).toContain(method.toUpperCase());
        const answer = await preflight(api, path, ERP, method.toUpperCase());
        expect(answer.status, name).toBe(204);
        expect(answer.headers.get('access-control-allow-origin'), name).toBe(ERP);
      }
    }
    expect(bearerOperations).toBeGreaterThan(20);
    // A new route without a bearer fails here until someone decides whether another origin may call it.
    expect(withoutBearer.sort()).toEqual(
      [...PUBLIC_WITHOUT_BEARER, ...SAME_ORIGIN_ONLY_ROUTES.map((path) => `POST ${path}`)].sort(),
    );
  });
});

describe('when a page on a listed origin calls the refresh-cookie routes', () => {
  it('refuses the preflight 403, however the path is spelled, and gives no CORS header to the real request', async () => {
    for (const path of [...SAME_ORIGIN_ONLY_ROUTES, '/v1/AUTH/Refresh', '/v1/auth/refresh/']) {
      const answer = await preflight(api, path, ERP, 'POST', 'content-type');
      expect(answer.status, path).toBe(403);
      expect(answer.body.error.code, path).toBe('FORBIDDEN');
      expect(answer.body.error.message, path).toContain('refresh cookie');
      expect(answer.headers.get('access-control-allow-origin'), path).toBeNull();
    }
    const login = await api('POST', '/v1/auth/login', {
      headers: { origin: ERP },
      body: { email: 'nobody@example.test', password: 'not the password at all' },
    });
    expect(login.status).toBe(401);
    expect(login.headers.get('access-control-allow-origin')).toBeNull();
    expect(login.headers.get('access-control-allow-credentials')).toBeNull();
  });
});

describe('when a page of the same site but another origin sends a simple request to a refresh-cookie route', () => {
  // A page on a sibling subdomain: SameSite=Strict still sends the cookie, and a form or a fetch
  // without custom headers needs no preflight. The browser says so in Sec-Fetch-Site.
  it('refuses refresh and logout 403 before they touch the session, and serves the console’s own pages', async () => {
    const org = await signedInOrg(unlisted, 'SiblingSite');
    const target = apiClient(unlisted.url);
    const cookie = cookieOf(org.cookie);
    for (const site of ['same-site', 'cross-site']) {
      for (const path of ['/v1/auth/refresh', '/v1/auth/logout', '/v1/auth/login']) {
        const answer = await target('POST', path, {
          headers: { cookie, 'sec-fetch-site': site, origin: 'https://shop.example.test', 'content-type': 'text/plain' },
        });
        expect(answer.status, `${site} ${path}`).toBe(403);
        expect(answer.body.error.code).toBe('FORBIDDEN');
      }
    }
    // The cookie was neither rotated nor revoked: the console's own page refreshes with it.
    const own = await target('POST', '/v1/auth/refresh', { headers: { cookie, 'sec-fetch-site': 'same-origin' } });
    expect(own.status).toBe(200);
    expect(own.body.data.accessToken).toEqual(expect.any(String));
    // A client that is not a browser sends no Sec-Fetch-Site and carries no one else's cookie.
    const loggedOut = await target('POST', '/v1/auth/logout', { headers: { cookie: cookieOf(own.headers.get('set-cookie')) } });
    expect(loggedOut.status).toBe(204);
  });
});

describe('when a page on an unlisted origin calls /v1', () => {
  it('refuses its preflight 403 with the error envelope and no CORS header', async () => {
    for (const [target, origin] of [
      [api, STRANGER],
      [api, 'null'],
      [api, `${ERP}:443`],
      [apiClient(unlisted.url), ERP],
    ] as const) {
      const answer = await preflight(target, '/v1/orders', origin, 'GET', 'authorization');
      expect(answer.status, origin).toBe(403);
      expect(answer.body.error).toMatchObject({ code: 'FORBIDDEN', details: { origin } });
      expect(answer.body.error.message).toContain('DOCKHAND_CORS_ORIGINS');
      expect(answer.body.error.requestId).toBe(answer.headers.get('x-request-id'));
      expect(answer.headers.get('access-control-allow-origin'), origin).toBeNull();
      expect(answer.headers.get('access-control-allow-methods'), origin).toBeNull();
      expect(list(answer.headers.get('vary'))).toContain('origin');
    }
  });

  it('still serves the request itself, without the header that would let the page read it', async () => {
    // A same-origin page sends Origin too (on a POST, say): serving it is today's behaviour.
    const unlistedOrg = await signedInOrg(unlisted, 'Unlisted');
    for (const [target, bearer] of [
      [api, token],
      [apiClient(unlisted.url), unlistedOrg.token],
    ] as const) {
      const me = await target('GET', '/v1/auth/me', { token: bearer, headers: { origin: STRANGER } });
      expect(me.status).toBe(200);
      expect(me.headers.get('access-control-allow-origin')).toBeNull();
      expect(me.headers.get('access-control-expose-headers')).toBeNull();
      expect(list(me.headers.get('vary'))).toContain('origin');
    }
  });
});

describe('outside /v1', () => {
  it('leaves webhooks, store connection and health untouched, even for a listed origin', async () => {
    const webhook = await api('POST', '/webhooks/shopify', { headers: { origin: ERP }, raw: '{}' });
    const withoutOrigin = await api('POST', '/webhooks/shopify', { raw: '{}' });
    expect(webhook.status).toBe(withoutOrigin.status);
    expect(webhook.body.error.code).toBe(withoutOrigin.body.error.code);
    const webhookPreflight = await preflight(api, '/webhooks/shopify', ERP);
    const shopify = await preflight(api, '/shopify/session', ERP, 'GET', 'authorization');
    const health = await api('GET', '/health', { headers: { origin: ERP } });
    expect(health.status).toBe(200);
    for (const answer of [webhook, webhookPreflight, shopify, health]) {
      expect(answer.status).not.toBe(204);
      expect([...answer.headers.keys()].filter((name) => name.startsWith('access-control-'))).toEqual([]);
      expect(list(answer.headers.get('vary'))).not.toContain('origin');
    }
  });
});

describe('DOCKHAND_CORS_ORIGINS', () => {
  const problemsOf = (value: string): string[] => {
    try {
      loadConfig({ ...testSecrets(), DOCKHAND_CORS_ORIGINS: value });
    } catch (error) {
      if (error instanceof ConfigError) return error.problems;
      throw error;
    }
    return [];
  };

  it('defaults to no origin (same-origin only) and reads a comma-separated list, blanks and repeats ignored', () => {
    expect(loadConfig(testSecrets()).corsOrigins).toEqual([]);
    expect(loadConfig({ ...testSecrets(), DOCKHAND_CORS_ORIGINS: '' }).corsOrigins).toEqual([]);
    expect(
      loadConfig({
        ...testSecrets(),
        DOCKHAND_CORS_ORIGINS: 'https://erp.example.com, http://localhost:3000,,http://[::1]:8080,https://erp.example.com',
      }).corsOrigins,
    ).toEqual(['https://erp.example.com', 'http://localhost:3000', 'http://[::1]:8080']);
  });

  it('refuses * with one line that says why: tokens are bearer secrets', () => {
    for (const value of ['*', 'https://erp.example.com,*', 'https://*.example.com']) {
      const problems = problemsOf(value);
      expect(problems, value).toHaveLength(1);
      expect(problems[0]).toMatch(/^DOCKHAND_CORS_ORIGINS must not contain \*: access tokens are bearer secrets/);
    }
  });

  it('names every entry that is not an exact origin, in one line, with the origin that was probably meant', () => {
    const problems = problemsOf(
      'https://ok.example.com,erp.example.com,https://erp.example.com/app,https://erp.example.com:443,HTTPS://ERP.example.com,ftp://files.example.com,null',
    );
    expect(problems).toHaveLength(1);
    const [line] = problems;
    expect(line).toMatch(/^DOCKHAND_CORS_ORIGINS must list exact origins/);
    expect(line).toContain('scheme://host[:port]');
    expect(line).not.toContain('https://ok.example.com,');
    expect(line).toContain(
      'not valid: erp.example.com, https://erp.example.com/app (write https://erp.example.com), ' +
        'https://erp.example.com:443 (write https://erp.example.com), HTTPS://ERP.example.com (write https://erp.example.com), ' +
        'ftp://files.example.com, null',
    );
  });

  it('stops `dockhand serve` at start-up with that one line', () => {
    const bin = fileURLToPath(new URL('../../bin/dockhand.js', import.meta.url));
    const run = spawnSync(process.execPath, [bin, 'serve'], {
      env: { PATH: process.env['PATH'] ?? '', ...testSecrets(), DOCKHAND_CORS_ORIGINS: '*' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(1);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^dockhand: DOCKHAND_CORS_ORIGINS must not contain \*: access tokens are bearer secrets/);
  });
});
