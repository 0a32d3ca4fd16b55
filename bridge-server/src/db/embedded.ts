import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { citext } from '@electric-sql/pglite/contrib/citext';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

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
  const dir = resolve(dataDir, 'pgdata');
  await mkdir(dir, { recursive: true });
  const db = await PGlite.create({ dataDir: dir, extensions: { citext } });
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0 });
  await server.start();
  const address = (server as unknown as { server: { address(): AddressInfo } }).server.address();
  return {
    url: `postgres://postgres@127.0.0.1:${address.port}/postgres?sslmode=disable`,
    dataDir: dir,
    stop: async () => {
      await server.stop();
      await db.close();
    },
  };
}
