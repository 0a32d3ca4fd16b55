import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database.ts';
import {
  createQueueBackend,
  DEFAULT_JOB_OPTIONS,
  type JobWorker,
  type QueueBackend,
  type QueueBackendKind,
  type QueueBackendOptions,
} from './queue-backend.ts';

const redisUrl = process.env['DOCKHAND_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

interface Target {
  options(): QueueBackendOptions;
  setUp(): Promise<void>;
  tearDown(): Promise<void>;
}

const uniquePrefix = () => `dh_test_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;

function redisTarget(): Target {
  const prefix = uniquePrefix();
  return {
    options: () => ({ redisUrl, prefix }),
    setUp: async () => {},
    tearDown: async () => {
      const redis = new Redis(redisUrl);
      try {
        let cursor = '0';
        do {
          const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
          if (keys.length > 0) await redis.del(...keys);
          cursor = next;
        } while (cursor !== '0');
      } finally {
        redis.disconnect();
      }
    },
  };
}

function postgresTarget(): Target {
  let database: TestDatabase | undefined;
  const prefix = uniquePrefix();
  return {
    options: () => ({ databaseUrl: database?.ownerUrl, prefix }),
    setUp: async () => {
      database = await createTestDatabase({ migrate: false });
    },
    tearDown: async () => {
      await database?.drop();
    },
  };
}

/** Resolves with the result of the worker's next completion of `jobId`; rejects on timeout. */
function completionOf<T>(worker: JobWorker<T>, jobId: string, timeoutMs = 20_000): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      worker.off('completed', onCompleted);
      reject(new Error(`job ${jobId} did not complete within ${timeoutMs} ms`));
    }, timeoutMs);
    const onCompleted = (job: { id?: string | undefined }, result: unknown) => {
      if (job.id !== jobId) return;
      clearTimeout(timer);
      worker.off('completed', onCompleted);
      resolve(result);
    };
    worker.on('completed', onCompleted);
  });
}

const silent = () => {};

const targets: Array<[QueueBackendKind, () => Target]> = [
  ['redis', redisTarget],
  ['postgres', postgresTarget],
];

describe.each(targets)('a queue backend on %s', (kind, makeTarget) => {
  const target = makeTarget();
  const backends: QueueBackend[] = [];
  const open = async (): Promise<QueueBackend> => {
    const backend = await createQueueBackend({ ...target.options(), onError: silent });
    backends.push(backend);
    return backend;
  };

  beforeAll(() => target.setUp());
  afterAll(async () => {
    await Promise.allSettled(backends.map((backend) => backend.close()));
    await target.tearDown();
  });

  it(`is the ${kind} backend`, async () => {
    const backend = await open();
    expect(backend.kind).toBe(kind);
  });

  describe('when a job is added', () => {
    it('is processed once by a worker, with the default retry policy', async () => {
      const backend = await open();
      const queue = backend.queue<{ orderId: number }>('single');
      const seen: number[] = [];
      const worker = backend.worker<{ orderId: number }>('single', async (job) => {
        seen.push(job.data.orderId);
        return `applied ${job.data.orderId}`;
      });
      const job = await queue.add('apply', { orderId: 42 });
      expect(job.id).toBeDefined();
      const result = await completionOf(worker, job.id!);

      expect(result).toBe('applied 42');
      expect(seen).toEqual([42]);
      expect(await queue.getJobState(job.id!)).toBe('completed');
      expect(job.opts.attempts).toBe(8);
      expect(job.opts.backoff).toEqual({ type: 'exponential', delay: 2_000, jitter: 0.5 });
      expect(job.opts.removeOnComplete).toEqual(DEFAULT_JOB_OPTIONS.removeOnComplete);
    });
  });

  describe('when the same jobId is added twice', () => {
    it('processes it once', async () => {
      const backend = await open();
      const queue = backend.queue<{ n: number }>('dedup');
      const [first, second] = await Promise.all([
        queue.add('apply', { n: 1 }, { jobId: 'inbox-row-7' }),
        queue.add('apply', { n: 2 }, { jobId: 'inbox-row-7' }),
      ]);
      expect(first.id).toBe('inbox-row-7');
      expect(second.id).toBe('inbox-row-7');
      // Added after both duplicates: once it is done (one job at a time, in order), any
      // second run of inbox-row-7 would already have happened.
      await queue.add('apply', { n: 3 }, { jobId: 'sentinel' });

      const runs: string[] = [];
      const worker = backend.worker<{ n: number }>(
        'dedup',
        async (job) => {
          runs.push(job.id!);
        },
        { concurrency: 1 },
      );
      await completionOf(worker, 'sentinel');

      expect(runs.filter((id) => id === 'inbox-row-7')).toHaveLength(1);
      expect(runs).toEqual(['inbox-row-7', 'sentinel']);
    });
  });

  describe('when a job fails', () => {
    it('is retried with backoff and then succeeds', async () => {
      const backend = await open();
      const queue = backend.queue<{ failTimes: number }>('flaky');
      const attemptsAt: number[] = [];
      const worker = backend.worker<{ failTimes: number }>('flaky', async (job) => {
        attemptsAt.push(Date.now());
        if (job.attemptsMade < job.data.failTimes) throw new Error(`store answered 503 (${job.attemptsMade})`);
        return 'ok';
      });
      const failures: string[] = [];
      worker.on('failed', (_job, error) => failures.push(error.message));
      const delay = 200;
      const job = await queue.add('push', { failTimes: 2 }, { backoff: { type: 'exponential', delay, jitter: 0.5 } });

      expect(await completionOf(worker, job.id!)).toBe('ok');
      expect(failures).toEqual(['store answered 503 (0)', 'store answered 503 (1)']);
      expect(attemptsAt).toHaveLength(3);
      // Exponential with 50% jitter: the n-th retry waits between half and all of delay·2^(n-1).
      const [a, b, c] = attemptsAt as [number, number, number];
      expect(b - a).toBeGreaterThanOrEqual(delay * 0.5 - 5);
      expect(c - b).toBeGreaterThanOrEqual(delay * 2 * 0.5 - 5);
      const finished = await queue.getJob(job.id!);
      expect(finished?.attemptsMade).toBe(3);
    });
  });

  describe('when jobs are added while no worker runs', () => {
    it('keeps them until a worker of a later process starts', async () => {
      const producer = await open();
      const queue = producer.queue<{ n: number }>('durable');
      await queue.addBulk([1, 2, 3].map((n) => ({ name: 'apply', data: { n }, opts: { jobId: `row-${n}` } })));
      await producer.close();

      const consumer = await open();
      const done: number[] = [];
      const worker = consumer.worker<{ n: number }>('durable', async (job) => {
        done.push(job.data.n);
      });
      await Promise.all(['row-1', 'row-2', 'row-3'].map((id) => completionOf(worker, id)));
      expect(done.sort()).toEqual([1, 2, 3]);
    });
  });

  describe('when a worker dies in the middle of a job', () => {
    it('lets another worker take the job over and complete it', async () => {
      const backend = await open();
      const queue = backend.queue<{ n: number }>('takeover');
      let release: () => void = () => {};
      const stuck = new Promise<void>((resolve) => (release = resolve));
      let started: () => void = () => {};
      const firstStarted = new Promise<void>((resolve) => (started = resolve));
      const lockOptions = { lockDuration: 1_000, stalledInterval: 500 };
      const dying = backend.worker<{ n: number }>(
        'takeover',
        async () => {
          started();
          await stuck;
          return 'first';
        },
        lockOptions,
      );
      const job = await queue.add('apply', { n: 1 });
      await firstStarted;
      // A forced close stops heartbeats without finishing the job, as a crash would.
      await dying.close(true);
      expect(await queue.getJobState(job.id!)).toBe('active');

      const survivor = backend.worker<{ n: number }>('takeover', async () => 'second', lockOptions);
      try {
        expect(await completionOf(survivor, job.id!)).toBe('second');
        expect(await queue.getJobState(job.id!)).toBe('completed');
      } finally {
        release();
      }
    });
  });
});
