import type { Database } from '../db/database.ts';
import { applyWebhookEvents, type ApplyOutcome } from './apply-webhook.ts';
import type { ApplyJob } from './sync-runner.ts';

/**
 * Gathers apply jobs that a queue worker runs at once and applies them together: one
 * transaction per organization and batch (applyWebhookEvents), as the inbox writes them. While
 * `maxInFlight` batches are being applied, new jobs gather into the next one, so batches grow
 * with the backlog and stay single jobs when the load is light. Each job's promise settles with
 * its own row's outcome, or rejects with its own error (the others of its batch still apply).
 */
export class ApplyBatcher {
  private pending: Array<{ job: ApplyJob; resolve: (outcome: ApplyOutcome) => void; reject: (error: unknown) => void }> = [];
  private scheduled = false;
  private inFlight = 0;

  constructor(
    private readonly db: Database,
    private readonly maxBatch = 100,
    private readonly maxInFlight = 2,
  ) {}

  apply(job: ApplyJob): Promise<ApplyOutcome> {
    return new Promise((resolve, reject) => {
      this.pending.push({ job, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.pending.length === 0 || this.inFlight >= this.maxInFlight) return;
    this.scheduled = true;
    // Whatever arrives in this turn of the event loop joins the batch.
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    const batch = this.pending.splice(0, this.maxBatch);
    if (batch.length === 0) return;
    this.inFlight++;
    const byOrg = new Map<string, typeof batch>();
    for (const entry of batch) {
      const group = byOrg.get(entry.job.orgId);
      if (group) group.push(entry);
      else byOrg.set(entry.job.orgId, [entry]);
    }
    const applies = [...byOrg].map(async ([orgId, group]) => {
      try {
        const results = await applyWebhookEvents(
          this.db,
          orgId,
          group.map((entry) => entry.job.eventId),
        );
        group.forEach((entry, index) => {
          const result = results[index]!;
          if (result.status === 'fulfilled') entry.resolve(result.value);
          else entry.reject(result.reason);
        });
      } catch (error) {
        group.forEach((entry) => entry.reject(error));
      }
    });
    void Promise.all(applies).then(() => {
      this.inFlight--;
      this.schedule();
    });
  }
}
