import type { TenantSql } from '../../db/principal.ts';
import type { NormalizedInventoryLevel } from '../../platforms/model.ts';
import { emitEvent, type OutboxEvent } from '../../realtime/outbox.ts';

/**
 * The most a level holds, either way: Shopify's own bound on a quantity. The columns are 32-bit
 * integers, so a level and a movement between two levels (at most twice this) always fit.
 */
export const MAX_STOCK_LEVEL = 1_000_000_000;

/**
 * A quantity a store reported, within ±MAX_STOCK_LEVEL. A store's admin can type any number; one
 * past the column would fail every page of the store's inventory sync, so it is held at the bound.
 */
export const storedLevel = (available: number): number => Math.max(-MAX_STOCK_LEVEL, Math.min(MAX_STOCK_LEVEL, available));

/** One stock level: a variant at a location of a store. */
export interface LevelKey {
  orgId: string;
  storeId: string;
  variantId: string;
  locationId: string;
}

/**
 * Makes sure the level's row exists (a new one starts at 0, which its ledger sums to), then
 * locks it: every writer of a level serialises here, and each records `new − old` in the
 * ledger in the same transaction, so the ledger's sum stays equal to the level.
 */
async function lockLevel(tx: TenantSql, key: LevelKey): Promise<{ available: number; platform_updated_at: Date | null }> {
  await tx`
    insert into inventory_levels (org_id, store_id, variant_id, location_id, available, platform_updated_at)
    values (${key.orgId}, ${key.storeId}, ${key.variantId}, ${key.locationId}, 0, null)
    on conflict (org_id, variant_id, location_id) do nothing`;
  const [current] = await tx<{ available: number; platform_updated_at: Date | null }[]>`
    select available, platform_updated_at from inventory_levels
    where org_id = ${key.orgId} and variant_id = ${key.variantId} and location_id = ${key.locationId}
    for update`;
  return current!;
}

export type LevelOutcome =
  { kind: 'changed'; delta: number; available: number } | { kind: 'unchanged' } | { kind: 'stale' } | { kind: 'unknown_variant' };

/** What /v1/stream announces when a level really moved. */
export function levelUpdatedEvent(
  key: LevelKey,
  change: { available: number; delta: number },
): OutboxEvent & { type: 'inventory.level.updated' } {
  return {
    type: 'inventory.level.updated',
    storeId: key.storeId,
    subjectId: key.variantId,
    data: { variantId: key.variantId, locationId: key.locationId, available: change.available, delta: change.delta },
  };
}

/**
 * Emits the event now, or, with `events`, leaves it there for the caller to emit as the last
 * statement of a transaction that applies more than one level (a sync page): the outbox's
 * lock must not be held while other rows are still being locked.
 */
async function announce(tx: TenantSql, key: LevelKey, event: OutboxEvent, events: OutboxEvent[] | undefined): Promise<void> {
  if (events) events.push(event);
  else await emitEvent(tx, key.orgId, event);
}

/**
 * Applies a stock level reported by the platform. Last write wins on its updated_at; a real
 * change writes exactly one ledger row (a replayed or older report writes none).
 */
export async function applyInventoryLevel(
  tx: TenantSql,
  target: { orgId: string; storeId: string },
  level: NormalizedInventoryLevel,
  source: {
    kind: 'platform' | 'reconcile' | 'backfill';
    eventId?: string;
    /**
     * Polled levels: the database's time just before the page was read from the store. A
     * push recorded after it may not be in the page, so the page's value is not newer.
     */
    observedAt?: Date;
  },
  /** Collects the event instead of emitting it (see announce). */
  events?: OutboxEvent[],
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
  level = { ...level, available: storedLevel(level.available) };
  const [location] = await tx<{ id: string }[]>`
    insert into locations (org_id, store_id, platform_id, name)
    values (${target.orgId}, ${target.storeId}, ${level.locationPlatformId}, ${level.locationName ?? level.locationPlatformId})
    on conflict (org_id, store_id, platform_id) do update set name = coalesce(${level.locationName ?? null}, locations.name)
    returning id`;
  const current = await lockLevel(tx, { ...target, variantId: variant.id, locationId: location!.id });
  const reportedAt = new Date(level.updatedAt);
  // Strictly older is stale; an equal stamp is applied (see upsertOrder), a same value writes no ledger row.
  if (current.platform_updated_at && current.platform_updated_at > reportedAt) return { kind: 'stale' };
  // A push does not move platform_updated_at (only the platform's clock does), so a page read
  // before the push committed would otherwise roll its change back until the echo arrives.
  if (source.observedAt && level.available !== current.available) {
    const [pushed] = await tx<{ found: boolean }[]>`
      select exists (
        select 1 from inventory_ledger
        where org_id = ${target.orgId} and variant_id = ${variant.id} and created_at > ${source.observedAt}
          and location_id = ${location!.id} and source = 'request'
      ) as found`;
    if (pushed!.found) return { kind: 'stale' };
  }
  await tx`
    update inventory_levels set available = ${level.available}, platform_updated_at = ${reportedAt}, updated_at = now()
    where org_id = ${target.orgId} and variant_id = ${variant.id} and location_id = ${location!.id}`;
  const delta = level.available - current.available;
  if (delta === 0) return { kind: 'unchanged' };
  await tx`
    insert into inventory_ledger (org_id, store_id, variant_id, location_id, delta, quantity_after, source, platform_event_id)
    values (${target.orgId}, ${target.storeId}, ${variant.id}, ${location!.id}, ${delta}, ${level.available},
            ${source.kind}, ${source.eventId ?? null})`;
  const key = { ...target, variantId: variant.id, locationId: location!.id };
  await announce(tx, key, levelUpdatedEvent(key, { available: level.available, delta }), events);
  return { kind: 'changed', delta, available: level.available };
}

/**
 * Records a change Dockhand pushed to the store: `expected` is the level the push read before
 * calling the platform (its compare-and-set value), `available` what the platform answered.
 * Under the level's lock it writes only what is not recorded yet, and answers that difference:
 * - the level is still `expected`: nothing was heard while the call was open, so the whole
 *   change is the request's (`available − expected`, source `request`);
 * - the level moved: a platform report was applied meanwhile (a store delivering its webhook
 *   synchronously, inside our call, makes that the rule). The compare-and-set succeeded, so the
 *   store held `expected` when it made our change, and a report that differs from `expected`
 *   describes the store after it: our change's echo, or a later change on top. The level is then
 *   already the newer truth and the change is in the ledger: nothing is written.
 * The platform's updated_at is left as it was: only the platform's clock moves it, so a later
 * real change on the store is never mistaken for an older one.
 */
export async function applyPushedLevel(
  tx: TenantSql,
  key: LevelKey,
  push: { requestId: string; expected: number; available: number },
): Promise<number> {
  push = { ...push, available: storedLevel(push.available) };
  const current = await lockLevel(tx, key);
  if (current.available !== push.expected) return 0;
  const delta = push.available - current.available;
  if (delta === 0) return 0;
  await tx`
    update inventory_levels set available = ${push.available}, updated_at = now()
    where org_id = ${key.orgId} and variant_id = ${key.variantId} and location_id = ${key.locationId}`;
  await tx`
    insert into inventory_ledger (org_id, store_id, variant_id, location_id, delta, quantity_after, source, request_id)
    values (${key.orgId}, ${key.storeId}, ${key.variantId}, ${key.locationId}, ${delta}, ${push.available},
            'request', ${push.requestId})`;
  await announce(tx, key, levelUpdatedEvent(key, { available: push.available, delta }), undefined);
  return delta;
}
