import { spawn, spawnSync } from 'node:child_process';
import { cp, mkdtemp, rm, writeFile, appendFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { KeyRing } from '../security/key-ring.ts';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database.ts';
import { openDatabase } from './database.ts';
import { MigrationChecksumError } from './errors.ts';
import { migrate, MIGRATIONS_TABLE, pendingMigrations, readMigrations } from './migrator.ts';
import { migrationsDir } from './paths.ts';
import { readWithPrincipal, systemPrincipal, withPrincipal } from './principal.ts';
import { statement } from './statement.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function freshDatabase(): Promise<TestDatabase> {
  const t = await createTestDatabase({ migrate: false });
  cleanups.push(() => t.drop());
  return t;
}

/**
 * The storage options of the search indexes: since 0017 they keep no pending list, so no live
 * write pays for merging thousands of others' entries (0020 and 0021 replaced them with keys per
 * organization, created the same way).
 */
const SEARCH_INDEXES = [
  'customers_search_keys_idx',
  'orders_search_keys_idx',
  'product_variants_search_keys_idx',
  'products_search_keys_idx',
];
async function searchIndexOptions(
  owner: TestDatabase['db']['owner'],
): Promise<Array<{ name: string; options: string[] | null }>> {
  return owner<{ name: string; options: string[] | null }[]>`
    select c.relname as name, c.reloptions as options from pg_class c
    where c.relname = any(${SEARCH_INDEXES}) and c.relkind = 'i' order by c.relname`;
}
const withoutPendingList = SEARCH_INDEXES.map((name) => ({ name, options: ['fastupdate=off'] }));

async function copyOfMigrations(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'dockhand-migrations-'));
  await cp(migrationsDir, dir, { recursive: true });
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

describe('migrate', () => {
  it('applies every file once and records a checksum for each', async () => {
    const t = await freshDatabase();
    const files = await readMigrations();
    const first = await migrate(t.db.owner);
    expect(first.applied).toEqual(files.map((file) => file.name));
    const again = await migrate(t.db.owner);
    expect(again.applied).toEqual([]);
    const rows = await t.db.owner<
      { name: string; checksum: string }[]
    >`select name, checksum from ${t.db.owner(MIGRATIONS_TABLE)} order by name`;
    expect(rows).toEqual(files.map((file) => ({ name: file.name, checksum: file.checksum })));
    expect(await searchIndexOptions(t.db.owner)).toEqual(withoutPendingList);
  });

  describe('when several processes migrate at once', () => {
    it('applies each file exactly once and all of them succeed', async () => {
      const t = await freshDatabase();
      const others = await Promise.all([1, 2].map(() => openDatabase({ databaseUrl: t.ownerUrl, dataDir: '' })));
      cleanups.push(async () => {
        await Promise.all(others.map((db) => db.close()));
      });
      const results = await Promise.allSettled([migrate(t.db.owner), ...others.map((db) => migrate(db.owner))]);
      expect(results.map((result) => result.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
      const appliedCounts = results.map((result) => (result.status === 'fulfilled' ? result.value.applied.length : -1));
      const files = await readMigrations();
      expect(appliedCounts.sort()).toEqual([0, 0, files.length]);
    });
  });

  describe('when an applied file was edited', () => {
    it('refuses to run, naming the file, and changes nothing', async () => {
      const t = await freshDatabase();
      const dir = await copyOfMigrations();
      await migrate(t.db.owner, { dir });
      const [first] = await readMigrations(dir);
      await appendFile(join(dir, first!.name), '\n-- sneaky edit\n');
      await writeFile(join(dir, '0999_later.sql'), 'create table later_table (id int);');
      const error = await migrate(t.db.owner, { dir }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(MigrationChecksumError);
      expect((error as Error).message).toContain(first!.name);
      const [later] = await t.db.owner<{ exists: boolean }[]>`select to_regclass('later_table') is not null as exists`;
      expect(later!.exists).toBe(false);
    });
  });

  it('rolls back a failing migration and reports which file failed', async () => {
    const t = await freshDatabase();
    const dir = await copyOfMigrations();
    await writeFile(join(dir, '0998_broken.sql'), 'create table half_done (id int);\nselect * from no_such_table;');
    await expect(migrate(t.db.owner, { dir })).rejects.toThrow(/0998_broken\.sql failed/);
    const [half] = await t.db.owner<{ exists: boolean }[]>`select to_regclass('half_done') is not null as exists`;
    expect(half!.exists).toBe(false);
  });

  it('rejects a badly named migration file', async () => {
    const dir = await copyOfMigrations();
    await writeFile(join(dir, 'add-things.sql'), 'select 1;');
    await expect(readMigrations(dir)).rejects.toThrow(/must look like 0001_description\.sql/);
  });
});

describe('the same migrations on PGlite', () => {
  let dataDir: string;
  afterAll(async () => {
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('apply, enforce row-level security, and keep data across a restart', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'dockhand-pglite-'));
    const orgA = randomUUID();
    const orgB = randomUUID();
    let db = await openDatabase({ dataDir });
    try {
      expect(db.kind).toBe('pglite');
      const result = await migrate(db.owner);
      expect(result.applied.length).toBe((await readMigrations()).length);
      expect(await searchIndexOptions(db.owner)).toEqual(withoutPendingList);
      for (const [org, name] of [
        [orgA, 'A'],
        [orgB, 'B'],
      ] as const) {
        await withPrincipal(db, systemPrincipal(org), (tx) => tx`insert into organizations (id, name) values (${org}, ${name})`);
      }
      const visible = await withPrincipal(
        db,
        systemPrincipal(orgA),
        (tx) => tx<{ name: string; who: string }[]>`
        select name, current_user as who from organizations`,
      );
      expect(visible).toEqual([{ name: 'A', who: 'dockhand_app' }]);
      // The read path has no second pool here: it runs in a read-only transaction on the one connection.
      expect(db.reader).toBeUndefined();
      const read = await readWithPrincipal(
        db,
        systemPrincipal(orgB),
        statement`select name, current_user as who from organizations where name = any(${['A', 'B']})`,
      );
      expect(read).toEqual([{ name: 'B', who: 'dockhand_app' }]);
      await expect(
        readWithPrincipal(db, systemPrincipal(orgB), statement`update organizations set name = ${'C'} returning id`),
      ).rejects.toThrow(/read-only transaction/);
      await expect(
        withPrincipal(
          db,
          systemPrincipal(orgA),
          (tx) => tx`insert into audit_log (org_id, actor_kind, action) values (${orgB}, 'system', 'x')`,
        ),
      ).rejects.toThrow(/row-level security/);
    } finally {
      await db.close();
    }
    db = await openDatabase({ dataDir });
    try {
      expect((await migrate(db.owner)).applied).toEqual([]);
      const names = await withPrincipal(
        db,
        systemPrincipal(orgB),
        (tx) => tx<{ name: string }[]>`select name from organizations`,
      );
      expect(names).toEqual([{ name: 'B' }]);
    } finally {
      await db.close();
    }
  });
});

describe('pendingMigrations', () => {
  it('names every file on a database never migrated, then only the files added since', async () => {
    const t = await freshDatabase();
    const files = (await readMigrations()).map((file) => file.name);
    expect(await pendingMigrations(t.db.owner)).toEqual(files);
    await migrate(t.db.owner);
    expect(await pendingMigrations(t.db.owner)).toEqual([]);
    const dir = await copyOfMigrations();
    await writeFile(join(dir, '9999_later.sql'), 'select 1;');
    expect(await pendingMigrations(t.db.owner, { dir })).toEqual(['9999_later.sql']);
  });
});

describe('when dockhand serve meets a database with pending migrations', () => {
  const bin = fileURLToPath(new URL('../../bin/dockhand.js', import.meta.url));
  const env = (databaseUrl: string) => ({
    PATH: process.env['PATH'] ?? '',
    HOME: process.env['HOME'] ?? '',
    LOG_LEVEL: 'info',
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: databaseUrl,
    DOCKHAND_KEYS: `k1:${KeyRing.generateKey()}`,
    DOCKHAND_JWT_SECRET: 'x'.repeat(40),
  });

  it('refuses to start, with one line naming `dockhand migrate`', async () => {
    const t = await freshDatabase();
    const run = spawnSync(process.execPath, [bin, 'serve'], { env: env(t.ownerUrl), encoding: 'utf8', timeout: 60_000 });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^dockhand: the database is missing \d+ migrations \(0001_foundation\.sql, .*`dockhand migrate`/);
    expect(await pendingMigrations(t.db.owner)).toEqual((await readMigrations()).map((file) => file.name));
  });

  it('starts with --migrate, migrating first, and /health is ok', async () => {
    const t = await freshDatabase();
    const child = spawn(process.execPath, [bin, 'serve', '--migrate'], {
      env: env(t.ownerUrl),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout! }).on('line', (line) => {
          const entry = JSON.parse(line) as { msg?: string; url?: string };
          if (entry.msg === 'listening' && entry.url) resolve(entry.url);
        });
        void exited.then((code) => reject(new Error(`serve exited with ${code}`)));
      });
      const health = await fetch(`${url}/health`);
      expect(health.status).toBe(200);
      expect(await pendingMigrations(t.db.owner)).toEqual([]);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  });
});
