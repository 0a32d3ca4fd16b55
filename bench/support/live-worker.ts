/**
 * The worker side of the live benchmark, run as its own process as `dockhand worker` runs:
 * BullMQ/Redis apply workers that turn inbox rows into orders (and outbox events). Prints one
 * JSON line once its workers run.
 */
import { loadConfig } from '../../bridge-server/src/config/env.ts';
import { createLogger } from '../../bridge-server/src/logger.ts';
import { createRuntime, startSyncWorkers } from '../../bridge-server/src/runtime.ts';
import { createQueueBackend } from '../../bridge-server/src/sync/queue-backend.ts';
import { QueueSyncRunner } from '../../bridge-server/src/sync/sync-queues.ts';

const config = loadConfig({ ...process.env, LOG_LEVEL: 'warn' });
const backend = await createQueueBackend({ redisUrl: config.redisUrl, prefix: process.env['BENCH_QUEUE_PREFIX'] });
const runtime = await createRuntime(config, { logger: createLogger('warn'), sync: new QueueSyncRunner(backend) });
await startSyncWorkers(runtime.ctx, { reconcileEveryMs: 3_600_000 });
process.stdout.write(`${JSON.stringify({ worker: 'started' })}\n`);
process.once('SIGTERM', async () => {
  await runtime.close();
  process.exit(0);
});
