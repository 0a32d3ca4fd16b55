import type { Database } from '../../db/database.ts';
import { lockUntilCommit, readWithPrincipal, type Principal, type TenantSql } from '../../db/principal.ts';
import { statement } from '../../db/statement.ts';
import { emitEvent, type EventType } from '../../realtime/outbox.ts';
import type { PushJob } from '../../sync/sync-runner.ts';
import { recordAudit } from '../audit/audit-log.ts';
import { isoTimeOrNull } from '../iso-time.ts';
import { MAX_STOCK_LEVEL } from './inventory-sync.ts';

/**
 * Inventory requests: a merchant (or an admin) asks for a stock change, an admin approves or
 * rejects it, and an approved one is pushed to the store by a job (see sync/push-inventory.ts):
 *
 *   pending ─approve─▶ approved ─push─▶ applied | conflict | failed
 *   pending | conflict | failed ─reject─▶ rejected
 *   conflict ─approve─▶ approved (a fresh approval, against the quantity seen now)
 *   failed ─retry─▶ approved (the same approval, a new round of tries)
 *
 * Every step is a conditional transition on the locked row, so two admins acting at once
 * produce one transition and one RequestStateError (409).
 */
export const REQUEST_STATUSES = ['pending', 'approved', 'rejected', 'applied', 'conflict', 'failed'] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

export interface InventoryRequestView {
  id: string;
  storeId: string;
  variantId: string;
  locationId: string;
  productTitle: string;
  variantTitle: string | null;
  sku: string | null;
  locationName: string;
  kind: 'delta' | 'set';
  delta: number | null;
  setTo: number | null;
  reason: string;
  status: RequestStatus;
  requestedBy: string;
  /** Who asked, as the organization knows them (display name, else email); null once removed. */
  requestedByName: string | null;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionComment: string | null;
  /** The level when the request was (last) approved: the push's compare-and-set value. */
  expectedAvailable: number | null;
  /** The store's quantity when the push found it had moved (status conflict). */
  actualAvailable: number | null;
  /** Tries of the current push round. */
  attempts: number;
  nextAttemptAt: string | null;
  lastError: string | null;
  /** Dockhand's level now. */
  currentAvailable: number | null;
  createdAt: string;
  updatedAt: string;
}

export class RequestStateError extends Error {
  constructor(
    readonly status: RequestStatus,
    action: string,
  ) {
    super(`The request is ${status}: it cannot be ${action}`);
    this.name = 'RequestStateError';
  }
}

/**
 * Requests one person may have waiting at once: past it, the approvers' queue (and every stream
 * of the store, which announces each request) is no longer theirs to flood.
 */
export const MAX_PENDING_PER_REQUESTER = 1000;

export class TooManyPendingRequestsError extends Error {
  constructor() {
    super(
      `You have ${MAX_PENDING_PER_REQUESTER} requests waiting for an answer, the most one person can; wait for answers first`,
    );
    this.name = 'TooManyPendingRequestsError';
  }
}

/** A change that would take the level out of what a level may hold. */
export class RequestQuantityError extends Error {
  constructor(
    readonly available: number,
    readonly result: number,
  ) {
    super(
      result < 0
        ? `The level is ${available}: taking that much would leave ${result}, and a decrease cannot go below 0`
        : `The level is ${available}: that would make ${result}, more than the ${MAX_STOCK_LEVEL} a level can hold`,
    );
    this.name = 'RequestQuantityError';
  }
}

/**
 * Refuses a change whose result a level cannot hold: more than MAX_STOCK_LEVEL, or a decrease
 * below 0 (an increase of a level already below 0, which a store can be, is fine).
 */
function assertReachable(change: { kind: 'delta' | 'set'; delta: number | null; setTo: number | null }, available: number): void {
  const result = change.kind === 'set' ? change.setTo! : available + change.delta!;
  if (result > MAX_STOCK_LEVEL || (change.kind === 'delta' && change.delta! < 0 && result < 0)) {
    throw new RequestQuantityError(available, result);
  }
}

/** Dockhand's level of a variant at a location now (0 when none is recorded yet). */
async function levelNow(tx: TenantSql, variantId: string, locationId: string): Promise<number> {
  const [level] = await tx<{ available: number }[]>`
    select available from inventory_levels where variant_id = ${variantId} and location_id = ${locationId}`;
  return level?.available ?? 0;
}

export class RequestTargetNotFoundError extends Error {
  constructor(readonly what: 'Variant' | 'Location') {
    super(`${what} not found`);
    this.name = 'RequestTargetNotFoundError';
  }
}

interface RequestRow {
  id: string;
  store_id: string;
  variant_id: string;
  location_id: string;
  product_title: string;
  variant_title: string | null;
  sku: string | null;
  location_name: string;
  kind: 'delta' | 'set';
  delta: number | null;
  set_to: number | null;
  reason: string;
  status: RequestStatus;
  requested_by: string;
  requested_by_name: string | null;
  decided_by: string | null;
  decided_at: Date | null;
  decision_comment: string | null;
  expected_available: number | null;
  actual_available: number | null;
  attempts: number;
  next_attempt_at: Date | null;
  last_error: string | null;
  current_available: number | null;
  created_at: Date;
  updated_at: Date;
}

const SELECT = `
  select r.id, r.store_id, r.variant_id, r.location_id, p.title as product_title, v.title as variant_title, v.sku,
         loc.name as location_name, r.kind, r.delta, r.set_to, r.reason, r.status, r.requested_by,
         coalesce(u.display_name, u.email::text) as requested_by_name, r.decided_by, r.decided_at,
         r.decision_comment, r.expected_available, r.actual_available, r.attempts, r.next_attempt_at, r.last_error,
         l.available as current_available, r.created_at, r.updated_at
  from inventory_requests r
  join product_variants v on v.org_id = r.org_id and v.id = r.variant_id
  join products p on p.org_id = v.org_id and p.id = v.product_id
  join locations loc on loc.org_id = r.org_id and loc.id = r.location_id
  left join inventory_levels l on l.org_id = r.org_id and l.variant_id = r.variant_id and l.location_id = r.location_id
  left join users u on u.org_id = r.org_id and u.id = r.requested_by`;
const selectText = { text: SELECT, values: [], parts: [SELECT] };

const toView = (row: RequestRow): InventoryRequestView => ({
  id: row.id,
  storeId: row.store_id,
  variantId: row.variant_id,
  locationId: row.location_id,
  productTitle: row.product_title,
  variantTitle: row.variant_title,
  sku: row.sku,
  locationName: row.location_name,
  kind: row.kind,
  delta: row.delta,
  setTo: row.set_to,
  reason: row.reason,
  status: row.status,
  requestedBy: row.requested_by,
  requestedByName: row.requested_by_name,
  decidedBy: row.decided_by,
  decidedAt: isoTimeOrNull(row.decided_at),
  decisionComment: row.decision_comment,
  expectedAvailable: row.expected_available,
  actualAvailable: row.actual_available,
  attempts: row.attempts,
  nextAttemptAt: isoTimeOrNull(row.next_attempt_at),
  lastError: row.last_error,
  currentAvailable: row.current_available,
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
});

export async function getRequest(tx: TenantSql, id: string): Promise<InventoryRequestView | undefined> {
  const [row] = await tx.unsafe<RequestRow[]>(`${SELECT} where r.id = $1`, [id]);
  return row ? toView(row) : undefined;
}

/** Keyset of requests: newest first, (created_at to the microsecond as text, id). */
export type RequestKey = [string, string];

export async function listRequests(
  db: Database,
  principal: Principal,
  filters: { status?: RequestStatus | undefined; storeId?: string | undefined },
  page: { limit: number; after?: RequestKey | undefined },
): Promise<Array<InventoryRequestView & { cursorKey: RequestKey }>> {
  const rows = await readWithPrincipal<RequestRow & { created_key: string }>(
    db,
    principal,
    statement`
      select x.*, to_char(x.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as created_key
      from (${selectText}) x
      where true
      ${filters.status ? statement`and x.status = ${filters.status}` : statement``}
      ${filters.storeId ? statement`and x.store_id = ${filters.storeId}::uuid` : statement``}
      ${page.after ? statement`and (x.created_at, x.id) < (${page.after[0]}::timestamptz, ${page.after[1]}::uuid)` : statement``}
      order by x.created_at desc, x.id desc
      limit ${page.limit + 1}`,
  );
  // The cursor carries the instant to the microsecond (a Date stops at milliseconds).
  return rows.map((row) => ({ ...toView(row), cursorKey: [row.created_key, row.id] }));
}

export interface NewRequest {
  variantId: string;
  locationId: string;
  change: { kind: 'delta'; delta: number } | { kind: 'set'; setTo: number };
  reason: string;
}

/** Who the request is attributed to: the signed-in user (a request needs one). */
const actorOf = (principal: Principal) => principal.userId ?? principal.subject;

export async function createRequest(
  tx: TenantSql,
  principal: Principal,
  input: NewRequest,
  requestId?: string,
): Promise<InventoryRequestView> {
  // Out of the principal's scope (another organization, a merchant's other store): not there.
  const [variant] = await tx<{ store_id: string }[]>`select store_id from product_variants where id = ${input.variantId}`;
  if (!variant) throw new RequestTargetNotFoundError('Variant');
  const [location] = await tx<{ id: string }[]>`
    select id from locations where id = ${input.locationId} and store_id = ${variant.store_id}`;
  if (!location) throw new RequestTargetNotFoundError('Location');
  const delta = input.change.kind === 'delta' ? input.change.delta : null;
  const setTo = input.change.kind === 'set' ? input.change.setTo : null;
  // Checked again at approval, against the level then.
  assertReachable({ kind: input.change.kind, delta, setTo }, await levelNow(tx, input.variantId, input.locationId));
  // One person's requests one at a time, so that two at once cannot both pass the count.
  await lockUntilCommit(tx, `inventory_requests:${principal.userId!}`);
  const [waiting] = await tx<{ n: number }[]>`
    select count(*)::int as n from inventory_requests where requested_by = ${principal.userId!} and status = 'pending'`;
  if (waiting!.n >= MAX_PENDING_PER_REQUESTER) throw new TooManyPendingRequestsError();
  const [row] = await tx<{ id: string }[]>`
    insert into inventory_requests (org_id, store_id, variant_id, location_id, kind, delta, set_to, reason, requested_by)
    values (${principal.orgId}, ${variant.store_id}, ${input.variantId}, ${input.locationId}, ${input.change.kind}, ${delta},
            ${setTo}, ${input.reason}, ${principal.userId!})
    returning id`;
  const created = (await getRequest(tx, row!.id))!;
  await recordAudit(tx, principal, {
    action: 'inventory.request_created',
    subjectType: 'inventory_request',
    subjectId: created.id,
    details: {
      variantId: input.variantId,
      locationId: input.locationId,
      kind: input.change.kind,
      delta,
      setTo,
      reason: input.reason,
    },
    requestId,
  });
  await announce(tx, principal, created, 'inventory.request.created', { requestedBy: actorOf(principal) });
  return created;
}

/** Locks the request row for a transition; undefined when the principal cannot see it. */
async function lockRequest(tx: TenantSql, id: string) {
  const [row] = await tx<
    {
      status: RequestStatus;
      variant_id: string;
      location_id: string;
      kind: 'delta' | 'set';
      delta: number | null;
      set_to: number | null;
      approvals: number;
      push_round: number;
    }[]
  >`
    select status, variant_id, location_id, kind, delta, set_to, approvals, push_round
    from inventory_requests where id = ${id} for update`;
  return row;
}

/**
 * Approves a pending request, or a conflicted one afresh: records the level Dockhand holds now
 * as the push's compare-and-set value, starts a push round and answers the job to queue once
 * this transaction has committed (the job reads the approval). undefined: not found.
 */
export async function approveRequest(
  tx: TenantSql,
  principal: Principal,
  id: string,
  comment: string | undefined,
  requestId?: string,
): Promise<{ request: InventoryRequestView; job: PushJob } | undefined> {
  const locked = await lockRequest(tx, id);
  if (!locked) return undefined;
  if (locked.status !== 'pending' && locked.status !== 'conflict') throw new RequestStateError(locked.status, 'approved');
  const expected = await levelNow(tx, locked.variant_id, locked.location_id);
  assertReachable({ kind: locked.kind, delta: locked.delta, setTo: locked.set_to }, expected);
  await tx`
    update inventory_requests set status = 'approved', expected_available = ${expected}, actual_available = null,
      approvals = approvals + 1, push_round = push_round + 1, attempts = 0, next_attempt_at = now(), last_error = null,
      decided_by = ${principal.userId ?? null}, decided_at = now(), decision_comment = ${comment ?? null}, updated_at = now()
    where id = ${id}`;
  const request = (await getRequest(tx, id))!;
  await recordAudit(tx, principal, {
    action: 'inventory.request_approved',
    subjectType: 'inventory_request',
    subjectId: id,
    details: { expectedAvailable: expected, comment: comment ?? null, reapproval: locked.status === 'conflict' },
    requestId,
  });
  await announce(tx, principal, request, 'inventory.request.approved', { expectedAvailable: expected });
  return { request, job: { orgId: principal.orgId, requestId: id, round: locked.push_round + 1 } };
}

export async function rejectRequest(
  tx: TenantSql,
  principal: Principal,
  id: string,
  reason: string,
  requestId?: string,
): Promise<InventoryRequestView | undefined> {
  const locked = await lockRequest(tx, id);
  if (!locked) return undefined;
  if (locked.status !== 'pending' && locked.status !== 'conflict' && locked.status !== 'failed') {
    throw new RequestStateError(locked.status, 'rejected');
  }
  await tx`
    update inventory_requests set status = 'rejected', next_attempt_at = null, decided_by = ${principal.userId ?? null},
      decided_at = now(), decision_comment = ${reason}, updated_at = now()
    where id = ${id}`;
  const request = (await getRequest(tx, id))!;
  await recordAudit(tx, principal, {
    action: 'inventory.request_rejected',
    subjectType: 'inventory_request',
    subjectId: id,
    details: { reason, previousStatus: locked.status },
    requestId,
  });
  await announce(tx, principal, request, 'inventory.request.rejected', { reason });
  return request;
}

/**
 * Queues a failed request's push again: the same approval (and idempotency key: the failed
 * tries may have reached the store), a new round of tries. undefined: not found.
 */
export async function retryRequest(
  tx: TenantSql,
  principal: Principal,
  id: string,
  requestId?: string,
): Promise<{ request: InventoryRequestView; job: PushJob } | undefined> {
  const locked = await lockRequest(tx, id);
  if (!locked) return undefined;
  if (locked.status !== 'failed') throw new RequestStateError(locked.status, 'retried');
  await tx`
    update inventory_requests set status = 'approved', push_round = push_round + 1, attempts = 0, next_attempt_at = now(),
      updated_at = now()
    where id = ${id}`;
  const request = (await getRequest(tx, id))!;
  await recordAudit(tx, principal, {
    action: 'inventory.request_retried',
    subjectType: 'inventory_request',
    subjectId: id,
    details: { lastError: request.lastError },
    requestId,
  });
  // Back to `approved`, as an approval is: screens show it waiting for its push again.
  await announce(tx, principal, request, 'inventory.request.approved', { retried: true });
  return { request, job: { orgId: principal.orgId, requestId: id, round: locked.push_round + 1 } };
}

/** The event, last in the transaction (it holds the organization's event counter until commit). */
async function announce(
  tx: TenantSql,
  principal: Principal,
  request: InventoryRequestView,
  type: EventType,
  data: Record<string, unknown>,
): Promise<void> {
  await emitEvent(tx, principal.orgId, {
    type,
    storeId: request.storeId,
    subjectId: request.id,
    data: { status: request.status, variantId: request.variantId, locationId: request.locationId, ...data },
  });
}
