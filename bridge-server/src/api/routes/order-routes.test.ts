import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemPrincipal, withPrincipal } from '../../db/principal.ts';
import { redactCustomer } from '../../domain/customers/redact-customer.ts';
import {
  addStore,
  shopifyOrderPayload,
  startServerOn,
  syncShopifyCustomer,
  syncShopifyOrder,
  syncWooOrder,
  type Backend,
  type OrderSpec,
} from '../../../test/support/commerce-fixture.ts';
import { apiClient, memberSession, signedInOrg, type Api, type TestServer } from '../../../test/support/test-server.ts';

const FIRST_NAMES = ['Ada', 'Alan', 'Barbara', 'Edsger', 'Frances'];
const TOTALS = ['10.00', '25.50', '25.50', '99.99', '5.00'];
const HOUR = 3_600_000;
const BASE = Date.parse('2026-10-01T08:00:00Z');
/** Each sort of GET /v1/orders and the column it orders by. */
const SORTS = [
  ['placed', 'placed_at'],
  ['updated', 'platform_updated_at'],
  ['total', 'total'],
] as const;

/** 20 orders with ties on every sort key, so paging must break them by id. */
function seedSpecs(): Array<OrderSpec & { secondStore: boolean }> {
  return Array.from({ length: 20 }, (_, i) => ({
    id: 5000 + i,
    secondStore: i % 4 === 3,
    placedAt: new Date(BASE + Math.floor(i / 2) * HOUR).toISOString(),
    updatedAt: new Date(BASE + 30 * 24 * HOUR + (i % 6) * HOUR).toISOString(),
    total: TOTALS[i % 5]!,
    financialStatus: i % 3 === 0 ? 'pending' : 'paid',
    fulfillmentStatus: i % 4 === 0 ? 'fulfilled' : null,
    cancelled: i % 7 === 0,
    tags: i % 5 === 0 ? ['VIP', 'gift'] : i % 5 === 1 ? ['gift'] : [],
    firstName: i === 3 ? 'Grace' : FIRST_NAMES[i % 5]!,
    lastName: i === 3 ? 'Hopper' : 'Tester',
    email: i === 3 ? 'grace@navy.test' : `buyer${i}@example.test`,
    skus: i === 3 ? ['COBOL-42', 'MARK-I'] : [`SKU-${100 + i}`],
  }));
}

interface Seeded {
  orgId: string;
  token: string;
  storeA: string;
  storeB: string;
  deletedId: string;
  specs: ReturnType<typeof seedSpecs>;
}

describe.each<Backend>(['postgres', 'pglite'])('GET /v1/orders on %s', (backend) => {
  let server: TestServer;
  let api: Api;
  let seeded: Seeded;
  let otherOrg: { token: string; orderId: string };

  const owner = () => server.database.db.owner;
  const list = async (query: string, token = seeded.token) => {
    const answer = await api('GET', `/v1/orders${query}`, { token });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return answer.body as { data: Array<Record<string, any>>; page: { nextCursor: string | null } };
  };
  const all = async (query: string, token = seeded.token) => {
    const ids: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const separator = query ? '&' : '?';
      const page = await list(`${query}${cursor ? `${separator}cursor=${encodeURIComponent(cursor)}` : ''}`, token);
      ids.push(...page.data.map((row) => row['id'] as string));
      cursor = page.page.nextCursor;
      pages++;
    } while (cursor && pages < 100);
    return ids;
  };
  const numbersOf = (rows: Array<Record<string, any>>) => rows.map((row) => row['number'] as string).sort();

  beforeAll(async () => {
    server = await startServerOn(backend);
    api = apiClient(server.url);
    const org = await signedInOrg(server, 'Orders');
    const db = server.runtime.ctx.db;
    const storeA = await addStore(db, org.orgId, 'First shop');
    const storeB = await addStore(db, org.orgId, 'Second shop');
    const specs = seedSpecs();
    for (const spec of specs) await syncShopifyOrder(db, org.orgId, spec.secondStore ? storeB : storeA, spec);
    const [deleted] = await db.owner<{ id: string }[]>`
      update orders set deleted_at = now() where org_id = ${org.orgId} and platform_id = '5005' returning id`;
    seeded = { orgId: org.orgId, token: org.token, storeA, storeB, deletedId: deleted!.id, specs };

    const other = await signedInOrg(server, 'Elsewhere');
    const otherStore = await addStore(db, other.orgId, 'Other shop');
    await syncShopifyOrder(db, other.orgId, otherStore, {
      id: 5003,
      placedAt: new Date(BASE).toISOString(),
      total: '1.00',
      firstName: 'Grace',
      lastName: 'Hopper',
      email: 'grace@navy.test',
    });
    const [otherOrder] = await db.owner<{ id: string }[]>`select id from orders where org_id = ${other.orgId}`;
    otherOrg = { token: other.token, orderId: otherOrder!.id };
  });

  afterAll(async () => {
    await server?.close();
  });

  /** The organization's live orders sorted as the API must, ties broken by id, straight from the table. */
  async function expectedOrder(column: 'placed_at' | 'platform_updated_at' | 'total', descending: boolean) {
    const key = column === 'total' ? 'total::float8' : `extract(epoch from ${column})::float8`;
    const rows = await owner().unsafe<{ id: string; key: number }[]>(
      `select id::text as id, ${key} as key from orders where org_id = $1 and deleted_at is null`,
      [seeded.orgId],
    );
    const sorted = [...rows].sort((a, b) => a.key - b.key || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return (descending ? sorted.reverse() : sorted).map((row) => row.id);
  }

  it('pages through every sort, both directions, with no duplicate and no gap', async () => {
    for (const [sort, column] of SORTS) {
      for (const descending of [false, true]) {
        const ids = await all(`?sort=${descending ? '-' : ''}${sort}&limit=3`);
        expect(ids, `${descending ? '-' : ''}${sort}`).toEqual(await expectedOrder(column, descending));
      }
    }
    // The default: newest placed first, 50 a page.
    const first = await list('');
    expect(first.data.map((row) => row['id'])).toEqual(await expectedOrder('placed_at', true));
    expect(first.page.nextCursor).toBeNull();
  });

  it('filters by store, statuses, placed range and tag, and combines them', async () => {
    const { specs, storeB } = seeded;
    const live = specs.filter((spec) => spec.id !== 5005);
    const numbers = (pick: (spec: (typeof specs)[number]) => boolean) =>
      live
        .filter(pick)
        .map((spec) => `#${spec.id}`)
        .sort();

    expect(numbersOf((await list(`?store=${storeB}`)).data)).toEqual(numbers((s) => s.secondStore));
    expect(numbersOf((await list('?status=cancelled')).data)).toEqual(numbers((s) => !!s.cancelled));
    expect(numbersOf((await list('?financialStatus=pending')).data)).toEqual(numbers((s) => s.financialStatus === 'pending'));
    expect(numbersOf((await list('?fulfillmentStatus=unfulfilled')).data)).toEqual(numbers((s) => s.fulfillmentStatus === null));
    expect(numbersOf((await list('?fulfillmentStatus=fulfilled,unfulfilled')).data)).toEqual(numbers(() => true));
    const from = new Date(BASE + 2 * HOUR).toISOString();
    const to = new Date(BASE + 5 * HOUR).toISOString();
    expect(numbersOf((await list(`?placedFrom=${from}&placedTo=${to}`)).data)).toEqual(
      numbers((s) => Date.parse(s.placedAt) >= Date.parse(from) && Date.parse(s.placedAt) < Date.parse(to)),
    );
    expect(numbersOf((await list('?tag=vip')).data)).toEqual(numbers((s) => !!s.tags?.includes('VIP')));
    expect(numbersOf((await list('?tag=gift&tag=VIP')).data)).toEqual(numbers((s) => !!s.tags?.includes('VIP')));
    expect(numbersOf((await list(`?tag=gift&store=${storeB}&financialStatus=paid`)).data)).toEqual(
      numbers((s) => !!s.tags?.includes('gift') && s.secondStore && s.financialStatus === 'paid'),
    );
    // A filtered list pages like any other.
    const paged = await all(`?fulfillmentStatus=unfulfilled&sort=total&limit=4`);
    expect(paged.length).toBe(live.filter((s) => s.fulfillmentStatus === null).length);
    expect(new Set(paged).size).toBe(paged.length);
  });

  it('searches number, customer name, email and SKU, case-insensitively', async () => {
    for (const q of ['#5003', 'grace', 'HOPPER', 'grace hop', 'navy.test', 'cobol-42', 'mark-i']) {
      const found = await list(`?q=${encodeURIComponent(q)}`);
      expect(numbersOf(found.data), q).toEqual(['#5003']);
      expect(found.data[0]).toMatchObject({ customerName: 'Grace Hopper', email: 'grace@navy.test', tags: [] });
    }
    expect((await list('?q=nobody-by-that-name')).data).toEqual([]);
    // Wildcards are literal.
    expect((await list('?q=%25%25%25')).data).toEqual([]);
    // Search combines with filters and sorts.
    const skus = await list('?q=sku-1&sort=-total&limit=50');
    expect(skus.data.length).toBeGreaterThan(0);
    expect(skus.data.every((row) => /^#50(0|1)\d$/.test(row['number']))).toBe(true);
  });

  it('pages a search through every sort, both directions, with no duplicate and no gap, filters applied', async () => {
    const rows = await owner()<{ id: string; number: string; store_id: string }[]>`
      select id::text as id, number, store_id::text as store_id from orders where org_id = ${seeded.orgId}`;
    const byId = new Map(rows.map((row) => [row.id, row]));
    // "tester" is every live order's customer but Grace Hopper's.
    const testers = new Set(
      seeded.specs.filter((spec) => spec.lastName === 'Tester' && spec.id !== 5005).map((spec) => `#${spec.id}`),
    );
    const isTester = (id: string) => testers.has(byId.get(id)!.number);
    for (const [sort, column] of SORTS) {
      for (const descending of [false, true]) {
        const ids = await all(`?q=tester&sort=${descending ? '-' : ''}${sort}&limit=3`);
        expect(ids, `${descending ? '-' : ''}${sort}`).toEqual((await expectedOrder(column, descending)).filter(isTester));
      }
    }
    const inSecondStore = await all(`?q=tester&store=${seeded.storeB}&status=open&sort=-placed&limit=2`);
    const cancelled = new Set(seeded.specs.filter((spec) => spec.cancelled).map((spec) => `#${spec.id}`));
    expect(inSecondStore).toEqual(
      (await expectedOrder('placed_at', true)).filter(
        (id) => isTester(id) && byId.get(id)!.store_id === seeded.storeB && !cancelled.has(byId.get(id)!.number),
      ),
    );
    expect(inSecondStore.length).toBeGreaterThan(2);
  });

  it('hides deleted orders unless asked, and shows when they went', async () => {
    expect((await all('')).includes(seeded.deletedId)).toBe(false);
    const withDeleted = await all('?includeDeleted=true&limit=7');
    expect(withDeleted).toContain(seeded.deletedId);
    expect(withDeleted.length).toBe(20);
    const [row] = (await list('?includeDeleted=true&q=%235005')).data;
    expect(row).toMatchObject({ id: seeded.deletedId, deletedAt: expect.any(String) });
    // Its detail stays readable (history), marked deleted.
    const detail = await api('GET', `/v1/orders/${seeded.deletedId}`, { token: seeded.token });
    expect(detail.body.data.deletedAt).toEqual(expect.any(String));
  });

  it('answers 404 for another organization’s order and keeps lists apart', async () => {
    expect((await api('GET', `/v1/orders/${otherOrg.orderId}`, { token: seeded.token })).status).toBe(404);
    expect((await api('GET', '/v1/orders/not-a-uuid', { token: seeded.token })).status).toBe(404);
    const theirs = await list('?q=grace', otherOrg.token);
    expect(theirs.data.map((row) => row['id'])).toEqual([otherOrg.orderId]);
  });

  it('shows a merchant only the orders of its own stores', async () => {
    const merchant = await memberSession(server, seeded.orgId, 'merchant', [seeded.storeA]);
    const ids = await all('?limit=5', merchant.token);
    const [expected] = await owner()<{ ids: string[] }[]>`
      select array_agg(id::text) as ids from orders where org_id = ${seeded.orgId} and store_id = ${seeded.storeA} and deleted_at is null`;
    expect([...ids].sort()).toEqual([...expected!.ids].sort());
    expect((await list(`?store=${seeded.storeB}`, merchant.token)).data).toEqual([]);
    // Search keeps to the merchant's stores too (#5003 is in the other store).
    expect((await list('?q=grace', merchant.token)).data).toEqual([]);
    expect((await list('?q=%235000', merchant.token)).data.map((row) => row['number'])).toEqual(['#5000']);
    const [inB] = await owner()<{ id: string }[]>`select id from orders where store_id = ${seeded.storeB} limit 1`;
    expect((await api('GET', `/v1/orders/${inB!.id}`, { token: merchant.token })).status).toBe(404);
  });

  it('refuses bad cursors and bad filters with 400', async () => {
    const firstPage = await list('?sort=placed&limit=2');
    const cursor = firstPage.page.nextCursor!;
    for (const query of [
      '?cursor=not-a-cursor',
      `?cursor=${Buffer.from('["placed","yesterday","x"]').toString('base64url')}`,
      `?sort=total&cursor=${encodeURIComponent(cursor)}`,
      '?sort=price',
      '?store=not-a-uuid',
      '?placedFrom=yesterday',
      '?q=ab',
      '?q=a%20b%20c',
      '?limit=0',
      '?limit=201',
      '?includeDeleted=maybe',
    ]) {
      const answer = await api('GET', `/v1/orders${query}`, { token: seeded.token });
      expect(answer.status, query).toBe(400);
      expect(answer.body.error.code).toBe('BAD_REQUEST');
    }
    // The same cursor with its own sort is fine.
    expect((await api('GET', `/v1/orders?sort=placed&limit=2&cursor=${cursor}`, { token: seeded.token })).status).toBe(200);
  });

  it('shows one order with lines, customer, addresses, fulfillments and a timeline', async () => {
    const [order] = await owner()<{ id: string; store_id: string }[]>`
      select id, store_id from orders where org_id = ${seeded.orgId} and platform_id = '5003'`;
    const spec = seeded.specs[3]!;
    // A delivery about this order, one about an order whose id merely contains its id, and a Dockhand action.
    await owner()`
      insert into webhook_events (org_id, store_id, platform, platform_event_id, topic, body, status, applied_at)
      values (${seeded.orgId}, ${order!.store_id}, 'shopify', 'evt-5003', 'orders/updated', ${shopifyOrderPayload(spec)}, 'applied', now()),
             (${seeded.orgId}, ${order!.store_id}, 'shopify', 'evt-15003', 'orders/updated',
              ${shopifyOrderPayload({ ...spec, id: 15003 })}, 'applied', now())`;
    await owner()`
      insert into audit_log (org_id, actor_kind, actor_id, action, subject_type, subject_id, details)
      values (${seeded.orgId}, 'console', 'someone', 'order.note', 'order', ${order!.id}, '{"note":"called the customer"}')`;

    const answer = await api('GET', `/v1/orders/${order!.id}`, { token: seeded.token });
    expect(answer.status).toBe(200);
    const detail = answer.body.data;
    expect(detail).toMatchObject({
      id: order!.id,
      number: '#5003',
      customerName: 'Grace Hopper',
      total: spec.total,
      currency: 'USD',
      customer: { email: 'grace@navy.test', firstName: 'Grace', lastName: 'Hopper', redacted: false },
      shippingAddress: { name: 'Grace Hopper', address1: '1 Main St', city: 'Ottawa', zip: 'K1A 0B1', country: 'CA' },
      billingAddress: { name: 'Grace Hopper' },
      fulfillments: [],
    });
    expect(detail.lines.map((line: { sku: string }) => line.sku)).toEqual(['COBOL-42', 'MARK-I']);
    expect(detail.lines[1]).toMatchObject({ quantity: 2, price: '10.00', title: 'Item MARK-I' });
    const timeline = detail.timeline as Array<{ source: string; type: string; details: Record<string, unknown> }>;
    expect(timeline.filter((entry) => entry.source === 'platform')).toEqual([
      expect.objectContaining({ type: 'orders/updated', details: expect.objectContaining({ eventId: 'evt-5003' }) }),
    ]);
    expect(timeline.filter((entry) => entry.source === 'dockhand')).toEqual([
      expect.objectContaining({ type: 'order.note', actor: 'console:someone', details: { note: 'called the customer' } }),
    ]);
    expect(timeline.some((entry) => entry.source === 'sync' && entry.type === 'created')).toBe(true);
  });

  it('reads WooCommerce orders: addresses from billing/shipping, tags from meta', async () => {
    const storeW = await addStore(server.runtime.ctx.db, seeded.orgId, 'Woo shop', 'woocommerce');
    const person = {
      first_name: 'Katherine',
      last_name: 'Johnson',
      company: '',
      address_1: '2 Orbit Rd',
      address_2: '',
      city: 'Hampton',
      state: 'VA',
      postcode: '23666',
      country: 'US',
      phone: '',
    };
    await syncWooOrder(server.runtime.ctx.db, seeded.orgId, storeW, {
      id: 77,
      number: '77',
      status: 'processing',
      currency: 'USD',
      total: '12.00',
      customer_id: 0,
      date_created_gmt: '2026-10-02T10:00:00',
      date_modified_gmt: '2026-10-02T10:00:00',
      date_paid_gmt: '2026-10-02T10:00:00',
      billing: { ...person, email: 'kj@nasa.test' },
      shipping: person,
      meta_data: [{ id: 1, key: 'tags', value: 'Rush, wholesale' }],
      line_items: [{ id: 1, product_id: 5, variation_id: 0, sku: 'ORBIT-1', name: 'Orbit', quantity: 1, price: 12 }],
    });
    const [row] = (await list(`?store=${storeW}&q=orbit-1`)).data;
    expect(row).toMatchObject({ number: '#77', customerName: 'Katherine Johnson', tags: ['rush', 'wholesale'] });
    expect(numbersOf((await list('?tag=wholesale')).data)).toEqual(['#77']);
    const detail = (await api('GET', `/v1/orders/${row!['id']}`, { token: seeded.token })).body.data;
    expect(detail.shippingAddress).toEqual({
      name: 'Katherine Johnson',
      company: null,
      address1: '2 Orbit Rd',
      address2: null,
      city: 'Hampton',
      province: 'VA',
      zip: '23666',
      country: 'US',
      phone: null,
    });
    expect(detail.customer).toMatchObject({ id: null, email: 'kj@nasa.test', firstName: null });
  });

  it('shows the customer record’s name, follows its renames, and shows none once the customer is redacted', async () => {
    const org = await signedInOrg(server, 'Renames');
    const db = server.runtime.ctx.db;
    const store = await addStore(db, org.orgId, 'Rename shop');
    const customer = {
      id: 901,
      email: 'kj@nasa.test',
      firstName: 'Katherine',
      lastName: 'Johnson',
      updatedAt: '2026-10-01T08:00:00Z',
    };
    await syncShopifyCustomer(db, org.orgId, store, customer);
    // The payload names the buyer otherwise; the record's name is the one shown.
    await syncShopifyOrder(db, org.orgId, store, {
      ...seedSpecs()[0]!,
      id: 9001,
      customerId: 901,
      firstName: 'Kay',
      lastName: 'J',
    });
    const names = async (q = '') =>
      (await list(q ? `?q=${encodeURIComponent(q)}` : '', org.token)).data.map((row) => row['customerName']);
    expect(await names()).toEqual(['Katherine Johnson']);
    expect(await names('katherine')).toEqual(['Katherine Johnson']);
    expect(await names('kay j')).toEqual(['Katherine Johnson']);

    await syncShopifyCustomer(db, org.orgId, store, {
      ...customer,
      firstName: 'Katherine G.',
      updatedAt: '2026-10-02T08:00:00Z',
    });
    expect(await names()).toEqual(['Katherine G. Johnson']);
    expect(await names('katherine g.')).toEqual(['Katherine G. Johnson']);

    await withPrincipal(db, systemPrincipal(org.orgId), (tx) =>
      redactCustomer(tx, { orgId: org.orgId, storeId: store }, '901', ['9001']),
    );
    expect(await names()).toEqual([null]);
    expect(await names('johnson')).toEqual([]);
    expect(await names('kay')).toEqual([]);
  });

  it('searches punctuation and accents literally, and never across organizations whose ids share the search keys’ prefix', async () => {
    const db = server.runtime.ctx.db;
    // An organization whose id starts with the same 8 hex digits as the seeded one: its search
    // keys (migration 0020) are the same strings, so only the organization check keeps them apart.
    const twinId = `${seeded.orgId.slice(0, 8)}-0000-4000-8000-${randomUUID().slice(-12)}`;
    await owner()`insert into organizations (id, name) values (${twinId}, 'Twin')`;
    const twin = await memberSession(server, twinId, 'owner');
    const store = await addStore(db, twinId, 'Twin shop');
    await syncShopifyOrder(db, twinId, store, {
      id: 6003,
      placedAt: new Date(BASE).toISOString(),
      total: '3.00',
      firstName: 'Grace',
      lastName: 'Hopper',
      email: 'grace@navy.test',
    });
    await syncShopifyOrder(db, twinId, store, {
      id: 6004,
      placedAt: new Date(BASE + HOUR).toISOString(),
      total: '4.00',
      firstName: 'zoë',
      lastName: 'ångström',
      email: 'z%o@example.test',
      skus: ['æøå_9'],
    });
    const numbers = async (q: string, token: string) => numbersOf((await list(`?q=${encodeURIComponent(q)}`, token)).data);

    // The search function keeps to the organization by itself, not only through the list's row-level security.
    const matched = await withPrincipal(
      db,
      systemPrincipal(twinId),
      (tx) => tx<{ id: string }[]>`select s.id from dockhand.search_order_keys('%grace%') s`,
    );
    const [own] = await owner()<{ id: string }[]>`select id from orders where org_id = ${twinId} and platform_id = '6003'`;
    expect(matched.map((row) => row.id)).toEqual([own!.id]);
    expect(await numbers('grace', twin.token)).toEqual(['#6003']);
    expect(await numbers('grace', seeded.token)).toEqual(['#5003']);
    expect(await numbers('#600', seeded.token)).toEqual([]);
    expect(await numbers('#500', twin.token)).toEqual([]);

    for (const q of ['zoë', 'ström', 'z%o@', 'å_9', 'zoë å']) expect(await numbers(q, twin.token), q).toEqual(['#6004']);
    // `_` and `%` are the characters themselves, not wildcards.
    for (const q of ['å-9', 'z_o@', 'zo%']) expect(await numbers(q, twin.token), q).toEqual([]);
  });

  it('keeps the search text of a hostile store’s order within bounds, and finds the order by what they cover', async () => {
    // A store's admin can write anything into a SKU: here one of 200,000 characters among 2,000 lines.
    const org = await signedInOrg(server, 'Hostile');
    const db = server.runtime.ctx.db;
    const store = await addStore(db, org.orgId, 'Hostile shop', 'woocommerce');
    const giant = `zq${'x'.repeat(200_000)}`;
    await syncWooOrder(db, org.orgId, store, {
      id: 91,
      number: '91',
      status: 'processing',
      currency: 'USD',
      total: '1.00',
      customer_id: 0,
      date_created_gmt: '2026-10-02T10:00:00',
      date_modified_gmt: '2026-10-02T10:00:00',
      billing: { first_name: 'Mallory', last_name: 'Mallet', email: 'mallory@evil.test' },
      line_items: [giant, ...Array.from({ length: 2_000 }, (_, i) => `line-${i}-${'y'.repeat(20)}`)].map((sku, i) => ({
        id: i + 1,
        product_id: 5,
        variation_id: 0,
        sku,
        name: 'Thing',
        quantity: 1,
        price: 1,
      })),
    });
    const [row] = await owner()<{ length: number; longest: number; keys: number }[]>`
      select length(search_text) as length,
             (select max(length(w)) from unnest(string_to_array(search_text, ' ')) w) as longest,
             cardinality(dockhand.org_trigrams(org_id, search_text)) as keys
      from orders where org_id = ${org.orgId}`;
    expect(row!.length).toBeLessThanOrEqual(10_000);
    expect(row!.longest).toBe(100);
    expect(row!.keys).toBeLessThanOrEqual(10_000);
    const numbers = async (q: string) => numbersOf((await list(`?q=${encodeURIComponent(q)}`, org.token)).data);
    expect(await numbers('mallory')).toEqual(['#91']);
    expect(await numbers(`zq${'x'.repeat(60)}`)).toEqual(['#91']);
    expect(await numbers('line-3-yyy')).toEqual(['#91']);
  });

  it('pages several stores by merging each store’s own page: every sort and direction, filters applied, a merchant’s stores too', async () => {
    const db = server.runtime.ctx.db;
    const storeC = await addStore(db, seeded.orgId, 'Third shop');
    for (let i = 0; i < 5; i++) {
      await syncShopifyOrder(db, seeded.orgId, storeC, {
        id: 5100 + i,
        placedAt: new Date(BASE + i * 2 * HOUR).toISOString(),
        updatedAt: new Date(BASE + 30 * 24 * HOUR + (i % 3) * HOUR).toISOString(),
        total: TOTALS[i]!,
        financialStatus: i % 2 === 0 ? 'paid' : 'pending',
      });
    }
    const rows = await owner()<{ id: string; store_id: string; financial_status: string }[]>`
      select id::text as id, store_id::text as store_id, financial_status from orders where org_id = ${seeded.orgId}`;
    const byId = new Map(rows.map((row) => [row.id, row]));
    const inStores =
      (...stores: string[]) =>
      (id: string) =>
        stores.includes(byId.get(id)!.store_id);
    // Two of the organization's four stores (the seed's second, and C).
    for (const [sort, column] of SORTS) {
      for (const descending of [false, true]) {
        const ids = await all(`?store=${seeded.storeB},${storeC}&sort=${descending ? '-' : ''}${sort}&limit=3`);
        expect(ids, `${descending ? '-' : ''}${sort}`).toEqual(
          (await expectedOrder(column, descending)).filter(inStores(seeded.storeB, storeC)),
        );
      }
    }
    // A store named twice (in capitals once) lists each of its orders once.
    expect(await all(`?store=${storeC},${storeC.toUpperCase()}&limit=2`)).toEqual(
      (await expectedOrder('placed_at', true)).filter(inStores(storeC)),
    );
    // The other filters apply within each store's page.
    expect(await all(`?store=${seeded.storeA},${storeC}&financialStatus=paid&sort=-updated&limit=2`)).toEqual(
      (await expectedOrder('platform_updated_at', true)).filter(
        (id) => inStores(seeded.storeA, storeC)(id) && byId.get(id)!.financial_status === 'paid',
      ),
    );
    // A merchant of two stores pages them the same way without naming them, and a store it does
    // not have stays out of reach when it names it.
    const merchant = await memberSession(server, seeded.orgId, 'merchant', [seeded.storeA, storeC]);
    expect(await all('?sort=placed&limit=3', merchant.token)).toEqual(
      (await expectedOrder('placed_at', false)).filter(inStores(seeded.storeA, storeC)),
    );
    const named = await all(`?store=${seeded.storeB},${storeC}&limit=4`, merchant.token);
    expect(named).toEqual((await expectedOrder('placed_at', true)).filter(inStores(storeC)));
    // More stores than are read one by one: the organization's index, the same pages.
    const many = [storeC, ...Array.from({ length: 24 }, () => randomUUID())].join(',');
    expect(await all(`?store=${many}&sort=placed&limit=2`)).toEqual(
      (await expectedOrder('placed_at', false)).filter(inStores(storeC)),
    );
  });
});
