import { randomBytes } from 'node:crypto';
import { copyFile, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectPostgres, openDatabase, type Database } from '../../src/db/database.ts';
import { migrate } from '../../src/db/migrator.ts';
import { migrationsDir } from '../../src/db/paths.ts';

/** The server every test talks to; a superuser connection to its maintenance database. */
export const adminUrl = process.env['DOCKHAND_TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  name: string;
  ownerUrl: string;
  db: Database;
  drop(): Promise<void>;
}

/** Creates a database with a unique name, optionally migrated, and drops it afterwards. */
export async function createTestDatabase(options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const name = `dockhand_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = connectPostgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const ownerUrl = url.toString();
  const db = await openDatabase({ databaseUrl: ownerUrl, dataDir: '', appPoolSize: 4 });
  if (options.migrate !== false) await migrate(db.owner);
  return {
    name,
    ownerUrl,
    db,
    drop: async () => {
      await db.close();
      const cleanup = connectPostgres(adminUrl, { max: 1, onnotice: () => {} });
      await cleanup.unsafe(`drop database if exists ${name} with (force)`);
      await cleanup.end();
    },
  };
}

/**
 * Migrates a database as it was before the migration `file` (the files that sort before it), for
 * tests of what that migration does to rows written before it.
 */
export async function migrateUpTo(owner: Database['owner'], file: string): Promise<void> {
  const earlier = await mkdtemp(join(tmpdir(), 'dockhand-migrations-'));
  try {
    for (const name of await readdir(migrationsDir)) {
      if (name.endsWith('.sql') && name < file) await copyFile(join(migrationsDir, name), join(earlier, name));
    }
    await migrate(owner, { dir: earlier });
  } finally {
    await rm(earlier, { recursive: true, force: true });
  }
}
