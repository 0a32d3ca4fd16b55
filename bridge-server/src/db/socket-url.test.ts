import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database.ts';
import { openDatabase, type Database } from './database.ts';
import { readWithPrincipal, systemPrincipal, withPrincipal } from './principal.ts';
import { statement } from './statement.ts';

let t: TestDatabase;
/** The directory of the test server's Unix socket, as the server reports it. */
let socketDir: string;

beforeAll(async () => {
  t = await createTestDatabase();
  const [row] = await t.db.owner<{ dirs: string }[]>`select current_setting('unix_socket_directories') as dirs`;
  socketDir = row!.dirs.split(',')[0]!.trim();
  if (!socketDir.startsWith('/')) throw new Error(`the test server listens on no Unix socket directory (${row!.dirs})`);
});

afterAll(async () => {
  await t?.drop();
});

/** The owner's URL naming the socket directory the two ways libpq reads. */
const socketUrls = () => {
  const tcp = new URL(t.ownerUrl);
  const parameter = new URL(t.ownerUrl);
  parameter.searchParams.set('host', socketDir);
  return {
    'a host parameter': parameter.toString(),
    'a percent-encoded host': `postgres://${tcp.username}@${encodeURIComponent(socketDir)}${tcp.pathname}`,
  };
};

describe('a DATABASE_URL that names a Unix socket, as libpq reads it', () => {
  for (const form of ['a host parameter', 'a percent-encoded host'] as const) {
    it(`connects every pool and the listener through the socket, given ${form}`, async () => {
      const db: Database = await openDatabase({ databaseUrl: socketUrls()[form], dataDir: '', appPoolSize: 2 });
      try {
        // inet_server_addr() is null on a Unix-socket connection.
        const overSocket = statement`select inet_server_addr() is null as socket`;
        const [owner] = await db.owner<{ socket: boolean }[]>`select inet_server_addr() is null as socket`;
        const [health] = await db.health<{ socket: boolean }[]>`select inet_server_addr() is null as socket`;
        const orgId = randomUUID();
        const [app] = await withPrincipal(
          db,
          systemPrincipal(orgId),
          (tx) => tx<{ socket: boolean }[]>`select inet_server_addr() is null as socket`,
        );
        const [read] = await readWithPrincipal<{ socket: boolean }>(db, systemPrincipal(orgId), overSocket);
        expect([owner?.socket, health?.socket, app?.socket, read?.socket]).toEqual([true, true, true, true]);

        const channel = `socket_${randomUUID().slice(0, 8)}`;
        let notified!: (payload: string) => void;
        const payload = new Promise<string>((resolve) => (notified = resolve));
        let listening!: () => void;
        const ready = new Promise<void>((resolve) => (listening = resolve));
        const listener = await db.listen(channel, { onNotify: notified, onListening: listening });
        await ready;
        await t.db.owner`select pg_notify(${channel}, 'over the socket')`;
        expect(await payload).toBe('over the socket');
        await listener.close();
      } finally {
        await db.close();
      }
    });
  }
});
