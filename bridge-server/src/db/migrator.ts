import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Sql } from 'postgres';
import { MigrationChecksumError, MigrationFailedError } from './errors.ts';
import { migrationsDir } from './paths.ts';

/** Bookkeeping table; the one table allowed to go without row-level security. */
export const MIGRATIONS_TABLE = 'dockhand_migrations';
const LOCK_KEY = 'dockhand.migrate';
const FILE_PATTERN = /^(\d{4})_[a-z0-9_]+\.sql$/;

export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrationResult {
  applied: string[];
  alreadyApplied: string[];
}

export async function readMigrations(dir = migrationsDir): Promise<MigrationFile[]> {
  const names = (await readdir(dir)).filter((name) => name.endsWith('.sql')).sort();
  const files: MigrationFile[] = [];
  for (const name of names) {
    if (!FILE_PATTERN.test(name)) {
      throw new Error(`Migration file name ${name} must look like 0001_description.sql (lower case, underscores)`);
    }
    const sql = await readFile(join(dir, name), 'utf8');
    files.push({ name, sql, checksum: createHash('sha256').update(sql).digest('hex') });
  }
  const numbers = files.map((file) => file.name.slice(0, 4));
  const duplicate = numbers.find((number, index) => numbers.indexOf(number) !== index);
  if (duplicate) throw new Error(`Two migrations share the number ${duplicate}`);
  return files;
}

/** The server was started on a database that lacks migrations it needs. */
export class PendingMigrationsError extends Error {
  constructor(readonly pending: string[]) {
    super(
      `the database is missing ${pending.length} migration${pending.length === 1 ? '' : 's'} (${pending.join(', ')}): ` +
        'run `dockhand migrate` first (as the database owner), or start with `dockhand serve --migrate`',
    );
    this.name = 'PendingMigrationsError';
  }
}

/**
 * The migration files not yet applied to the database, in order; every file when it was never
 * migrated. Read-only: start-up calls it so a server never runs on a schema older than its code.
 */
export async function pendingMigrations(owner: Sql, options: { dir?: string } = {}): Promise<string[]> {
  const files = await readMigrations(options.dir);
  const [table] = await owner<{ exists: boolean }[]>`select to_regclass(${MIGRATIONS_TABLE}) is not null as exists`;
  if (!table?.exists) return files.map((file) => file.name);
  const rows = await owner<{ name: string }[]>`select name from ${owner(MIGRATIONS_TABLE)}`;
  const applied = new Set(rows.map((row) => row.name));
  return files.filter((file) => !applied.has(file.name)).map((file) => file.name);
}

/**
 * Applies pending migrations in order, each in its own transaction, as the database owner.
 * A session advisory lock serialises concurrent runs; a checksum per applied file makes an
 * edited migration stop the run before anything changes.
 */
export async function migrate(
  owner: Sql,
  options: { dir?: string; log?: (line: string) => void } = {},
): Promise<MigrationResult> {
  const files = await readMigrations(options.dir);
  const log = options.log ?? (() => {});
  const connection = await owner.reserve();
  try {
    await connection`select pg_advisory_lock(hashtext(${LOCK_KEY}))`;
    try {
      await connection.unsafe(`
        create table if not exists ${MIGRATIONS_TABLE} (
          name text primary key,
          checksum text not null,
          applied_at timestamptz not null default now()
        )`);
      const rows = await connection<{ name: string; checksum: string }[]>`
        select name, checksum from ${connection(MIGRATIONS_TABLE)} order by name`;
      const applied = new Map(rows.map((row) => [row.name, row.checksum]));
      for (const file of files) {
        const checksum = applied.get(file.name);
        if (checksum !== undefined && checksum !== file.checksum) {
          throw new MigrationChecksumError(file.name, checksum, file.checksum);
        }
      }
      const known = new Set(files.map((file) => file.name));
      const missing = [...applied.keys()].filter((name) => !known.has(name));
      if (missing.length > 0) {
        throw new Error(`Applied migrations are missing from the migrations folder: ${missing.join(', ')}`);
      }
      const result: MigrationResult = { applied: [], alreadyApplied: [] };
      for (const file of files) {
        if (applied.has(file.name)) {
          result.alreadyApplied.push(file.name);
          continue;
        }
        try {
          await connection.unsafe('begin');
          await connection.unsafe(file.sql);
          await connection`insert into ${connection(MIGRATIONS_TABLE)} (name, checksum) values (${file.name}, ${file.checksum})`;
          await connection.unsafe('commit');
        } catch (error) {
          await connection.unsafe('rollback').catch(() => {});
          throw new MigrationFailedError(file.name, error);
        }
        result.applied.push(file.name);
        log(`applied ${file.name}`);
      }
      return result;
    } finally {
      await connection`select pg_advisory_unlock(hashtext(${LOCK_KEY}))`.catch(() => {});
    }
  } finally {
    connection.release();
  }
}
