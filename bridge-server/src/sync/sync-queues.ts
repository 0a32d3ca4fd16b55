import { UnrecoverableError } from 'bullmq';
import type { Logger } from 'pino';
import type { Database } from '../db/database.ts';
import { UnsupportedPayloadError } from '../platforms/model.ts';
import { applyWebhookEvent } from './apply-webhook.ts';
import { DEFAULT_SWEEP, sweepInbox, type SweepOptions } from './inbox-sweeper.ts';
import type { JobQueue, QueueBackend } from './queue-backend.ts';

export const QUEUE_NAMES = { apply: 'apply', maintenance: 'maintenance' } as const;

export interface ApplyJob {
  orgId: string;
  eventId: string;
}

const SWEEP_SCHEDULER = 'sweep-inbox';

/**
 * The sync queues on top of a queue backend. The server only enqueues; `startWorkers` runs
 * the processors (in `dockhand worker`, or in-process for the demo).
 */
export class SyncQueues {
  private readonly applyQueue: JobQueue<ApplyJob>;

  constructor(
    private readonly backend: QueueBackend,
    private readonly sweep: SweepOptions & { everyMs: number } = { ...DEFAULT_SWEEP, everyMs: 30_000 },
  ) {
    this.applyQueue = backend.queue<ApplyJob>(QUEUE_NAMES.apply);
  }

  private pendingApply: Array<{ job: ApplyJob; done: (error?: unknown) => void }> = [];

  /**
   * Job id = inbox row id: the same event is never queued twice. Jobs enqueued in the same
   * turn of the event loop go to the queue in one bulk call.
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
    this.applyQueue.addBulk(batch.map(({ job }) => ({ name: 'apply', data: job, opts: { jobId: job.eventId } }))).then(
      () => batch.forEach(({ done }) => done()),
      (error: unknown) => batch.forEach(({ done }) => done(error ?? new Error('enqueue failed'))),
    );
  }

  async startWorkers(db: Database, logger: Logger, options: { applyConcurrency?: number } = {}): Promise<void> {
    this.backend.worker<ApplyJob>(
      QUEUE_NAMES.apply,
      async (job) => {
        try {
          return await applyWebhookEvent(db, job.data);
        } catch (error) {
          // A payload we cannot read will not become readable by retrying.
          if (error instanceof UnsupportedPayloadError) throw new UnrecoverableError(error.message);
          throw error;
        }
      },
      { concurrency: options.applyConcurrency ?? 8 },
    );
    const maintenance = this.backend.queue(QUEUE_NAMES.maintenance);
    // One schedule however many workers run: BullMQ's job scheduler, not a timer per process.
    await maintenance.upsertJobScheduler(SWEEP_SCHEDULER, { every: this.sweep.everyMs }, { name: SWEEP_SCHEDULER });
    this.backend.worker(QUEUE_NAMES.maintenance, async () => {
      const swept = await sweepInbox(db, (job) => this.enqueueApply(job), this.sweep);
      if (swept > 0) logger.info({ swept }, 'sweeper re-enqueued unapplied webhooks');
      return swept;
    });
  }

  close(): Promise<void> {
    return this.backend.close();
  }
}
