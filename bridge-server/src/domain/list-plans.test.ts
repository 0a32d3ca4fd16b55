import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database.ts';
import { withPrincipal, type Principal } from '../db/principal.ts';
import { statement, type Statement } from '../db/statement.ts';
import { CUSTOMER_SORT_COLUMNS, customerContains } from './customers/customer-queries.ts';
import { PRODUCT_SORT_COLUMNS, productContains } from './catalog/catalog-queries.ts';
import { containsPattern, keysetCondition, orderByClause, sqlText, type Keyset, type SortColumn } from './list-query.ts';
import { ORDER_SORT_COLUMNS, orderContains } from './orders/order-queries.ts';

/**
 * Every sort a list offers reads its page from an index, both ways, on its first page and after a
 * cursor: no page reads all of an organization's rows to sort them, however many it has, and a
 * cursor is where the index scan starts (an index condition), not a filter on rows read from the
 * index's beginning. The sorts come from the lists' own tables, so a sort added without an index
 * fails here.
 */
const LISTS: Array<{
  table: string;
  alias: string;
  sorts: Record<string, SortColumn>;
  /** The check a wide search's walk adds (searchOrWalk): its page is read down the same index. */
  contains: (pattern: string) => Statement;
}> = [
  { table: 'orders', alias: 'o', sorts: ORDER_SORT_COLUMNS, contains: orderContains },
  { table: 'products', alias: 'p', sorts: PRODUCT_SORT_COLUMNS, contains: productContains },
  { table: 'customers', alias: 'c', sorts: CUSTOMER_SORT_COLUMNS, contains: customerContains },
];

/** Rows per organization: enough that reading them all costs more than a page through an index. */
const ROWS = 20_000;

const CURSOR_KEYS: Record<SortColumn['kind'], string> = {
  instant: '2026-06-01T00:00:00.000000Z',
  decimal: '250.5',
  text: 'm',
};

/**
 * Whether a cursor of the kind can start the index scan. Under row-level security only leakproof
 * comparisons can be index conditions, and PostgreSQL's numeric ones are not: after a cursor, a
 * page sorted by a decimal (orders by total) filters the index's rows from its beginning, so page
 * k reads about k pages of rows. Known and written down (README); the first page is still one
 * page of the index.
 */
const CURSOR_IN_INDEX: Record<SortColumn['kind'], boolean> = { instant: true, text: true, decimal: false };

let t: TestDatabase;
let admin: Principal;

beforeAll(async () => {
  t = await createTestDatabase();
  const orgs = await t.db.owner<{ org_id: string; store_id: string }[]>`
    with o as (insert into organizations (id, name) select gen_random_uuid(), 'Org ' || n from generate_series(1, 2) n returning id)
    insert into stores (org_id, platform, name, status, shop_domain)
    select o.id, 'shopify', 'Store', 'active', 'list-plans-' || row_number() over () || '.myshopify.com' from o
    returning org_id, id as store_id`;
  for (const { org_id, store_id } of orgs) {
    // Keys in no particular order, so that no index looks cheaper for following the table's own.
    await t.db.owner`
      insert into orders (org_id, store_id, platform_id, number, status, currency, total, placed_at, platform_updated_at, raw)
      select ${org_id}, ${store_id}, 'o' || n, '#' || n, 'open', 'USD', (n * 7919) % 500,
             now() - ((n * 7919) % ${ROWS}) * interval '1 minute', now() - ((n * 104729) % ${ROWS}) * interval '1 minute', '{}'
      from generate_series(1, ${ROWS}) n`;
    await t.db.owner`
      insert into products (org_id, store_id, platform_id, title, created_at, updated_at)
      select ${org_id}, ${store_id}, 'p' || n, md5(n::text),
             now() - ((n * 7919) % ${ROWS}) * interval '1 minute', now() - ((n * 104729) % ${ROWS}) * interval '1 minute'
      from generate_series(1, ${ROWS}) n`;
    await t.db.owner`
      insert into product_variants (org_id, store_id, product_id, platform_id, sku)
      select org_id, store_id, id, 'v' || platform_id, upper(left(title, 8)) from products where org_id = ${org_id}`;
    await t.db.owner`
      insert into customers (org_id, store_id, platform_id, first_name, last_name, created_at, updated_at)
      select ${org_id}, ${store_id}, 'c' || n, md5(n::text), md5((n * 31)::text),
             now() - ((n * 7919) % ${ROWS}) * interval '1 minute', now() - ((n * 104729) % ${ROWS}) * interval '1 minute'
      from generate_series(1, ${ROWS}) n`;
  }
  await t.db.owner`analyze orders, products, product_variants, customers`;
  admin = { orgId: orgs[0]!.org_id, kind: 'console', role: 'admin', storeIds: 'all', subject: 'u', capabilities: [] };
}, 120_000);

afterAll(async () => {
  await t?.drop();
});

/** The node types and index conditions of the plan of one page of `table` in `sort`, read as an admin (row-level security on). */
async function pagePlan(
  table: string,
  alias: string,
  column: SortColumn,
  descending: boolean,
  after: Keyset | undefined,
  contains: Statement,
  generic: boolean,
) {
  const sort = { param: '', column, descending };
  const page = statement`
    select ${sqlText(alias)}.id from ${sqlText(table)} ${sqlText(alias)}
    where ${sqlText(alias)}.deleted_at is null${contains}${keysetCondition(sort, `${alias}.id`, after)}
    ${orderByClause(sort, `${alias}.id`)}
    limit 51`;
  // Planned for the values (as a page with a date range is) and once for any values (as every other page is).
  const plan = await withPrincipal(t.db, admin, async (tx) => {
    await tx.unsafe(`set local plan_cache_mode = ${generic ? 'force_generic_plan' : 'force_custom_plan'}`);
    await tx.unsafe(`prepare page as ${page.text}`);
    const values = page.values.map((value) => `'${String(value).replaceAll("'", "''")}'`);
    const plan = await tx.unsafe(`explain (format json) execute page${values.length ? `(${values.join(', ')})` : ''}`);
    await tx.unsafe('deallocate page');
    return plan;
  });
  const json = JSON.stringify(plan);
  return {
    nodes: [...json.matchAll(/"Node Type":"([^"]+)"/g)].map((match) => match[1]),
    indexConditions: [...json.matchAll(/"Index Cond":"([^"]+)"/g)].map((match) => match[1]!),
  };
}

describe('list pages in every sort', () => {
  for (const { table, alias, sorts, contains } of LISTS) {
    for (const [name, column] of Object.entries(sorts)) {
      it(`${table} by ${name} read their pages from an index, both ways, with and without a cursor or a wide search, in any plan`, async () => {
        for (const descending of [false, true]) {
          for (const after of [undefined, { key: CURSOR_KEYS[column.kind], id: '80000000-0000-4000-8000-000000000000' }]) {
            for (const [search, generic] of [undefined, contains(containsPattern('abc'))].flatMap((search) =>
              [false, true].map((generic) => [search, generic] as const),
            )) {
              const { nodes, indexConditions } = await pagePlan(
                table,
                alias,
                column,
                descending,
                after,
                search ?? statement``,
                generic,
              );
              const what = `${descending ? '-' : ''}${name}${after ? ' after a cursor' : ''}${search ? ' searched' : ''}${generic ? ', generic plan' : ''}: ${nodes.join(' > ')}; ${indexConditions.join('; ')}`;
              expect(nodes, what).not.toContain('Sort');
              expect(nodes, what).not.toContain('Seq Scan');
              expect(
                nodes.some((node) => node?.startsWith('Index')),
                what,
              ).toBe(true);
              if (after)
                expect(
                  indexConditions.some((condition) => condition.includes('ROW(')),
                  what,
                ).toBe(CURSOR_IN_INDEX[column.kind]);
            }
          }
        }
      });
    }
  }
});
