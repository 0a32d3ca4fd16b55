import { z } from 'zod';
import type { Database } from '../../db/database.ts';
import { readWithPrincipal, type Principal, type TenantSql } from '../../db/principal.ts';
import { pageQuery } from '../../api/pagination.ts';
import { statement, type Statement } from '../../db/statement.ts';
import {
  booleanParam,
  decodeKeyset,
  inList,
  keysetCondition,
  keysetPage,
  listParam,
  orderByClause,
  resolveSort,
  searchedPage,
  searchParam,
  sortKeyColumn,
  sortParam,
  sqlText,
  textContains,
  type SortColumn,
} from '../list-query.ts';
import { isoTimeOrNull } from '../iso-time.ts';

export const CUSTOMER_SORTS = ['updated', 'created', 'name'] as const;

export const CUSTOMER_SORT_COLUMNS: Record<(typeof CUSTOMER_SORTS)[number], SortColumn> = {
  updated: { sql: 'c.updated_at', kind: 'instant' },
  created: { sql: 'c.created_at', kind: 'instant' },
  // Last name, then first name, lower case (a column the database keeps, migration 0023);
  // customers without a name sort first (ascending).
  name: { sql: 'c.sort_name', kind: 'text' },
};

export const customerListQuery = z.object({
  store: listParam(z.uuid()),
  q: searchParam('Searches name and email'),
  includeDeleted: booleanParam.meta({ description: 'Also list customers deleted on the store (`deletedAt` set)' }),
  sort: sortParam(CUSTOMER_SORTS, '-updated'),
  ...pageQuery.shape,
});
export type CustomerListQuery = z.infer<typeof customerListQuery>;

export const customerView = z
  .object({
    id: z.uuid(),
    storeId: z.uuid(),
    platformId: z.string(),
    email: z.string().nullable(),
    firstName: z.string().nullable(),
    lastName: z.string().nullable(),
    phone: z.string().nullable(),
    redacted: z.boolean().meta({ description: 'The platform asked for its personal data to be erased: none is shown' }),
    platformUpdatedAt: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    deletedAt: z.string().nullable(),
  })
  .meta({ id: 'Customer' });
export type CustomerView = z.infer<typeof customerView>;

export const customerDetail = customerView
  .extend({
    recentOrders: z.array(
      z.object({
        id: z.uuid(),
        number: z.string(),
        status: z.string(),
        total: z.string(),
        currency: z.string(),
        placedAt: z.string(),
      }),
    ),
  })
  .meta({ id: 'CustomerDetail' });
export type CustomerDetail = z.infer<typeof customerDetail>;

interface CustomerRow {
  id: string;
  store_id: string;
  platform_id: string;
  email: string | null;
  first_name: string | null;
  last_name: string | null;
  phone: string | null;
  redacted_at: Date | null;
  platform_updated_at: Date | null;
  created_at: Date;
  updated_at: Date;
  deleted_at: Date | null;
}

function toView(row: CustomerRow): CustomerView {
  // Redaction erases the fields already; the view does not rely on it.
  const redacted = row.redacted_at !== null;
  return {
    id: row.id,
    storeId: row.store_id,
    platformId: row.platform_id,
    email: redacted ? null : row.email,
    firstName: redacted ? null : row.first_name,
    lastName: redacted ? null : row.last_name,
    phone: redacted ? null : row.phone,
    redacted,
    platformUpdatedAt: isoTimeOrNull(row.platform_updated_at),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    deletedAt: isoTimeOrNull(row.deleted_at),
  };
}

const COLUMNS = `c.id, c.store_id, c.platform_id, c.email::text as email, c.first_name, c.last_name, c.phone, c.redacted_at,
  c.platform_updated_at, c.created_at, c.updated_at, c.deleted_at`;

/** The condition a walk of a wide search checks on each customer it passes (searchOrWalk). A redacted customer is never found. */
export const customerContains = (pattern: string) =>
  statement` and c.redacted_at is null and ${textContains('dockhand.customer_search_text(c.first_name, c.last_name, c.email::text)', pattern)}`;

/** One page of customers, in one statement (readWithPrincipal). A redacted customer is never found by search. */
export async function listCustomers(db: Database, principal: Principal, query: CustomerListQuery) {
  const sort = resolveSort(query.sort, CUSTOMER_SORT_COLUMNS);
  const after = decodeKeyset(query.cursor, sort);
  const read = (search: Statement) =>
    readWithPrincipal<CustomerRow & { sort_key: string }>(
      db,
      principal,
      statement`
      select ${sqlText(COLUMNS)}, ${sortKeyColumn(sort)} from customers c
      where true${query.includeDeleted ? statement`` : statement` and c.deleted_at is null`}${inList(
        'c.store_id',
        query.store,
        'uuid',
      )}${search}${keysetCondition(sort, 'c.id', after)}
      ${orderByClause(sort, 'c.id')}
      limit ${query.limit + 1}`,
    );
  // Name or email, through the per-organization keys (dockhand.search_customer_ids, migrations
  // 0021, 0024); past SEARCH_MOST matches, down the sort's index, checking each customer passed.
  const rows = await searchedPage(query.q, read, {
    ids: (pattern, most) => statement` and c.id = any(array(select dockhand.search_customer_ids(${pattern}, ${most})))`,
    contains: customerContains,
  });
  return keysetPage(rows, query.limit, sort, toView);
}

export async function getCustomer(tx: TenantSql, id: string): Promise<CustomerDetail | undefined> {
  const [row] = await tx.unsafe<CustomerRow[]>(`select ${COLUMNS} from customers c where c.id = $1`, [id]);
  if (!row) return undefined;
  const orders = await tx<{ id: string; number: string; status: string; total: string; currency: string; placed_at: Date }[]>`
    select id, number, status, total::text as total, currency, placed_at from orders
    where customer_id = ${id} and deleted_at is null order by placed_at desc, id desc limit 20`;
  return {
    ...toView(row),
    recentOrders: orders.map((order) => ({
      id: order.id,
      number: order.number,
      status: order.status,
      total: order.total,
      currency: order.currency.trim(),
      placedAt: order.placed_at.toISOString(),
    })),
  };
}
