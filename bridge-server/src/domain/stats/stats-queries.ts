import type { TenantSql } from '../../db/principal.ts';
import { storeSyncStatus, type StoreSyncStatus } from '../../sync/sync-status.ts';

/**
 * The dashboard's numbers, over the stores the principal sees (row-level security scopes a
 * merchant to its own), optionally one store. Days and weeks are UTC (ISO weeks, from Monday):
 * organizations have no time zone setting yet.
 */
export interface DashboardStats {
  /** The starts of "today" and "this week" the counts use. */
  since: { today: string; week: string };
  orders: { today: number; week: number; unfulfilled: number };
  inventory: { pendingApprovals: number; lowStock: number };
  sync: Array<StoreSyncStatus & { name: string; storeStatus: string; health: 'ok' | 'syncing' | 'failing' | 'disconnected' }>;
}

/** Orders that still wait to ship: not fulfilled, not closed by cancellation, refund or failure, not deleted. */
const OPEN_STATUSES_EXCLUDED = ['cancelled', 'refunded', 'failed', 'trash', 'checkout-draft'];

export async function dashboardStats(tx: TenantSql, storeId: string | undefined): Promise<DashboardStats> {
  const store = storeId ?? null;
  const [orders] = await tx<{ today_start: Date; week_start: Date; today: number; week: number; unfulfilled: number }[]>`
    with bounds as (
      select date_trunc('day', now() at time zone 'UTC') at time zone 'UTC' as today_start,
             date_trunc('week', now() at time zone 'UTC') at time zone 'UTC' as week_start
    )
    select b.today_start, b.week_start,
           count(*) filter (where o.placed_at >= b.today_start)::int as today,
           count(*) filter (where o.placed_at >= b.week_start)::int as week,
           count(*) filter (where o.fulfillment_status is distinct from 'fulfilled'
                              and o.status <> all (${OPEN_STATUSES_EXCLUDED}::text[]))::int as unfulfilled
    from bounds b
    left join orders o on o.deleted_at is null and (${store}::uuid is null or o.store_id = ${store}::uuid)
    group by b.today_start, b.week_start`;
  const [inventory] = await tx<{ pending: number; low: number }[]>`
    select (select count(*)::int from inventory_requests r
            where r.status = 'pending' and (${store}::uuid is null or r.store_id = ${store}::uuid)) as pending,
           (select count(*)::int from inventory_levels l
            cross join lateral (
              select th.threshold from inventory_thresholds th
              where th.org_id = l.org_id and th.variant_id = l.variant_id and (th.location_id = l.location_id or th.location_id is null)
              order by th.location_id nulls last limit 1
            ) t
            where l.available <= t.threshold and (${store}::uuid is null or l.store_id = ${store}::uuid)) as low`;
  const stores = await tx<{ id: string; name: string; status: string }[]>`
    select id, name, status from stores where ${store}::uuid is null or id = ${store}::uuid order by created_at, id`;
  const sync: DashboardStats['sync'] = [];
  for (const row of stores) {
    const status = await storeSyncStatus(tx, row.id);
    sync.push({ ...status, name: row.name, storeStatus: row.status, health: healthOf(row.status, status) });
  }
  return {
    since: { today: orders!.today_start.toISOString(), week: orders!.week_start.toISOString() },
    orders: { today: orders!.today, week: orders!.week, unfulfilled: orders!.unfulfilled },
    inventory: { pendingApprovals: inventory!.pending, lowStock: inventory!.low },
    sync,
  };
}

function healthOf(storeStatus: string, status: StoreSyncStatus): DashboardStats['sync'][number]['health'] {
  if (storeStatus !== 'active') return 'disconnected';
  if (status.entities.some((entity) => entity.status === 'failed') || status.inbox.failed > 0) return 'failing';
  if (status.entities.some((entity) => entity.status === 'running')) return 'syncing';
  return 'ok';
}
