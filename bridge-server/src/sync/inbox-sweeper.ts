import type { Database } from '../db/database.ts';

export interface SweepOptions {
  /** Rows younger than this are still on their way through the queue. */
  olderThanSeconds: number;
  maxRows: number;
}

export const DEFAULT_SWEEP: SweepOptions = { olderThanSeconds: 30, maxRows: 1000 };

/**
 * Re-enqueues inbox rows that were stored but never applied (the queue lost them, Redis was
 * flushed, the process died between the insert and the enqueue). The apply job's id is the
 * row id, so a row that is in fact still queued is not queued twice. Answers how many it handed over.
 */
export async function sweepInbox(
  db: Database,
  enqueue: (job: { orgId: string; eventId: string }) => Promise<void>,
  options: SweepOptions = DEFAULT_SWEEP,
): Promise<number> {
  const rows = await db.app<{ org_id: string; id: string }[]>`
    select org_id, id from dockhand.unapplied_webhook_events(${`${options.olderThanSeconds} seconds`}::interval, ${options.maxRows})`;
  for (const row of rows) await enqueue({ orgId: row.org_id, eventId: row.id });
  return rows.length;
}
