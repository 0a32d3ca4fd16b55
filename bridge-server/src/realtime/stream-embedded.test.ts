import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SseClient } from '../../test/support/sse-client.ts';
import { apiClient, captureLogs, PASSWORD, testSecrets, uniqueEmail } from '../../test/support/test-server.ts';
import { loadConfig } from '../config/env.ts';
import { openDatabase, type Database } from '../db/database.ts';
import { systemPrincipal, withPrincipal } from '../db/principal.ts';
import { createOrganization } from '../domain/users/user-service.ts';
import { createRuntime, listen, type RunningServer, type Runtime } from '../runtime.ts';
import { EmbeddedSyncRunner } from '../sync/embedded-sync-runner.ts';
import { emitEvents } from './outbox.ts';

let dataDir: string;
let db: Database;
let runtime: Runtime;
let server: RunningServer;
let orgId: string;
let token: string;

const emit = (subjectId: string) =>
  withPrincipal(db, systemPrincipal(orgId), (tx) =>
    emitEvents(tx, orgId, [{ type: 'order.updated', storeId: null, subjectId }]),
  ).then(([id]) => id!);

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'dockhand-stream-'));
  db = await openDatabase({ dataDir });
  const config = loadConfig({ ...testSecrets(), DOCKHAND_DATA_DIR: dataDir, LOG_LEVEL: 'info' });
  runtime = await createRuntime(config, { db, migrate: true, logger: captureLogs().logger, sync: new EmbeddedSyncRunner(db) });
  server = await listen(runtime.ctx, 0, '127.0.0.1');
  const email = uniqueEmail('embedded');
  ({ orgId } = await createOrganization(db, { name: 'Embedded', adminEmail: email, adminPassword: PASSWORD }));
  const login = await apiClient(server.url)('POST', '/v1/auth/login', { body: { email, password: PASSWORD } });
  token = login.body.data.accessToken as string;
});

afterAll(async () => {
  await server?.close();
  await runtime?.close();
  await db?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('the event stream on embedded PGlite', () => {
  it('hears NOTIFY through the one shared connection, and resumes with Last-Event-ID', async () => {
    expect(db.kind).toBe('pglite');
    const client = await SseClient.open(server.url, { token });
    let resumed: SseClient | undefined;
    try {
      const ready = await client.next();
      expect(ready.event).toBe('ready');
      const first = await emit('first');
      expect(await client.next()).toMatchObject({ id: first, event: 'order.updated', json: { subjectId: 'first' } });
      client.close();
      const missed = [await emit('second'), await emit('third')];
      resumed = await SseClient.open(server.url, { token, lastEventId: first });
      expect((await resumed.next()).event).toBe('ready');
      expect((await resumed.next()).id).toBe(missed[0]);
      expect((await resumed.next()).id).toBe(missed[1]);
      const live = await emit('live');
      expect((await resumed.next()).id).toBe(live);
      expect(resumed.events().map((message) => message.json.subjectId)).toEqual(['second', 'third', 'live']);
    } finally {
      client.close();
      resumed?.close();
    }
  });
});
