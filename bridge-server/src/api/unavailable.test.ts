import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../db/database.ts';
import { createOrganization } from '../domain/users/user-service.ts';
import { startServerOn, type ServerOn } from '../../test/support/server-on.ts';
import { dropRedisKeys } from '../../test/support/redis-keys.ts';
import { startTcpProxy, targetOf, type TcpProxy } from '../../test/support/tcp-proxy.ts';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database.ts';
import { apiClient, PASSWORD, uniqueEmail } from '../../test/support/test-server.ts';

const redisUrl = process.env['DOCKHAND_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
});

async function timed<T>(work: Promise<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await work;
  return { result, ms: performance.now() - started };
}

/** A migrated test database and an organization with a signed-in owner and an active store. */
async function setUp(options: {
  db?: (ownerUrl: string) => Promise<{ db: Database; ownerUrl: string }>;
  env?: Record<string, string>;
  queues?: boolean;
}) {
  const database: TestDatabase = await createTestDatabase();
  cleanups.push(() => database.drop());
  const opened = options.db ? await options.db(database.ownerUrl) : { db: database.db, ownerUrl: database.ownerUrl };
  if (opened.db !== database.db) cleanups.push(() => opened.db.close());
  const server: ServerOn = await startServerOn(opened.db, opened.ownerUrl, { env: options.env, queues: options.queues });
  let closed = false;
  cleanups.push(async () => {
    if (!closed) await server.close();
  });
  const email = uniqueEmail('ops');
  const { orgId } = await createOrganization(database.db, { name: 'Ops', adminEmail: email, adminPassword: PASSWORD });
  const api = apiClient(server.url);
  const login = await api('POST', '/v1/auth/login', { body: { email, password: PASSWORD } });
  expect(login.status).toBe(200);
  const [store] = await database.db.owner<{ id: string }[]>`
    insert into stores (org_id, platform, name, site_url, status)
    values (${orgId}, 'woocommerce', 'Sync target', ${`https://store-${randomBytes(4).toString('hex')}.example`}, 'active')
    returning id`;
  return {
    server,
    api,
    email,
    token: login.body.data.accessToken as string,
    storeId: store!.id,
    close: async () => {
      closed = true;
      await server.close();
    },
  };
}

describe('#8.4 PostgreSQL down answers 503, not 500', () => {
  it('answers login, reads and /health at once with SERVICE_UNAVAILABLE once the database is gone', async () => {
    let proxy!: TcpProxy;
    const { api, email, token } = await setUp({
      db: async (ownerUrl) => {
        proxy = await startTcpProxy(targetOf(ownerUrl));
        cleanups.push(() => proxy.cut());
        const viaProxy = proxy.via(ownerUrl);
        return { db: await openDatabase({ databaseUrl: viaProxy, dataDir: '', appPoolSize: 2 }), ownerUrl: viaProxy };
      },
    });
    expect((await api('GET', '/v1/users', { token })).status).toBe(200);

    await proxy.cut();

    const login = await timed(api('POST', '/v1/auth/login', { body: { email, password: PASSWORD } }));
    expect(login.result.status).toBe(503);
    expect(login.result.body.error.code).toBe('SERVICE_UNAVAILABLE');
    expect(login.result.headers.get('retry-after')).toBe('2');
    expect(login.ms).toBeLessThan(3_000);

    const list = await timed(api('GET', '/v1/users', { token }));
    expect(list.result.status).toBe(503);
    expect(list.result.body.error.code).toBe('SERVICE_UNAVAILABLE');
    expect(list.ms).toBeLessThan(3_000);

    const health = await timed(api('GET', '/health'));
    expect(health.result.status).toBe(503);
    expect(health.result.body).toMatchObject({ status: 'degraded', checks: { database: 'error' } });
    expect(health.ms).toBeLessThan(2_500);
  });
});

describe('#8.4 Redis down', () => {
  it('answers POST /v1/stores/:id/sync with 503 at once, keeps rate limits and closes within its grace period', async () => {
    const proxy = await startTcpProxy(targetOf(redisUrl));
    const prefix = `dh_down_${randomBytes(4).toString('hex')}`;
    cleanups.push(() => dropRedisKeys(redisUrl, prefix));
    cleanups.push(() => proxy.cut());
    const { api, token, storeId, close } = await setUp({
      env: {
        REDIS_URL: proxy.via(redisUrl),
        DOCKHAND_QUEUE_PREFIX: prefix,
        DOCKHAND_SHUTDOWN_GRACE_MS: '2000',
      },
      queues: true,
    });
    const queued = await api('POST', `/v1/stores/${storeId}/sync`, { token, body: { mode: 'reconcile' } });
    expect(queued.status).toBe(202);

    await proxy.cut();

    const sync = await timed(
      api('POST', `/v1/stores/${storeId}/sync`, { token, body: { mode: 'backfill' }, signal: AbortSignal.timeout(10_000) }),
    );
    expect(sync.result.status).toBe(503);
    expect(sync.result.body.error.code).toBe('SERVICE_UNAVAILABLE');
    expect(sync.ms).toBeLessThan(3_500);

    // Rate limits fall over to this instance's memory: requests go on, and are still counted.
    const list = await timed(api('GET', '/v1/users', { token }));
    expect(list.result.status).toBe(200);
    expect(list.ms).toBeLessThan(1_500);

    const health = await timed(api('GET', '/health'));
    expect(health.result.status).toBe(503);
    expect(health.result.body).toMatchObject({ status: 'degraded', checks: { database: 'ok', queue: 'error' } });
    expect(health.ms).toBeLessThan(2_500);

    const closing = await timed(close());
    expect(closing.ms).toBeLessThan(2_500);
  });

  it('answers within its deadlines when Redis accepts connections but never answers', async () => {
    const proxy = await startTcpProxy(targetOf(redisUrl));
    const prefix = `dh_hang_${randomBytes(4).toString('hex')}`;
    cleanups.push(() => dropRedisKeys(redisUrl, prefix));
    cleanups.push(() => proxy.cut());
    const { api, token, storeId, close } = await setUp({
      env: { REDIS_URL: proxy.via(redisUrl), DOCKHAND_QUEUE_PREFIX: prefix, DOCKHAND_SHUTDOWN_GRACE_MS: '2000' },
      queues: true,
    });

    proxy.hang();

    const sync = await timed(
      api('POST', `/v1/stores/${storeId}/sync`, { token, body: { mode: 'backfill' }, signal: AbortSignal.timeout(10_000) }),
    );
    expect(sync.result.status).toBe(503);
    expect(sync.result.body.error.code).toBe('SERVICE_UNAVAILABLE');
    // Two rate-limit commands (0.5 s each, then the in-memory limits) and the enqueue (2 s).
    expect(sync.ms).toBeLessThan(4_500);

    const list = await timed(api('GET', '/v1/users', { token, signal: AbortSignal.timeout(10_000) }));
    expect(list.result.status).toBe(200);
    expect(list.ms).toBeLessThan(2_500);

    const health = await timed(api('GET', '/health', { signal: AbortSignal.timeout(10_000) }));
    expect(health.result.body).toMatchObject({ status: 'degraded', checks: { database: 'ok', queue: 'error' } });
    expect(health.ms).toBeLessThan(2_500);

    const closing = await timed(close());
    expect(closing.ms).toBeLessThan(2_500);
  });
});
