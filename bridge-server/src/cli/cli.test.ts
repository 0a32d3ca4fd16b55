import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createTestDatabase } from '../../test/support/test-database.ts';
import { DEMO_ADMIN } from './demo.ts';

const bin = fileURLToPath(new URL('../../bin/dockhand.js', import.meta.url));
const baseEnv = { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', LOG_LEVEL: 'warn' };

describe('dockhand create-org', () => {
  it('prints {"orgId","userId"} and creates the owner; refuses a taken email', async () => {
    const t = await createTestDatabase({ migrate: false });
    try {
      const run = spawnSync(
        process.execPath,
        [bin, 'create-org', '--name', 'Acme 3PL', '--admin-email', 'ops@acme.test', '--admin-password', 'a long password'],
        { env: { ...baseEnv, DATABASE_URL: t.ownerUrl }, encoding: 'utf8', timeout: 60_000 },
      );
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      const output = JSON.parse(run.stdout) as { orgId: string; userId: string };
      expect(Object.keys(output).sort()).toEqual(['orgId', 'userId']);
      const [org] = await t.db.owner<{ name: string }[]>`select name from organizations where id = ${output.orgId}`;
      expect(org!.name).toBe('Acme 3PL');
      const [user] = await t.db.owner<{ role: string }[]>`select role from users where id = ${output.userId}`;
      expect(user!.role).toBe('owner');

      const again = spawnSync(
        process.execPath,
        [bin, 'create-org', '--name', 'Other', '--admin-email', 'ops@acme.test', '--admin-password', 'a long password'],
        { env: { ...baseEnv, DATABASE_URL: t.ownerUrl }, encoding: 'utf8', timeout: 60_000 },
      );
      expect(again.status).toBe(1);
      expect(again.stderr).toContain('already exists');
    } finally {
      await t.drop();
    }
  });

  it('explains missing options', () => {
    const run = spawnSync(process.execPath, [bin, 'create-org', '--name', 'X'], {
      env: baseEnv,
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('create-org needs --name, --admin-email and --admin-password');
  });
});

/** Starts `dockhand demo` and resolves with the API URL once it has printed it. */
function startDemo(dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [bin, 'demo'], {
    env: { ...baseEnv, PORT: '0', DOCKHAND_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const match = /^\s+API\s+(http:\/\/\S+)$/.exec(line);
      if (match) resolve({ child, url: match[1]! });
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

describe('dockhand demo (npm start) with no environment', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('prints its URL, is healthy on PGlite, and keeps data across a restart', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'dockhand-demo-'));
    dirs.push(dataDir);
    const first = await startDemo(dataDir);
    let storeId: string;
    try {
      const health = await (await fetch(`${first.url}/health`)).json();
      expect(health).toMatchObject({ status: 'ok', checks: { database: 'ok' } });
      const login = await fetch(`${first.url}/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(DEMO_ADMIN),
      });
      expect(login.status).toBe(200);
      const token = ((await login.json()) as { data: { accessToken: string } }).data.accessToken;
      const created = await fetch(`${first.url}/v1/stores`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ platform: 'shopify', name: 'Persisted', shopDomain: 'persisted.myshopify.com' }),
      });
      expect(created.status).toBe(201);
      storeId = ((await created.json()) as { data: { id: string } }).data.id;
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
    } finally {
      expect(await stop(first.child)).toBe(0);
    }

    const second = await startDemo(dataDir);
    try {
      const login = await fetch(`${second.url}/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(DEMO_ADMIN),
      });
      const token = ((await login.json()) as { data: { accessToken: string } }).data.accessToken;
      const store = await fetch(`${second.url}/v1/stores/${storeId}`, { headers: { authorization: `Bearer ${token}` } });
      expect(store.status).toBe(200);
      expect(((await store.json()) as { data: { name: string } }).data.name).toBe('Persisted');
    } finally {
      expect(await stop(second.child)).toBe(0);
    }
  });
});
