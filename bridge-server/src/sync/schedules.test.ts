import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropRedisKeys } from '../../test/support/redis-keys.ts';
import { createQueueBackend, type QueueBackend } from './queue-backend.ts';
import { QUEUE_NAMES, QueueSyncRunner } from './sync-queues.ts';

const redisUrl = process.env['DOCKHAND_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const prefix = `dh_test_sched_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;

let backend: QueueBackend;
let runner: QueueSyncRunner;

beforeAll(async () => {
  backend = await createQueueBackend({ redisUrl, prefix });
  runner = new QueueSyncRunner(backend);
});

afterAll(async () => {
  await runner?.close();
  await dropRedisKeys(redisUrl, prefix);
});

const schedulerKeys = async (queue: string) =>
  (await backend.queue(queue).getJobSchedulers(0, -1)).map((scheduler) => scheduler.key).sort();

describe('reconcile schedules on BullMQ', () => {
  it('first run one interval after the store is first seen, and keep their next run when upserted again', async () => {
    const store = { orgId: randomUUID(), storeId: randomUUID() };
    const every = 3_600_000;
    const before = Date.now();
    await runner.scheduleReconciles([store], every);
    await runner.scheduleDeletionReconciles([store], every);
    const nextRuns = async () =>
      (await Promise.all([QUEUE_NAMES.sync, QUEUE_NAMES.deletions].map((name) => backend.queue(name).getJobSchedulers(0, -1))))
        .flat()
        .filter((scheduler) => scheduler.key.includes(store.storeId))
        .map((scheduler) => [scheduler.key, scheduler.next] as const)
        .sort(([a], [b]) => a.localeCompare(b));
    const first = await nextRuns();
    expect(first.length).toBeGreaterThan(0);
    for (const [, next] of first) expect(next).toBeGreaterThanOrEqual(before + every);
    // Nothing of this store is waiting to run now.
    const waiting = await backend.queue(QUEUE_NAMES.sync).getJobs(['waiting', 'prioritized']);
    expect(waiting.filter((job) => (job.data as { storeId?: string } | undefined)?.storeId === store.storeId)).toEqual([]);

    // The maintenance pass upserts them again every sweep: the next run does not move.
    await runner.scheduleReconciles([store], every);
    await runner.scheduleDeletionReconciles([store], every);
    expect(await nextRuns()).toEqual(first);
    await runner.unscheduleInactiveStores([]);
  });

  it('are removed for a store that is no longer connected, and kept for the others', async () => {
    const orgId = randomUUID();
    const [kept, gone] = [randomUUID(), randomUUID()];
    const stores = [kept, gone].map((storeId) => ({ orgId, storeId }));
    await runner.scheduleReconciles(stores, 3_600_000);
    await runner.scheduleDeletionReconciles(stores, 3_600_000);
    // Another deployment's (or a future kind's) scheduler in the queue is not ours to remove.
    await backend.queue(QUEUE_NAMES.sync).upsertJobScheduler('nightly_report', { every: 3_600_000 }, { name: 'other' });
    const before = [...(await schedulerKeys(QUEUE_NAMES.sync)), ...(await schedulerKeys(QUEUE_NAMES.deletions))];
    expect(before.filter((key) => key.includes(gone)).length).toBeGreaterThan(0);

    expect(await runner.unscheduleInactiveStores([{ storeId: kept }])).toBe(before.filter((key) => key.includes(gone)).length);
    const after = [...(await schedulerKeys(QUEUE_NAMES.sync)), ...(await schedulerKeys(QUEUE_NAMES.deletions))];
    expect(after.filter((key) => key.includes(gone))).toEqual([]);
    expect(after.filter((key) => key.includes(kept))).toEqual(before.filter((key) => key.includes(kept)));
    expect(after).toContain('nightly_report');
    // Nothing left to remove: a second pass changes nothing.
    expect(await runner.unscheduleInactiveStores([{ storeId: kept }])).toBe(0);
  });
});
