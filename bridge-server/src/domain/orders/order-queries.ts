import { z } from 'zod';
import type { Database } from '../../db/database.ts';
import { readWithPrincipal, type Principal, type TenantSql } from '../../db/principal.ts';
import { pageQuery } from '../../api/pagination.ts';
import { statement, type Statement } from '../../db/statement.ts';
import { parsePlatformJson } from '../../platforms/model.ts';
import {
  booleanParam,
  containsPattern,
  decodeKeyset,
  inList,
  keysetCondition,
  keysetPage,
  listParam,
  orderByClause,
  resolveSort,
  SEARCH_MOST,
  searchOrWalk,
  searchParam,
  sortKeyColumn,
  sortParam,
  textContains,
  type Keyset,
  type ListSort,
  type SortColumn,
} from '../list-query.ts';
import { fulfillmentView, listOrderFulfillments } from './fulfillments.ts';
import { isoTime, isoTimeOrNull } from '../iso-time.ts';

export const ORDER_SORTS = ['placed', 'updated', 'total'] as const;

export const ORDER_SORT_COLUMNS: Record<(typeof ORDER_SORTS)[number], SortColumn> = {
  placed: { sql: 'o.placed_at', kind: 'instant' },
  // The platform's own updated_at: when the order last changed on the store.
  updated: { sql: 'o.platform_updated_at', kind: 'instant' },
  total: { sql: 'o.total', kind: 'decimal' },
};

const word = z.string().min(1).max(100);
// PostgreSQL takes offsets up to ±15:59; a larger one is refused here, with the others' 400.
const instant = z.iso
  .datetime({ offset: true })
  .refine((value) => Number(/[+-](\d{2}):?\d{2}$/.exec(value)?.[1] ?? 0) <= 15, 'the time-zone offset must be within ±15:59');

/**
 * The filters of GET /v1/orders, and what a saved view stores. `fulfillmentStatus=unfulfilled`
 * also matches orders the platform reports no fulfillment status for (Shopify REST's null).
 */
export const orderFilters = z.object({
  store: listParam(z.uuid()),
  status: listParam(word),
  financialStatus: listParam(word),
  fulfillmentStatus: listParam(word),
  placedFrom: instant.optional().meta({ description: 'Placed at or after this instant (ISO 8601)' }),
  placedTo: instant.optional().meta({ description: 'Placed before this instant (ISO 8601)' }),
  tag: listParam(word, 20).meta({ description: 'Orders carrying every one of these tags (case-insensitive)' }),
  q: searchParam('Searches order number, customer name, email and line SKUs'),
  includeDeleted: booleanParam.meta({ description: 'Also list orders deleted on the store (tombstones, `deletedAt` set)' }),
});
export type OrderFilters = z.infer<typeof orderFilters>;

export const orderSort = sortParam(ORDER_SORTS, '-placed');

export const orderListQuery = orderFilters.extend({
  sort: orderSort,
  ...pageQuery.shape,
});
export type OrderListQuery = z.infer<typeof orderListQuery>;

export const orderSummary = z
  .object({
    id: z.uuid(),
    storeId: z.uuid(),
    platformId: z.string(),
    number: z.string(),
    email: z.string().nullable(),
    customerName: z.string().nullable(),
    status: z.string(),
    financialStatus: z.string().nullable(),
    fulfillmentStatus: z.string().nullable(),
    currency: z.string(),
    total: z.string().meta({ description: 'Decimal amount as text, e.g. "42.00"' }),
    tags: z.array(z.string()),
    placedAt: z.string(),
    updatedAt: z.string().meta({ description: 'When the order last changed on the store' }),
    syncedAt: z.string().meta({ description: 'When Dockhand last recorded a change to it' }),
    deletedAt: z.string().nullable().meta({ description: 'When Dockhand learnt the store deleted it; null while it exists' }),
  })
  .meta({ id: 'OrderSummary' });
export type OrderSummary = z.infer<typeof orderSummary>;

/** Columns the order list can show: what a saved view may name. */
export const ORDER_COLUMNS = Object.keys(orderSummary.shape) as [keyof OrderSummary, ...(keyof OrderSummary)[]];

interface OrderRow {
  id: string;
  store_id: string;
  platform_id: string;
  number: string;
  email: string | null;
  customer_name: string | null;
  status: string;
  financial_status: string | null;
  fulfillment_status: string | null;
  currency: string;
  total: string;
  tags: string[];
  placed_at: Date;
  platform_updated_at: Date;
  updated_at: Date;
  deleted_at: Date | null;
}

function toSummary(row: OrderRow): OrderSummary {
  return {
    id: row.id,
    storeId: row.store_id,
    platformId: row.platform_id,
    number: row.number,
    email: row.email,
    customerName: row.customer_name,
    status: row.status,
    financialStatus: row.financial_status,
    fulfillmentStatus: row.fulfillment_status,
    currency: row.currency.trim(),
    total: row.total,
    tags: row.tags,
    placedAt: isoTime(row.placed_at),
    updatedAt: isoTime(row.platform_updated_at),
    syncedAt: isoTime(row.updated_at),
    deletedAt: isoTimeOrNull(row.deleted_at),
  };
}

/** The condition a walk of a wide search checks on each order it passes (searchOrWalk). */
export const orderContains = (pattern: string) => statement` and ${textContains('o.search_text', pattern)}`;

/** The filters of a page, and the pattern a walk of a wide search checks on each row. */
type CutFilters = OrderFilters & { contains?: string };

/**
 * The conditions of the filters but `q`, on `orders o`. Row-level security adds the organization
 * and store scope. A tag filter rides the sort's index (array containment is not leakproof, so
 * under row-level security no index on tags could drive it).
 */
function filterConditions(filters: CutFilters) {
  return statement`${filters.includeDeleted ? statement`` : statement` and o.deleted_at is null`}${inList(
    'o.store_id',
    filters.store,
    'uuid',
  )}${inList('o.status', filters.status)}${inList('o.financial_status', filters.financialStatus)}${inList(
    "coalesce(o.fulfillment_status, 'unfulfilled')",
    filters.fulfillmentStatus,
  )}${filters.placedFrom ? statement` and o.placed_at >= ${filters.placedFrom}::timestamptz` : statement``}${
    filters.placedTo ? statement` and o.placed_at < ${filters.placedTo}::timestamptz` : statement``
  }${filters.tag?.length ? statement` and o.tags @> ${filters.tag.map((tag) => tag.toLowerCase())}::text[]` : statement``}${
    filters.contains ? orderContains(filters.contains) : statement``
  }`;
}

/** The sort keys as dockhand.search_order_keys (migration 0015) answers them, on `s`. */
const SEARCH_SORT_COLUMNS: Record<(typeof ORDER_SORTS)[number], SortColumn> = {
  placed: { sql: 's.placed_at', kind: 'instant' },
  updated: { sql: 's.platform_updated_at', kind: 'instant' },
  total: { sql: 's.total', kind: 'decimal' },
};

/** Where a page is cut from: the rows (as `o`), the conditions on them, and the order. */
interface PageCut {
  from: Statement;
  where: Statement;
  order: Statement;
}

function tableCut(filters: CutFilters, sort: ListSort, after: Keyset | undefined): PageCut {
  return {
    from: statement`orders o`,
    where: statement`${filterConditions(filters)}${keysetCondition(sort, 'o.id', after)}`,
    order: orderByClause(sort, 'o.id'),
  };
}

/** The sorts each store's own index (migrations 0002, 0015) serves in order. */
const PER_STORE_SORTS = new Set([ORDER_SORT_COLUMNS.placed, ORDER_SORT_COLUMNS.updated]);
/**
 * Up to this many stores a page is read store by store: at most this many pages of rows. Beyond
 * it (a merchant of many stores) walking the organization's index costs less unless the stores
 * together hold under a twentieth of its orders.
 */
const PER_STORE_MAX = 20;

/**
 * A page of several stores: each store's first rows after the cursor, read down its own index,
 * then merged. Walking the organization's index instead and skipping the other stores' orders
 * reads as many more rows as those stores have orders (20 times a page for a store with a
 * twentieth of them); sorting every order of the stores costs their whole count.
 */
function perStoreCut(filters: CutFilters, stores: string[], sort: ListSort, after: Keyset | undefined, rows: number): PageCut {
  const order = orderByClause(sort, 'o.id');
  return {
    from: statement`
      (select distinct unnest(${stores}::uuid[])) as st(id)
      cross join lateral (
        select o.* from orders o
        where o.store_id = st.id${filterConditions({ ...filters, store: undefined })}${keysetCondition(sort, 'o.id', after)}
        ${order}
        limit ${rows}
      ) o`,
    where: statement``,
    order,
  };
}

/**
 * `q` runs in dockhand.search_order_keys (migrations 0015, 0020, 0024): under row-level security a
 * LIKE (not leakproof) could not drive the search index. It answers the matches' ids and sort
 * keys, which are sorted and cut at the cursor there; each order is then looked up by its id, in
 * that order (under row-level security, with the other filters), until the page is full, so only
 * about a page of orders is read. The lookup is a lateral subquery the planner may not merge into
 * a join (`offset 0`), so that a plan made for any pattern still reads a page, not a hash of every
 * order of the organization. Past SEARCH_MOST matches the function gives up, and listOrders
 * reads the page as a list without `q`, the pattern checked on each row (searchOrWalk).
 */
function searchCut(filters: OrderFilters, q: string, sortName: string, after: Keyset | undefined): PageCut {
  const sort = resolveSort(sortName, SEARCH_SORT_COLUMNS);
  const order = orderByClause(sort, 's.id');
  const matches = statement`
          select s.id, s.placed_at, s.platform_updated_at, s.total
          from dockhand.search_order_keys(${containsPattern(q)}, ${SEARCH_MOST}) s
          where true${keysetCondition(sort, 's.id', after)}
          ${order}`;
  return {
    from: statement`(${matches}) s cross join lateral (select o.* from orders o where o.id = s.id offset 0) o`,
    where: filterConditions(filters),
    order,
  };
}

/**
 * One page of orders, in one statement and one round trip (readWithPrincipal), read from
 * `orders` alone: the customer's name is a column the database keeps (migration 0019).
 */
export async function listOrders(db: Database, principal: Principal, query: OrderListQuery) {
  const sort = resolveSort(query.sort, ORDER_SORT_COLUMNS);
  const after = decodeKeyset(query.cursor, sort);
  // A merchant's orders are its stores' orders: named as a store filter, they are read down the
  // stores' own indexes instead of the organization's (row-level security decides as before).
  const store =
    query.store ?? (principal.storeIds === 'all' || principal.storeIds.length === 0 ? undefined : [...principal.storeIds]);
  const filters = { ...query, store };
  const perStore = store && store.length > 1 && store.length <= PER_STORE_MAX && PER_STORE_SORTS.has(sort.column);
  const listCut = (filters: CutFilters) =>
    perStore ? perStoreCut(filters, store, sort, after, query.limit + 1) : tableCut(filters, sort, after);
  // One plan serves every request whose page is read the same way whatever the values are: a
  // search (its pattern is planned in the search function), or a walk of the sort's index until
  // the page is full. A date range is the exception: how much of the index it covers decides.
  const walkPlan = !query.placedFrom && !query.placedTo;
  const read = (cut: PageCut, genericPlan: boolean) =>
    readWithPrincipal<OrderRow & { sort_key: string }>(
      db,
      principal,
      statement`
      select o.id, o.store_id, o.platform_id, o.number, o.email::text as email, o.customer_name, o.status,
             o.financial_status, o.fulfillment_status, o.currency, o.total::text as total, o.tags, o.placed_at,
             o.platform_updated_at, o.updated_at, o.deleted_at, ${sortKeyColumn(sort)}
      from ${cut.from}
      where true${cut.where}
      ${cut.order}
      limit ${query.limit + 1}`,
      { genericPlan },
    );
  const q = query.q;
  const rows =
    q === undefined
      ? await read(listCut(filters), walkPlan)
      : await searchOrWalk(
          () => read(searchCut(filters, q, query.sort, after), true),
          () => read(listCut({ ...filters, contains: containsPattern(q) }), walkPlan),
        );
  return keysetPage(rows, query.limit, sort, toSummary);
}

const address = z
  .object({
    name: z.string().nullable(),
    company: z.string().nullable(),
    address1: z.string().nullable(),
    address2: z.string().nullable(),
    city: z.string().nullable(),
    province: z.string().nullable(),
    zip: z.string().nullable(),
    country: z.string().nullable(),
    phone: z.string().nullable(),
  })
  .meta({ id: 'Address' });
export type Address = z.infer<typeof address>;

const timelineEntry = z
  .object({
    at: z.string(),
    source: z.enum(['platform', 'dockhand', 'sync']),
    type: z.string().meta({ description: 'Webhook topic, audit action, or sync step (created, updated, deleted)' }),
    actor: z.string().nullable(),
    details: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'OrderTimelineEntry' });
type TimelineEntry = z.infer<typeof timelineEntry>;

export const orderDetail = orderSummary
  .extend({
    lines: z.array(
      z.object({
        id: z.uuid(),
        platformId: z.string(),
        variantId: z.uuid().nullable(),
        sku: z.string().nullable(),
        title: z.string(),
        quantity: z.number().int(),
        price: z.string(),
      }),
    ),
    customer: z
      .object({
        id: z.uuid().nullable(),
        platformId: z.string().nullable(),
        email: z.string().nullable(),
        firstName: z.string().nullable(),
        lastName: z.string().nullable(),
        phone: z.string().nullable(),
        redacted: z.boolean(),
      })
      .nullable(),
    shippingAddress: address.nullable(),
    billingAddress: address.nullable(),
    fulfillments: z.array(fulfillmentView),
    timeline: z.array(timelineEntry),
  })
  .meta({ id: 'OrderDetail' });
export type OrderDetail = z.infer<typeof orderDetail>;

const text = (value: unknown): string | null =>
  typeof value === 'string' && value.trim() !== '' ? value : typeof value === 'number' ? String(value) : null;

/**
 * An address as the payload gives it, in one shape: Shopify REST (`address1`, `province`, `zip`),
 * the Admin GraphQL API (camelCase) and WooCommerce (`address_1`, `state`, `postcode`, empty
 * strings for what is not set). Null when it names nothing.
 */
export function toAddress(value: unknown): Address | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  const a = value as Record<string, unknown>;
  const first = text(a['first_name'] ?? a['firstName']);
  const last = text(a['last_name'] ?? a['lastName']);
  const result: Address = {
    name: text(a['name']) ?? ([first, last].filter(Boolean).join(' ') || null),
    company: text(a['company']),
    address1: text(a['address1'] ?? a['address_1']),
    address2: text(a['address2'] ?? a['address_2']),
    city: text(a['city']),
    province: text(a['province'] ?? a['state']),
    zip: text(a['zip'] ?? a['postcode']),
    country: text(a['country_code'] ?? a['countryCodeV2'] ?? a['countryCode'] ?? a['country']),
    phone: text(a['phone']),
  };
  return Object.values(result).some((field) => field !== null) ? result : null;
}

interface DetailRow extends OrderRow {
  created_at: Date;
  customer_id: string | null;
  shipping: unknown;
  billing: unknown;
  payload_customer: unknown;
}

interface CustomerRow {
  id: string;
  platform_id: string;
  email: string | null;
  first_name: string | null;
  last_name: string | null;
  phone: string | null;
  redacted_at: Date | null;
}

interface WebhookRow {
  id: string;
  topic: string;
  platform_event_id: string;
  status: string;
  received_at: Date;
  applied_at: Date | null;
  last_error: string | null;
  body: string;
}

interface AuditRow {
  action: string;
  actor_kind: string;
  actor_id: string | null;
  details: Record<string, unknown>;
  request_id: string | null;
  created_at: Date;
}

/** How many platform deliveries and Dockhand actions the timeline shows (the newest). */
const TIMELINE_LIMIT = 100;

/** Whether a delivery's body is about this order: its `id` is the order's platform id. */
function isAbout(body: string, platformId: string): boolean {
  try {
    const payload = parsePlatformJson(body) as { id?: unknown } | null;
    return payload !== null && typeof payload === 'object' && String(payload.id) === platformId;
  } catch {
    return false;
  }
}

/** One order with its lines, customer, addresses, fulfillments and timeline; undefined when not visible. */
export async function getOrder(tx: TenantSql, id: string): Promise<OrderDetail | undefined> {
  const [row] = await tx<DetailRow[]>`
    select o.id, o.store_id, o.platform_id, o.number, o.email::text as email, o.status, o.financial_status,
           o.fulfillment_status, o.currency, o.total::text as total, o.tags, o.placed_at, o.platform_updated_at,
           o.created_at, o.updated_at, o.deleted_at, o.customer_id,
           o.customer_name,
           coalesce(o.raw -> 'shipping_address', o.raw -> 'shippingAddress', o.raw -> 'shipping') as shipping,
           coalesce(o.raw -> 'billing_address', o.raw -> 'billingAddress', o.raw -> 'billing') as billing,
           o.raw -> 'customer' as payload_customer
    from orders o where o.id = ${id}`;
  if (!row) return undefined;
  // The rest are independent: sent together on the one connection (pipelined).
  const [lines, customers, webhooks, audits, fulfillments] = await Promise.all([
    tx<
      {
        id: string;
        platform_id: string;
        variant_id: string | null;
        sku: string | null;
        title: string;
        quantity: number;
        price: string;
      }[]
    >`
      select id, platform_id, variant_id, sku, title, quantity, price::text as price from order_lines
      where order_id = ${id} order by length(platform_id), platform_id`,
    row.customer_id
      ? tx<CustomerRow[]>`
          select id, platform_id, email::text as email, first_name, last_name, phone, redacted_at from customers
          where id = ${row.customer_id}`
      : Promise.resolve([] as CustomerRow[]),
    // Deliveries of the order topics that mention its id; each is confirmed by reading its body.
    // The platform's own id of the delivery where it sent one (the inbox keys deliveries by body).
    tx<WebhookRow[]>`
      select id, topic, coalesce(headers->>'x-shopify-event-id', headers->>'x-wc-webhook-delivery-id', platform_event_id)
               as platform_event_id,
             status, received_at, applied_at, last_error, body from webhook_events
      where store_id = ${row.store_id} and (topic like 'orders/%' or topic like 'order.%')
        and strpos(body, ${row.platform_id}) > 0
      order by received_at desc limit ${TIMELINE_LIMIT}`,
    tx<AuditRow[]>`
      select action, actor_kind, actor_id, details, request_id, created_at from audit_log
      where subject_type = 'order' and subject_id = ${id}
      order by created_at desc limit ${TIMELINE_LIMIT}`,
    listOrderFulfillments(tx, id),
  ]);
  const customerRow = customers[0];
  const summary = toSummary(row);
  const timeline: TimelineEntry[] = [
    ...webhooks
      .filter((event) => isAbout(event.body, row.platform_id))
      .map((event) => ({
        at: isoTime(event.received_at),
        source: 'platform' as const,
        type: event.topic,
        actor: null,
        details: {
          eventId: event.platform_event_id,
          status: event.status,
          appliedAt: isoTimeOrNull(event.applied_at),
          error: event.last_error,
        },
      })),
    ...audits.map((entry) => ({
      at: isoTime(entry.created_at),
      source: 'dockhand' as const,
      type: entry.action,
      actor: entry.actor_id ? `${entry.actor_kind}:${entry.actor_id}` : entry.actor_kind,
      details: { ...entry.details, ...(entry.request_id ? { requestId: entry.request_id } : {}) },
    })),
    { at: isoTime(row.created_at), source: 'sync' as const, type: 'created', actor: null, details: {} },
    ...(row.updated_at.getTime() > row.created_at.getTime()
      ? [{ at: isoTime(row.updated_at), source: 'sync' as const, type: 'updated', actor: null, details: {} }]
      : []),
    ...(row.deleted_at
      ? [{ at: isoTime(row.deleted_at), source: 'sync' as const, type: 'deleted', actor: null, details: {} }]
      : []),
  ].sort((a, b) => a.at.localeCompare(b.at));
  return {
    ...summary,
    lines: lines.map((line) => ({
      id: line.id,
      platformId: line.platform_id,
      variantId: line.variant_id,
      sku: line.sku,
      title: line.title,
      quantity: line.quantity,
      price: line.price,
    })),
    customer: customerOf(row, customerRow),
    shippingAddress: toAddress(row.shipping),
    billingAddress: toAddress(row.billing),
    fulfillments,
    timeline,
  };
}

/** The customer record when there is one (a redacted one shows nothing personal), else what the payload says. */
function customerOf(row: DetailRow, customer: CustomerRow | undefined): OrderDetail['customer'] {
  if (customer) {
    const redacted = customer.redacted_at !== null;
    return {
      id: customer.id,
      platformId: customer.platform_id,
      email: redacted ? null : customer.email,
      firstName: redacted ? null : customer.first_name,
      lastName: redacted ? null : customer.last_name,
      phone: redacted ? null : customer.phone,
      redacted,
    };
  }
  const payload = row.payload_customer as Record<string, unknown> | null;
  if (!payload && !row.email && !row.customer_name) return null;
  return {
    id: null,
    platformId: payload ? text(payload['id']) : null,
    email: row.email,
    firstName: payload ? text(payload['first_name'] ?? payload['firstName']) : null,
    lastName: payload ? text(payload['last_name'] ?? payload['lastName']) : null,
    phone: payload ? text(payload['phone']) : null,
    redacted: false,
  };
}
