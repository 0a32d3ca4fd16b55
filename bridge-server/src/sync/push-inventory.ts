import type { Database } from '../db/database.ts';
import { systemPrincipal, withPrincipal } from '../db/principal.ts';
import { applyPushedLevel } from '../domain/inventory/inventory-sync.ts';
import { recordAudit } from '../domain/audit/audit-log.ts';
import type { StoreConnector } from '../platforms/connector.ts';

export type PushOutcome = 'applied' | 'conflict' | 'already_done' | 'missing';

interface RequestRow {
  id: string;
  org_id: string;
  store_id: string;
  status: string;
  delta: number;
  reason: string;
  variant_platform_id: string;
  inventory_item_id: string | null;
  location_platform_id: string;
  variant_id: string;
  location_id: string;
  available: number | null;
}

/**
 * Pushes an approved inventory request to its store: compare-and-set against the level
 * Dockhand holds, with the request id as idempotency key (a retried push is one change).
 * Applied: the level, its ledger row and an audit row commit together. The store's own
 * webhook for the change may be applied before that, even while the platform call is still
 * open; the final transaction therefore locks and re-reads the level and records only what
 * is not recorded yet (see applyPushedLevel), so the change is never counted twice.
 */
export async function pushInventoryRequest(
  db: Database,
  job: { orgId: string; requestId: string },
  connector: StoreConnector,
): Promise<PushOutcome> {
  const principal = systemPrincipal(job.orgId, 'push');
  const request = await withPrincipal(db, principal, async (tx) => {
    const [row] = await tx<RequestRow[]>`
      select r.id, r.org_id, r.store_id, r.status, r.delta, r.reason, v.platform_id as variant_platform_id,
             v.inventory_item_id, loc.platform_id as location_platform_id, r.variant_id, r.location_id, l.available
      from inventory_requests r
      join product_variants v on v.id = r.variant_id
      join locations loc on loc.id = r.location_id
      left join inventory_levels l on l.variant_id = r.variant_id and l.location_id = r.location_id
      where r.id = ${job.requestId}`;
    return row;
  });
  if (!request) return 'missing';
  if (request.status !== 'approved') return 'already_done';
  const expected = request.available ?? 0;
  const result = await connector.pushInventoryChange({
    variantPlatformId: request.variant_platform_id,
    inventoryItemId: request.inventory_item_id,
    locationPlatformId: request.location_platform_id,
    delta: request.delta,
    expectedAvailable: expected,
    idempotencyKey: request.id,
    reason: request.reason,
  });
  return withPrincipal(db, principal, async (tx) => {
    const [current] = await tx<{ status: string }[]>`select status from inventory_requests where id = ${request.id} for update`;
    if (current?.status !== 'approved') return 'already_done' as const;
    if (result.kind === 'conflict') {
      await tx`
        update inventory_requests set status = 'conflict', updated_at = now(),
          last_error = ${`the store holds ${result.actual ?? 'unknown'}, Dockhand expected ${expected}`}
        where id = ${request.id}`;
      await recordAudit(tx, principal, {
        action: 'inventory.push_conflict',
        subjectType: 'inventory_request',
        subjectId: request.id,
        details: { expected, actual: result.actual },
      });
      return 'conflict' as const;
    }
    const recorded = await applyPushedLevel(
      tx,
      { orgId: request.org_id, storeId: request.store_id, variantId: request.variant_id, locationId: request.location_id },
      { requestId: request.id, expected, available: result.available },
    );
    await tx`update inventory_requests set status = 'applied', last_error = null, updated_at = now() where id = ${request.id}`;
    await recordAudit(tx, principal, {
      action: 'inventory.pushed',
      subjectType: 'inventory_request',
      subjectId: request.id,
      details: { delta: request.delta, available: result.available, recorded },
    });
    return 'applied' as const;
  });
}
