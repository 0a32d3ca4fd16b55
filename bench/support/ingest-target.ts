/**
 * The Dockhand side of the ingest benchmark, run as its own process: the real server with
 * the real ingest path (verify, store in the inbox, enqueue on BullMQ/Redis). Prints one JSON
 * line with its URL once it listens.
 */
import { loadConfig } from '../../bridge-server/src/config/env.ts';
import { createLogger } from '../../bridge-server/src/logger.ts';
import { createRuntime, listen } from '../../bridge-server/src/runtime.ts';
import { createQueueBackend } from '../../bridge-server/src/sync/queue-backend.ts';
import { QueueSyncRunner } from '../../bridge-server/src/sync/sync-queues.ts';

const config = loadConfig({ ...process.env, LOG_LEVEL: 'warn' });
const backend = await createQueueBackend({ redisUrl: config.redisUrl, prefix: process.env['BENCH_QUEUE_PREFIX'] });
const runtime = await createRuntime(config, { logger: createLogger('warn'), sync: new QueueSyncRunner(backend) });
const server = await listen(runtime.ctx, 0, '127.0.0.1', { rateLimits: { perIp: 10_000_000 } });
process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
process.once('SIGTERM', async () => {
  await server.close();
  await runtime.close();
  process.exit(0);
});
