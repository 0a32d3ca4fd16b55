import type { Database } from '../db/database.ts';
import { systemPrincipal, withPrincipal } from '../db/principal.ts';
import type { SyncEntity } from '../platforms/connector.ts';
import { analyzeStaleTables } from '../db/analyze.ts';
import { groupBy } from '../group-by.ts';
import { activeStores } from './active-stores.ts';
import { applyWebhookEvents } from './apply-webhook.ts';
import { DEFAULT_DELETIONS_EVERY_MS, runDeletionJob, type DeletionJob } from './deletion-reconcile.ts';
import { SYNC_ORDER, SyncInterruptedError, type SyncMode } from './backfill.ts';
import { runPushAttempt, runSyncJob } from './sync-jobs.ts';
import { DEFAULT_PUSH_RETRY, duePushes, markPushDue, nextPushAttemptAt, type PushRetryPolicy } from './push-inventory.ts';
import type { ApplyJob, PushJob, SyncJob, SyncRunner, SyncWorkerDeps } from './sync-runner.ts';

/**
 * Sync with no queue service, for the embedded PGlite demo. BullMQ's PostgreSQL backend
 * cannot run on PGlite (it needs several sessions; PGlite multiplexes one), so the durable
 * state already in the database is the queue: the webhook inbox (rows not yet applied, with
 * their next attempt time) and sync_state (a run that was cut off keeps its cursor and
 * resumes). Two in-process loops work through them, each one task at a time: one for syncs
 * (backfills, reconciles, deletion checks, ANALYZE), one for what a person is waiting to see
 * (webhooks to apply, approved pushes), so a webhook is not held behind a backfill of thousands
 * of orders. Their transactions take turns on PGlite's one connection, as API requests' do.
 * Nothing is lost across a restart; what is pending is picked up again.
 */
type Lane = 'sync' | 'live';

export class EmbeddedSyncRunner implements SyncRunner {
  readonly kind = 'embedded' as const;
  private deps: SyncWorkerDeps | undefined;
  /** Each lane's last task: a task starts once the one before it in its lane has settled. */
  private readonly lanes: Record<Lane, Promise<unknown>> = { sync: Promise.resolve(), live: Promise.resolve() };
  private timers: NodeJS.Timeout[] = [];
  private applyScheduled = false;
  private pushesScheduled = false;
  private wakeUps = new Set<NodeJS.Timeout>();
  private closed = false;
  /** Aborted by close(): a running sync stops before its next page instead of holding the shutdown. */
  private readonly stopping = new AbortController();

  constructor(
    private readonly db: Database,
    /**
     * How long close() waits for the task that is running. A sync commits each page with its
     * cursor, so one cut off here resumes from its last page at the next start.
     */
    private readonly closeTimeoutMs = 5_000,
    /** How failed pushes are retried: each request's next_attempt_at, woken by a timer. */
    private readonly pushRetry: PushRetryPolicy = DEFAULT_PUSH_RETRY,
  ) {}

  /** The row is already durable in the inbox; this only wakes the loop. */
  async enqueueApply(_job: ApplyJob): Promise<void> {
    this.scheduleApply();
  }

  async requestSync(job: SyncJob): Promise<void> {
    // Recorded first, so a restart before the run starts still performs it (resumed from its
    // saved cursor, or from the checkpoint when it had not saved one yet).
    await withPrincipal(this.db, systemPrincipal(job.orgId, 'sync-request'), async (tx) => {
      for (const entity of job.entity ? [job.entity] : SYNC_ORDER) {
        await tx`
          insert into sync_state (org_id, store_id, entity, status) values (${job.orgId}, ${job.storeId}, ${entity}, 'running')
          on conflict (org_id, store_id, entity) do update set status = 'running', updated_at = now()`;
      }
    });
    this.enqueue('sync', () => this.runSync(job));
  }

  /**
   * The approval is already durable (status `approved`, due now): this wakes the loop, which
   * tries every request that is due (and only when it is due: a backoff stands). Without workers
   * yet, the loop started by startWorkers finds it.
   */
  async requestPush(job: PushJob): Promise<void> {
    await markPushDue(this.db, job);
    this.schedulePushes();
  }

  async startWorkers(deps: SyncWorkerDeps): Promise<void> {
    this.deps = deps;
    // Runs that were cut off (a crash, a restart) carry on from their saved cursor.
    for (const store of await activeStores(this.db)) {
      const running = await withPrincipal(
        this.db,
        systemPrincipal(store.orgId, 'resume'),
        (tx) =>
          tx<{ entity: SyncEntity; cursor: string | null }[]>`
          select entity, cursor from sync_state where store_id = ${store.storeId} and status = 'running'`,
      );
      for (const row of running) {
        const mode: SyncMode = row.cursor ? (JSON.parse(row.cursor) as { mode: SyncMode }).mode : 'reconcile';
        this.enqueue('sync', () => this.runSync({ ...store, mode, entity: row.entity }));
      }
    }
    this.scheduleApply();
    this.schedulePushes();
    this.timers.push(
      setInterval(() => {
        this.scheduleApply();
        this.schedulePushes();
        this.analyzeTables();
      }, deps.sweep.everyMs),
    );
    this.timers.push(
      setInterval(() => {
        void activeStores(this.db).then((stores) => {
          for (const store of stores) this.enqueue('sync', () => this.runSync({ ...store, mode: 'reconcile' }));
        });
      }, deps.reconcileEveryMs),
    );
    // Deletions whose webhook was lost: the id sets compared, far less often.
    this.timers.push(
      setInterval(() => {
        activeStores(this.db).then(
          (stores) => {
            for (const store of stores) this.enqueue('sync', () => this.runDeletions(store));
          },
          (error: unknown) => deps.logger.warn({ err: error }, 'could not list the stores to reconcile deletions'),
        );
      }, deps.deletionsEveryMs ?? DEFAULT_DELETIONS_EVERY_MS),
    );
    for (const timer of this.timers) timer.unref();
  }

  private analyzeScheduled = false;

  /**
   * PGlite has no autovacuum: the statistics it would keep fresh are refreshed here
   * (db/analyze.ts), in the sync lane, so a shutdown waits for it as for any task.
   */
  private analyzeTables(): void {
    if (this.analyzeScheduled) return;
    this.analyzeScheduled = true;
    this.enqueue('sync', async () => {
      this.analyzeScheduled = false;
      await analyzeStaleTables(this.db);
    });
  }

  /** The queue is the database's own inbox table, read on the health connection. */
  async checkHealth(): Promise<void> {
    await this.db.health`select 1 from webhook_events limit 0`;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.stopping.abort();
    for (const timer of this.timers) clearInterval(timer);
    for (const wakeUp of this.wakeUps) clearTimeout(wakeUp);
    let timer: NodeJS.Timeout | undefined;
    const timeUp = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.closeTimeoutMs);
    });
    await Promise.race([Promise.all(Object.values(this.lanes)), timeUp]);
    clearTimeout(timer);
  }

  /**
   * Resolves once no task is queued or running (tests wait on it before timing something the
   * runner's backfills and reconciles would compete with). A task queued later is not waited for.
   */
  async idle(): Promise<void> {
    let seen: Promise<unknown>[];
    do {
      seen = Object.values(this.lanes);
      await Promise.all(seen);
    } while (seen.some((lane, index) => lane !== Object.values(this.lanes)[index]));
  }

  private enqueue(lane: Lane, task: () => Promise<unknown>): void {
    if (this.closed) return;
    // Once closing, queued tasks are skipped so shutdown waits for the running ones only: their
    // runs stay 'running' in sync_state (and inbox rows unapplied) and resume at the next start.
    this.lanes[lane] = this.lanes[lane]
      .then(() => (this.closed ? undefined : task()))
      .catch((error: unknown) => {
        this.deps?.logger.warn({ err: error }, 'sync task failed; it will be retried');
      });
  }

  private scheduleApply(): void {
    if (this.applyScheduled || !this.deps) return;
    this.applyScheduled = true;
    this.enqueue('live', async () => {
      this.applyScheduled = false;
      await this.drainInbox();
    });
  }

  private schedulePushes(): void {
    if (this.pushesScheduled || !this.deps) return;
    this.pushesScheduled = true;
    this.enqueue('live', async () => {
      this.pushesScheduled = false;
      for (const job of await duePushes(this.db, 0)) await this.runPush(job);
    });
  }

  /** One try; a failed one is recorded with its next_attempt_at, and a timer wakes the loop then. */
  private async runPush(job: PushJob): Promise<void> {
    if (!this.deps) return;
    const { logger } = this.deps;
    await runPushAttempt(this.db, this.deps.connectors, job, this.pushRetry).catch(async (error: unknown) => {
      logger.warn({ err: error, requestId: job.requestId }, 'inventory push failed');
      const retryAt = await nextPushAttemptAt(this.db, job).catch(() => new Date(Date.now() + this.pushRetry.delayMs));
      if (retryAt) this.wakeUpPushesIn(Math.max(0, retryAt.getTime() - Date.now()));
    });
  }

  private wakeUpPushesIn(ms: number): void {
    if (this.closed) return;
    const wakeUp = setTimeout(() => {
      this.wakeUps.delete(wakeUp);
      this.schedulePushes();
    }, ms);
    wakeUp.unref();
    this.wakeUps.add(wakeUp);
  }

  /** Applies every due inbox row; a failing row gets its backoff and waits for a later pass. */
  private async drainInbox(): Promise<void> {
    for (;;) {
      const due = await this.db.app<{ org_id: string; id: string }[]>`
        select org_id, id from dockhand.unapplied_webhook_events(interval '0 seconds', 200)`;
      if (due.length === 0 || this.closed) return;
      // One transaction per organization's rows (group commit); a failing row gets its backoff alone.
      for (const [orgId, rows] of groupBy(due, (row) => row.org_id)) {
        const ids = rows.map((row) => row.id);
        const results = await applyWebhookEvents(this.db, orgId, ids);
        results.forEach((result, index) => {
          if (result.status === 'rejected') {
            this.deps?.logger.debug({ err: result.reason, eventId: ids[index] }, 'apply failed; backing off');
          }
        });
      }
    }
  }

  private async runDeletions(job: DeletionJob): Promise<void> {
    if (!this.deps) return;
    const { logger } = this.deps;
    await runDeletionJob(this.db, this.deps.connectors, job).then(
      (results) => {
        const tombstoned = results.reduce((sum, result) => sum + result.tombstoned.length, 0);
        if (tombstoned > 0) logger.info({ storeId: job.storeId, tombstoned }, 'deletions reconciled');
      },
      // Nothing was tombstoned; the next run compares again.
      (error: unknown) => logger.warn({ err: error, storeId: job.storeId }, 'deletion reconcile failed'),
    );
  }

  private async runSync(job: SyncJob): Promise<void> {
    if (!this.deps) return;
    const { logger } = this.deps;
    await runSyncJob(this.db, this.deps.connectors, job, undefined, this.stopping.signal).catch((error: unknown) => {
      if (error instanceof SyncInterruptedError) {
        logger.info({ storeId: job.storeId, entity: job.entity ?? 'all', mode: job.mode }, 'sync paused for the shutdown');
        return;
      }
      // Recorded as the entity's `failed` status and last error; the next reconcile tries again.
      logger.warn({ err: error, storeId: job.storeId, entity: job.entity ?? 'all', mode: job.mode }, 'sync failed');
    });
  }
}
