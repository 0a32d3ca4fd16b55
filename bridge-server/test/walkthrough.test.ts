import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startWooCommerceEmulator } from '@dockhand/emulators';
import { CookieJar } from './support/shopify-fixture.ts';
import { adminUrl } from './support/test-database.ts';

/**
 * The README's walkthrough ("Connect emulated stores to `dockhand serve`"), run as written: its
 * `sh` blocks, in order, in one bash, from the repository's root, with the compiled `dockhand`
 * and the `dockhand-emulators` bin. Only its ports and database name are swapped for free ones,
 * so the document and this test cannot drift apart. Then the outcome is checked over HTTP: both
 * stores active, and each one's seeded orders synced.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));
const SECTION = '## Connect emulated stores to `dockhand serve` (walkthrough)';

/** The walkthrough's `sh` blocks, in order, joined into one script. */
function walkthroughScript(readme: string): string {
  const start = readme.indexOf(SECTION);
  if (start < 0) throw new Error(`README.md has no section "${SECTION}"`);
  const next = readme.indexOf('\n## ', start + SECTION.length);
  const section = readme.slice(start, next < 0 ? undefined : next);
  const blocks = [...section.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((match) => match[1]!);
  if (blocks.length === 0) throw new Error('the walkthrough has no sh blocks');
  return blocks.join('\n');
}

/** Replaces every whole-word `from` with `to`, and fails when the README no longer has it. */
function swap(script: string, from: string, to: string): string {
  const pattern = new RegExp(`\\b${from}\\b`, 'g');
  if (!pattern.test(script)) throw new Error(`the walkthrough no longer mentions ${from}; update this test`);
  return script.replace(pattern, to);
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the script in its own process group (so everything it leaves running can be stopped). */
function runScript(script: string, env: Record<string, string>): { child: ChildProcess; finished: Promise<Finished> } {
  const child = spawn('bash', ['-c', `set -euo pipefail\n${script}`], {
    cwd: root,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  // The script leaves the emulators, the server and the worker running, holding its pipes open:
  // it is done when bash exits, not when its output ends.
  const finished = new Promise<Finished>((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
  return { child, finished };
}

/** Stops the process group the script ran in: the emulators, the server and the worker it left running. */
function stopGroup(child: ChildProcess | undefined): void {
  if (!child?.pid) return;
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    // Every process of the group has exited already.
  }
}

function databaseUrl(name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** What the background processes logged, for a failure message. */
async function logsUnder(dir: string): Promise<string> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  const logs = entries.filter((entry) => entry.isFile() && entry.name.endsWith('.log'));
  const texts = await Promise.all(
    logs.map(async (entry) => `--- ${entry.name}\n${(await readFile(join(entry.parentPath, entry.name), 'utf8')).slice(-4000)}`),
  );
  return texts.join('\n');
}

const baseEnv = (tmp: string) => ({ PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', TMPDIR: tmp });

/** Starts the compiled `dockhand serve` and resolves once it logs that it is listening. */
function startServe(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const bin = join(root, 'bridge-server/bin/dockhand.js');
  const child = spawn(process.execPath, [bin, 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const entry = JSON.parse(line) as { msg?: string; url?: string };
      if (entry.msg === 'listening' && entry.url) resolve({ child, url: entry.url });
    });
    child.once('exit', (code) => reject(new Error(`dockhand serve exited with ${code}:\n${stderr}`)));
  });
}

interface StoreRow {
  id: string;
  platform: string;
  status: string;
  hasCredentials: boolean;
}
interface SyncEntity {
  entity: string;
  status: string;
  count: number;
  lastError: string | null;
}

describe('the README walkthrough: emulated stores connected to `dockhand serve` from the shell', () => {
  const readme = () => readFile(join(root, 'README.md'), 'utf8');
  let tmp: string;
  let database: string;
  let ports: { api: number; shopify: number; woocommerce: number };
  let script: string;
  let run: ReturnType<typeof runScript> | undefined;
  const extraChildren: ChildProcess[] = [];

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'dockhand-walkthrough-'));
    database = `dockhand_walk_${Date.now().toString(36)}_${process.pid}`;
    ports = { api: await freePort(), shopify: await freePort(), woocommerce: await freePort() };
    script = walkthroughScript(await readme());
    script = swap(script, 'dockhand_first_hour', database);
    script = swap(script, '8787', String(ports.api));
    script = swap(script, '8130', String(ports.shopify));
    script = swap(script, '8133', String(ports.woocommerce));
  });

  afterAll(async () => {
    stopGroup(run?.child);
    for (const child of extraChildren) child.kill('SIGTERM');
    const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`drop database if exists ${database} with (force)`);
    await admin.end();
    await rm(tmp, { recursive: true, force: true });
  });

  it('names, in its commands, every setting and the emulator flag it relies on', async () => {
    for (const name of [
      '--loopback-callbacks',
      'DATABASE_URL',
      'SHOPIFY_API_KEY',
      'SHOPIFY_API_SECRET',
      'SHOPIFY_ADMIN_BASE_URL',
      'DOCKHAND_OUTBOUND_ALLOW_HOSTS',
      'PUBLIC_URL',
      'DOCKHAND_KEYS',
      'DOCKHAND_JWT_SECRET',
      'dockhand migrate',
      'dockhand serve',
      'dockhand worker',
      'dockhand create-org',
    ]) {
      expect(walkthroughScript(await readme())).toContain(name);
    }
  });

  it('connects the WooCommerce store and the Shopify shop, and both get their orders', async () => {
    run = runScript(script, baseEnv(tmp));
    const finished = await run.finished;
    const logs = await logsUnder(tmp);
    expect(finished.code, `${finished.stdout}\n${finished.stderr}\n${logs}`).toBe(0);
    expect(finished.stdout).toContain('is connected to Dockhand');
    expect(finished.stdout).toContain('will join the Dockhand organization');

    const api = `http://127.0.0.1:${ports.api}`;
    const credentials = /--admin-email (\S+) --admin-password '([^']+)'/.exec(script)!;
    const login = await fetch(`${api}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: credentials[1], password: credentials[2] }),
    });
    const token = ((await login.json()) as { data: { accessToken: string } }).data.accessToken;
    const get = async <T>(path: string): Promise<T> =>
      ((await (await fetch(`${api}${path}`, { headers: { authorization: `Bearer ${token}` } })).json()) as { data: T }).data;

    const stores = await get<StoreRow[]>('/v1/stores');
    expect(
      stores
        .map(({ platform, status, hasCredentials }) => ({ platform, status, hasCredentials }))
        .sort((a, b) => a.platform.localeCompare(b.platform)),
    ).toEqual([
      { platform: 'shopify', status: 'active', hasCredentials: true },
      { platform: 'woocommerce', status: 'active', hasCredentials: true },
    ]);

    // The seeded orders of each store arrive through the worker's first backfill.
    const seeded = Number(/--orders (\d+)/.exec(script)![1]);
    for (const store of stores) {
      await vi.waitFor(
        async () => {
          const sync = await get<{ entities: SyncEntity[] }>(`/v1/stores/${store.id}/sync`);
          const failed = sync.entities.filter((entity) => entity.status === 'failed');
          expect(failed, `${store.platform}: ${JSON.stringify(failed)}`).toEqual([]);
          expect(
            sync.entities.find((entity) => entity.entity === 'orders'),
            `${store.platform}: ${JSON.stringify(sync)}`,
          ).toMatchObject({ count: seeded });
          expect(sync.entities.find((entity) => entity.entity === 'products')!.count).toBeGreaterThan(0);
        },
        { timeout: 120_000, interval: 500 },
      );
    }
  }, 300_000);

  it('refusals on the way name what would change them', async () => {
    const api = `http://127.0.0.1:${ports.api}`;
    const credentials = /--admin-email (\S+) --admin-password '([^']+)'/.exec(script)!;
    const login = await fetch(`${api}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: credentials[1], password: credentials[2] }),
    });
    const token = ((await login.json()) as { data: { accessToken: string } }).data.accessToken;
    const json = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const shop = 'dockhand-demo-2.myshopify.com';

    // Shopify's library takes curl for a bot: the answer says so instead of an empty 410.
    const jar = new CookieJar();
    const minted = await jar.fetch(`${api}/shopify/connect-token`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ shop }),
    });
    const { connectToken } = ((await minted.json()) as { data: { connectToken: string } }).data;
    const asCurl = await jar.fetch(`${api}/shopify/auth`, {
      method: 'POST',
      headers: { 'user-agent': 'curl/8.5.0', 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ shop, connect_token: connectToken }).toString(),
    });
    expect(asCurl.status).toBe(403);
    expect(await asCurl.json()).toMatchObject({
      error: { code: 'FORBIDDEN', message: expect.stringContaining('User-Agent'), details: { header: 'User-Agent' } },
    });

    // The WooCommerce emulator started without --loopback-callbacks names the flag.
    const strict = await startWooCommerceEmulator({ seed: 3, ordersPerSite: 1 });
    try {
      const authorize = new URL(`${strict.sites[0]!.baseUrl}/wc-auth/v1/authorize`);
      authorize.search = new URLSearchParams({
        app_name: 'Dockhand',
        scope: 'read_write',
        user_id: '1',
        return_url: `${api}/woocommerce/return`,
        callback_url: `${api}/woocommerce/keys-callback`,
      }).toString();
      const refused = await fetch(authorize);
      expect(refused.status).toBe(401);
      const page = await refused.text();
      expect(page).toContain('The callback_url needs to be over SSL');
      expect(page).toContain('--loopback-callbacks');
    } finally {
      await strict.close();
    }

    // A server started without the Shopify app's keys and without the allow-list names both settings.
    const bare = await startServe({
      ...baseEnv(tmp),
      LOG_LEVEL: 'info',
      DATABASE_URL: databaseUrl(database),
      HOST: '127.0.0.1',
      PORT: '0',
      PUBLIC_URL: api,
      DOCKHAND_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}`,
      DOCKHAND_JWT_SECRET: 'walkthrough-refusals-secret-of-32-chars-or-more',
    });
    extraChildren.push(bare.child);
    const bareLogin = await fetch(`${bare.url}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: credentials[1], password: credentials[2] }),
    });
    const bareToken = ((await bareLogin.json()) as { data: { accessToken: string } }).data.accessToken;
    const bareJson = { authorization: `Bearer ${bareToken}`, 'content-type': 'application/json' };
    const noShopify = await fetch(`${bare.url}/shopify/connect-token`, {
      method: 'POST',
      headers: bareJson,
      body: JSON.stringify({ shop }),
    });
    expect(noShopify.status).toBe(503);
    expect(await noShopify.json()).toMatchObject({
      error: { message: expect.stringContaining('SHOPIFY_API_KEY'), details: { setting: 'SHOPIFY_API_KEY' } },
    });
    const site = `http://127.0.0.1:${ports.woocommerce}/sites/2`;
    const noAllowList = await fetch(`${bare.url}/woocommerce/connect-token`, {
      method: 'POST',
      headers: bareJson,
      body: JSON.stringify({ storeUrl: site }),
    });
    expect(noAllowList.status).toBe(400);
    expect(((await noAllowList.json()) as { error: { message: string } }).error.message).toContain(
      `add 127.0.0.1:${ports.woocommerce} to DOCKHAND_OUTBOUND_ALLOW_HOSTS`,
    );
  }, 120_000);
});
