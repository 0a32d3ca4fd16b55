import type { TenantSql } from '../db/principal.ts';

/** Every event type /v1/stream can announce. */
export const EVENT_TYPES = [
  'order.created',
  'order.updated',
  'fulfillment.created',
  'inventory.level.updated',
  'inventory.request.created',
  'inventory.request.approved',
  'inventory.request.rejected',
  'inventory.request.applied',
  'inventory.request.conflict',
  'inventory.request.failed',
  'sync.status',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export interface OutboxEvent {
  type: EventType;
  /** The store the change belongs to; null for organization-wide events (merchants never see those). */
  storeId: string | null;
  /** The id of the changed row (order id, request id, …). */
  subjectId?: string | undefined;
  /** What a screen needs to update without a re-read; kept small. */
  data?: Record<string, unknown>;
}

/** The channel every server instance listens on; the payload is `orgId:id`. */
export const EVENTS_CHANNEL = 'dockhand_events';

/**
 * Writes an event in the caller's transaction and announces it on commit (NOTIFY is delivered
 * only if the transaction commits). Its id is drawn from the organization's counter, whose row
 * stays locked until commit: the organization's writers take turns from here to their commits,
 * so its ids commit in order, and a committed counter value is a horizon below which no id is
 * still in flight (see eventHorizon), which is what lets `Last-Event-ID` resume exactly.
 * Call it last in a transaction: the counter is then held only for the commit, and no row lock
 * is waited for while holding it.
 */
export async function emitEvent(tx: TenantSql, orgId: string, event: OutboxEvent): Promise<void> {
  const deferred = deferredEvents.get(tx);
  if (deferred && deferred.orgId === orgId) deferred.events.push(event);
  else await emitEvents(tx, orgId, [event]);
}

/** Transactions inside withDeferredEvents, and the events their emitEvent calls left for the end. */
const deferredEvents = new WeakMap<TenantSql, { orgId: string; events: OutboxEvent[] }>();

/**
 * Holds back every emitEvent of the organization in `tx` until `emit` is called, which emits them
 * all as one statement (one counter draw, one NOTIFY), in the order they were made. For a transaction
 * that applies many changes (a batch of webhooks): the event counter is then held only for its
 * commit, not while the other rows are still being written, and the stream reads one
 * notification per batch. `emit` is to be the transaction's last statement; a caller may send
 * its other last statements without waiting, so they share its round trip.
 */
export function deferEvents(tx: TenantSql, orgId: string): { emit: () => Promise<void>; cancel: () => void } {
  // Inside another deferral, that one emits them.
  if (deferredEvents.has(tx)) return { emit: async () => {}, cancel: () => {} };
  const events: OutboxEvent[] = [];
  deferredEvents.set(tx, { orgId, events });
  return {
    emit: async () => {
      deferredEvents.delete(tx);
      await emitEvents(tx, orgId, events);
    },
    cancel: () => deferredEvents.delete(tx),
  };
}

/** `work` with the events it makes emitted together after it (see deferEvents); none if it throws. */
export async function withDeferredEvents<T>(tx: TenantSql, orgId: string, work: () => Promise<T>): Promise<T> {
  const deferred = deferEvents(tx, orgId);
  let result: T;
  try {
    result = await work();
  } catch (error) {
    deferred.cancel();
    throw error;
  }
  await deferred.emit();
  return result;
}

/**
 * emitEvent for several events of one transaction (a page of a sync run): one statement, one
 * NOTIFY. Answers their ids in order.
 *
 * Ids, insert and NOTIFY are one statement, so the counter is held for one round trip and the
 * commit. The ids come from the organization's own counter (migration 0018: a sequence shared by
 * every organization let each one count the others' events), raised by the number of events; its
 * row stays locked until commit, so an organization's ids commit in order.
 */
export async function emitEvents(tx: TenantSql, orgId: string, events: readonly OutboxEvent[]): Promise<string[]> {
  if (events.length === 0) return [];
  const rows = events.map((event) => ({
    store_id: event.storeId,
    type: event.type,
    subject_id: event.subjectId ?? null,
    data: event.data ?? {},
  }));
  const [result] = await tx<{ ids: string[] }[]>`
    with drawn as (
      insert into event_counters as c (org_id, last) values (${orgId}::uuid, ${rows.length}::bigint)
      on conflict (org_id) do update set last = c.last + excluded.last
      returning c.last
    ),
    inserted as (
      insert into events (org_id, id, store_id, type, subject_id, data)
      select ${orgId}::uuid, d.last - ${rows.length}::bigint + e.n, (e.event ->> 'store_id')::uuid, e.event ->> 'type',
             e.event ->> 'subject_id', coalesce(e.event -> 'data', '{}')
      from drawn d, jsonb_array_elements(${tx.json(rows as never)}::jsonb) with ordinality as e(event, n)
      order by e.n
      returning id
    )
    select array_agg(id::text order by id) as ids,
           pg_notify(${EVENTS_CHANNEL}, ${orgId}::text || ':' || max(id)::text) as notified
    from inserted`;
  return result!.ids;
}
