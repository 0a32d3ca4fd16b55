import { z } from 'zod';
import { lockUntilCommit, type Principal, type TenantSql } from '../../db/principal.ts';
import { recordAudit } from '../audit/audit-log.ts';
import { ORDER_COLUMNS, orderFilters, orderSort } from '../orders/order-queries.ts';

/**
 * Saved views: a user's named filters, sort and columns for the order list. Row-level security
 * keeps each user to its own (migration 0010: the `owner_only` policy on user_id).
 */

/** The filters of GET /v1/orders, by the same names; in a JSON body, `includeDeleted` is a boolean. */
const viewFilters = orderFilters.extend({ includeDeleted: z.boolean().optional() }).strict();

export const createViewBody = z
  .object({
    name: z.string().trim().min(1).max(100),
    filters: viewFilters.default({}),
    sort: orderSort,
    columns: z.array(z.enum(ORDER_COLUMNS)).max(ORDER_COLUMNS.length).default([]),
  })
  .strict()
  .meta({ id: 'CreateSavedView' });

export const updateViewBody = z
  .object({
    name: z.string().trim().min(1).max(100).optional(),
    filters: viewFilters.optional(),
    sort: orderSort.optional(),
    columns: z.array(z.enum(ORDER_COLUMNS)).max(ORDER_COLUMNS.length).optional(),
  })
  .strict()
  .meta({ id: 'UpdateSavedView' });

export const savedView = z
  .object({
    id: z.uuid(),
    name: z.string(),
    filters: z.record(z.string(), z.unknown()),
    sort: z.string(),
    columns: z.array(z.string()),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'SavedView' });
export type SavedView = z.infer<typeof savedView>;

/** Views one user may keep: `GET /v1/views` answers them all at once, so their number is bounded. */
export const MAX_VIEWS_PER_USER = 100;

export class TooManyViewsError extends Error {
  constructor() {
    super(`You have ${MAX_VIEWS_PER_USER} saved views, the most one person can keep: delete one first`);
    this.name = 'TooManyViewsError';
  }
}

export class ViewNameTakenError extends Error {
  constructor(name: string) {
    super(`You already have a view named ${JSON.stringify(name)}`);
    this.name = 'ViewNameTakenError';
  }
}

interface ViewRow {
  id: string;
  name: string;
  filters: Record<string, unknown>;
  sort: string | null;
  columns: string[];
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = 'id, name, filters, sort, columns, created_at, updated_at';

function toView(row: ViewRow): SavedView {
  return {
    id: row.id,
    name: row.name,
    filters: row.filters,
    sort: row.sort ?? '-placed',
    columns: row.columns,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

const nameTaken = (error: unknown) =>
  (error as { code?: string }).code === '23505' &&
  (error as { constraint_name?: string }).constraint_name === 'saved_views_org_id_user_id_name_key';

/** The user's own views, by name. */
export async function listViews(tx: TenantSql): Promise<SavedView[]> {
  const rows = await tx.unsafe<ViewRow[]>(`select ${COLUMNS} from saved_views order by name, id`);
  return rows.map(toView);
}

export async function getView(tx: TenantSql, id: string): Promise<SavedView | undefined> {
  const [row] = await tx.unsafe<ViewRow[]>(`select ${COLUMNS} from saved_views where id = $1`, [id]);
  return row ? toView(row) : undefined;
}

export async function createView(
  tx: TenantSql,
  principal: Principal & { userId: string },
  input: z.infer<typeof createViewBody>,
  requestId: string,
): Promise<SavedView> {
  // One user's creations one at a time, so that two at once cannot both pass the count.
  await lockUntilCommit(tx, `saved_views:${principal.userId}`);
  const [kept] = await tx<{ n: number }[]>`select count(*)::int as n from saved_views where user_id = ${principal.userId}`;
  if (kept!.n >= MAX_VIEWS_PER_USER) throw new TooManyViewsError();
  const [row] = await tx<ViewRow[]>`
    insert into saved_views (org_id, user_id, name, filters, sort, columns)
    values (${principal.orgId}, ${principal.userId}, ${input.name}, ${tx.json(input.filters as never)}, ${input.sort},
            ${input.columns}::text[])
    returning ${tx.unsafe(COLUMNS)}`.catch((error: unknown) => {
    throw nameTaken(error) ? new ViewNameTakenError(input.name) : error;
  });
  await recordAudit(tx, principal, { action: 'view.create', subjectType: 'view', subjectId: row!.id, requestId });
  return toView(row!);
}

export async function updateView(
  tx: TenantSql,
  principal: Principal,
  id: string,
  input: z.infer<typeof updateViewBody>,
  requestId: string,
): Promise<SavedView | undefined> {
  const [row] = await tx<ViewRow[]>`
    update saved_views set
      name = coalesce(${input.name ?? null}, name),
      filters = coalesce(${input.filters ? tx.json(input.filters as never) : null}::jsonb, filters),
      sort = coalesce(${input.sort ?? null}, sort),
      columns = coalesce(${input.columns ?? null}::text[], columns),
      updated_at = now()
    where id = ${id}
    returning ${tx.unsafe(COLUMNS)}`.catch((error: unknown) => {
    throw nameTaken(error) ? new ViewNameTakenError(input.name ?? '') : error;
  });
  if (!row) return undefined;
  await recordAudit(tx, principal, {
    action: 'view.update',
    subjectType: 'view',
    subjectId: id,
    details: { fields: Object.keys(input) },
    requestId,
  });
  return toView(row);
}

export async function deleteView(
  tx: TenantSql,
  principal: Principal,
  id: string,
  requestId: string,
): Promise<SavedView | undefined> {
  const [row] = await tx<ViewRow[]>`delete from saved_views where id = ${id} returning ${tx.unsafe(COLUMNS)}`;
  if (!row) return undefined;
  await recordAudit(tx, principal, {
    action: 'view.delete',
    subjectType: 'view',
    subjectId: id,
    details: { name: row.name },
    requestId,
  });
  return toView(row);
}
