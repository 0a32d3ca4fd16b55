import type { TenantSql } from '../../db/principal.ts';
import type { NormalizedInventoryLevel } from '../../platforms/model.ts';

export type LevelOutcome =
  { kind: 'changed'; delta: number; available: number } | { kind: 'unchanged' } | { kind: 'stale' } | { kind: 'unknown_variant' };

/**
 * Applies a stock level reported by the platform. Last write wins on its updated_at; a real
 * change writes exactly one ledger row (a replayed or older report writes none).
 */
export async function applyInventoryLevel(
  tx: TenantSql,
  target: { orgId: string; storeId: string },
  level: NormalizedInventoryLevel,
  source: { kind: 'platform' | 'reconcile' | 'backfill'; eventId?: string },
): Promise<LevelOutcome> {
  const [variant] =
    'inventoryItemId' in level.variant
      ? await tx<{ id: string }[]>`
          select id from product_variants
          where org_id = ${target.orgId} and store_id = ${target.storeId} and inventory_item_id = ${level.variant.inventoryItemId}`
      : await tx<{ id: string }[]>`
          select id from product_variants
          where org_id = ${target.orgId} and store_id = ${target.storeId} and platform_id = ${level.variant.platformId}`;
  if (!variant) return { kind: 'unknown_variant' };
  const [location] = await tx<{ id: string }[]>`
    insert into locations (org_id, store_id, platform_id, name)
    values (${target.orgId}, ${target.storeId}, ${level.locationPlatformId}, ${level.locationName ?? level.locationPlatformId})
    on conflict (org_id, store_id, platform_id) do update set name = coalesce(${level.locationName ?? null}, locations.name)
    returning id`;
  // Make sure the row exists, then lock it: concurrent reports for one level serialise here.
  await tx`
    insert into inventory_levels (org_id, store_id, variant_id, location_id, available, platform_updated_at)
    values (${target.orgId}, ${target.storeId}, ${variant.id}, ${location!.id}, 0, null)
    on conflict (org_id, variant_id, location_id) do nothing`;
  const [current] = await tx<{ available: number; platform_updated_at: Date | null }[]>`
    select available, platform_updated_at from inventory_levels
    where org_id = ${target.orgId} and variant_id = ${variant.id} and location_id = ${location!.id}
    for update`;
  const reportedAt = new Date(level.updatedAt);
  // Strictly older is stale; an equal stamp is applied (see upsertOrder), a same value writes no ledger row.
  if (current!.platform_updated_at && current!.platform_updated_at > reportedAt) return { kind: 'stale' };
  await tx`
    update inventory_levels set available = ${level.available}, platform_updated_at = ${reportedAt}, updated_at = now()
    where org_id = ${target.orgId} and variant_id = ${variant.id} and location_id = ${location!.id}`;
  const delta = level.available - current!.available;
  if (delta === 0) return { kind: 'unchanged' };
  await tx`
    insert into inventory_ledger (org_id, store_id, variant_id, location_id, delta, quantity_after, source, platform_event_id)
    values (${target.orgId}, ${target.storeId}, ${variant.id}, ${location!.id}, ${delta}, ${level.available},
            ${source.kind}, ${source.eventId ?? null})`;
  return { kind: 'changed', delta, available: level.available };
}
