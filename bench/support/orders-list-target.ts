/**
 * The Dockhand side of the orders-list benchmark, run as its own process: the real server
 * (authentication, the permission policy, rate limits, validation, readWithPrincipal under
 * row-level security). Prints one JSON line with its URL once it listens.
 */
import { loadConfig } from '../../bridge-server/src/config/env.ts';
import { openDatabase } from '../../bridge-server/src/db/database.ts';
import { createLogger } from '../../bridge-server/src/logger.ts';
import { createRuntime, listen } from '../../bridge-server/src/runtime.ts';
import { EmbeddedSyncRunner } from '../../bridge-server/src/sync/embedded-sync-runner.ts';

const config = loadConfig({ ...process.env, LOG_LEVEL: 'warn' });
const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, timeouts: config.dbTimeouts });
// No sync work runs in this benchmark: the in-process runner keeps queues out of the picture.
const runtime = await createRuntime(config, { db, logger: createLogger('warn'), sync: new EmbeddedSyncRunner(db) });
// The limiters still run on every request; their limits are raised so the load is measured, not refused.
const server = await listen(runtime.ctx, 0, '127.0.0.1', { rateLimits: { perIp: 100_000_000, perPrincipal: 100_000_000 } });
process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
process.once('SIGTERM', async () => {
  await server.close();
  await runtime.close();
  await db.close();
  process.exit(0);
});
