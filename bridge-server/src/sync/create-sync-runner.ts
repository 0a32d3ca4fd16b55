import type { Config } from '../config/env.ts';
import type { Database } from '../db/database.ts';
import { EmbeddedSyncRunner } from './embedded-sync-runner.ts';
import { createQueueBackend } from './queue-backend.ts';
import { QueueSyncRunner } from './sync-queues.ts';
import type { SyncRunner } from './sync-runner.ts';

/**
 * REDIS_URL set → BullMQ on Redis. A PostgreSQL server without Redis → BullMQ's PostgreSQL
 * backend in its own schema of the same database. Embedded PGlite → the in-process runner.
 */
export async function createSyncRunner(
  config: Pick<Config, 'redisUrl' | 'databaseUrl' | 'queuePrefix' | 'jobLockMs'> & Partial<Pick<Config, 'shutdownGraceMs'>>,
  db: Database,
  onError?: (error: Error, source: string) => void,
): Promise<SyncRunner> {
  const workerOptions = { lockDuration: config.jobLockMs, stalledInterval: Math.max(1000, Math.floor(config.jobLockMs / 2)) };
  // Half the shutdown grace for the queues; the HTTP server and the database share the rest.
  const closeTimeoutMs = Math.floor((config.shutdownGraceMs ?? 10_000) / 2);
  if (config.redisUrl) {
    return new QueueSyncRunner(
      await createQueueBackend({ redisUrl: config.redisUrl, prefix: config.queuePrefix, onError, closeTimeoutMs }),
      workerOptions,
    );
  }
  if (db.kind === 'postgres' && config.databaseUrl) {
    return new QueueSyncRunner(
      await createQueueBackend({ databaseUrl: config.databaseUrl, prefix: config.queuePrefix, onError, closeTimeoutMs }),
      workerOptions,
    );
  }
  return new EmbeddedSyncRunner(db, closeTimeoutMs);
}
