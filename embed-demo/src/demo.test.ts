import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { startShopifyEmulator } from '@dockhand/emulators';
import { DEMO_ADMIN_EMAIL } from './demo.ts';

/** What `npm start` runs: the compiled demo. */
const bin = fileURLToPath(new URL('../bin/dockhand-demo.js', import.meta.url));
const baseEnv = { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', LOG_LEVEL: 'warn' };

interface DemoSecretsFile {
  adminPassword: string;
  shopifyApiKey: string;
  shopifyApiSecret: string;
}

const readSecrets = async (dataDir: string) =>
  JSON.parse(await readFile(join(dataDir, 'demo-secrets.json'), 'utf8')) as DemoSecretsFile;

/** Starts `dockhand-demo` and resolves once it has printed its banner (URL and sign-in). */
function startDemo(
  dataDir: string,
  env: Record<string, string> = {},
): Promise<{
  child: ChildProcess;
  url: string;
  password: string;
  banner: string[];
  stderr: () => string;
  warnings: () => string[];
}> {
  const child = spawn(process.execPath, [bin], {
    env: { ...baseEnv, PORT: '0', DOCKHAND_DATA_DIR: dataDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const banner: string[] = [];
    // The log's warnings and errors (JSON lines on stdout): a shutdown that fails or runs out of
    // time says so there.
    const warnings: string[] = [];
    let url: string | undefined;
    lines.on('line', (line) => {
      if (/^\{.*"level":\s*(40|50|60|"warn"|"error"|"fatal")/.test(line)) warnings.push(line);
      banner.push(line);
      url ??= /^\s+API\s+(http:\/\/\S+)/.exec(line)?.[1];
      const password = /^\s+Sign in\s+POST \S+\s+(\{.*\})$/.exec(line)?.[1];
      if (url && password) {
        resolve({
          child,
          url,
          password: (JSON.parse(password) as { password: string }).password,
          banner,
          stderr: () => stderr,
          warnings: () => warnings.slice(-10),
        });
      }
    });
    child.once('exit', (code) => reject(new Error(`demo exited with ${code} before printing its URL:\n${stderr}`)));
  });
}

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

type RunningDemo = Awaited<ReturnType<typeof startDemo>>;

/**
 * Runs `use` against a started demo, then stops it and answers how it exited (with what it
 * wrote to stderr and its last logged warnings, so a failed shutdown says why). A failure inside
 * `use` is the one reported.
 */
async function thenStop(
  demo: RunningDemo,
  use: () => Promise<void>,
): Promise<{ code: number | null; stderr: string; warnings: string[] }> {
  try {
    await use();
  } catch (error) {
    await stop(demo.child);
    throw error;
  }
  const code = await stop(demo.child);
  return { code, stderr: demo.stderr(), warnings: demo.warnings() };
}

const cleanExit = { code: 0 };

async function signIn(url: string, password: string): Promise<{ status: number; token?: string }> {
  const login = await fetch(`${url}/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: DEMO_ADMIN_EMAIL, password }),
  });
  const body = (await login.json()) as { data?: { accessToken: string } };
  return { status: login.status, token: body.data?.accessToken };
}

/** Every file and folder under `dir` (itself included) with its permission bits. */
async function modes(dir: string): Promise<Array<{ path: string; mode: number; directory: boolean }>> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const paths = [
    { path: dir, directory: true },
    ...entries.map((e) => ({ path: join(e.parentPath, e.name), directory: e.isDirectory() })),
  ];
  return Promise.all(paths.map(async (entry) => ({ ...entry, mode: (await stat(entry.path)).mode & 0o777 })));
}

describe('dockhand-demo (npm start) with no environment', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('prints its URL, is healthy on PGlite, and keeps data across a restart', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'dockhand-demo-'));
    dirs.push(dataDir);
    const first = await startDemo(dataDir);
    const email = `persisted-${Date.now().toString(36)}@demo.dockhand.test`;
    expect(
      await thenStop(first, async () => {
        const health = await (await fetch(`${first.url}/health`)).json();
        expect(health).toMatchObject({ status: 'ok', checks: { database: 'ok' } });
        const { status, token } = await signIn(first.url, first.password);
        expect(status).toBe(200);
        const created = await fetch(`${first.url}/v1/users`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ email, password: `${randomBytes(12).toString('base64url')}!`, role: 'staff' }),
        });
        expect(created.status).toBe(201);
        // The emulated WooCommerce store is connected and syncing.
        const stores = (await (
          await fetch(`${first.url}/v1/stores`, { headers: { authorization: `Bearer ${token}` } })
        ).json()) as {
          data: Array<{ id: string; platform: string; status: string }>;
        };
        const demoStore = stores.data.find((store) => store.platform === 'woocommerce');
        expect(demoStore?.status).toBe('active');
        await vi.waitFor(
          async () => {
            const sync = (await (
              await fetch(`${first.url}/v1/stores/${demoStore!.id}/sync`, { headers: { authorization: `Bearer ${token}` } })
            ).json()) as {
              data: { entities: Array<{ entity: string; count: number }> };
            };
            expect(sync.data.entities.find((entity) => entity.entity === 'orders')!.count).toBeGreaterThanOrEqual(500);
          },
          { timeout: 60_000, interval: 250 },
        );
      }),
    ).toMatchObject(cleanExit);

    const second = await startDemo(dataDir);
    expect(
      await thenStop(second, async () => {
        // Same password as the first start: it is kept with the other demo secrets.
        expect(second.password).toBe(first.password);
        const { status, token } = await signIn(second.url, second.password);
        expect(status).toBe(200);
        const users = (await (
          await fetch(`${second.url}/v1/users`, { headers: { authorization: `Bearer ${token}` } })
        ).json()) as {
          data: Array<{ email: string }>;
        };
        expect(users.data.map((user) => user.email)).toContain(email);
      }),
    ).toMatchObject(cleanExit);
  }, 180_000);
});

describe('#8.11 the demo is exposed', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('listens on loopback only, with a generated password, private files, no seed-derived secrets and no open loopback', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'dockhand-demo-'));
    dirs.push(dataDir);
    // A local service the demo did not start, which an attacker would aim the server at.
    const bystander = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => bystander.listen(0, '127.0.0.1', resolve));
    const bystanderPort = (bystander.address() as AddressInfo).port;
    try {
      const demo = await startDemo(dataDir, { DOCKHAND_DEMO_STORES: '1' });
      expect(
        await thenStop(demo, async () => {
          // Bound to 127.0.0.1 unless HOST says otherwise.
          expect(new URL(demo.url).hostname).toBe('127.0.0.1');

          // The password is made on first start, printed, and kept (0600) with the other secrets.
          const secrets = await readSecrets(dataDir);
          expect(demo.password).toBe(secrets.adminPassword);
          expect(demo.password).not.toBe('dockhand-demo-admin');
          expect(demo.password.length).toBeGreaterThanOrEqual(20);
          expect((await signIn(demo.url, 'dockhand-demo-admin')).status).not.toBe(200);
          const { status, token } = await signIn(demo.url, demo.password);
          expect(status).toBe(200);

          // The data folder, the secrets file and PGlite's files are private to the user.
          for (const entry of await modes(dataDir)) {
            if (entry.directory) expect({ path: entry.path, mode: entry.mode }).toEqual({ path: entry.path, mode: 0o700 });
            else if (entry.path.startsWith(join(dataDir, 'pgdata')))
              continue; // checked after the stop, below
            else expect({ path: entry.path, mode: entry.mode }).toEqual({ path: entry.path, mode: 0o600 });
          }

          // The emulated Shopify app's secret is random, not the one anyone can derive from the
          // public seed: a webhook signed with the seed's secret is refused.
          const seeded = await startShopifyEmulator({ seed: 2026, shops: 1, ordersPerShop: 1 });
          await seeded.close();
          expect(secrets.shopifyApiSecret).not.toBe(seeded.apiSecret);
          const body = JSON.stringify({ id: 1, name: 'forged' });
          const forged = await fetch(`${demo.url}/webhooks/shopify`, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              'x-shopify-topic': 'app/uninstalled',
              'x-shopify-shop-domain': seeded.shops[0]!.domain,
              'x-shopify-event-id': randomBytes(8).toString('hex'),
              'x-shopify-hmac-sha256': createHmac('sha256', seeded.apiSecret).update(body).digest('base64'),
            },
            body,
          });
          expect(forged.status).toBe(401);

          // The outbound allow-list names the emulators' ports, not every loopback port.
          const connect = await fetch(
            `${demo.url}/woocommerce/connect?${new URLSearchParams({ store_url: `http://127.0.0.1:${bystanderPort}` })}`,
            { headers: { authorization: `Bearer ${token}` }, redirect: 'manual' },
          );
          expect(connect.status).toBe(400);
          expect(connect.headers.get('location')).toBeNull();
        }),
      ).toMatchObject(cleanExit);
    } finally {
      await new Promise((resolve) => bystander.close(resolve));
    }
    for (const entry of await modes(dataDir)) {
      expect({ path: entry.path, mode: entry.mode }).toEqual({ path: entry.path, mode: entry.directory ? 0o700 : 0o600 });
    }
  }, 120_000);

  it('replaces the password of a data folder made when the password was fixed and published', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'dockhand-demo-'));
    dirs.push(dataDir);
    const first = await startDemo(dataDir, { DOCKHAND_DEMO_STORES: '0' });
    expect(await thenStop(first, async () => {})).toMatchObject(cleanExit);
    // What an older demo left: a secrets file with no password in it (it printed a fixed one).
    const file = join(dataDir, 'demo-secrets.json');
    const { adminPassword: _old, ...older } = await readSecrets(dataDir);
    await writeFile(file, JSON.stringify(older));
    const second = await startDemo(dataDir, { DOCKHAND_DEMO_STORES: '0' });
    expect(
      await thenStop(second, async () => {
        expect(second.password).not.toBe(first.password);
        expect((await readSecrets(dataDir)).adminPassword).toBe(second.password);
        expect((await signIn(second.url, first.password)).status).not.toBe(200);
        expect((await signIn(second.url, second.password)).status).toBe(200);
      }),
    ).toMatchObject(cleanExit);
  }, 120_000);
});
