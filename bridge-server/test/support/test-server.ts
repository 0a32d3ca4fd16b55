import { randomBytes } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type { AppOptions } from '../../src/api/app.ts';
import type { AppContext } from '../../src/api/context.ts';
import { loadConfig } from '../../src/config/env.ts';
import { createOrganization, insertMember } from '../../src/domain/users/user-service.ts';
import { systemPrincipal, withPrincipal, type Role } from '../../src/db/principal.ts';
import { createLogger } from '../../src/logger.ts';
import { createRuntime, listen, type Runtime } from '../../src/runtime.ts';
import { KeyRing } from '../../src/security/key-ring.ts';
import { EmbeddedSyncRunner } from '../../src/sync/embedded-sync-runner.ts';
import type { SyncRunner } from '../../src/sync/sync-runner.ts';
import { createTestDatabase, type TestDatabase } from './test-database.ts';

export interface TestServer {
  url: string;
  runtime: Runtime;
  database: TestDatabase;
  /** Every log line the server wrote, parsed. */
  logs: Array<Record<string, unknown>>;
  close(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** A logger at info whose lines are kept, parsed, for the test to read. */
export function captureLogs(): { logs: Array<Record<string, unknown>>; logger: ReturnType<typeof createLogger> } {
  const logs: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logs, logger: createLogger('info', sink) };
}

export const testSecrets = () => ({
  DOCKHAND_KEYS: `k1:${KeyRing.generateKey()}`,
  DOCKHAND_JWT_SECRET: randomBytes(32).toString('hex'),
});

/** A real server on a fresh, migrated database and a random port. */
export async function startTestServer(
  options: {
    env?: Record<string, string>;
    app?: AppOptions;
    enqueueApply?: AppContext['ingest']['enqueueApply'];
    /** The runner, or how to make one on the test's database. */
    sync?: SyncRunner | ((db: TestDatabase['db']) => SyncRunner);
  } = {},
): Promise<TestServer> {
  const database = await createTestDatabase();
  // The port is chosen first so PUBLIC_URL (callback and webhook addresses) names the real server.
  const port = await freePort();
  const config = loadConfig({
    ...testSecrets(),
    DATABASE_URL: database.ownerUrl,
    LOG_LEVEL: 'info',
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    ...options.env,
  });
  const { logs, logger } = captureLogs();
  const runtime = await createRuntime(config, {
    db: database.db,
    logger,
    // The inbox-driven runner: no queue service per test server; tests that need queues pass their own.
    sync: typeof options.sync === 'function' ? options.sync(database.db) : (options.sync ?? new EmbeddedSyncRunner(database.db)),
    ...(options.enqueueApply ? { enqueueApply: options.enqueueApply } : {}),
  });
  const server = await listen(runtime.ctx, port, '127.0.0.1', options.app);
  return {
    url: server.url,
    runtime,
    database,
    logs,
    close: async () => {
      await server.close();
      await runtime.close();
      await database.drop();
    },
  };
}

export interface Api {
  (
    method: string,
    path: string,
    options?: { body?: unknown; token?: string; headers?: Record<string, string>; raw?: string | Buffer; signal?: AbortSignal },
  ): Promise<{
    status: number;
    body: any;
    headers: Headers;
  }>;
}

/** A small fetch wrapper that answers status, parsed body and headers. */
export function apiClient(baseUrl: string): Api {
  return async (method, path, options = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers['authorization'] = `Bearer ${options.token}`;
    let body: string | Buffer | undefined;
    if (options.raw !== undefined) body = options.raw;
    else if (options.body !== undefined) body = JSON.stringify(options.body);
    if (body !== undefined) headers['content-type'] ??= 'application/json';
    const response = await fetch(`${baseUrl}${path}`, { method, headers, body, signal: options.signal ?? null });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON (e.g. /metrics)
    }
    return { status: response.status, body: parsed, headers: response.headers };
  };
}

let counter = 0;
/** The refresh cookie a response set, ready to send back as a Cookie header. */
export const cookieOf = (setCookie: string | null) => {
  const match = /dh_refresh=([^;]+)/.exec(setCookie ?? '');
  if (!match) throw new Error(`no refresh cookie in ${setCookie}`);
  return `dh_refresh=${match[1]}`;
};

export const uniqueEmail = (label: string) =>
  `${label}-${Date.now().toString(36)}-${counter++}-${randomBytes(3).toString('hex')}@example.test`;
export const PASSWORD = 'correct horse battery staple';

/** Creates an organization with an owner and signs in; answers its ids and an access token. */
export async function signedInOrg(server: TestServer, name = 'Org') {
  const email = uniqueEmail(name.toLowerCase());
  const { orgId, userId } = await createOrganization(server.runtime.ctx.db, { name, adminEmail: email, adminPassword: PASSWORD });
  const api = apiClient(server.url);
  const login = await api('POST', '/v1/auth/login', { body: { email, password: PASSWORD } });
  if (login.status !== 200) throw new Error(`login failed: ${JSON.stringify(login.body)}`);
  return { orgId, userId, email, token: login.body.data.accessToken as string, cookie: login.headers.get('set-cookie') ?? '' };
}

/**
 * Adds a member (a new email) to an existing organization and signs them in to it:
 * a real session, as every access token now needs (its membership and session are checked per
 * request).
 */
export async function memberSession(server: TestServer, orgId: string, role: Role = 'owner', storeIds?: string[]) {
  const email = uniqueEmail(role);
  const { userId } = await withPrincipal(server.runtime.ctx.db, systemPrincipal(orgId), (tx) =>
    insertMember(tx, { orgId, email, password: PASSWORD, role, storeIds }),
  );
  const login = await apiClient(server.url)('POST', '/v1/auth/login', { body: { email, password: PASSWORD, orgId } });
  if (login.status !== 200) throw new Error(`login failed: ${JSON.stringify(login.body)}`);
  return { orgId, userId, email, token: login.body.data.accessToken as string, cookie: login.headers.get('set-cookie') ?? '' };
}
