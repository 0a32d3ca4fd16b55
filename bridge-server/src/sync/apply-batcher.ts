import type { Database } from '../db/database.ts';
import { OrgBatcher } from '../db/org-batcher.ts';
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
  private readonly batcher: OrgBatcher<string, ApplyOutcome>;

  constructor(db: Database, maxBatch = 100, maxInFlight = 2) {
    this.batcher = new OrgBatcher((orgId, eventIds) => applyWebhookEvents(db, orgId, eventIds), maxBatch, maxInFlight);
  }

  apply(job: ApplyJob): Promise<ApplyOutcome> {
    return this.batcher.add(job.orgId, job.eventId);
  }
}
