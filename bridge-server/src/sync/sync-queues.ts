import { createHash } from 'node:crypto';
import { UnrecoverableError, type Job } from 'bullmq';
import { PlatformAuthError } from '../platforms/connector.ts';
import { UnsupportedPayloadError } from '../platforms/model.ts';
import { analyzeStaleTables } from '../db/analyze.ts';
import { groupBy } from '../group-by.ts';
import { ApplyBatcher } from './apply-batcher.ts';
import { DEFAULT_DELETIONS_EVERY_MS, DELETABLE_ENTITIES, runDeletionJob, type DeletionJob } from './deletion-reconcile.ts';
import { SYNC_ORDER } from './backfill.ts';
import { sweepInbox } from './inbox-sweeper.ts';
import { runPushAttempt, runSyncJob } from './sync-jobs.ts';
import { DEFAULT_PUSH_RETRY, duePushes } from './push-inventory.ts';
import type { JobQueue, QueueBackend, QueueWorkerOptions } from './queue-backend.ts';
import type { ApplyJob, PushJob, SyncJob, SyncRunner, SyncWorkerDeps } from './sync-runner.ts';
import { activeStores } from './active-stores.ts';
import { withQueueDeadline } from './queue-unavailable-error.ts';

export const QUEUE_NAMES = {
  apply: 'apply',
  sync: 'sync',
  push: 'push',
  deletions: 'deletions',
  maintenance: 'maintenance',
} as const;

const MAINTENANCE_SCHEDULER = 'maintenance';

export const DEFAULT_ENQUEUE_TIMEOUT_MS = 3_000;

/** Apply jobs one worker holds at once; they are applied in batches, so this bounds a batch's size. */
const APPLY_CONCURRENCY = 100;

/** Errors that retrying cannot fix: the job fails at once instead of backing off eight times. */
function unrecoverable(error: unknown): unknown {
  if (error instanceof UnsupportedPayloadError || error instanceof PlatformAuthError) {
    return new UnrecoverableError((error as Error).message);
  }
  return error;
}

/** An apply job on the queue: one inbox row, or several of one organization. */
interface ApplyQueueJob {
  orgId: string;
  eventId?: string;
  eventIds?: string[];
}

/** The sync queues on BullMQ (Redis or PostgreSQL backend). */
export class QueueSyncRunner implements SyncRunner {
  readonly kind: 'redis' | 'postgres';
  private readonly applyQueue: JobQueue<ApplyQueueJob>;
  private readonly syncQueue: JobQueue<SyncJob>;
  private readonly pushQueue: JobQueue<PushJob>;
  private readonly deletionQueue: JobQueue<DeletionJob>;
  private pendingApply: Array<{ job: ApplyJob; done: (error?: unknown) => void }> = [];

  constructor(
    private readonly backend: QueueBackend,
    private readonly workerOptions: QueueWorkerOptions = {},
    /** A request that enqueues never waits longer than this on the queue (then 503). */
    private readonly enqueueTimeoutMs = DEFAULT_ENQUEUE_TIMEOUT_MS,
  ) {
    this.kind = backend.kind;
    this.applyQueue = backend.queue<ApplyQueueJob>(QUEUE_NAMES.apply);
    this.syncQueue = backend.queue<SyncJob>(QUEUE_NAMES.sync);
    this.pushQueue = backend.queue<PushJob>(QUEUE_NAMES.push);
    this.deletionQueue = backend.queue<DeletionJob>(QUEUE_NAMES.deletions);
  }

  /**
   * Rows enqueued in the same turn of the event loop (the deliveries of one inbox write) go to
   * the queue as one job per organization, in one bulk call: the queue's cost is paid per write,
   * not per delivery. Job id = the inbox row id for one row, a digest of the ids for several: the
   * same rows are never queued twice. A row in two jobs (the sweeper's) is applied once: applying
   * is idempotent.
   */
  enqueueApply(job: ApplyJob): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.pendingApply.length === 0) setImmediate(() => this.flushApply());
      this.pendingApply.push({ job, done: (error) => (error === undefined ? resolve() : reject(error)) });
    });
  }

  private flushApply(): void {
    const batch = this.pendingApply;
    this.pendingApply = [];
    const jobs = [...groupBy(batch, ({ job }) => job.orgId)].map(([orgId, entries]) => {
      const eventIds = entries.map(({ job }) => job.eventId);
      return {
        name: 'apply',
        data: eventIds.length === 1 ? { orgId, eventId: eventIds[0]! } : { orgId, eventIds },
        opts: {
          jobId: eventIds.length === 1 ? eventIds[0]! : `rows_${createHash('sha256').update(eventIds.join(',')).digest('hex')}`,
        },
      };
    });
    withQueueDeadline('webhook apply jobs', this.enqueueTimeoutMs, this.applyQueue.addBulk(jobs)).then(
      () => batch.forEach(({ done }) => done()),
      (error: unknown) => batch.forEach(({ done }) => done(error ?? new Error('enqueue failed'))),
    );
  }

  /** One waiting sync per store, mode and entity: asking again while it waits is a no-op. */
  async requestSync(job: SyncJob): Promise<void> {
    await withQueueDeadline(
      'a sync job',
      this.enqueueTimeoutMs,
      this.syncQueue.add(job.mode, job, {
        jobId: `${job.mode}_${job.storeId}_${job.entity ?? 'all'}`,
        removeOnComplete: true,
        removeOnFail: true,
      }),
    );
  }

  /**
   * Job id = request id (and its push round: a fresh approval or a retry is a new job, and a
   * round queued twice is one job). The connector passes the request id as the platform's
   * idempotency key. Failed tries back off as the queue's default job options say.
   */
  async requestPush(job: PushJob): Promise<void> {
    const jobId = job.round === undefined ? job.requestId : `${job.requestId}_${job.round}`;
    await withQueueDeadline('a push job', this.enqueueTimeoutMs, this.pushQueue.add('push', job, { jobId }));
  }

  async startWorkers(deps: SyncWorkerDeps): Promise<void> {
    const { db, logger } = deps;
    // Many jobs taken at once, applied in a few group-committed transactions (apply-batcher.ts):
    // the concurrency is how many rows one batch can gather, not how many transactions run.
    const batcher = new ApplyBatcher(db);
    this.backend.worker<ApplyQueueJob>(
      QUEUE_NAMES.apply,
      async (job) => {
        const { orgId, eventIds } = job.data;
        const ids = eventIds ?? (job.data.eventId ? [job.data.eventId] : []);
        const settled = await Promise.allSettled(ids.map((eventId) => batcher.apply({ orgId, eventId })));
        const failed = settled.find((result) => result.status === 'rejected');
        // The others are applied; a retry finds them done and tries the failed ones again.
        if (failed) throw unrecoverable(failed.reason);
        return settled.map((result) => (result as PromiseFulfilledResult<unknown>).value);
      },
      { ...this.workerOptions, concurrency: APPLY_CONCURRENCY },
    );
    this.backend.worker<SyncJob>(
      QUEUE_NAMES.sync,
      async (job: Job<SyncJob>) => {
        try {
          const results = await runSyncJob(db, deps.connectors, job.data, (progress) => job.updateProgress(progress));
          return results.map(({ entity: name, processed, changed }) => ({ entity: name, processed, changed }));
        } catch (error) {
          const final = unrecoverable(error);
          // The reason is also in the store's sync status (GET /v1/stores/:id/sync); the log says when it happened.
          logger.warn(
            {
              err: error,
              storeId: job.data.storeId,
              entity: job.data.entity ?? 'all',
              mode: job.data.mode,
              attempt: job.attemptsMade + 1,
            },
            final instanceof UnrecoverableError ? 'sync failed; not retried' : 'sync failed; it will be retried',
          );
          throw final;
        }
      },
      { ...this.workerOptions, concurrency: 2 },
    );
    this.backend.worker<PushJob>(
      QUEUE_NAMES.push,
      async (job) => {
        // The request records each failed try; BullMQ's own count says which is the last.
        const attempts = job.opts.attempts ?? 1;
        const backoff = job.opts.backoff;
        const delayMs = typeof backoff === 'number' ? backoff : (backoff?.delay ?? DEFAULT_PUSH_RETRY.delayMs);
        const last = job.attemptsMade + 1 >= attempts;
        try {
          return await runPushAttempt(db, deps.connectors, job.data, { attempts, delayMs }, last || undefined);
        } catch (error) {
          throw unrecoverable(error);
        }
      },
      this.workerOptions,
    );
    // One store and entity at a time: a run lists every id of the store, so it stays out of the sync queue's way.
    this.backend.worker<DeletionJob>(
      QUEUE_NAMES.deletions,
      async (job) => {
        try {
          const results = await runDeletionJob(db, deps.connectors, job.data);
          return results.map(({ entity, listed, tombstoned }) => ({ entity, listed, tombstoned: tombstoned.length }));
        } catch (error) {
          // Nothing was tombstoned; the next scheduled run compares again.
          logger.warn({ err: error, storeId: job.data.storeId, entity: job.data.entity ?? 'all' }, 'deletion reconcile failed');
          throw unrecoverable(error);
        }
      },
      { ...this.workerOptions, concurrency: 1 },
    );
    const maintenance = this.backend.queue(QUEUE_NAMES.maintenance);
    // One schedule however many workers run: BullMQ's job scheduler, not a timer per process.
    await maintenance.upsertJobScheduler(MAINTENANCE_SCHEDULER, { every: deps.sweep.everyMs }, { name: MAINTENANCE_SCHEDULER });
    this.backend.worker(QUEUE_NAMES.maintenance, async () => {
      const swept = await sweepInbox(db, (job) => this.enqueueApply(job), deps.sweep);
      if (swept > 0) logger.info({ swept }, 'sweeper re-enqueued unapplied webhooks');
      // Approved requests whose push never reached the queue (or whose job was lost).
      for (const push of await duePushes(db, deps.sweep.olderThanSeconds)) await this.requestPush(push);
      const stores = await activeStores(db);
      await this.scheduleReconciles(stores, deps.reconcileEveryMs);
      await this.scheduleDeletionReconciles(stores, deps.deletionsEveryMs ?? DEFAULT_DELETIONS_EVERY_MS);
      const unscheduled = await this.unscheduleInactiveStores(stores);
      if (unscheduled > 0) logger.info({ unscheduled }, 'removed the reconcile schedules of stores no longer connected');
      const analyzed = await analyzeStaleTables(db);
      if (analyzed.length > 0) logger.info({ tables: analyzed }, 'analyzed tables autovacuum would have (it is off)');
      return { swept, stores: stores.length, unscheduled, analyzed };
    });
  }

  /**
   * A job scheduler per store and entity, polling for what webhooks missed. The first run comes one
   * interval after the store is first seen, as the embedded runner's timer does, not at once beside
   * the store's backfill (an inventory reconcile before the products are in skips every level, and
   * the store looks synced before its backfill has started).
   */
  async scheduleReconciles(stores: Array<{ orgId: string; storeId: string }>, everyMs: number): Promise<void> {
    await this.schedulePerStore(this.syncQueue, 'reconcile', SYNC_ORDER, stores, everyMs, (store, entity) => ({
      name: 'reconcile',
      data: { ...store, mode: 'reconcile' as const, entity },
    }));
  }

  /**
   * A job scheduler per store and entity comparing id sets, for deletions whose webhook was
   * lost; the first run one interval after the store is first seen (its backfill has just read
   * everything).
   */
  async scheduleDeletionReconciles(stores: Array<{ orgId: string; storeId: string }>, everyMs: number): Promise<void> {
    await this.schedulePerStore(this.deletionQueue, 'deletions', DELETABLE_ENTITIES, stores, everyMs, (store, entity) => ({
      name: 'deletions',
      data: { ...store, entity },
      opts: { attempts: 1 },
    }));
  }

  /**
   * Upserts a scheduler `<kind>_<store id>_<entity>` per store and entity (the names
   * unscheduleInactiveStores reads), first due one interval from now. Idempotent: upserting an
   * existing scheduler keeps its next run.
   */
  private async schedulePerStore<T, Entity extends string>(
    queue: JobQueue<T>,
    kind: 'reconcile' | 'deletions',
    entities: readonly Entity[],
    stores: ReadonlyArray<{ orgId: string; storeId: string }>,
    everyMs: number,
    template: (store: { orgId: string; storeId: string }, entity: Entity) => Parameters<JobQueue<T>['upsertJobScheduler']>[2],
  ): Promise<void> {
    for (const store of stores) {
      for (const entity of entities) {
        await queue.upsertJobScheduler(
          `${kind}_${store.storeId}_${entity}`,
          { every: everyMs, startDate: Date.now() + everyMs },
          template(store, entity),
        );
      }
    }
  }

  /**
   * Removes the job schedulers of every store not in `active` (disconnected, uninstalled or
   * purged since it was scheduled), which would otherwise run for it forever. Answers how many.
   */
  async unscheduleInactiveStores(active: ReadonlyArray<{ storeId: string }>): Promise<number> {
    const keep = new Set(active.map((store) => store.storeId));
    let removed = 0;
    for (const [queue, kind] of [
      [this.syncQueue, 'reconcile'],
      [this.deletionQueue, 'deletions'],
    ] as const) {
      for (const scheduler of await queue.getJobSchedulers(0, -1)) {
        // `<kind>_<store id>_<entity>`, as schedulePerStore names them.
        const storeId = /^[a-z]+_([0-9a-f-]{36})_/.exec(scheduler.key)?.[1];
        if (!scheduler.key.startsWith(`${kind}_`) || !storeId || keep.has(storeId)) continue;
        if (await queue.removeJobScheduler(scheduler.key)) removed++;
      }
    }
    return removed;
  }

  async checkHealth(): Promise<void> {
    await this.applyQueue.count();
  }

  close(): Promise<void> {
    return this.backend.close();
  }
}
