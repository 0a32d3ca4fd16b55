import type { Database } from '../db/database.ts';
import { groupBy } from '../group-by.ts';
import { systemPrincipal, withPrincipal, type Principal, type TenantSql } from '../db/principal.ts';
import type { Platform } from '../domain/stores/store-service.ts';
import { parsePlatformJson, UnsupportedPayloadError } from '../platforms/model.ts';
import { webhooksOf } from '../platforms/registry.ts';
import { ForeignPayloadError, type WebhookTopic } from '../platforms/webhooks.ts';
import { deferEvents, withDeferredEvents } from '../realtime/outbox.ts';

export { ForeignPayloadError, RetryLaterError } from '../platforms/webhooks.ts';

/**
 * applied: it changed something; unchanged: it was older than what we have, or a no-op;
 * ignored: a topic Dockhand does not handle, or a store that is not connected;
 * refused: the body belongs to another shop (its headers, which are not signed, were re-aimed).
 */
export type ApplyOutcome = 'applied' | 'unchanged' | 'ignored' | 'refused' | 'already_done' | 'missing';

export const MAX_APPLY_ATTEMPTS = 10;

interface EventRow {
  id: string;
  org_id: string;
  store_id: string;
  platform: Platform;
  topic: string;
  body: string;
  status: string;
  store_status: string;
  shop_domain: string | null;
  platform_shop_id: string | null;
}

interface LockedOutcome {
  outcome: ApplyOutcome;
  status: 'applied' | 'ignored';
  lastError: string | null;
}

/** The topic an inbox row names, if Dockhand handles it. */
function topicOf(event: EventRow): WebhookTopic | undefined {
  const platform = webhooksOf(event.platform);
  return Object.hasOwn(platform.topics, event.topic) ? platform.topics[event.topic] : undefined;
}

/**
 * What an inbox row asks for, checked before anything is written: its payload, and the topic's
 * action unless the store is not connected or the topic is not handled. A store that is not
 * connected receives no webhooks (a delivery stored just before a disconnect is dropped here);
 * compliance requests concern its data whatever its status. Throws ForeignPayloadError for a body
 * of another shop.
 */
function prepare(event: EventRow): { payload: unknown; topic: WebhookTopic | undefined; connected: boolean } {
  const payload = payloadOf(event);
  const topic = topicOf(event);
  const connected = event.store_status === 'active' || !!topic?.evenWhenDisconnected;
  if (connected) {
    webhooksOf(event.platform).checkOwnership(event.topic, payload, {
      status: event.store_status,
      shopDomain: event.shop_domain,
      platformShopId: event.platform_shop_id,
    });
  }
  return { payload, topic: connected ? topic : undefined, connected };
}

function locked(event: EventRow, connected: boolean, handled: boolean, changed: boolean): LockedOutcome {
  const lastError = connected ? null : `the store is ${event.store_status}`;
  if (!handled) return { outcome: 'ignored', status: 'ignored', lastError };
  return { outcome: changed ? 'applied' : 'unchanged', status: 'applied', lastError };
}

/** The topic's effects for an inbox row locked in `tx`; the caller marks the row with `status`. */
async function applyLocked(tx: TenantSql, event: EventRow, principal: Principal): Promise<LockedOutcome> {
  const { payload, topic, connected } = prepare(event);
  const changed = topic
    ? await topic.action(tx, { orgId: event.org_id, storeId: event.store_id }, payload, event, principal)
    : false;
  return locked(event, connected, !!topic, changed);
}

/**
 * applyLocked for rows whose topics share a batch action, in the order they take effect: the
 * rows of each store are applied by one call of it.
 */
async function applyLockedTogether(tx: TenantSql, events: readonly EventRow[], principal: Principal): Promise<LockedOutcome[]> {
  const prepared = events.map((event) => ({ event, ...prepare(event) }));
  const outcomes: LockedOutcome[] = prepared.map(({ event, connected }) => locked(event, connected, false, false));
  const handled = prepared.flatMap(({ topic }, index) => (topic ? [index] : []));
  await Promise.all(
    [...groupBy(handled, (index) => prepared[index]!.event.store_id)].map(async ([storeId, indexes]) => {
      const first = prepared[indexes[0]!]!;
      const batchAction = first.topic!.batchAction!;
      const changed = await batchAction(
        tx,
        { orgId: first.event.org_id, storeId },
        indexes.map((index) => ({ payload: prepared[index]!.payload, event: prepared[index]!.event })),
        principal,
      );
      indexes.forEach((index, i) => {
        outcomes[index] = locked(prepared[index]!.event, true, true, changed[i]!);
      });
    }),
  );
  return outcomes;
}

/**
 * Splits rows (in the order they must take effect) into runs of one topic (or of topics that
 * share a batch action, which takes the run's rows at once, in order), and each run into lanes by
 * the resource's id. Lanes of a run are applied at once on the transaction's connection, so their
 * statements share round trips (the driver pipelines them); a lane keeps its rows in order, so
 * two changes of one resource stay in order. A run touches resources of one kind, which do not
 * refer to each other; a change of topic waits for everything before it (an order that refers to
 * a customer created just before, stock of a product just created).
 */
function concurrentRuns(events: readonly EventRow[]): Array<{ rows: EventRow[]; lanes: EventRow[][] }> {
  const runs: Array<{ rows: EventRow[]; lanes: EventRow[][] }> = [];
  let lanes = new Map<string, EventRow[]>();
  let rows: EventRow[] = [];
  let run: unknown;
  for (const event of events) {
    const key = topicOf(event)?.batchAction ?? `${event.platform}:${event.topic}`;
    if (key !== run) {
      if (rows.length > 0) runs.push({ rows, lanes: [...lanes.values()] });
      lanes = new Map();
      rows = [];
      run = key;
    }
    rows.push(event);
    const lane = `${event.store_id}:${resourceIdOf(event)}`;
    const laneRows = lanes.get(lane);
    if (laneRows) laneRows.push(event);
    else lanes.set(lane, [event]);
  }
  if (rows.length > 0) runs.push({ rows, lanes: [...lanes.values()] });
  return runs;
}

/** Each row's body parsed once, for its lane and for its action. */
const payloads = new WeakMap<EventRow, unknown>();
function payloadOf(event: EventRow): unknown {
  if (!payloads.has(event)) payloads.set(event, parsePlatformJson(event.body));
  return payloads.get(event);
}

/** The top-level `id` of a delivery's JSON as text (exact above 2^53); '' when it has none, so those share one lane. */
function resourceIdOf(event: EventRow): string {
  try {
    const payload = payloadOf(event) as { id?: unknown } | null;
    const id = payload && typeof payload === 'object' ? payload.id : undefined;
    return typeof id === 'string' || typeof id === 'number' || typeof id === 'bigint' ? String(id) : '';
  } catch {
    return '';
  }
}

/**
 * Applies several inbox rows of one organization in one transaction (group commit): one lock
 * statement, one status update, one commit for the lot, so a backlog costs a few round trips per
 * row instead of a transaction each. Rows are applied in the order they were received (then in
 * the order given), so two changes of one order keep their order; each row is marked in the
 * transaction that holds its effects. If any row fails, the whole transaction is rolled back and
 * every row is applied again on its own by {@link applyWebhookEvent}: the others apply, the
 * failing one records its error and backoff and rejects. Settles one result per job, in order.
 */
export async function applyWebhookEvents(
  db: Database,
  orgId: string,
  eventIds: readonly string[],
): Promise<Array<PromiseSettledResult<ApplyOutcome>>> {
  if (eventIds.length === 0) return [];
  if (eventIds.length === 1) return Promise.allSettled([applyWebhookEvent(db, { orgId, eventId: eventIds[0]! })]);
  const principal = systemPrincipal(orgId, 'apply');
  let outcomes: Map<string, ApplyOutcome>;
  try {
    outcomes = await withPrincipal(db, principal, async (tx) => {
      const events = await tx<EventRow[]>`
        select e.id, e.org_id, e.store_id, e.platform, e.topic, e.body, e.status,
               s.status as store_status, s.shop_domain, s.platform_shop_id
        from webhook_events e join stores s on s.org_id = e.org_id and s.id = e.store_id
        where e.id = any(${eventIds as string[]}::uuid[])
        order by e.received_at, array_position(${eventIds as string[]}::uuid[], e.id)
        for update of e`;
      const done = new Map<string, ApplyOutcome>();
      const marked = new Map<string, { status: string; lastError: string | null }>();
      // The batch's events are emitted together, as its last statement (see deferEvents).
      const deferred = deferEvents(tx, orgId);
      try {
        for (const { rows, lanes } of concurrentRuns(events.filter((event) => event.status === 'received'))) {
          if (topicOf(rows[0]!)?.batchAction) {
            const outcomes = await applyLockedTogether(tx, rows, principal);
            rows.forEach((event, index) => {
              const { outcome, status, lastError } = outcomes[index]!;
              done.set(event.id, outcome);
              marked.set(event.id, { status, lastError });
            });
            continue;
          }
          const settled = await Promise.allSettled(
            lanes.map(async (lane) => {
              for (const event of lane) {
                const { outcome, status, lastError } = await applyLocked(tx, event, principal);
                done.set(event.id, outcome);
                marked.set(event.id, { status, lastError });
              }
            }),
          );
          const failed = settled.find((result) => result.status === 'rejected');
          if (failed) throw failed.reason;
        }
        for (const event of events) if (!done.has(event.id)) done.set(event.id, 'already_done');
        const marks = events.flatMap((event) => {
          const mark = marked.get(event.id);
          return mark ? [{ id: event.id, ...mark }] : [];
        });
        // Sent together: one round trip for the marks and the events.
        await Promise.all([
          marks.length > 0 &&
            tx`
          update webhook_events e set status = m.status, applied_at = now(), attempts = e.attempts + 1, last_error = m.last_error
          from unnest(${marks.map((mark) => mark.id)}::uuid[], ${marks.map((mark) => mark.status)}::text[],
                      ${marks.map((mark) => mark.lastError) as string[]}::text[]) as m(id, status, last_error)
          where e.id = m.id`.execute(),
          deferred.emit(),
        ]);
      } catch (error) {
        deferred.cancel();
        throw error;
      }
      return done;
    });
  } catch {
    // Which row failed, and why, is recorded by applying each on its own; the rollback undid the rest.
    const settled: Array<PromiseSettledResult<ApplyOutcome>> = [];
    for (const eventId of eventIds) {
      settled.push(...(await Promise.allSettled([applyWebhookEvent(db, { orgId, eventId })])));
    }
    return settled;
  }
  return eventIds.map((id) => ({ status: 'fulfilled', value: outcomes.get(id) ?? 'missing' }));
}

/**
 * Applies one inbox row. Idempotent: a row already applied is left alone, so a job that runs
 * twice (a retry, the sweeper, a duplicate enqueue) changes nothing the second time.
 */
export async function applyWebhookEvent(db: Database, job: { orgId: string; eventId: string }): Promise<ApplyOutcome> {
  const principal = systemPrincipal(job.orgId, 'apply');
  try {
    return await withPrincipal(db, principal, async (tx) => {
      const [event] = await tx<EventRow[]>`
        select e.id, e.org_id, e.store_id, e.platform, e.topic, e.body, e.status,
               s.status as store_status, s.shop_domain, s.platform_shop_id
        from webhook_events e join stores s on s.org_id = e.org_id and s.id = e.store_id
        where e.id = ${job.eventId} for update of e`;
      if (!event) return 'missing';
      if (event.status !== 'received') return 'already_done';
      return withDeferredEvents(tx, job.orgId, async () => {
        const { outcome, status, lastError } = await applyLocked(tx, event, principal);
        await tx`
          update webhook_events set status = ${status}, applied_at = now(), attempts = attempts + 1, last_error = ${lastError}
          where id = ${event.id}`;
        return outcome;
      });
    });
  } catch (error) {
    if (error instanceof ForeignPayloadError) {
      // Kept as the record of the attempt, and never applied.
      await withPrincipal(
        db,
        principal,
        (tx) => tx`
        update webhook_events set status = 'ignored', applied_at = now(), attempts = attempts + 1, last_error = ${error.message}
        where id = ${job.eventId} and status = 'received'`,
      );
      return 'refused';
    }
    const permanent = error instanceof UnsupportedPayloadError;
    // Exponential backoff with jitter before the sweeper offers the row again: ~2 s, 4 s, 8 s, … (at most an hour).
    await withPrincipal(
      db,
      principal,
      (tx) => tx`
      update webhook_events set attempts = attempts + 1, last_error = ${String((error as Error).message).slice(0, 1000)},
        status = case when ${permanent} or attempts + 1 >= ${MAX_APPLY_ATTEMPTS} then 'failed' else status end,
        next_attempt_at = now() + least(interval '1 hour', interval '1 second' * power(2, attempts + 1) * (0.5 + random() / 2))
      where id = ${job.eventId} and status = 'received'`,
    );
    throw error;
  }
}
