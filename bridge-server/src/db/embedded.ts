import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { btree_gin } from '@electric-sql/pglite/contrib/btree_gin';
import { citext } from '@electric-sql/pglite/contrib/citext';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { makeTreePrivate, privateDirectory } from './private-files.ts';

export interface EmbeddedPostgres {
  url: string;
  dataDir: string;
  stop(): Promise<void>;
}

/**
 * A real Postgres engine (PGlite) kept on disk under `dataDir`, served on a loopback port so
 * the same `postgres` driver and the same SQL migrations work unchanged.
 */
export async function startEmbeddedPostgres(dataDir: string): Promise<EmbeddedPostgres> {
  // The data folder holds everything (and the demo's secrets): private to the user.
  await privateDirectory(resolve(dataDir));
  const dir = resolve(dataDir, 'pgdata');
  await privateDirectory(dir);
  // The contrib extensions the migrations create (order search: pg_trgm, btree_gin).
  const db = await PGlite.create({ dataDir: dir, extensions: { citext, pg_trgm, btree_gin } });
  await makeTreePrivate(dir);
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0 });
  await server.start();
  const address = (server as unknown as { server: { address(): AddressInfo } }).server.address();
  return {
    url: `postgres://postgres@127.0.0.1:${address.port}/postgres?sslmode=disable`,
    dataDir: dir,
    stop: async () => {
      await server.stop();
      await db.close();
      await makeTreePrivate(dir);
    },
  };
}
