import type { Database } from '../db/database.ts';
import { OrgBatcher } from '../db/org-batcher.ts';
import { systemPrincipal, withPrincipal } from '../db/principal.ts';

export interface InboundWebhook {
  orgId: string;
  storeId: string;
  platform: 'shopify' | 'woocommerce';
  /** The platform's de-duplication key for this event. */
  eventId: string;
  topic: string;
  /** The raw body, exactly as signed (ids above 2^53 survive as text). */
  body: string;
  /** The platform's delivery headers, signature excluded (stored as a JSON object). */
  headers: Record<string, string>;
}

export interface StoredWebhook {
  id: string;
  duplicate: boolean;
}

/**
 * Stores verified deliveries in the inbox. Deliveries that arrive together are written
 * together: one transaction per organization and batch (group commit), so a burst costs a
 * few round trips instead of one transaction per webhook. Each caller's promise settles only
 * after its row is committed, so nothing is acknowledged before it is durable. The same
 * platform event twice is a no-op that answers the first row's id.
 */
export class WebhookInbox {
  private readonly batcher: OrgBatcher<InboundWebhook, StoredWebhook>;

  /**
   * @param maxInFlight batches being written at once; while they are, new deliveries gather
   *   into the next batch, so batches grow with the load and stay small when it is light.
   */
  constructor(db: Database, maxBatch = 500, maxInFlight = 2) {
    this.batcher = new OrgBatcher(
      async (orgId, events) =>
        (await insertBatch(db, orgId, events)).map((stored) => ({ status: 'fulfilled', value: stored }) as const),
      maxBatch,
      maxInFlight,
    );
  }

  store(event: InboundWebhook): Promise<StoredWebhook> {
    return this.batcher.add(event.orgId, event);
  }
}

/** One organization's deliveries in one transaction; answers a row id per delivery, in order. */
async function insertBatch(db: Database, orgId: string, events: InboundWebhook[]): Promise<StoredWebhook[]> {
  const rows = await withPrincipal(db, systemPrincipal(orgId, 'ingest'), async (tx) => {
    const found = await tx<{ id: string; platform_event_id: string; store_id: string; inserted: boolean }[]>`
    with incoming as (
      select * from unnest(${events.map((event) => event.storeId)}::uuid[], ${events.map((event) => event.platform)}::text[],
                           ${events.map((event) => event.eventId)}::text[], ${events.map((event) => event.topic)}::text[],
                           ${events.map((event) => event.body)}::text[], ${events.map((event) => JSON.stringify(event.headers))}::text[])
        as t(store_id, platform, platform_event_id, topic, body, headers)
    ),
    inserted as (
      insert into webhook_events (org_id, store_id, platform, platform_event_id, topic, body, headers)
      select distinct on (store_id, platform_event_id) ${orgId}::uuid, store_id, platform, platform_event_id, topic, body,
             headers::jsonb
      from incoming
      on conflict (org_id, store_id, platform_event_id) do nothing
      returning id, platform_event_id, store_id
    )
    select id, platform_event_id, store_id, true as inserted from inserted
    union all
    -- The copies already stored, each found by its key (a join could read the whole inbox).
    select e.id, e.platform_event_id, e.store_id, false
    from incoming i
    cross join lateral (
      select e.id, e.platform_event_id, e.store_id from webhook_events e
      where e.org_id = ${orgId} and e.store_id = i.store_id and e.platform_event_id = i.platform_event_id
    ) e
    where not exists (select 1 from inserted n where n.store_id = i.store_id and n.platform_event_id = i.platform_event_id)`;
    // A copy another transaction stored while this statement ran: its insert waited for that one
    // to commit and skipped the row, but the statement's snapshot, older, cannot see it. A new
    // statement can.
    const seen = new Set(found.map((row) => `${row.store_id}:${row.platform_event_id}`));
    const missing = events.filter((event) => !seen.has(`${event.storeId}:${event.eventId}`));
    if (missing.length === 0) return found;
    const late = await tx<{ id: string; platform_event_id: string; store_id: string; inserted: boolean }[]>`
      select e.id, e.platform_event_id, e.store_id, false as inserted
      from unnest(${missing.map((event) => event.storeId)}::uuid[], ${missing.map((event) => event.eventId)}::text[])
        as m(store_id, platform_event_id)
      join webhook_events e on e.org_id = ${orgId} and e.store_id = m.store_id and e.platform_event_id = m.platform_event_id`;
    return [...found, ...late];
  });
  const byKey = new Map(rows.map((row) => [`${row.store_id}:${row.platform_event_id}`, row]));
  const claimed = new Set<string>();
  return events.map((event) => {
    const key = `${event.storeId}:${event.eventId}`;
    const row = byKey.get(key);
    if (!row) throw new Error(`webhook inbox insert returned no row for ${key}`);
    // Within one batch the first copy of an event is the one stored; later copies are duplicates.
    const duplicate = !row.inserted || claimed.has(key);
    claimed.add(key);
    return { id: row.id, duplicate };
  });
}
