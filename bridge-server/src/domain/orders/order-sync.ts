import type { TenantSql } from '../../db/principal.ts';
import type { NormalizedOrder } from '../../platforms/model.ts';

export type SyncOutcome = 'inserted' | 'updated' | 'stale';

/**
 * Upserts an order and its lines, last write wins on the platform's updated_at: an older
 * version arriving late changes nothing, so the order deliveries arrive in does not matter.
 * An equal updated_at is applied (WooCommerce stamps whole seconds, so two changes can share
 * one; the reconcile pass then settles on the platform's current version).
 * `raw` is the platform's JSON text, kept exactly (jsonb keeps large integers whole).
 */
export async function upsertOrder(
  tx: TenantSql,
  target: { orgId: string; storeId: string },
  order: NormalizedOrder,
  raw: string,
): Promise<SyncOutcome> {
  const [row] = await tx<{ id: string; inserted: boolean }[]>`
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
    returning id, (xmax = 0) as inserted`;
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
  return row.inserted ? 'inserted' : 'updated';
}
