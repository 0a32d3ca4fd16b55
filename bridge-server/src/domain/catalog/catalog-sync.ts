import type { TenantSql } from '../../db/principal.ts';
import type { NormalizedCustomer, NormalizedProduct } from '../../platforms/model.ts';
import type { SyncOutcome } from '../orders/order-sync.ts';

/** Upserts a product and its variants; last write wins on the platform's updated_at. */
export async function upsertProduct(
  tx: TenantSql,
  target: { orgId: string; storeId: string },
  product: NormalizedProduct,
  raw: string,
): Promise<SyncOutcome> {
  const [row] = await tx<{ id: string; inserted: boolean }[]>`
    insert into products (org_id, store_id, platform_id, title, status, platform_updated_at, raw)
    values (${target.orgId}, ${target.storeId}, ${product.platformId}, ${product.title}, ${product.status},
            ${product.updatedAt}, ${raw}::text::jsonb)
    on conflict (org_id, store_id, platform_id) do update set
      title = excluded.title, status = excluded.status, platform_updated_at = excluded.platform_updated_at,
      raw = excluded.raw, updated_at = now()
    where products.platform_updated_at is null or products.platform_updated_at <= excluded.platform_updated_at
    returning id, (xmax = 0) as inserted`;
  if (!row) return 'stale';
  for (const variant of product.variants) {
    await tx`
      insert into product_variants (org_id, store_id, product_id, platform_id, inventory_item_id, sku, title, price,
                                    platform_updated_at)
      values (${target.orgId}, ${target.storeId}, ${row.id}, ${variant.platformId}, ${variant.inventoryItemId},
              ${variant.sku}, ${variant.title}, ${variant.price}, ${product.updatedAt})
      on conflict (org_id, store_id, platform_id) do update set
        product_id = excluded.product_id, inventory_item_id = excluded.inventory_item_id, sku = excluded.sku,
        title = excluded.title, price = excluded.price, platform_updated_at = excluded.platform_updated_at,
        updated_at = now()`;
  }
  return row.inserted ? 'inserted' : 'updated';
}

/** Upserts a customer; last write wins. A redacted customer stays redacted. */
export async function upsertCustomer(
  tx: TenantSql,
  target: { orgId: string; storeId: string },
  customer: NormalizedCustomer,
  raw: string,
): Promise<SyncOutcome> {
  const [row] = await tx<{ inserted: boolean }[]>`
    insert into customers (org_id, store_id, platform_id, email, first_name, last_name, phone, platform_updated_at, raw)
    values (${target.orgId}, ${target.storeId}, ${customer.platformId}, ${customer.email}, ${customer.firstName},
            ${customer.lastName}, ${customer.phone}, ${customer.updatedAt}, ${raw}::text::jsonb)
    on conflict (org_id, store_id, platform_id) do update set
      email = excluded.email, first_name = excluded.first_name, last_name = excluded.last_name,
      phone = excluded.phone, platform_updated_at = excluded.platform_updated_at, raw = excluded.raw, updated_at = now()
    where customers.redacted_at is null
      and (customers.platform_updated_at is null or customers.platform_updated_at <= excluded.platform_updated_at)
    returning (xmax = 0) as inserted`;
  if (!row) return 'stale';
  return row.inserted ? 'inserted' : 'updated';
}
