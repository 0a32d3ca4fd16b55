import { randomBytes } from 'node:crypto';
import { validate } from '@readme/openapi-parser';
import type { Express } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropRedisKeys } from '../../../test/support/redis-keys.ts';
import { startServerOn, type ServerOn } from '../../../test/support/server-on.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.ts';
import { apiClient, startTestServer, type TestServer } from '../../../test/support/test-server.ts';
import { createApp } from '../app.ts';

const redisUrl = process.env['DOCKHAND_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

interface StackLayer {
  rawPath?: unknown;
  route?: { path: unknown; methods: Record<string, boolean> };
  handle: { stack?: StackLayer[] };
}

/** Every route the app mounts, read from Express's own router stack: `GET /v1/stores/{id}`. */
function mountedRoutes(app: Express): string[] {
  const routes: string[] = [];
  const walk = (stack: StackLayer[], prefix: string) => {
    for (const layer of stack) {
      const path = typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : '';
      if (layer.route) {
        if (typeof layer.route.path !== 'string') throw new Error(`a route under ${prefix} has a non-string path`);
        const full = `${prefix}${layer.route.path === '/' ? '' : layer.route.path}` || '/';
        for (const method of Object.keys(layer.route.methods).filter((name) => name !== '_all')) {
          routes.push(`${method.toUpperCase()} ${full.replace(/:(\w+)/g, '{$1}')}`);
        }
      } else if (layer.handle.stack) {
        walk(layer.handle.stack, `${prefix}${path}`);
      }
    }
  };
  walk((app as unknown as { router: { stack: StackLayer[] } }).router.stack, '');
  return routes.sort();
}

describe('the OpenAPI document', () => {
  let server: TestServer;
  let document: {
    paths: Record<string, Record<string, { responses: Record<string, unknown>; security?: unknown[] }>>;
  };

  beforeAll(async () => {
    server = await startTestServer();
    document = (await apiClient(server.url)('GET', '/v1/openapi.json')).body;
  });
  afterAll(() => server?.close());

  it('validates as OpenAPI 3.1 (schema and path parameters)', async () => {
    // validate() dereferences in place: give it a copy.
    const result = await validate(structuredClone(document) as unknown as Parameters<typeof validate>[0]);
    expect(result.valid ? [] : result.errors).toEqual([]);
  });

  it('holds only patterns that are plain ECMAScript regular expressions (no /flags tail)', () => {
    const patterns = [...JSON.stringify(document).matchAll(/"pattern":"((?:[^"\\]|\\.)*)"/g)].map(
      (match) => JSON.parse(`"${match[1]}"`) as string,
    );
    expect(patterns.length).toBeGreaterThan(0);
    for (const pattern of patterns) {
      expect(() => new RegExp(pattern, 'u'), pattern).not.toThrow();
      expect(pattern, 'a JavaScript regex flag leaked into the pattern').not.toMatch(/\$\/[dgimsuyv]+$/);
    }
  });

  it('documents every route the app mounts, and nothing it does not', () => {
    const documented = Object.entries(document.paths)
      .flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`))
      .sort();
    expect(mountedRoutes(createApp(server.runtime.ctx))).toEqual(documented);
  });

  it('lists per route the errors it can answer, not one list for all', () => {
    const errorsOf = (path: string, method: string) =>
      Object.keys(document.paths[path]![method]!.responses)
        .filter((status) => Number(status) >= 400)
        .sort();
    expect(errorsOf('/v1/openapi.json', 'get')).toEqual([]);
    expect(errorsOf('/v1/stores', 'post')).toEqual(['400', '401', '403', '409', '413', '429', '503']);
    expect(errorsOf('/v1/stores/{id}', 'get')).toEqual(['401', '404', '429', '503']);
    expect(errorsOf('/v1/auth/login', 'post')).toEqual(['400', '401', '413', '429', '503']);
    expect(errorsOf('/webhooks/woocommerce/{storeId}', 'post')).toEqual(['400', '401', '404', '413', '503']);
    expect(errorsOf('/health', 'get')).toEqual(['503']);
    // A route that needs a bearer says so, and only those answer 401 for a missing one.
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        if (operation.security) expect(operation.responses['401'], `${method} ${path}`).toBeDefined();
      }
    }
  });
});

describe('GET /health checks the queue backend in use', () => {
  const cleanups: Array<() => Promise<void>> = [];
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
    cleanups.push(() => database.drop());
  });
  afterAll(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  const healthOf = async (url: string) => apiClient(url)('GET', '/health');

  it('the embedded runner (no services): its inbox tables', async () => {
    const server = await startTestServer();
    cleanups.push(() => server.close());
    const health = await healthOf(server.url);
    expect(health.status).toBe(200);
    expect(health.body).toEqual({
      status: 'ok',
      version: expect.any(String),
      uptime: expect.any(Number),
      checks: { database: 'ok', queue: 'ok' },
      queueBackend: 'embedded',
    });
  });

  it('BullMQ on PostgreSQL (DATABASE_URL without REDIS_URL)', async () => {
    const prefix = `dh_health_${randomBytes(4).toString('hex')}`;
    const server: ServerOn = await startServerOn(database.db, database.ownerUrl, {
      env: { DOCKHAND_QUEUE_PREFIX: prefix },
      queues: true,
    });
    cleanups.push(() => server.close());
    const health = await healthOf(server.url);
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: 'ok', checks: { database: 'ok', queue: 'ok' }, queueBackend: 'postgres' });

    // The queue's schema gone: the check reaches it, so /health says so.
    await database.db.owner.unsafe(`drop schema ${prefix} cascade`);
    const broken = await healthOf(server.url);
    expect(broken.status).toBe(503);
    expect(broken.body).toMatchObject({
      status: 'degraded',
      checks: { database: 'ok', queue: 'error' },
      queueBackend: 'postgres',
    });
  });

  it('BullMQ on Redis (REDIS_URL)', async () => {
    const prefix = `dh_health_${randomBytes(4).toString('hex')}`;
    cleanups.push(() => dropRedisKeys(redisUrl, prefix));
    const server = await startServerOn(database.db, database.ownerUrl, {
      env: { REDIS_URL: redisUrl, DOCKHAND_QUEUE_PREFIX: prefix },
      queues: true,
    });
    cleanups.push(() => server.close());
    const health = await healthOf(server.url);
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: 'ok', checks: { database: 'ok', queue: 'ok' }, queueBackend: 'redis' });
  });
});
