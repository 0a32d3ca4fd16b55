import type { TenantSql } from '../../db/principal.ts';
import type { NormalizedOrder, NormalizedOrderLine } from '../../platforms/model.ts';
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
 * upsert's last statements (emitEvent holds the organization's event counter until commit). The same
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
  const [outcome] = await upsertOrders(tx, target, [{ order, raw }], events);
  return outcome!;
}

/**
 * An order's payload as the platform sent it: its text, or the inbox row whose body it is (a
 * webhook being applied), which the database then reads itself rather than receive it again.
 */
export type OrderRaw = string | { inboxId: string };

/**
 * upsertOrder for many orders of one store, in a few statements whatever their number: one
 * upsert for the orders, one delete and one upsert for their lines (a sync page, a batch of
 * webhooks). An order given more than once is written in turn, in the order given, as
 * upsertOrder calls would write it. Answers one outcome per item, in order.
 */
export async function upsertOrders(
  tx: TenantSql,
  target: { orgId: string; storeId: string },
  items: ReadonlyArray<{ order: NormalizedOrder; raw: OrderRaw }>,
  events?: OutboxEvent[],
): Promise<SyncOutcome[]> {
  const outcomes: SyncOutcome[] = [];
  // Waves of distinct orders: one statement cannot write a row twice.
  for (let start = 0; start < items.length;) {
    const seen = new Set<string>();
    let end = start;
    while (end < items.length && !seen.has(items[end]!.order.platformId)) seen.add(items[end++]!.order.platformId);
    outcomes.push(...(await upsertDistinctOrders(tx, target, items.slice(start, end), events)));
    start = end;
  }
  return outcomes;
}

async function upsertDistinctOrders(
  tx: TenantSql,
  target: { orgId: string; storeId: string },
  items: ReadonlyArray<{ order: NormalizedOrder; raw: OrderRaw }>,
  events: OutboxEvent[] | undefined,
): Promise<SyncOutcome[]> {
  const orders = items.map((item) => item.order);
  const column = <T>(pick: (order: NormalizedOrder) => T) => orders.map(pick) as unknown as string[];
  const rows = await tx<ChangedOrderRow[]>`
    with input as (
      select * from unnest(${column((o) => o.platformId)}::text[], ${column((o) => o.number)}::text[],
                           ${column((o) => o.email)}::text[], ${column((o) => o.customerPlatformId)}::text[],
                           ${column((o) => o.status)}::text[], ${column((o) => o.financialStatus)}::text[],
                           ${column((o) => o.fulfillmentStatus)}::text[], ${column((o) => o.currency)}::text[],
                           ${column((o) => o.total)}::numeric[], ${column((o) => o.placedAt)}::timestamptz[],
                           ${column((o) => o.updatedAt)}::timestamptz[],
                           ${items.map(({ raw }) => (typeof raw === 'string' ? raw : null)) as string[]}::text[],
                           ${items.map(({ raw }) => (typeof raw === 'string' ? null : raw.inboxId)) as string[]}::uuid[])
        as t(platform_id, number, email, customer_platform_id, status, financial_status, fulfillment_status, currency,
             total, placed_at, platform_updated_at, raw, inbox_id)
    ),
    prior as materialized (
      select o.platform_id, o.raw from orders o
      where o.org_id = ${target.orgId} and o.store_id = ${target.storeId}
        and o.platform_id = any(${column((o) => o.platformId)}::text[])
    )
    insert into orders (org_id, store_id, platform_id, number, email, customer_id, status, financial_status,
                        fulfillment_status, currency, total, placed_at, platform_updated_at, raw)
    select ${target.orgId}, ${target.storeId}, i.platform_id, i.number, i.email,
           (select c.id from customers c where c.org_id = ${target.orgId} and c.store_id = ${target.storeId}
              and c.platform_id = i.customer_platform_id),
           i.status, i.financial_status, i.fulfillment_status, i.currency, i.total, i.placed_at, i.platform_updated_at,
           coalesce(i.raw, (select w.body from webhook_events w where w.org_id = ${target.orgId} and w.id = i.inbox_id))::jsonb
    from input i
    on conflict (org_id, store_id, platform_id) do update set
      number = excluded.number, email = excluded.email, customer_id = coalesce(excluded.customer_id, orders.customer_id),
      status = excluded.status, financial_status = excluded.financial_status,
      fulfillment_status = excluded.fulfillment_status, currency = excluded.currency, total = excluded.total,
      placed_at = excluded.placed_at, platform_updated_at = excluded.platform_updated_at, raw = excluded.raw,
      updated_at = now()
    where orders.platform_updated_at <= excluded.platform_updated_at
    returning id, platform_id, (xmax = 0) as inserted,
              (select p.raw from prior p where p.platform_id = orders.platform_id) is distinct from raw as changed,
              number, status, financial_status, fulfillment_status, total::text as total, currency, platform_updated_at`;
  const written = new Map(rows.map((row) => [row.platform_id, row]));
  // Each written order's lines become exactly the given ones; a line id given twice keeps its last version.
  const lines = orders.flatMap((order) => {
    const row = written.get(order.platformId);
    if (!row) return [];
    return [...new Map(order.lines.map((line) => [line.platformId, line])).values()].map((line) => ({ orderId: row.id, line }));
  });
  const lineColumn = <T>(pick: (line: NormalizedOrderLine) => T) => lines.map(({ line }) => pick(line)) as unknown as string[];
  // The delete and the upsert touch different lines: sent together, they share a round trip.
  await Promise.all([
    rows.length > 0 &&
      tx`
      delete from order_lines ol
      where ol.org_id = ${target.orgId} and ol.order_id = any(${rows.map((row) => row.id)}::uuid[])
        and (ol.order_id, ol.platform_id) not in (
          select * from unnest(${lines.map(({ orderId }) => orderId)}::uuid[], ${lines.map(({ line }) => line.platformId)}::text[]))`.execute(),
    lines.length > 0 &&
      tx`
      insert into order_lines (org_id, store_id, order_id, platform_id, variant_id, sku, title, quantity, price)
      select ${target.orgId}, ${target.storeId}, l.order_id, l.platform_id,
             (select v.id from product_variants v where v.org_id = ${target.orgId} and v.store_id = ${target.storeId}
                and v.platform_id = l.variant_platform_id),
             l.sku, l.title, l.quantity, l.price
      from unnest(${lines.map(({ orderId }) => orderId)}::uuid[], ${lineColumn((line) => line.platformId)}::text[],
                  ${lineColumn((line) => line.variantPlatformId)}::text[], ${lineColumn((line) => line.sku)}::text[],
                  ${lineColumn((line) => line.title)}::text[], ${lineColumn((line) => line.quantity)}::int[],
                  ${lineColumn((line) => line.price)}::numeric[])
        as l(order_id, platform_id, variant_platform_id, sku, title, quantity, price)
      on conflict (org_id, order_id, platform_id) do update set
        variant_id = excluded.variant_id, sku = excluded.sku, title = excluded.title,
        quantity = excluded.quantity, price = excluded.price`.execute(),
  ]);
  const outcomes: SyncOutcome[] = [];
  for (const order of orders) {
    const row = written.get(order.platformId);
    if (!row) {
      outcomes.push('stale');
      continue;
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
    outcomes.push(row.inserted ? 'inserted' : 'updated');
  }
  return outcomes;
}

interface ChangedOrderRow {
  id: string;
  platform_id: string;
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
