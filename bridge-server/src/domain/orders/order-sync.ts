import type { TenantSql } from '../../db/principal.ts';
import type { NormalizedOrder } from '../../platforms/model.ts';
import { emitEvent, type OutboxEvent } from '../../realtime/outbox.ts';
import { syncOrderFulfillments } from './fulfillments.ts';

export type SyncOutcome = 'inserted' | 'updated' | 'stale';

/**
 * Upserts an order and its lines, last write wins on the platform's updated_at: an older
 * version arriving late changes nothing, so the order deliveries arrive in does not matter.
 * An equal updated_at is applied (WooCommerce stamps whole seconds, so two changes can share
 * one; the reconcile pass then settles on the platform's current version).
 * `raw` is the platform's JSON text, kept exactly (jsonb keeps large integers whole).
 * The search text and tags follow from the row (a trigger, migration 0010).
 *
 * An order that really changed announces `order.created` / `order.updated` on /v1/stream, as the
 * upsert's last statements (emitEvent holds the organization's event lock until commit). The same
 * version delivered again (a reconcile pass, a retried webhook) changes nothing and announces nothing.
 * With `events`, the event is left there instead, for a caller that applies many orders in one
 * transaction (a sync page) to emit them together as its last statement.
 */
export async function upsertOrder(
  tx: TenantSql,
  target: { orgId: string; storeId: string },
  order: NormalizedOrder,
  raw: string,
  events?: OutboxEvent[],
): Promise<SyncOutcome> {
  const [row] = await tx<ChangedOrderRow[]>`
    with prior as (
      select raw from orders
      where org_id = ${target.orgId} and store_id = ${target.storeId} and platform_id = ${order.platformId}
    )
    insert into orders (org_id, store_id, platform_id, number, email, customer_id, status, financial_status,
                        fulfillment_status, currency, total, placed_at, platform_updated_at, raw)
    values (${target.orgId}, ${target.storeId}, ${order.platformId}, ${order.number}, ${order.email},
            (select id from customers where org_id = ${target.orgId} and store_id = ${target.storeId}
               and platform_id = ${order.customerPlatformId}),
            ${order.status}, ${order.financialStatus}, ${order.fulfillmentStatus}, ${order.currency}, ${order.total},
            ${order.placedAt}, ${order.updatedAt}, ${raw}::text::jsonb)
    on conflict (org_id, store_id, platform_id) do update set
      number = excluded.number, email = excluded.email, customer_id = coalesce(excluded.customer_id, orders.customer_id),
      status = excluded.status, financial_status = excluded.financial_status,
      fulfillment_status = excluded.fulfillment_status, currency = excluded.currency, total = excluded.total,
      placed_at = excluded.placed_at, platform_updated_at = excluded.platform_updated_at, raw = excluded.raw,
      updated_at = now()
    where orders.platform_updated_at <= excluded.platform_updated_at
    returning id, (xmax = 0) as inserted, (select raw from prior) is distinct from raw as changed,
              number, status, financial_status, fulfillment_status, total::text as total, currency, platform_updated_at`;
  if (!row) return 'stale';
  const lineIds = order.lines.map((line) => line.platformId);
  await tx`delete from order_lines where org_id = ${target.orgId} and order_id = ${row.id} and not (platform_id = any(${lineIds}::text[]))`;
  for (const line of order.lines) {
    await tx`
      insert into order_lines (org_id, store_id, order_id, platform_id, variant_id, sku, title, quantity, price)
      values (${target.orgId}, ${target.storeId}, ${row.id}, ${line.platformId},
              (select id from product_variants where org_id = ${target.orgId} and store_id = ${target.storeId}
                 and platform_id = ${line.variantPlatformId}),
              ${line.sku}, ${line.title}, ${line.quantity}, ${line.price})
      on conflict (org_id, order_id, platform_id) do update set
        variant_id = excluded.variant_id, sku = excluded.sku, title = excluded.title,
        quantity = excluded.quantity, price = excluded.price`;
  }
  // Shipments made on the platform (or Dockhand's, matched by platform id): area E, fulfillments.ts.
  await syncOrderFulfillments(tx, target, row.id, order.fulfillments);
  if (row.inserted || row.changed) {
    const event: OutboxEvent = {
      type: row.inserted ? 'order.created' : 'order.updated',
      storeId: target.storeId,
      subjectId: row.id,
      data: {
        id: row.id,
        storeId: target.storeId,
        number: row.number,
        status: row.status,
        financialStatus: row.financial_status,
        fulfillmentStatus: row.fulfillment_status,
        total: row.total,
        currency: row.currency,
        updatedAt: row.platform_updated_at.toISOString(),
      },
    };
    if (events) events.push(event);
    else await emitEvent(tx, target.orgId, event);
  }
  return row.inserted ? 'inserted' : 'updated';
}

interface ChangedOrderRow {
  id: string;
  inserted: boolean;
  /** Its payload differs from the one stored before (always, for a new order). */
  changed: boolean;
  number: string;
  status: string;
  financial_status: string | null;
  fulfillment_status: string | null;
  total: string;
  currency: string;
  platform_updated_at: Date;
}
