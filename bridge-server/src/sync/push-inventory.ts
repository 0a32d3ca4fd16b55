import type { Database } from '../db/database.ts';
import { systemPrincipal, withPrincipal, type Principal, type TenantSql } from '../db/principal.ts';
import { applyPushedLevel } from '../domain/inventory/inventory-sync.ts';
import { recordAudit } from '../domain/audit/audit-log.ts';
import { PlatformAuthError, type StoreConnector } from '../platforms/connector.ts';
import { emitEvent } from '../realtime/outbox.ts';
import type { PushJob } from './sync-runner.ts';

export type PushOutcome = 'applied' | 'conflict' | 'already_done' | 'missing';

interface RequestRow {
  id: string;
  org_id: string;
  store_id: string;
  status: string;
  kind: 'delta' | 'set';
  delta: number | null;
  set_to: number | null;
  expected_available: number | null;
  approvals: number;
  reason: string;
  variant_platform_id: string;
  inventory_item_id: string | null;
  location_platform_id: string;
  variant_id: string;
  location_id: string;
  available: number | null;
}

/**
 * The platform's idempotency key of a request's push: the request id for its first approval.
 * A fresh approval (after a conflict) is a different change with its own compare-and-set value,
 * and a platform answers a reused key with its first answer, so it gets a key of its own.
 */
export function pushIdempotencyKey(requestId: string, approvals: number): string {
  return approvals <= 1 ? requestId : `${requestId}.${approvals}`;
}

/**
 * Pushes an approved inventory request to its store: compare-and-set against the quantity
 * seen at approval (or, for a request approved before that was recorded, the level Dockhand
 * holds), with the request id as idempotency key (a retried push is one change).
 * Applied: the level, its ledger row, the request's status, an audit row and an event commit
 * together. The store's own webhook for the change may be applied before that, even while the
 * platform call is still open; the final transaction therefore locks and re-reads the level
 * and records only what is not recorded yet (see applyPushedLevel), so the change is never
 * counted twice.
 */
export async function pushInventoryRequest(
  db: Database,
  job: { orgId: string; requestId: string },
  connector: StoreConnector,
): Promise<PushOutcome> {
  const principal = systemPrincipal(job.orgId, 'push');
  const request = await withPrincipal(db, principal, async (tx) => {
    const [row] = await tx<RequestRow[]>`
      select r.id, r.org_id, r.store_id, r.status, r.kind, r.delta, r.set_to, r.expected_available, r.approvals, r.reason,
             v.platform_id as variant_platform_id, v.inventory_item_id, loc.platform_id as location_platform_id,
             r.variant_id, r.location_id, l.available
      from inventory_requests r
      join product_variants v on v.id = r.variant_id
      join locations loc on loc.id = r.location_id
      left join inventory_levels l on l.variant_id = r.variant_id and l.location_id = r.location_id
      where r.id = ${job.requestId}`;
    return row;
  });
  if (!request) return 'missing';
  if (request.status !== 'approved') return 'already_done';
  const expected = request.expected_available ?? request.available ?? 0;
  const delta = request.kind === 'set' ? request.set_to! - expected : request.delta!;
  // Setting the quantity it already has: nothing to send, and no platform takes a zero change.
  const result =
    delta === 0
      ? ({ kind: 'applied', available: expected } as const)
      : await connector.pushInventoryChange({
          variantPlatformId: request.variant_platform_id,
          inventoryItemId: request.inventory_item_id,
          locationPlatformId: request.location_platform_id,
          delta,
          expectedAvailable: expected,
          idempotencyKey: pushIdempotencyKey(request.id, request.approvals),
          reason: request.reason,
        });
  return withPrincipal(db, principal, async (tx) => {
    const [current] = await tx<{ status: string }[]>`select status from inventory_requests where id = ${request.id} for update`;
    if (current?.status !== 'approved') return 'already_done' as const;
    if (result.kind === 'conflict') {
      await tx`
        update inventory_requests set status = 'conflict', actual_available = ${result.actual},
          attempts = attempts + 1, next_attempt_at = null, updated_at = now(),
          last_error = ${`the store holds ${result.actual ?? 'an unknown quantity'}, the approval saw ${expected}`}
        where id = ${request.id}`;
      await recordAudit(tx, principal, {
        action: 'inventory.push_conflict',
        subjectType: 'inventory_request',
        subjectId: request.id,
        details: { expected, actual: result.actual },
      });
      await emitRequestEvent(tx, principal, request, 'inventory.request.conflict', {
        expectedAvailable: expected,
        actualAvailable: result.actual,
      });
      return 'conflict' as const;
    }
    const recorded = await applyPushedLevel(
      tx,
      { orgId: request.org_id, storeId: request.store_id, variantId: request.variant_id, locationId: request.location_id },
      { requestId: request.id, expected, available: result.available },
    );
    await tx`
      update inventory_requests set status = 'applied', last_error = null, attempts = attempts + 1, next_attempt_at = null,
        updated_at = now()
      where id = ${request.id}`;
    await recordAudit(tx, principal, {
      action: 'inventory.pushed',
      subjectType: 'inventory_request',
      subjectId: request.id,
      details: { delta, available: result.available, recorded },
    });
    await emitRequestEvent(tx, principal, request, 'inventory.request.applied', { delta, available: result.available });
    return 'applied' as const;
  });
}

async function emitRequestEvent(
  tx: TenantSql,
  principal: Principal,
  request: Pick<RequestRow, 'id' | 'store_id' | 'variant_id' | 'location_id'>,
  type: 'inventory.request.applied' | 'inventory.request.conflict' | 'inventory.request.failed',
  data: Record<string, unknown>,
): Promise<void> {
  await emitEvent(tx, principal.orgId, {
    type,
    storeId: request.store_id,
    subjectId: request.id,
    data: {
      status: type.slice('inventory.request.'.length),
      variantId: request.variant_id,
      locationId: request.location_id,
      ...data,
    },
  });
}

/** How a push's failed tries are retried. */
export interface PushRetryPolicy {
  /** Tries per round (an approval or a retry starts one); the last failure marks the request failed. */
  attempts: number;
  /** Backoff before try n+1: delayMs × 2^(n−1). */
  delayMs: number;
}

/** Eight tries from 2 s, as the queues' default job options: a little over four minutes. */
export const DEFAULT_PUSH_RETRY: Readonly<PushRetryPolicy> = Object.freeze({ attempts: 8, delayMs: 2_000 });

export const pushBackoffMs = (attempt: number, policy: PushRetryPolicy): number => policy.delayMs * 2 ** Math.max(0, attempt - 1);

/**
 * Records a failed try (the store unreachable, a 5xx, the connector not opening). The request
 * stays `approved` with the try counted, its error and when the next try is due; when the round
 * is spent (or the failure is one retrying cannot fix) it becomes `failed`, with its error,
 * audited and announced: `POST …/:id/retry` starts a new round. Answers whether it was final.
 * `final` overrides the count, for a runner that keeps its own (BullMQ's attemptsMade).
 */
export async function recordPushFailure(
  db: Database,
  job: PushJob,
  error: unknown,
  policy: PushRetryPolicy,
  final?: boolean,
): Promise<boolean> {
  const message = (error instanceof Error ? error.message : String(error)).slice(0, 1000);
  const principal = systemPrincipal(job.orgId, 'push');
  return withPrincipal(db, principal, async (tx) => {
    const [row] = await tx<
      { status: string; attempts: number; push_round: number; store_id: string; variant_id: string; location_id: string }[]
    >`
      select status, attempts, push_round, store_id, variant_id, location_id
      from inventory_requests where id = ${job.requestId} for update`;
    // Settled meanwhile (another try got through), or a stale job of an earlier round.
    if (row?.status !== 'approved' || (job.round !== undefined && row.push_round !== job.round)) return false;
    const attempt = row.attempts + 1;
    const isFinal = final ?? (attempt >= policy.attempts || error instanceof PlatformAuthError);
    const retryAt = isFinal ? null : new Date(Date.now() + pushBackoffMs(attempt, policy));
    await tx`
      update inventory_requests set attempts = ${attempt}, last_error = ${message}, next_attempt_at = ${retryAt},
        status = ${isFinal ? 'failed' : 'approved'}, updated_at = now()
      where id = ${job.requestId}`;
    if (!isFinal) return false;
    await recordAudit(tx, principal, {
      action: 'inventory.push_failed',
      subjectType: 'inventory_request',
      subjectId: job.requestId,
      details: { attempts: attempt, error: message },
    });
    await emitRequestEvent(tx, principal, { id: job.requestId, ...row }, 'inventory.request.failed', {
      attempts: attempt,
      error: message,
    });
    return true;
  });
}

/**
 * Approved requests whose push is due (`next_attempt_at` passed by `olderThanSeconds`), in every
 * organization, as push jobs of their current round. The in-process runner's loop; for the
 * queue runners, a backstop for a job that never reached the queue (the approval committed,
 * then the queue was unreachable). A job already queued for the round is not queued twice.
 */
export async function duePushes(db: Database, olderThanSeconds: number, maxRows = 100): Promise<PushJob[]> {
  const due = await db.app<{ org_id: string; id: string }[]>`
    select org_id, id from dockhand.due_inventory_pushes(${maxRows}::int)`;
  const jobs: PushJob[] = [];
  for (const row of due) {
    const [request] = await withPrincipal(
      db,
      systemPrincipal(row.org_id, 'push'),
      (tx) => tx<{ push_round: number; overdue: boolean }[]>`
        select push_round, next_attempt_at <= now() - make_interval(secs => ${olderThanSeconds}) as overdue
        from inventory_requests where id = ${row.id} and status = 'approved'`,
    );
    if (request?.overdue) jobs.push({ orgId: row.org_id, requestId: row.id, round: request.push_round });
  }
  return jobs;
}

/** When the request's next try is due; null when it is not waiting for one. */
export async function nextPushAttemptAt(db: Database, job: PushJob): Promise<Date | null> {
  const [row] = await withPrincipal(
    db,
    systemPrincipal(job.orgId, 'push'),
    (tx) => tx<{ next_attempt_at: Date | null }[]>`
      select next_attempt_at from inventory_requests where id = ${job.requestId} and status = 'approved'`,
  );
  return row?.next_attempt_at ?? null;
}

/**
 * Makes an approved request due now unless a try is already scheduled (a backoff stands): for a
 * runner that works from due times, asking for a push is asking for it to be due.
 */
export async function markPushDue(db: Database, job: PushJob): Promise<void> {
  await withPrincipal(
    db,
    systemPrincipal(job.orgId, 'push'),
    (tx) => tx`
      update inventory_requests set next_attempt_at = now()
      where id = ${job.requestId} and status = 'approved' and next_attempt_at is null`,
  );
}
