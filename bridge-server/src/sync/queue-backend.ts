import {
  createPostgresBackend,
  Queue,
  QueueEvents,
  withBackend,
  Worker,
  type DefaultJobOptions,
  type IQueueBackend,
  type JobProgress,
  type Processor,
} from 'bullmq';
import { connectRedis } from '../redis.ts';

export type QueueBackendKind = 'redis' | 'postgres';

/**
 * Queue, worker and event-stream types that hold on either backend. BullMQ's own defaults
 * type them as Redis-backed; the sync code never touches the datastore underneath, so it
 * sees only the backend-neutral surface. (BullMQ's connection-options type parameter is
 * invariant, hence the one cast per constructor below.)
 */
export type JobQueue<T> = Queue<T, unknown, string, T, unknown, string, IQueueBackend, unknown>;
export type JobWorker<T> = Worker<T, unknown, string, IQueueBackend, JobProgress, unknown>;
export type JobEvents = QueueEvents<unknown, IQueueBackend, unknown>;

export interface QueueBackendOptions {
  /** BullMQ on this Redis when set. */
  redisUrl?: string | undefined;
  /** The owner's database URL, used by the PostgreSQL backend when no Redis URL is given. */
  databaseUrl?: string | undefined;
  /**
   * Namespace of every queue: the Redis key prefix, or the PostgreSQL schema the backend
   * creates and migrates. Tests pass unique ones. Letters, digits and underscores.
   */
  prefix?: string | undefined;
  /** Merged over {@link DEFAULT_JOB_OPTIONS} for every queue. */
  defaultJobOptions?: DefaultJobOptions | undefined;
  /** Connection and worker errors that BullMQ reports as events rather than rejections. */
  onError?: ((error: Error, source: string) => void) | undefined;
  /**
   * How long close() lets active jobs finish and connections say goodbye; after that it drops
   * the connections, so shutdown ends even when Redis or the database is gone. Default 5 s.
   */
  closeTimeoutMs?: number | undefined;
}

export interface QueueWorkerOptions {
  concurrency?: number;
  /** How long a job stays claimed without a heartbeat before another worker may take it over. */
  lockDuration?: number;
  /** How often this worker looks for jobs whose worker died (stalled jobs). */
  stalledInterval?: number;
}

export interface QueueBackend {
  readonly kind: QueueBackendKind;
  /** Where the queues live, for messages (no password). */
  readonly description: string;
  queue<T>(name: string): JobQueue<T>;
  worker<T>(name: string, processor: Processor<T>, options?: QueueWorkerOptions): JobWorker<T>;
  /** A queue's event stream, e.g. for `job.waitUntilFinished(events)`. */
  events(name: string): JobEvents;
  /** Closes workers first (letting active jobs finish), then queues, events and connections. */
  close(): Promise<void>;
}

export const DEFAULT_QUEUE_PREFIX = 'dockhand_queue';

export const DEFAULT_CLOSE_TIMEOUT_MS = 5_000;

/**
 * Platform APIs fail in bursts (429s, 5xx, deploys). Eight attempts with exponential
 * backoff from 2 s span a little over four minutes; the jitter spreads the retries of a
 * burst so they do not hit the store again in lockstep. Finished jobs are pruned so the
 * queue does not grow without bound; the truth lives in the database tables anyway.
 */
export const DEFAULT_JOB_OPTIONS: Readonly<DefaultJobOptions> = Object.freeze({
  attempts: 8,
  backoff: { type: 'exponential', delay: 2_000, jitter: 0.5 },
  removeOnComplete: { count: 1_000, age: 24 * 3_600 },
  removeOnFail: { count: 10_000, age: 7 * 24 * 3_600 },
});

const PREFIX_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

function redactUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

/**
 * The one place that decides where queues live: BullMQ on Redis when `redisUrl` is set,
 * otherwise BullMQ's PostgreSQL backend in its own schema of the same database.
 */
export async function createQueueBackend(options: QueueBackendOptions): Promise<QueueBackend> {
  const prefix = options.prefix ?? DEFAULT_QUEUE_PREFIX;
  if (!PREFIX_PATTERN.test(prefix)) {
    throw new Error(`Queue prefix ${JSON.stringify(prefix)} must be letters, digits and underscores.`);
  }
  const defaultJobOptions: DefaultJobOptions = { ...DEFAULT_JOB_OPTIONS, ...options.defaultJobOptions };
  const reportError = options.onError ?? ((error: Error, source: string) => console.error(`[queue ${source}]`, error.message));
  const closeTimeoutMs = options.closeTimeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS;
  if (options.redisUrl) return createRedisQueueBackend(options.redisUrl, prefix, defaultJobOptions, reportError, closeTimeoutMs);
  if (options.databaseUrl) {
    return createPostgresQueueBackend(options.databaseUrl, prefix, defaultJobOptions, reportError, closeTimeoutMs);
  }
  // Not the embedded PGlite: pglite-socket multiplexes every socket onto PGlite's single
  // session message by message, and BullMQ's backend always uses several sockets (a pool
  // plus a LISTEN client), so their extended-protocol batches clobber each other.
  throw new Error('A queue backend needs REDIS_URL or a PostgreSQL DATABASE_URL.');
}

type ErrorReporter = (error: Error, source: string) => void;

interface Closable {
  close(): Promise<void>;
}

/** Tracks what a backend created so close() can shut it down in a safe order. */
class Resources {
  readonly workers: Array<Closable & { close(force?: boolean): Promise<void> }> = [];
  readonly others: Closable[] = [];

  async close(): Promise<void> {
    // Workers first: a graceful close lets their active jobs finish while queues still exist.
    await Promise.allSettled(this.workers.map((worker) => worker.close()));
    await Promise.allSettled(this.others.map((other) => other.close()));
  }

  /** Stops workers without waiting for their jobs (their locks expire; another worker retries them). */
  forceClose(): void {
    for (const worker of this.workers) void worker.close(true).catch(() => {});
  }
}

/** Resolves true when `work` settles within `ms`, false when the time is up first. */
async function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeUp = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([
      work.then(
        () => true,
        () => true,
      ),
      timeUp,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

async function createRedisQueueBackend(
  redisUrl: string,
  prefix: string,
  defaultJobOptions: DefaultJobOptions,
  reportError: ErrorReporter,
  closeTimeoutMs: number,
): Promise<QueueBackend> {
  // BullMQ's blocking worker commands must wait for Redis to come back instead of failing
  // after a few retries, hence maxRetriesPerRequest: null. Workers and event streams share this
  // connection; BullMQ duplicates it for each one's blocking connection.
  const connection = await connectRedis(redisUrl, { maxRetriesPerRequest: null });
  // Producers (Queue: add, schedulers) fail fast instead, as BullMQ's production notes advise:
  // with no offline queue a command fails at once while Redis is away, and commandTimeout ends
  // one that Redis accepted but never answered. A request that enqueues then answers 503.
  const producer = await connectRedis(redisUrl, {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    commandTimeout: 2_000,
  }).catch((error: unknown) => {
    connection.disconnect();
    throw error;
  });
  connection.on('error', (error: Error) => reportError(error, 'redis'));
  producer.on('error', (error: Error) => reportError(error, 'redis'));
  const resources = new Resources();
  const watch = <E extends Queue | Worker | QueueEvents>(emitter: E, source: string): E => {
    (emitter as unknown as NodeJS.EventEmitter).on('error', (error: Error) => reportError(error, source));
    return emitter;
  };
  return {
    kind: 'redis',
    description: redactUrl(redisUrl),
    queue<T>(name: string): JobQueue<T> {
      const queue = watch(new Queue<T>(name, { connection: producer, prefix, defaultJobOptions }), name);
      resources.others.push(queue);
      return queue as unknown as JobQueue<T>;
    },
    worker<T>(name: string, processor: Processor<T>, workerOptions: QueueWorkerOptions = {}): JobWorker<T> {
      const worker = watch(new Worker<T>(name, processor, { connection, prefix, ...workerOptions }), name);
      resources.workers.push(worker);
      return worker as unknown as JobWorker<T>;
    },
    events(name: string): JobEvents {
      const events = watch(new QueueEvents(name, { connection, prefix }), name);
      resources.others.push(events);
      return events as unknown as JobEvents;
    },
    close: async () => {
      const graceful = (async () => {
        await resources.close();
        await Promise.allSettled([connection, producer].map((client) => (client.status === 'ready' ? client.quit() : undefined)));
      })();
      if (!(await settlesWithin(graceful, closeTimeoutMs))) {
        reportError(new Error(`queues did not close within ${closeTimeoutMs} ms; dropping their connections`), 'close');
        resources.forceClose();
      }
      connection.disconnect();
      producer.disconnect();
    },
  };
}

const Postgres = withBackend(createPostgresBackend);

async function createPostgresQueueBackend(
  databaseUrl: string,
  prefix: string,
  defaultJobOptions: DefaultJobOptions,
  reportError: ErrorReporter,
  closeTimeoutMs: number,
): Promise<QueueBackend> {
  // Each queue, worker and event stream owns a small pg pool, plus one dedicated LISTEN
  // connection for workers and event streams. `migrate: true` creates or upgrades the
  // schema on first use (serialized across processes by an advisory lock).
  const connection = {
    connectionString: databaseUrl,
    schema: prefix,
    migrate: true,
    max: 4,
    application_name: 'dockhand-queue',
  };
  const resources = new Resources();
  const watch = <E extends NodeJS.EventEmitter>(emitter: E, source: string): E => {
    emitter.on('error', (error: Error) => reportError(error, source));
    return emitter;
  };
  // Migrate now, so a bad URL or an unusable server stops start-up here, not at the first job.
  const probe = new Postgres.Queue('migration_probe', { connection });
  try {
    await probe.waitUntilReady();
  } finally {
    await probe.close();
  }
  return {
    kind: 'postgres',
    description: `${redactUrl(databaseUrl)} (schema ${prefix})`,
    queue<T>(name: string): JobQueue<T> {
      const queue = watch(new Postgres.Queue<T>(name, { connection, defaultJobOptions }), name);
      resources.others.push(queue);
      return queue as unknown as JobQueue<T>;
    },
    worker<T>(name: string, processor: Processor<T>, workerOptions: QueueWorkerOptions = {}): JobWorker<T> {
      const worker = watch(new Postgres.Worker<T>(name, processor, { connection, ...workerOptions }), name);
      resources.workers.push(worker);
      return worker as unknown as JobWorker<T>;
    },
    events(name: string): JobEvents {
      const events = watch(new Postgres.QueueEvents(name, { connection }), name);
      resources.others.push(events);
      return events as unknown as JobEvents;
    },
    close: async () => {
      if (!(await settlesWithin(resources.close(), closeTimeoutMs))) {
        reportError(new Error(`queues did not close within ${closeTimeoutMs} ms`), 'close');
        resources.forceClose();
      }
    },
  };
}
