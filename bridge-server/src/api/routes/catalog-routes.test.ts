import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemPrincipal, withPrincipal } from '../../db/principal.ts';
import { redactCustomer } from '../../domain/customers/redact-customer.ts';
import {
  addStore,
  startServerOn,
  syncShopifyCustomer,
  syncShopifyProduct,
  type Backend,
} from '../../../test/support/commerce-fixture.ts';
import { apiClient, memberSession, signedInOrg, type Api, type TestServer } from '../../../test/support/test-server.ts';

const TITLES = [
  'Anchor',
  'Bollard',
  'Capstan',
  'Davit',
  'Ensign',
  'Fender',
  'Gangway',
  'Hawser',
  'Isinglass',
  'Jib',
  'Keel',
  'Lanyard',
];
const PEOPLE = [
  ['Ada', 'Lovelace'],
  ['Alan', 'Turing'],
  ['Grace', 'Hopper'],
  ['Edsger', 'Dijkstra'],
  ['Barbara', 'Liskov'],
  ['Donald', 'Knuth'],
  ['Frances', 'Allen'],
  ['Ken', 'Thompson'],
  ['Radia', 'Perlman'],
] as const;

describe.each<Backend>(['postgres', 'pglite'])('products and customers on %s', (backend) => {
  let server: TestServer;
  let api: Api;
  let org: Awaited<ReturnType<typeof signedInOrg>>;
  let storeA: string;
  let storeB: string;

  const get = async (path: string, token = org.token) => {
    const answer = await api('GET', path, { token });
    expect(answer.status, `${path}: ${JSON.stringify(answer.body)}`).toBe(200);
    return answer.body;
  };
  const all = async (path: string, token = org.token) => {
    const rows: Array<Record<string, any>> = [];
    let cursor: string | null = null;
    do {
      const page = await get(`${path}${path.includes('?') ? '&' : '?'}limit=4${cursor ? `&cursor=${cursor}` : ''}`, token);
      rows.push(...page.data);
      cursor = page.page.nextCursor;
    } while (cursor);
    return rows;
  };

  beforeAll(async () => {
    server = await startServerOn(backend);
    api = apiClient(server.url);
    org = await signedInOrg(server, 'Catalog');
    const db = server.runtime.ctx.db;
    storeA = await addStore(db, org.orgId, 'Chandlery');
    storeB = await addStore(db, org.orgId, 'Outfitters');
    for (const [i, title] of TITLES.entries()) {
      await syncShopifyProduct(db, org.orgId, i % 3 === 2 ? storeB : storeA, {
        id: 900 + i,
        title,
        updatedAt: new Date(Date.UTC(2026, 9, 1 + i)).toISOString(),
        variants: [
          { id: 9000 + i * 10, sku: `${title.toUpperCase()}-S`, price: '10.00' },
          { id: 9001 + i * 10, sku: `${title.toUpperCase()}-L`, price: '12.50' },
        ],
      });
    }
    for (const [i, [first, last]] of PEOPLE.entries()) {
      await syncShopifyCustomer(db, org.orgId, i % 3 === 2 ? storeB : storeA, {
        id: 700 + i,
        email: `${first.toLowerCase()}@example.test`,
        firstName: first,
        lastName: last,
        updatedAt: new Date(Date.UTC(2026, 9, 1 + i)).toISOString(),
      });
    }
  });
  afterAll(async () => {
    await server?.close();
  });

  it('lists products with their variants, every sort both ways, pages without gaps', async () => {
    const first = await get('/v1/products?sort=title&limit=2');
    expect(first.data[0]).toMatchObject({
      title: 'Anchor',
      status: 'active',
      variants: [
        { sku: 'ANCHOR-S', price: '10.00', title: 'Default Title' },
        { sku: 'ANCHOR-L', price: '12.50' },
      ],
    });
    for (const sort of ['title', '-title', 'updated', '-updated', 'created', '-created']) {
      const rows = await all(`/v1/products?sort=${sort}`);
      expect(rows.length, sort).toBe(TITLES.length);
      expect(new Set(rows.map((row) => row['id'])).size).toBe(TITLES.length);
    }
    expect((await all('/v1/products?sort=-title')).map((row) => row['title'])).toEqual([...TITLES].reverse());
    expect((await all(`/v1/products?store=${storeB}&sort=title`)).map((row) => row['title'])).toEqual(
      TITLES.filter((_, i) => i % 3 === 2),
    );
  });

  it('searches products by title or SKU, and hides deleted ones unless asked', async () => {
    expect((await get('/v1/products?q=capst')).data.map((row: { title: string }) => row.title)).toEqual(['Capstan']);
    expect((await get('/v1/products?q=hawser-l')).data.map((row: { title: string }) => row.title)).toEqual(['Hawser']);
    const [keel] = (await get('/v1/products?q=keel')).data;
    await server.database.db.owner`update products set deleted_at = now() where id = ${keel.id}`;
    expect((await get('/v1/products?q=keel')).data).toEqual([]);
    expect((await get('/v1/products?q=keel&includeDeleted=true')).data).toEqual([
      expect.objectContaining({ id: keel.id, deletedAt: expect.any(String) }),
    ]);
    const detail = await get(`/v1/products/${keel.id}`);
    expect(detail.data.variants.map((v: { sku: string }) => v.sku)).toEqual(['KEEL-S', 'KEEL-L']);
  });

  it('lists and searches customers; a redacted one shows nothing personal and is not found', async () => {
    const byName = await all('/v1/customers?sort=name');
    expect(byName.map((row) => row['lastName'])).toEqual(PEOPLE.map(([, last]) => last).sort());
    for (const sort of ['updated', '-updated', 'created', '-created', '-name']) {
      expect((await all(`/v1/customers?sort=${sort}`)).length, sort).toBe(PEOPLE.length);
    }
    expect((await get('/v1/customers?q=hopper')).data).toEqual([
      expect.objectContaining({ firstName: 'Grace', lastName: 'Hopper', email: 'grace@example.test', redacted: false }),
    ]);
    expect((await get('/v1/customers?q=ADA@EXAMPLE')).data.map((row: { lastName: string }) => row.lastName)).toEqual([
      'Lovelace',
    ]);
    const [knuth] = (await get('/v1/customers?q=knuth')).data;
    await withPrincipal(server.runtime.ctx.db, systemPrincipal(org.orgId), (tx) =>
      redactCustomer(tx, { orgId: org.orgId, storeId: knuth.storeId }, knuth.platformId, []),
    );
    expect((await get('/v1/customers?q=knuth')).data).toEqual([]);
    const detail = await get(`/v1/customers/${knuth.id}`);
    expect(detail.data).toMatchObject({
      redacted: true,
      email: null,
      firstName: null,
      lastName: null,
      phone: null,
      recentOrders: [],
    });
  });

  it('answers 404 for another organization’s or another store’s records, and keeps merchants to their stores', async () => {
    const other = await signedInOrg(server, 'Elsewhere');
    const [product] = (await get('/v1/products?q=anchor')).data;
    const [customer] = (await get('/v1/customers?q=lovelace')).data;
    expect((await api('GET', `/v1/products/${product.id}`, { token: other.token })).status).toBe(404);
    expect((await api('GET', `/v1/customers/${customer.id}`, { token: other.token })).status).toBe(404);
    expect((await get('/v1/products', other.token)).data).toEqual([]);

    const merchant = await memberSession(server, org.orgId, 'merchant', [storeB]);
    const products = await all('/v1/products', merchant.token);
    expect(products.length).toBe(TITLES.filter((_, i) => i % 3 === 2).length);
    expect(products.every((row) => row['storeId'] === storeB)).toBe(true);
    expect((await api('GET', `/v1/products/${product.id}`, { token: merchant.token })).status).toBe(404);
    expect((await api('GET', `/v1/customers/${customer.id}`, { token: merchant.token })).status).toBe(404);
    expect((await all('/v1/customers', merchant.token)).every((row) => row['storeId'] === storeB)).toBe(true);
  });

  it('searches literally, a merchant within its stores, and never across organizations whose ids share the search keys’ prefix', async () => {
    const db = server.runtime.ctx.db;
    // An organization whose id starts with the same 8 hex digits: its search keys (migrations 0020,
    // 0021) are the same strings, so only the organization check keeps the two apart.
    const twinId = `${org.orgId.slice(0, 8)}-0000-4000-8000-${randomUUID().slice(-12)}`;
    await server.database.db.owner`insert into organizations (id, name) values (${twinId}, 'Twin')`;
    const twin = await memberSession(server, twinId, 'owner');
    const store = await addStore(db, twinId, 'Twin chandlery');
    const updatedAt = new Date(Date.UTC(2026, 9, 20)).toISOString();
    await syncShopifyProduct(db, twinId, store, {
      id: 990,
      title: 'Capstan Bar',
      updatedAt,
      variants: [{ id: 9990, sku: 'æøå_9%', price: '1.00' }],
    });
    await syncShopifyCustomer(db, twinId, store, {
      id: 790,
      email: 'z%o@example.test',
      firstName: 'zoë',
      lastName: 'ångström',
      updatedAt,
    });
    const titles = async (q: string, token: string) =>
      (await get(`/v1/products?q=${encodeURIComponent(q)}`, token)).data.map((row: { title: string }) => row.title);
    const lastNames = async (q: string, token: string) =>
      (await get(`/v1/customers?q=${encodeURIComponent(q)}`, token)).data.map((row: { lastName: string }) => row.lastName);

    // The search functions keep to the organization by themselves, not only through the lists' row-level security.
    const found = await withPrincipal(db, systemPrincipal(twinId), async (tx) => ({
      products: (await tx<{ id: string }[]>`select s::text as id from dockhand.search_product_ids('%capst%') s`).map(
        (row) => row.id,
      ),
      customers: (await tx<{ id: string }[]>`select s::text as id from dockhand.search_customer_ids('%hopper%') s`).length,
    }));
    const [own] = await server.database.db.owner<{ id: string }[]>`select id::text as id from products where org_id = ${twinId}`;
    expect(found).toEqual({ products: [own!.id], customers: 0 });
    expect(await titles('capst', twin.token)).toEqual(['Capstan Bar']);
    expect(await titles('capst', org.token)).toEqual(['Capstan']);
    expect(await lastNames('hopper', twin.token)).toEqual([]);
    expect(await lastNames('ström', org.token)).toEqual([]);

    // Accents (written lower-case: a database in the C locale lower-cases ASCII only), and `%` and
    // `_` as the characters themselves.
    for (const q of ['æøå_9', '_9%', 'Å_9']) expect(await titles(q, twin.token), q).toEqual(['Capstan Bar']);
    for (const q of ['æøå-9', 'ø_å']) expect(await titles(q, twin.token), q).toEqual([]);
    for (const q of ['zoë', 'ÅNGSTR', 'z%o@']) expect(await lastNames(q, twin.token), q).toEqual(['ångström']);
    expect(await lastNames('z_o@', twin.token)).toEqual([]);

    // Capstan and Grace Hopper are in the second store.
    const inA = await memberSession(server, org.orgId, 'merchant', [storeA]);
    const inB = await memberSession(server, org.orgId, 'merchant', [storeB]);
    expect([await titles('capst', inA.token), await titles('capst', inB.token)]).toEqual([[], ['Capstan']]);
    expect([await lastNames('hopper', inA.token), await lastNames('hopper', inB.token)]).toEqual([[], ['Hopper']]);
  });

  it('refuses bad cursors, sorts and filters with 400', async () => {
    const page = await get('/v1/products?sort=title&limit=1');
    for (const path of [
      '/v1/products?cursor=garbage',
      `/v1/products?sort=updated&cursor=${page.page.nextCursor}`,
      '/v1/products?sort=price',
      '/v1/customers?store=nope',
      '/v1/customers?q=ab',
      '/v1/customers?q=ab%20cd',
      '/v1/products?q=%23a%20b',
      '/v1/customers?sort=total',
    ]) {
      expect((await api('GET', path, { token: org.token })).status, path).toBe(400);
    }
  });
});
