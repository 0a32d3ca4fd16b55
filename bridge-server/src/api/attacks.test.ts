import { randomUUID } from 'node:crypto';
import type { Sql } from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiClient,
  memberSession,
  signedInOrg,
  startTestServer,
  type Api,
  type TestServer,
} from '../../test/support/test-server.ts';
import { encodeCursor } from './pagination.ts';

/**
 * Attacks on the operations API by a hostile tenant, a merchant reaching past its store, and a
 * client sending input no form would. The permission walk (role × route × own/foreign id) is
 * policy.test.ts; this file tries what that walk does not: ids hidden in filters and bodies,
 * keys and cursors of another tenant, malformed and oversized input.
 */

interface Seeded {
  orgId: string;
  stores: [string, string];
  byStore: Array<{ order: string; variant: string; location: string; request: string }>;
}

async function seed(owner: Sql, orgId: string, requestedBy: string, label: string): Promise<Seeded> {
  const stores: string[] = [];
  const byStore: Seeded['byStore'] = [];
  for (const n of [1, 2]) {
    const [store] = await owner<{ id: string }[]>`
      insert into stores (org_id, platform, name, shop_domain, status)
      values (${orgId}, 'shopify', ${`${label} store ${n}`}, ${`attack-${randomUUID().slice(0, 8)}-${n}.myshopify.com`}, 'active')
      returning id`;
    const storeId = store!.id;
    stores.push(storeId);
    const [order] = await owner<{ id: string }[]>`
      insert into orders (org_id, store_id, platform_id, number, email, status, currency, total, placed_at, platform_updated_at)
      values (${orgId}, ${storeId}, ${`${n}001`}, ${`#${label}${n}`}, ${`c${n}@example.test`}, 'open', 'USD', 10, now(), now())
      returning id`;
    const [product] = await owner<{ id: string }[]>`
      insert into products (org_id, store_id, platform_id, title) values (${orgId}, ${storeId}, ${`${n}0001`}, ${`${label} widget`})
      returning id`;
    const [variant] = await owner<{ id: string }[]>`
      insert into product_variants (org_id, store_id, product_id, platform_id, inventory_item_id, sku)
      values (${orgId}, ${storeId}, ${product!.id}, ${`${n}00001`}, ${`${n}000001`}, ${`${label}-SKU-${n}`}) returning id`;
    const [location] = await owner<{ id: string }[]>`
      insert into locations (org_id, store_id, platform_id, name) values (${orgId}, ${storeId}, ${`${n}1`}, ${`${label} warehouse ${n}`})
      returning id`;
    await owner`
      insert into inventory_levels (org_id, store_id, variant_id, location_id, available)
      values (${orgId}, ${storeId}, ${variant!.id}, ${location!.id}, 5)`;
    await owner`
      insert into inventory_ledger (org_id, store_id, variant_id, location_id, source, delta, quantity_after)
      values (${orgId}, ${storeId}, ${variant!.id}, ${location!.id}, 'backfill', 5, 5)`;
    const [request] = await owner<{ id: string }[]>`
      insert into inventory_requests (org_id, store_id, variant_id, location_id, delta, reason, requested_by)
      values (${orgId}, ${storeId}, ${variant!.id}, ${location!.id}, 1, 'recount', ${requestedBy}) returning id`;
    byStore.push({ order: order!.id, variant: variant!.id, location: location!.id, request: request!.id });
  }
  return { orgId, stores: stores as [string, string], byStore };
}

let server: TestServer;
let api: Api;
let owner: Sql;
let home: Seeded;
let victim: Seeded;
let homeOwner: Awaited<ReturnType<typeof signedInOrg>>;
let victimOwner: Awaited<ReturnType<typeof signedInOrg>>;
let merchant: Awaited<ReturnType<typeof memberSession>>;
let staff: Awaited<ReturnType<typeof memberSession>>;

/** Never a 500, and never anything of the victim's in the answer. */
function expectSafe(answer: { status: number; body: unknown }, label: string) {
  const text = JSON.stringify(answer.body ?? null);
  expect(answer.status, `${label}: ${text}`).toBeLessThan(500);
  expect(text, label).not.toContain(victim.orgId);
  for (const store of victim.stores) expect(text, label).not.toContain(store);
  expect(text, label).not.toContain('Victim');
}

/** What a merchant of store 0 must never see: store 1's ids. */
function expectNoOtherStore(answer: { status: number; body: unknown }, label: string) {
  const text = JSON.stringify(answer.body ?? null);
  expect(answer.status, `${label}: ${text}`).toBeLessThan(500);
  expect(text, label).not.toContain(home.stores[1]);
  expect(text, label).not.toContain(home.byStore[1]!.variant);
  expect(text, label).not.toContain(home.byStore[1]!.location);
  expect(text, label).not.toContain(home.byStore[1]!.order);
}

beforeAll(async () => {
  server = await startTestServer();
  api = apiClient(server.url);
  owner = server.runtime.ctx.db.owner;
  homeOwner = await signedInOrg(server, 'Home');
  victimOwner = await signedInOrg(server, 'Victim');
  home = await seed(owner, homeOwner.orgId, homeOwner.userId, 'Home');
  victim = await seed(owner, victimOwner.orgId, victimOwner.userId, 'Victim');
  merchant = await memberSession(server, homeOwner.orgId, 'merchant', [home.stores[0]]);
  staff = await memberSession(server, homeOwner.orgId, 'staff');
});

afterAll(async () => {
  await server?.close();
});

describe('attacks: another organization’s ids hidden in filters and bodies', () => {
  it('list filters naming the victim’s store, variant or location answer nothing of it', async () => {
    const [v] = victim.byStore;
    const paths = [
      `/v1/orders?store=${victim.stores[0]}`,
      `/v1/products?store=${victim.stores[0]}`,
      `/v1/customers?store=${victim.stores[0]}`,
      `/v1/inventory?store=${victim.stores[0]}`,
      `/v1/inventory?variant=${v!.variant}&location=${v!.location}`,
      `/v1/inventory?variant=${v!.variant}&at=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`,
      `/v1/inventory/ledger?variant=${v!.variant}`,
      `/v1/inventory/ledger?location=${v!.location}`,
      `/v1/inventory/ledger?store=${victim.stores[0]}`,
      `/v1/inventory/requests?store=${victim.stores[0]}`,
    ];
    for (const path of paths) {
      const answer = await api('GET', path, { token: homeOwner.token });
      expectSafe(answer, path);
      expect(answer.status, path).toBe(200);
      expect(answer.body.data, path).toEqual([]);
    }
    const stats = await api('GET', `/v1/stats?store=${victim.stores[0]}`, { token: homeOwner.token });
    expect(stats.status).toBe(404);
    expectSafe(stats, 'stats');
  });

  it('bodies naming the victim’s variant or location are not found, and change nothing there', async () => {
    const [v] = victim.byStore;
    const [h] = home.byStore;
    const before = await owner`select count(*)::int as n from inventory_requests where org_id = ${victim.orgId}`;
    const bodies = [
      { variantId: v!.variant, locationId: v!.location, delta: 1, reason: 'x' },
      // Own variant, the victim's location (and the reverse).
      { variantId: h!.variant, locationId: v!.location, delta: 1, reason: 'x' },
      { variantId: v!.variant, locationId: h!.location, delta: 1, reason: 'x' },
    ];
    for (const body of bodies) {
      const answer = await api('POST', '/v1/inventory/requests', { token: homeOwner.token, body });
      expect(answer.status, JSON.stringify(body)).toBe(404);
      expectSafe(answer, 'create request');
    }
    const thresholds = await api('PUT', '/v1/inventory/thresholds', {
      token: homeOwner.token,
      body: {
        thresholds: [
          { variantId: h!.variant, locationId: null, threshold: 3 },
          { variantId: v!.variant, threshold: 1 },
        ],
      },
    });
    expect(thresholds.status).toBe(404);
    expectSafe(thresholds, 'thresholds');
    // All or none: the home variant's threshold of the refused batch is not there either.
    expect(await owner`select 1 from inventory_thresholds where variant_id = ${h!.variant}`).toHaveLength(0);
    const after = await owner`select count(*)::int as n from inventory_requests where org_id = ${victim.orgId}`;
    expect(after[0]!.n).toBe(before[0]!.n);
  });

  it('a variant of one store with a location of the other is not a request or a threshold', async () => {
    const body = { variantId: home.byStore[0]!.variant, locationId: home.byStore[1]!.location, delta: 2, reason: 'mix' };
    const answer = await api('POST', '/v1/inventory/requests', { token: homeOwner.token, body });
    expect(answer.status).toBe(404);
    const thresholds = await api('PUT', '/v1/inventory/thresholds', {
      token: homeOwner.token,
      body: { thresholds: [{ variantId: home.byStore[0]!.variant, locationId: home.byStore[1]!.location, threshold: 2 }] },
    });
    expect(thresholds.status).toBe(404);
  });

  it('bulk ids of the victim’s orders answer NOT_FOUND per id and name nothing of the victim', async () => {
    const ids = [victim.byStore[0]!.order, randomUUID(), victim.byStore[1]!.order];
    for (const body of [
      { action: 'changeStatus', ids, status: 'closed' },
      { action: 'addTracking', ids, tracking: { trackingNumber: '1Z', carrier: 'UPS' } },
    ]) {
      const answer = await api('POST', '/v1/orders/bulk', { token: homeOwner.token, body });
      expectSafe(answer, body.action);
      expect(answer.status).toBe(200);
      expect(answer.body.data.map((result: { error?: { code: string } }) => result.error?.code)).toEqual([
        'NOT_FOUND',
        'NOT_FOUND',
        'NOT_FOUND',
      ]);
      // The victim's rows and the foreign answer read exactly like an id that exists nowhere.
      expect(answer.body.data[0].error.message).toBe(answer.body.data[1].error.message);
    }
    const touched = await owner`select count(*)::int as n from fulfillments where org_id = ${victim.orgId}`;
    expect(touched[0]!.n).toBe(0);
  });

  it('the victim’s Idempotency-Key is not replayed to another organization', async () => {
    const key = `shared-key-${randomUUID()}`;
    const [fulfillment] = await owner<{ id: string }[]>`
      insert into fulfillments (org_id, store_id, order_id, status, tracking_number, carrier, client_key, request_hash, source)
      values (${victim.orgId}, ${victim.stores[0]}, ${victim.byStore[0]!.order}, 'pushed', 'VICTIM-TRACK', 'UPS', ${key}, 'x', 'dockhand')
      returning id`;
    // Aimed at the victim's order: not found. Aimed at its own order: a new fulfillment, not the victim's.
    const foreign = await api('POST', `/v1/orders/${victim.byStore[0]!.order}/fulfillments`, {
      token: homeOwner.token,
      headers: { 'idempotency-key': key },
      body: { trackingNumber: 'T1', carrier: 'UPS' },
    });
    expect(foreign.status).toBe(404);
    expectSafe(foreign, 'foreign order');
    const own = await api('POST', `/v1/orders/${home.byStore[0]!.order}/fulfillments`, {
      token: homeOwner.token,
      headers: { 'idempotency-key': key },
      body: { trackingNumber: 'T1', carrier: 'UPS' },
    });
    expectSafe(own, 'own order');
    expect(own.headers.get('idempotent-replayed')).toBeNull();
    expect(JSON.stringify(own.body)).not.toContain(fulfillment!.id);
    expect(JSON.stringify(own.body)).not.toContain('VICTIM-TRACK');
    const ours = await owner`select id from fulfillments where org_id = ${homeOwner.orgId} and client_key = ${key}`;
    expect(ours).toHaveLength(1);
  });

  it('the victim’s view and request ids cannot be changed or decided', async () => {
    const view = await api('POST', '/v1/views', { token: victimOwner.token, body: { name: 'Secret view', sort: '-placed' } });
    expect(view.status).toBe(201);
    for (const [method, path, body] of [
      ['PATCH', `/v1/views/${view.body.data.id}`, { name: 'pwned' }],
      ['DELETE', `/v1/views/${view.body.data.id}`, undefined],
      ['POST', `/v1/inventory/requests/${victim.byStore[0]!.request}/approve`, {}],
      ['POST', `/v1/inventory/requests/${victim.byStore[0]!.request}/reject`, { reason: 'no' }],
      ['POST', `/v1/inventory/requests/${victim.byStore[0]!.request}/retry`, undefined],
    ] as const) {
      const answer = await api(method, path, { token: homeOwner.token, ...(body ? { body } : {}) });
      expect(answer.status, `${method} ${path}`).toBe(404);
      expectSafe(answer, path);
    }
    // View names are per user: another user's name is neither refused (which would tell it exists) nor shared.
    const sameName = await api('POST', '/v1/views', { token: staff.token, body: { name: 'Secret view', sort: '-placed' } });
    expect(sameName.status).toBe(201);
    const staffViews = (await api('GET', '/v1/views', { token: staff.token })).body.data as Array<{ id: string }>;
    expect(staffViews.map((row) => row.id)).toEqual([sameName.body.data.id]);
    const still = await api('GET', `/v1/views/${view.body.data.id}`, { token: victimOwner.token });
    expect(still.body.data.name).toBe('Secret view');
    const request = await owner`select status from inventory_requests where id = ${victim.byStore[0]!.request}`;
    expect(request[0]!.status).toBe('pending');
  });
});

describe('attacks: a merchant reaching for its other store', () => {
  it('filters, `at` and the ledger answer nothing of the other store', async () => {
    const [, other] = home.byStore;
    const paths = [
      `/v1/orders?store=${home.stores[1]}`,
      `/v1/inventory?store=${home.stores[1]}`,
      `/v1/inventory?variant=${other!.variant}`,
      `/v1/inventory?location=${other!.location}&at=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`,
      `/v1/inventory?at=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`,
      `/v1/inventory?q=SKU`,
      `/v1/inventory/ledger?variant=${other!.variant}`,
      `/v1/inventory/ledger?location=${other!.location}`,
      `/v1/inventory/ledger?store=${home.stores[1]}`,
      `/v1/inventory/ledger`,
      `/v1/inventory/requests?store=${home.stores[1]}`,
      `/v1/inventory/requests`,
      `/v1/stats`,
    ];
    for (const path of paths) {
      const answer = await api('GET', path, { token: merchant.token });
      expectNoOtherStore(answer, path);
      expect(answer.status, path).toBe(200);
    }
    const stats = await api('GET', `/v1/stats?store=${home.stores[1]}`, { token: merchant.token });
    expect(stats.status).toBe(404);
    // Its own store's rows are there (the filters work, so the empty answers above mean something).
    const own = await api('GET', `/v1/inventory/ledger?variant=${home.byStore[0]!.variant}`, { token: merchant.token });
    expect(own.body.data).toHaveLength(1);
  });

  it('a request naming the other store’s variant or location is not found', async () => {
    const [mine, other] = home.byStore;
    for (const body of [
      { variantId: other!.variant, locationId: other!.location, set: 1, reason: 'x' },
      { variantId: mine!.variant, locationId: other!.location, set: 1, reason: 'x' },
      { variantId: other!.variant, locationId: mine!.location, set: 1, reason: 'x' },
    ]) {
      const answer = await api('POST', '/v1/inventory/requests', { token: merchant.token, body });
      expect(answer.status, JSON.stringify(body)).toBe(404);
      expectNoOtherStore(answer, 'request');
    }
  });

  it('a saved view filtering on the other store shows none of its orders', async () => {
    const view = await api('POST', '/v1/views', {
      token: merchant.token,
      body: { name: 'Peek', filters: { store: home.stores[1] }, sort: '-placed' },
    });
    expectSafe(view, 'view');
    const orders = await api('GET', `/v1/orders?store=${home.stores[1]}`, { token: merchant.token });
    expect(orders.body.data).toEqual([]);
  });
});

describe('attacks: a staff user managing people and stores', () => {
  it('cannot create users, promote itself, or change stores', async () => {
    const attempts = [
      ['POST', '/v1/users', { email: 'x@example.test', password: 'a long enough password 1', role: 'owner' }],
      ['PATCH', `/v1/users/${staff.userId}`, { role: 'owner' }],
      ['PATCH', `/v1/stores/${home.stores[0]}`, { name: 'mine now' }],
      ['DELETE', `/v1/stores/${home.stores[0]}`, undefined],
    ] as const;
    for (const [method, path, body] of attempts) {
      const answer = await api(method, path, { token: staff.token, ...(body ? { body } : {}) });
      expect(answer.status, `${method} ${path}`).toBe(403);
    }
    const me = await api('GET', '/v1/auth/me', { token: staff.token });
    expect(me.body.data.role ?? me.body.data.user?.role).toBe('staff');
  });
});

describe('attacks: input no form would send', () => {
  it('duplicate and bracketed query parameters are 400 where one value is taken, never 500', async () => {
    // List filters (store, status, tag …) take the parameter repeated, by design; past 50 values they are 400.
    const repeated = await api('GET', '/v1/orders?status=open&status=closed', { token: homeOwner.token });
    expect(repeated.status).toBe(200);
    const tooMany = Array.from({ length: 51 }, (_, index) => `status=s${index}`).join('&');
    expect((await api('GET', `/v1/orders?${tooMany}`, { token: homeOwner.token })).status).toBe(400);
    const paths = [
      '/v1/orders?store=a&store=b',
      `/v1/orders?sort=-placed&sort=total`,
      '/v1/orders?limit=1&limit=2',
      '/v1/products?q=a&q=b',
      `/v1/inventory?store=${home.stores[0]}&store=${home.stores[1]}`,
      '/v1/inventory?low=true&low=false',
      '/v1/inventory/requests?status=pending&status=applied',
      `/v1/stats?store=${home.stores[0]}&store=${home.stores[1]}`,
    ];
    const statuses = await Promise.all(
      paths.map(async (path) => [path, (await api('GET', path, { token: homeOwner.token })).status]),
    );
    expect(statuses.filter(([, status]) => status !== 400)).toEqual([]);
    // Express 5's simple query parser makes no objects: `q[]` is a parameter of another name, ignored.
    for (const path of [
      '/v1/orders?q[]=abc',
      '/v1/orders?q[a]=abc',
      '/v1/customers?q[]=abc',
      '/v1/inventory/ledger?variant[a]=b',
    ]) {
      const answer = await api('GET', path, { token: homeOwner.token });
      expect(answer.status, path).toBe(200);
    }
  });

  it('limits out of range are 400', async () => {
    for (const limit of ['-1', '0', '1e9', '201', '1.5', 'NaN', 'Infinity', '', '0x10', ' 5']) {
      for (const list of ['/v1/orders', '/v1/inventory', '/v1/inventory/ledger', '/v1/inventory/requests', '/v1/products']) {
        const answer = await api('GET', `${list}?limit=${encodeURIComponent(limit)}`, { token: homeOwner.token });
        expect([200, 400], `${list} limit=${limit}: ${JSON.stringify(answer.body)}`).toContain(answer.status);
        if (['-1', '0', '1e9', '201', '1.5', 'NaN', 'Infinity'].includes(limit)) expect(answer.status).toBe(400);
      }
    }
  });

  it('wildcards, backslashes and Unicode in q match literally and never 500', async () => {
    const probes = [
      '%%%',
      '___',
      '\\\\\\',
      '%_\\',
      "'; select 1; --",
      '.*+?[(',
      'ÅÅÅ',
      '𝔘𝔫𝔦',
      'a\u0301bc',
      '\u202eabc',
      'x'.repeat(200),
    ];
    for (const q of probes) {
      for (const list of ['/v1/orders', '/v1/products', '/v1/customers', '/v1/inventory']) {
        const answer = await api('GET', `${list}?q=${encodeURIComponent(q)}`, { token: homeOwner.token });
        expect([200, 400], `${list} q=${q}: ${JSON.stringify(answer.body)}`).toContain(answer.status);
        // A wildcard is a character, not "anything": nothing of the seeded rows holds these.
        if (answer.status === 200) expect(answer.body.data, `${list} q=${q}`).toEqual([]);
      }
    }
    const long = await api('GET', `/v1/orders?q=${'y'.repeat(5000)}`, { token: homeOwner.token });
    expect(long.status).toBe(400);
  });

  it('instants at the edges of what parses are 400 or answered, never 500', async () => {
    const instants = [
      '0000-01-01T00:00:00Z',
      '9999-12-31T23:59:59.999999999Z',
      '2020-01-01T00:00:00+99:99',
      '2020-01-01T00:00:00-23:59',
      '2020-02-30T00:00:00Z',
      '2020-01-01T24:00:00Z',
      '2020-01-01T23:59:60Z',
      '1969-12-31T23:59:59.999Z',
      '+275760-09-13T00:00:00Z',
    ];
    for (const at of instants) {
      for (const path of [
        `/v1/inventory?at=${encodeURIComponent(at)}`,
        `/v1/orders?placedFrom=${encodeURIComponent(at)}`,
        `/v1/orders?placedTo=${encodeURIComponent(at)}`,
      ]) {
        const answer = await api('GET', path, { token: homeOwner.token });
        expect([200, 400], `${path}: ${JSON.stringify(answer.body)}`).toContain(answer.status);
      }
    }
    // An offset PostgreSQL would refuse is refused by the validation, which says why.
    const far = await api('GET', `/v1/orders?placedFrom=${encodeURIComponent('2020-01-01T00:00:00-23:59')}`, {
      token: homeOwner.token,
    });
    expect(far.status).toBe(400);
    expect(JSON.stringify(far.body)).toMatch(/offset must be within ±15:59/);
  });

  it('list filter values that look like SQL array literals, patterns or escapes match literally', async () => {
    const values = ['{a,b}', '{}', '"', '\\', '%', '_', 'a"b', '{"x"}', 'NULL', "'", '[1]', 'ÿ', '\u{1F600}'];
    for (const value of values) {
      for (const name of ['tag', 'status', 'financialStatus', 'fulfillmentStatus']) {
        const path = `/v1/orders?${name}=${encodeURIComponent(value)}`;
        const answer = await api('GET', path, { token: homeOwner.token });
        expect([200, 400], `${path}: ${JSON.stringify(answer.body)}`).toContain(answer.status);
        if (answer.status === 200) expect(answer.body.data, path).toEqual([]);
      }
    }
    for (const sort of ['placed;drop table orders', '--placed', '-', 'total,placed', 'id']) {
      const answer = await api('GET', `/v1/orders?sort=${encodeURIComponent(sort)}`, { token: homeOwner.token });
      expect(answer.status, sort).toBe(400);
    }
  });

  it('forged keyset cursors are 400, never 500, and never reach another organization', async () => {
    const forged: Array<[string, string]> = [
      ['/v1/inventory/ledger', encodeCursor(['9999999999999999999'])],
      ['/v1/inventory/ledger', encodeCursor(['0'])],
      ['/v1/inventory/requests', encodeCursor(['9999-99-99T99:99:99.999999Z', randomUUID()])],
      ['/v1/inventory/requests', encodeCursor(['2020-02-30T00:00:00.000000Z', randomUUID()])],
      ['/v1/inventory', encodeCursor([victim.byStore[0]!.variant, victim.byStore[0]!.location])],
      ['/v1/orders', encodeCursor([])],
      ['/v1/orders', Buffer.from('[null,null]').toString('base64url')],
      ['/v1/orders', Buffer.from('{"__proto__":{"x":1}}').toString('base64url')],
      ['/v1/orders', 'not base64 !!'],
      ['/v1/products', encodeCursor(['x'.repeat(300)])],
    ];
    for (const [list, cursor] of forged) {
      const answer = await api('GET', `${list}?cursor=${encodeURIComponent(cursor)}`, { token: homeOwner.token });
      expectSafe(answer, `${list} cursor=${cursor}`);
      expect([200, 400], `${list} cursor=${cursor}: ${JSON.stringify(answer.body)}`).toContain(answer.status);
    }
  });

  it('malformed JSON, wrong content types and deep or huge bodies are 4xx', async () => {
    const token = homeOwner.token;
    const malformed = await api('POST', '/v1/views', { token, raw: '{"name": "x",' });
    expect(malformed.status).toBe(400);
    const text = await api('POST', '/v1/views', { token, raw: 'name=x', headers: { 'content-type': 'text/plain' } });
    expect(text.status).toBe(400);
    const form = await api('POST', '/v1/inventory/requests/' + home.byStore[0]!.request + '/reject', {
      token,
      raw: 'reason=x',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(form.status).toBe(400);
    // 100 kB of nested arrays: the NUL check walked it recursively and overflowed the stack (500).
    const deep = '['.repeat(50_000) + ']'.repeat(50_000);
    for (const path of ['/v1/orders/bulk', '/v1/views', '/v1/inventory/requests']) {
      const deepAnswer = await api('POST', path, { token, raw: deep });
      expect(deepAnswer.status, `${path}: ${JSON.stringify(deepAnswer.body)}`).toBe(400);
    }
    const deepObject = '{"a":'.repeat(20_000) + '1' + '}'.repeat(20_000);
    expect((await api('PUT', '/v1/inventory/thresholds', { token, raw: deepObject })).status).toBe(400);
    const ids = Array.from({ length: 20_000 }, () => randomUUID());
    const huge = await api('POST', '/v1/orders/bulk', { token, body: { action: 'changeStatus', ids, status: 'closed' } });
    expect([400, 413]).toContain(huge.status);
    const dupes = await api('POST', '/v1/orders/bulk', {
      token,
      body: { action: 'changeStatus', ids: [home.byStore[0]!.order, home.byStore[0]!.order], status: 'closed' },
    });
    expect(dupes.status).toBe(400);
    const columns = await api('POST', '/v1/views', {
      token,
      body: { name: 'Wide', sort: '-placed', columns: Array.from({ length: 1000 }, () => 'number') },
    });
    expect(columns.status).toBe(400);
    const filters = await api('POST', '/v1/views', {
      token,
      body: { name: 'Deep', sort: '-placed', filters: { nested: { a: { b: { c: 1 } } } } },
    });
    expect(filters.status).toBe(400);
    const proto = await api('POST', '/v1/views', {
      token,
      raw: '{"name":"Proto","sort":"-placed","__proto__":{"admin":true},"constructor":{"prototype":{"x":1}}}',
    });
    expect(proto.status).toBe(400);
    const badKey = await api('POST', `/v1/orders/${home.byStore[0]!.order}/fulfillments`, {
      token,
      headers: { 'idempotency-key': 'x'.repeat(201) },
      body: { trackingNumber: 'T', carrier: 'UPS' },
    });
    expect(badKey.status).toBe(400);
  });

  it('an event id past the largest bigint resumes nothing and never breaks the stream', async () => {
    for (const lastEventId of ['9999999999999999999', '9223372036854775807', '0']) {
      const abort = new AbortController();
      const response = await fetch(`${server.url}/v1/stream`, {
        headers: { authorization: `Bearer ${homeOwner.token}`, 'last-event-id': lastEventId },
        signal: abort.signal,
      });
      expect(response.status, lastEventId).toBeLessThan(500);
      if (response.ok) {
        const reader = response.body!.getReader();
        const { value } = await reader.read();
        expect(new TextDecoder().decode(value)).toMatch(/event: (ready|reset)/);
      }
      abort.abort();
    }
    const duplicated = await api('GET', '/v1/stream?lastEventId=1&lastEventId=2', { token: homeOwner.token });
    expect(duplicated.status).toBe(400);
  });
});

describe('attacks: every mutation names its actor in the audit log', () => {
  it('views, thresholds, requests and their decisions are audited with the user who did it', async () => {
    const since = new Date(Date.now() - 1000);
    const view = await api('POST', '/v1/views', { token: staff.token, body: { name: 'Audited', sort: '-placed' } });
    await api('PATCH', `/v1/views/${view.body.data.id}`, { token: staff.token, body: { name: 'Audited 2' } });
    await api('DELETE', `/v1/views/${view.body.data.id}`, { token: staff.token });
    const thresholds = await api('PUT', '/v1/inventory/thresholds', {
      token: staff.token,
      body: { thresholds: [{ variantId: home.byStore[0]!.variant, threshold: 4 }] },
    });
    expect(thresholds.status).toBe(200);
    const created = await api('POST', '/v1/inventory/requests', {
      token: merchant.token,
      body: { variantId: home.byStore[0]!.variant, locationId: home.byStore[0]!.location, delta: 3, reason: 'found a box' },
    });
    expect(created.status).toBe(201);
    const rejected = await api('POST', `/v1/inventory/requests/${created.body.data.id}/reject`, {
      token: staff.token,
      body: { reason: 'no box' },
    });
    expect(rejected.status).toBe(200);
    const rows = await owner<{ action: string; actor_id: string }[]>`
      select action, actor_id from audit_log where org_id = ${homeOwner.orgId} and created_at >= ${since} order by id`;
    const actorOf = (action: string) => rows.filter((row) => row.action === action).map((row) => row.actor_id);
    expect(actorOf('view.create')).toContain(staff.userId);
    expect(actorOf('view.update')).toContain(staff.userId);
    expect(actorOf('view.delete')).toContain(staff.userId);
    expect(actorOf('inventory.thresholds_set')).toContain(staff.userId);
    expect(actorOf('inventory.request_created')).toContain(merchant.userId);
    expect(actorOf('inventory.request_rejected')).toContain(staff.userId);
  });
});
