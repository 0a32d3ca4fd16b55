import type { Database } from '../db/database.ts';
import { systemPrincipal, withPrincipal } from '../db/principal.ts';
import type { Platform } from '../domain/stores/store-service.ts';
import { parsePlatformJson, UnsupportedPayloadError } from '../platforms/model.ts';
import { webhooksOf } from '../platforms/registry.ts';
import { ForeignPayloadError } from '../platforms/webhooks.ts';

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
      const payload = parsePlatformJson(event.body);
      const platform = webhooksOf(event.platform);
      const topic = Object.hasOwn(platform.topics, event.topic) ? platform.topics[event.topic] : undefined;
      // A store that is not connected receives no webhooks (a delivery stored just before a
      // disconnect is dropped here); compliance requests concern its data whatever its status.
      const connected = event.store_status === 'active' || !!topic?.evenWhenDisconnected;
      if (connected) {
        platform.checkOwnership(event.topic, payload, {
          status: event.store_status,
          shopDomain: event.shop_domain,
          platformShopId: event.platform_shop_id,
        });
      }
      const handler = connected ? topic?.action : undefined;
      const changed = handler
        ? await handler(tx, { orgId: event.org_id, storeId: event.store_id }, payload, event, principal)
        : false;
      const status = handler ? 'applied' : 'ignored';
      await tx`
        update webhook_events set status = ${status}, applied_at = now(), attempts = attempts + 1,
          last_error = ${connected ? null : `the store is ${event.store_status}`}
        where id = ${event.id}`;
      if (!handler) return 'ignored';
      return changed ? 'applied' : 'unchanged';
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
