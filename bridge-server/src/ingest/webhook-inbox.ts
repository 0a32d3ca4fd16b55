import type { Database } from '../db/database.ts';
import { systemPrincipal, writeWithPrincipal } from '../db/principal.ts';

export interface InboundWebhook {
  orgId: string;
  storeId: string;
  platform: 'shopify' | 'woocommerce';
  /** The platform's de-duplication key for this event. */
  eventId: string;
  topic: string;
  /** The raw body, exactly as signed (ids above 2^53 survive as text). */
  body: string;
  headers: Record<string, string>;
}

export interface StoredWebhook {
  id: string;
  duplicate: boolean;
}

/**
 * Stores a verified delivery in the inbox in one round trip. The same platform event twice
 * is a no-op that answers the first row's id.
 */
export async function storeWebhook(db: Database, event: InboundWebhook): Promise<StoredWebhook> {
  const [row] = await writeWithPrincipal(
    db,
    systemPrincipal(event.orgId, 'ingest'),
    (sql) => sql<StoredWebhook[]>`
      with inserted as (
        insert into webhook_events (org_id, store_id, platform, platform_event_id, topic, body, headers)
        values (${event.orgId}, ${event.storeId}, ${event.platform}, ${event.eventId}, ${event.topic}, ${event.body},
                ${sql.json(event.headers)})
        on conflict (org_id, store_id, platform_event_id) do nothing
        returning id
      )
      select id, false as duplicate from inserted
      union all
      select id, true as duplicate from webhook_events
      where org_id = ${event.orgId} and store_id = ${event.storeId} and platform_event_id = ${event.eventId}
        and not exists (select 1 from inserted)`,
  );
  if (!row) throw new Error('webhook inbox insert returned no row');
  return row;
}
