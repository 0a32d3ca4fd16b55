import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database.ts';
import { withPrincipal, type Principal } from '../db/principal.ts';
import { customerListQuery, listCustomers } from './customers/customer-queries.ts';
import { listProducts, productListQuery } from './catalog/catalog-queries.ts';
import { SEARCH_MOST } from './list-query.ts';
import { listOrders, orderListQuery } from './orders/order-queries.ts';

/**
 * A search that matches more than SEARCH_MOST rows is read down the list's sort index (the
 * search functions give up, migration 0024): its pages are exactly those the matches sorted
 * would give, in every sort, through every page, for a merchant's stores as for the whole
 * organization, and never hold another organization's rows.
 */

/** Rows of each kind per organization: a merchant's two stores of three hold more than SEARCH_MOST. */
const WIDE = Math.ceil(SEARCH_MOST * 1.6);

let t: TestDatabase;
let orgId: string;
let stores: string[];
let admin: Principal;
let merchant: Principal;

beforeAll(async () => {
  t = await createTestDatabase();
  const made = await t.db.owner<{ org_id: string; store_id: string }[]>`
    with o as (insert into organizations (id, name) select gen_random_uuid(), 'Org ' || n from generate_series(1, 2) n returning id)
    insert into stores (org_id, platform, name, status, shop_domain)
    select o.id, 'shopify', 'Store ' || s, 'active', 'wide-' || row_number() over () || '.myshopify.com'
    from o cross join generate_series(1, 3) s
    returning org_id, id as store_id`;
  orgId = made[0]!.org_id;
  stores = made.filter((row) => row.org_id === orgId).map((row) => row.store_id);
  for (const org of new Set(made.map((row) => row.org_id))) {
    const own = made.filter((row) => row.org_id === org).map((row) => row.store_id);
    // Every order's email holds "example"; one in a hundred belongs to a "zebra". Placed times and
    // totals in no order of n; a few orders deleted on the store.
    await t.db.owner`
      insert into orders (org_id, store_id, platform_id, number, email, status, currency, total, placed_at, platform_updated_at,
                          deleted_at, raw)
      select ${org}, (${own}::uuid[])[1 + n % 3], 'o' || n, '#' || n,
             case when n % 100 = 0 then 'zebra' else 'buyer' end || n || '@example.test',
             case when n % 4 = 0 then 'closed' else 'open' end, 'USD', (n * 7919) % 500,
             now() - ((n * 7919) % ${WIDE}) * interval '1 minute', now() - ((n * 104729) % ${WIDE}) * interval '1 minute',
             case when n % 97 = 0 then now() end, '{}'
      from generate_series(1, ${WIDE}) n`;
    // Products called "Widget", and one in ten a "Gadget" whose variant's SKU says WIDGET.
    await t.db.owner`
      insert into products (org_id, store_id, platform_id, title, created_at, updated_at)
      select ${org}, (${own}::uuid[])[1 + n % 3], 'p' || n, case when n % 10 = 0 then 'Gadget ' else 'Widget ' end || n,
             now() - ((n * 7919) % ${WIDE}) * interval '1 minute', now() - ((n * 104729) % ${WIDE}) * interval '1 minute'
      from generate_series(1, ${WIDE}) n`;
    await t.db.owner`
      insert into product_variants (org_id, store_id, product_id, platform_id, sku)
      select org_id, store_id, id, 'v' || platform_id, case when title like 'Gadget%' then 'WIDGET-' || platform_id end
      from products where org_id = ${org}`;
    // Customers at example.test; one in fifty redacted (never found by a search).
    await t.db.owner`
      insert into customers (org_id, store_id, platform_id, first_name, last_name, email, redacted_at, created_at, updated_at)
      select ${org}, (${own}::uuid[])[1 + n % 3], 'c' || n, 'Ada' || n, 'Byron', 'ada' || n || '@example.test',
             case when n % 50 = 0 then now() end,
             now() - ((n * 7919) % ${WIDE}) * interval '1 minute', now() - ((n * 104729) % ${WIDE}) * interval '1 minute'
      from generate_series(1, ${WIDE}) n`;
  }
  await t.db.owner`analyze orders, products, product_variants, customers`;
  admin = { orgId, kind: 'console', role: 'admin', storeIds: 'all', subject: 'admin', capabilities: [] };
  merchant = { orgId, kind: 'console', role: 'merchant', storeIds: stores.slice(0, 2), subject: 'merchant', capabilities: [] };
}, 120_000);

afterAll(async () => {
  await t?.drop();
});

/** Every page of a list, followed by its cursors: the ids in order. */
async function allPages(
  read: (cursor: string | undefined) => Promise<{ data: { id: string }[]; page: { nextCursor: string | null } }>,
) {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await read(cursor);
    ids.push(...page.data.map((row) => row.id));
    cursor = page.page.nextCursor ?? undefined;
  } while (cursor);
  return ids;
}

const scopeOf = (principal: Principal) => (principal.storeIds === 'all' ? stores : [...principal.storeIds]);

describe('a search wider than its function reads', () => {
  it('is too wide for the search functions, while a narrow one is not', async () => {
    for (const who of [admin, merchant]) {
      for (const [fn, pattern] of [
        ['dockhand.search_order_keys', '%example%'],
        ['dockhand.search_product_ids', '%widget%'],
        ['dockhand.search_customer_ids', '%example%'],
      ] as const) {
        await expect(
          withPrincipal(t.db, who, (tx) => tx.unsafe(`select count(*) from ${fn}($1, $2)`, [pattern, SEARCH_MOST])),
          `${who.role}: ${fn}`,
        ).rejects.toMatchObject({ code: 'DH001' });
      }
    }
    const [narrow] = await withPrincipal(
      t.db,
      admin,
      (tx) => tx<{ n: number }[]>`select count(*)::int as n from dockhand.search_order_keys('%zebra%', ${SEARCH_MOST})`,
    );
    expect(narrow!.n).toBe(Math.floor(WIDE / 100));
  });

  for (const [name, principal] of [
    ['an admin', () => admin],
    ['a merchant of two stores', () => merchant],
  ] as const) {
    it(`pages orders for ${name} as the matches sorted would, in every sort and through every page`, async () => {
      const who = principal();
      for (const [sort, order] of [
        ['-placed', 'placed_at desc, id desc'],
        ['placed', 'placed_at asc, id asc'],
        ['-updated', 'platform_updated_at desc, id desc'],
        ['total', 'total asc, id asc'],
      ] as const) {
        for (const [q, extra] of [
          ['example', ''],
          ['EXAMPLE.test', ` and status = 'closed'`],
          ['zebra', ''],
        ] as const) {
          const expected = await t.db.owner<{ id: string }[]>`
            select id from orders
            where org_id = ${orgId} and store_id = any(${scopeOf(who)}::uuid[]) and deleted_at is null
              and search_text like ${`%${q.toLowerCase()}%`}${t.db.owner.unsafe(extra)}
            order by ${t.db.owner.unsafe(order)}`;
          const ids = await allPages((cursor) =>
            listOrders(
              t.db,
              who,
              orderListQuery.parse({ q, sort, limit: '200', cursor, ...(extra ? { status: 'closed' } : {}) }),
            ),
          );
          expect(ids, `${who.role} q=${q}${extra} sort=${sort}`).toEqual(expected.map((row) => row.id));
        }
      }
    });
  }

  it('pages products found by title or by a variant’s SKU, and customers by name or email, never a redacted one', async () => {
    for (const who of [admin, merchant]) {
      const products = await t.db.owner<{ id: string }[]>`
        select p.id from products p
        where p.org_id = ${orgId} and p.store_id = any(${scopeOf(who)}::uuid[]) and p.deleted_at is null
          and (lower(p.title) like '%widget%'
               or exists (select 1 from product_variants v where v.product_id = p.id and lower(v.sku) like '%widget%'))
        order by p.title desc, p.id desc`;
      expect(products.length).toBeGreaterThan(SEARCH_MOST);
      expect(
        await allPages((cursor) =>
          listProducts(t.db, who, productListQuery.parse({ q: 'widget', sort: '-title', limit: '200', cursor })),
        ),
        `${who.role} products`,
      ).toEqual(products.map((row) => row.id));

      const customers = await t.db.owner<{ id: string }[]>`
        select id from customers
        where org_id = ${orgId} and store_id = any(${scopeOf(who)}::uuid[]) and deleted_at is null and redacted_at is null
          and lower(email::text) like '%example%'
        order by updated_at desc, id desc`;
      expect(
        await allPages((cursor) => listCustomers(t.db, who, customerListQuery.parse({ q: 'example', limit: '200', cursor }))),
        `${who.role} customers`,
      ).toEqual(customers.map((row) => row.id));
    }
  });
});
