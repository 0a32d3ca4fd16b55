import { randomUUID } from 'node:crypto';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemPrincipal, withPrincipal } from '../db/principal.ts';
import { signBase64Hmac } from '../ingest/webhook-signature.ts';
import { topicSecret } from '../platforms/woocommerce/topic-secrets.ts';
import { apiClient, PASSWORD, signedInOrg, startTestServer, type Api, type TestServer } from '../../test/support/test-server.ts';
import { encodeCursor } from './pagination.ts';
import { invalidTextError } from './refused-input.ts';

let server: TestServer;
let api: Api;
let owner: Awaited<ReturnType<typeof signedInOrg>>;
let storeId: string;
let userId: string;

interface Operation {
  method: string;
  path: string;
  hasBody: boolean;
}
/** Every operation the server documents, read from its own OpenAPI document. */
let operations: Operation[];

const NUL = '\u0000';
const WOO_WEBHOOK_SECRET = 'a webhook secret of enough length';

const expectBadRequest = (response: { status: number; body: any }) => {
  expect(response.status, JSON.stringify(response.body)).toBe(400);
  expect(response.body).toEqual({
    error: { code: 'BAD_REQUEST', message: expect.any(String), details: expect.any(Object), requestId: expect.any(String) },
  });
};

/** A documented path with its parameters filled in. */
const concrete = (path: string, value: string) => path.replace(/\{\w+\}/g, value);

beforeAll(async () => {
  server = await startTestServer({ env: { SHOPIFY_API_KEY: 'bad-input-key', SHOPIFY_API_SECRET: 'bad-input-secret' } });
  api = apiClient(server.url);
  owner = await signedInOrg(server, 'BadInput');
  userId = owner.userId;
  const { ctx } = server.runtime;
  const principal = systemPrincipal(owner.orgId);
  storeId = await withPrincipal(ctx.db, principal, async (tx) => {
    const store = await ctx.stores.create(tx, principal, {
      platform: 'woocommerce',
      name: 'Woo',
      siteUrl: 'https://bad-input.example',
      status: 'active',
      webhookSecret: WOO_WEBHOOK_SECRET,
    });
    return store.id;
  });
  const document = await api('GET', '/v1/openapi.json');
  operations = Object.entries(document.body.paths as Record<string, Record<string, { requestBody?: unknown }>>).flatMap(
    ([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({
        method: method.toUpperCase(),
        path,
        hasBody: operation.requestBody !== undefined,
      })),
  );
});

afterAll(async () => {
  await server?.close();
});

describe('#8.6 bad input answers 400, never 500', () => {
  describe('a NUL character (U+0000)', () => {
    it('in a display name is refused when creating or renaming a user, and nothing is stored', async () => {
      const created = await api('POST', '/v1/users', {
        token: owner.token,
        body: { email: `nul-${randomUUID()}@example.test`, password: PASSWORD, displayName: `Eve${NUL}`, role: 'staff' },
      });
      expectBadRequest(created);
      expect(created.body.error.details.issues).toEqual([{ path: 'body.displayName', message: expect.any(String) }]);
      const renamed = await api('PATCH', `/v1/users/${userId}`, { token: owner.token, body: { displayName: `A${NUL}B` } });
      expectBadRequest(renamed);
      const users = await api('GET', '/v1/users', { token: owner.token });
      expect(users.body.data).toHaveLength(1);
      expect(users.body.data[0].displayName ?? '').not.toContain(NUL);
    });

    it('in a store name is refused when adding or renaming a store', async () => {
      expectBadRequest(
        await api('POST', '/v1/stores', {
          token: owner.token,
          body: { platform: 'woocommerce', name: `Shop${NUL}`, siteUrl: 'https://nul.example' },
        }),
      );
      expectBadRequest(await api('PATCH', `/v1/stores/${storeId}`, { token: owner.token, body: { name: `Shop${NUL}` } }));
      // In a key, deep inside, or as the escaped form JSON carries: still refused.
      expectBadRequest(
        await api('PATCH', `/v1/stores/${storeId}`, { token: owner.token, raw: '{"name":"ok","x":{"y":["\\u0000"]}}' }),
      );
      expectBadRequest(await api('PATCH', `/v1/stores/${storeId}`, { token: owner.token, raw: '{"name\\u0000":"ok"}' }));
      const store = await api('GET', `/v1/stores/${storeId}`, { token: owner.token });
      expect(store.body.data.name).toBe('Woo');
    });

    it('in any string of the body of every documented operation that takes one', async () => {
      const withBody = operations.filter((operation) => operation.hasBody && !operation.path.startsWith('/webhooks/'));
      expect(withBody.length).toBeGreaterThanOrEqual(8);
      for (const operation of withBody) {
        const response = await api(operation.method, concrete(operation.path, storeId), {
          token: owner.token,
          body: { probe: `a${NUL}b` },
        });
        // /shopify/session authenticates with a Shopify session token before it reads its body.
        const expected = operation.path === '/shopify/session' ? 401 : 400;
        expect({ ...operation, status: response.status }).toEqual({ ...operation, status: expected });
        if (expected === 400) expectBadRequest(response);
      }
    });

    it('in the query of every documented operation', async () => {
      expect(operations.length).toBeGreaterThanOrEqual(20);
      for (const operation of operations) {
        const response = await api(operation.method, `${concrete(operation.path, storeId)}?probe=%00&cursor=x%00`, {
          token: owner.token,
        });
        expect({ ...operation, status: response.status }).toEqual({ ...operation, status: 400 });
        expectBadRequest(response);
      }
    });

    it('in the connect routes’ own inputs (store URL, shop, keys callback)', async () => {
      expectBadRequest(
        await api('GET', `/woocommerce/connect?store_url=${encodeURIComponent(`https://a${NUL}.example`)}`, {
          token: owner.token,
        }),
      );
      expectBadRequest(
        await api('POST', '/woocommerce/connect-token', { token: owner.token, body: { storeUrl: `https://${NUL}` } }),
      );
      expectBadRequest(
        await api('POST', '/shopify/connect-token', { token: owner.token, body: { shop: `a${NUL}.myshopify.com` } }),
      );
      expectBadRequest(
        await api('POST', '/woocommerce/keys-callback', {
          body: {
            key_id: 1,
            user_id: `state${NUL}`,
            consumer_key: 'ck_x',
            consumer_secret: 'cs_x',
            key_permissions: 'read_write',
          },
        }),
      );
      expectBadRequest(await api('POST', '/v1/auth/login', { body: { email: `a${NUL}@example.test`, password: PASSWORD } }));
    });

    it('in a refresh cookie is refused, not stored or looked up as text', async () => {
      for (const path of ['/v1/auth/refresh', '/v1/auth/logout']) {
        const response = await api('POST', path, { headers: { cookie: `dh_refresh=${encodeURIComponent(`a${NUL}b.c`)}` } });
        expect({ path, status: response.status }).toEqual({ path, status: expect.toBeOneOf([200, 204, 400, 401]) });
        if (response.status >= 400) expect(['BAD_REQUEST', 'UNAUTHORIZED']).toContain(response.body.error.code);
      }
    });

    it('as a raw byte in a signed webhook body is refused as not JSON; escaped, it is taken as the platform sent it', async () => {
      const deliver = (body: Buffer) =>
        api('POST', `/webhooks/woocommerce/${storeId}`, {
          headers: {
            'x-wc-webhook-topic': 'order.created',
            'x-wc-webhook-signature': signBase64Hmac(body, topicSecret(WOO_WEBHOOK_SECRET, 'order.created')),
          },
          raw: body,
        });
      expectBadRequest(await deliver(Buffer.from(`{"id":9001,"status":"processing","line_items":[],"note":"a${NUL}b"}`)));
      const escaped = await deliver(Buffer.from('{"id":9002,"status":"processing","line_items":[],"note":"a\\u0000b"}'));
      expect(escaped.status).toBe(200);
    });

    it('that reaches PostgreSQL anyway (a route without validation) is answered as BAD_REQUEST', async () => {
      const sql = server.database.db.owner;
      const refused = async (query: Promise<unknown>) => {
        const error = await query.then(
          () => undefined,
          (caught: unknown) => caught,
        );
        expect(error).toBeDefined();
        return invalidTextError(error);
      };
      // The errors PostgreSQL really raises for each kind of value, mapped by the error handler.
      for (const error of await Promise.all([
        refused(sql`select ${`a${NUL}b`}::text`),
        refused(sql`select ${'not-a-uuid'}::uuid`),
        refused(sql`select ${'99999999999'}::integer`),
        refused(sql`select ${'1.5'}::integer`),
      ])) {
        expect(error?.code).toBe('BAD_REQUEST');
        expect(error?.status).toBe(400);
      }
      // A failure that is not the input's fault stays an internal error.
      expect(await refused(sql`select 1 / (select 0)`)).toBeUndefined();
    });
  });

  describe('a cursor', () => {
    const wrongTypes = [
      ['a number and a number', [1, 2]],
      ['an object', { createdAt: '2026-01-01T00:00:00.000Z', id: randomUUID() }],
      ['a bare string', 'cursor'],
      ['nulls', [null, null]],
      ['words for a date', ['yesterday', randomUUID()]],
      ['an impossible date', ['2026-02-31T00:00:00.000Z', randomUUID()]],
      ['a date and a number', ['2026-01-01T00:00:00.000Z', 7]],
      ['too many parts', ['2026-01-01T00:00:00.000Z', randomUUID(), 'x']],
    ] as const;

    for (const list of ['/v1/users', '/v1/stores']) {
      it(`of ${list} that is base64url JSON of the wrong types is refused`, async () => {
        for (const [what, key] of wrongTypes) {
          const cursor = Buffer.from(JSON.stringify(key)).toString('base64url');
          const response = await api('GET', `${list}?cursor=${cursor}`, { token: owner.token });
          expect({ what, status: response.status }).toEqual({ what, status: 400 });
          expectBadRequest(response);
        }
      });

      it(`of ${list} whose id is not a uuid is refused`, async () => {
        for (const id of ['not-a-uuid', `${randomUUID()}x`, "1' or '1'='1", '']) {
          const response = await api('GET', `${list}?cursor=${encodeCursor(['2026-01-01T00:00:00.000Z', id])}`, {
            token: owner.token,
          });
          expectBadRequest(response);
        }
        // The cursors the server itself writes still page.
        const good = await api('GET', `${list}?cursor=${encodeCursor([new Date(0).toISOString(), randomUUID()])}`, {
          token: owner.token,
        });
        expect(good.status).toBe(200);
        expect(good.body.data.length).toBeGreaterThanOrEqual(1);
      });
    }
  });

  it('a cursor the server wrote still leads to the next page', async () => {
    const { ctx } = server.runtime;
    const principal = systemPrincipal(owner.orgId);
    await withPrincipal(ctx.db, principal, (tx) =>
      ctx.stores.create(tx, principal, { platform: 'woocommerce', name: 'Second', siteUrl: 'https://second.example' }),
    );
    const first = await api('GET', '/v1/stores?limit=1', { token: owner.token });
    expect(first.body.page.nextCursor).toEqual(expect.any(String));
    const second = await api('GET', `/v1/stores?limit=1&cursor=${first.body.page.nextCursor}`, { token: owner.token });
    expect(second.status).toBe(200);
    expect(second.body.data).toHaveLength(1);
    expect(second.body.data[0].id).not.toBe(first.body.data[0].id);
  });

  describe('a path parameter that is not a uuid', () => {
    it('answers 404 NOT_FOUND on every documented operation that takes one', async () => {
      const withParams = operations.filter((operation) => operation.path.includes('{'));
      expect(withParams.map((operation) => `${operation.method} ${operation.path}`)).toEqual(
        expect.arrayContaining(['GET /v1/stores/{id}', 'PATCH /v1/users/{id}', 'POST /webhooks/woocommerce/{storeId}']),
      );
      for (const operation of withParams) {
        for (const value of ['not-a-uuid', '%00', `${randomUUID()}0`, "1'%20or%20'1'%3D'1", 'x'.repeat(300)]) {
          const response = await api(operation.method, concrete(operation.path, value), {
            token: owner.token,
            ...(operation.method === 'GET' ? {} : { body: {} }),
          });
          expect({ ...operation, value, status: response.status }).toEqual({ ...operation, value, status: 404 });
          expect(response.body.error.code).toBe('NOT_FOUND');
        }
      }
    });
  });

  describe('a body whose Content-Encoding does not match its bytes', () => {
    const login = JSON.stringify({ email: 'nobody@example.test', password: PASSWORD });
    const brokenBodies: Array<[string, string, Buffer]> = [
      ['gzip', 'not gzip at all', Buffer.from('{"email":"a@b.c"}')],
      ['gzip', 'cut short', gzipSync(Buffer.from(login)).subarray(0, 12)],
      ['gzip', 'a corrupted checksum', Buffer.concat([gzipSync(Buffer.from(login)).subarray(0, -8), Buffer.alloc(8, 0xff)])],
      ['br', 'not brotli data', Buffer.from([0xff, 0xff, 0xff, 0xff, 0x00, 0x01, 0x02])],
      ['deflate', 'not deflate data', Buffer.from('plain text')],
    ];
    const targets = () => [
      '/v1/auth/login',
      `/v1/stores/${storeId}/sync`,
      '/woocommerce/keys-callback',
      `/webhooks/woocommerce/${storeId}`,
      '/webhooks/shopify',
    ];

    it('is refused with 400 on every kind of route that reads a body', async () => {
      for (const path of targets()) {
        for (const [encoding, what, bytes] of brokenBodies) {
          const response = await api('POST', path, {
            token: owner.token,
            headers: { 'content-encoding': encoding },
            raw: bytes,
          });
          expect({ path, encoding, what, status: response.status }).toEqual({ path, encoding, what, status: 400 });
          expectBadRequest(response);
          expect(response.body.error.details).toMatchObject({ encoding });
        }
      }
    });

    it('names an encoding the server does not read (400, as the envelope has no 415)', async () => {
      for (const path of targets()) {
        const response = await api('POST', path, { token: owner.token, headers: { 'content-encoding': 'xz' }, raw: 'x' });
        expectBadRequest(response);
        expect(response.body.error.details).toMatchObject({ encoding: 'xz' });
      }
    });

    it('still reads bodies that are valid gzip or brotli', async () => {
      const body = JSON.stringify({ email: owner.email, password: PASSWORD });
      for (const [encoding, bytes] of [
        ['gzip', gzipSync(body)],
        ['br', brotliCompressSync(body)],
      ] as const) {
        const response = await api('POST', '/v1/auth/login', { headers: { 'content-encoding': encoding }, raw: bytes });
        expect({ encoding, status: response.status }).toEqual({ encoding, status: 200 });
      }
    });
  });
});
