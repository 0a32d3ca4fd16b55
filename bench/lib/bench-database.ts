import { randomBytes } from 'node:crypto';
import { connectPostgres } from '../../bridge-server/src/db/database.ts';

/** The PostgreSQL server benchmarks run on: a superuser connection to its maintenance database. */
const adminUrl = process.env['BENCH_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface BenchDatabase {
  name: string;
  /** The owner's URL of the new database. */
  url: string;
  /** Drops the database (unless `keep`) and closes the admin connection. */
  release(options?: { keep?: boolean }): Promise<void>;
}

/** A fresh, empty database with a unique name, for one benchmark run. */
export async function createBenchDatabase(label: string): Promise<BenchDatabase> {
  const name = `dockhand_bench_${label}_${randomBytes(4).toString('hex')}`;
  const admin = connectPostgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    release: async ({ keep = false } = {}) => {
      if (!keep) await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}
