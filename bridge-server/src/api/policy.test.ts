import { randomUUID } from 'node:crypto';
import type { Sql } from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../db/principal.ts';
import {
  apiClient,
  memberSession,
  signedInOrg,
  startTestServer,
  type Api,
  type TestServer,
} from '../../test/support/test-server.ts';
import { can, ROUTE_ACTIONS } from './policy.ts';

/**
 * The permission table, walked: every documented authenticated route × every role × the ids it
 * could be given. Generated from /v1/openapi.json and api/policy.ts, so a new route needs a
 * policy entry (policy.unit.test.ts) and a fixture here (RESOURCE_OF) or this file fails.
 */

interface Operation {
  method: string;
  /** Express style, as ROUTE_ACTIONS names it. */
  path: string;
}

/** The kind of row a path's `:id` names. */
const RESOURCE_OF: Array<[RegExp, Resource]> = [
  [/^\/v1\/orders\/:id/, 'order'],
  [/^\/v1\/products\/:id/, 'product'],
  [/^\/v1\/customers\/:id/, 'customer'],
  [/^\/v1\/inventory\/requests\/:id/, 'request'],
  [/^\/v1\/views\/:id/, 'view'],
  [/^\/v1\/users\/:id/, 'user'],
  [/^\/v1\/stores\/:id/, 'store'],
];
type Resource = 'order' | 'product' | 'customer' | 'request' | 'view' | 'user' | 'store';

function resourceOf(path: string): Resource {
  const found = RESOURCE_OF.find(([pattern]) => pattern.test(path));
  if (!found) throw new Error(`policy.test.ts has no fixture for the id of ${path}: add one to RESOURCE_OF`);
  return found[1];
}

/** One organization's rows in two stores, written as the owner (no API involved). */
interface Seeded {
  orgId: string;
  stores: [string, string];
  byStore: Array<Record<'order' | 'product' | 'customer' | 'request', string>>;
}

async function seedOrganization(owner: Sql, orgId: string, requestedBy: string): Promise<Seeded> {
  const stores: string[] = [];
  const byStore: Seeded['byStore'] = [];
  for (const n of [1, 2]) {
    const domain = `policy-${randomUUID().slice(0, 8)}-${n}.myshopify.com`;
    const [store] = await owner<{ id: string }[]>`
      insert into stores (org_id, platform, name, shop_domain, status)
      values (${orgId}, 'shopify', ${`Store ${n}`}, ${domain}, 'active') returning id`;
    const storeId = store!.id;
    stores.push(storeId);
    const [customer] = await owner<{ id: string }[]>`
      insert into customers (org_id, store_id, platform_id, email, first_name, last_name)
      values (${orgId}, ${storeId}, ${`${n}01`}, ${`c${n}@example.test`}, 'Ada', 'Lovelace') returning id`;
    const [order] = await owner<{ id: string }[]>`
      insert into orders (org_id, store_id, platform_id, number, email, customer_id, status, currency, total, placed_at, platform_updated_at)
      values (${orgId}, ${storeId}, ${`${n}001`}, ${`#${n}001`}, ${`c${n}@example.test`}, ${customer!.id}, 'open', 'USD', 10, now(), now())
      returning id`;
    const [product] = await owner<{ id: string }[]>`
      insert into products (org_id, store_id, platform_id, title) values (${orgId}, ${storeId}, ${`${n}0001`}, 'Widget') returning id`;
    const [variant] = await owner<{ id: string }[]>`
      insert into product_variants (org_id, store_id, product_id, platform_id, inventory_item_id, sku)
      values (${orgId}, ${storeId}, ${product!.id}, ${`${n}00001`}, ${`${n}000001`}, ${`SKU-${n}`}) returning id`;
    const [location] = await owner<{ id: string }[]>`
      insert into locations (org_id, store_id, platform_id, name) values (${orgId}, ${storeId}, ${`${n}1`}, 'Warehouse') returning id`;
    await owner`
      insert into inventory_levels (org_id, store_id, variant_id, location_id, available)
      values (${orgId}, ${storeId}, ${variant!.id}, ${location!.id}, 5)`;
    const [request] = await owner<{ id: string }[]>`
      insert into inventory_requests (org_id, store_id, variant_id, location_id, delta, reason, requested_by)
      values (${orgId}, ${storeId}, ${variant!.id}, ${location!.id}, 1, 'recount', ${requestedBy}) returning id`;
    byStore.push({ order: order!.id, product: product!.id, customer: customer!.id, request: request!.id });
  }
  return { orgId, stores: stores as [string, string], byStore };
}

const ROLES: Role[] = ['owner', 'admin', 'staff', 'merchant'];

interface Actor {
  role: Role;
  token: string;
  userId: string;
  /** The actor's own saved view. */
  viewId: string | undefined;
}

describe('the permission policy, walked over every documented route', () => {
  let server: TestServer;
  let api: Api;
  let operations: Operation[];
  let home: Seeded;
  let other: Seeded;
  const actors = new Map<Role, Actor>();
  let otherOwner: Actor;

  beforeAll(async () => {
    server = await startTestServer();
    api = apiClient(server.url);
    const document = (await api('GET', '/v1/openapi.json')).body as {
      paths: Record<string, Record<string, { security?: unknown[] }>>;
    };
    operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods)
        .filter(([, operation]) => operation.security?.some((scheme) => 'bearer' in (scheme as object)))
        .map(([method]) => ({ method: method.toUpperCase(), path: path.replace(/\{(\w+)\}/g, ':$1') })),
    );
    const owner = server.runtime.ctx.db.owner;
    const homeOrg = await signedInOrg(server, 'Home');
    const otherOrg = await signedInOrg(server, 'Other');
    home = await seedOrganization(owner, homeOrg.orgId, homeOrg.userId);
    other = await seedOrganization(owner, otherOrg.orgId, otherOrg.userId);
    const viewOf = async (token: string) => {
      const created = await api('POST', '/v1/views', {
        token,
        body: { name: 'Mine', filters: {}, sort: '-placed', columns: ['number'] },
      });
      return created.status === 201 ? (created.body.data.id as string) : undefined;
    };
    actors.set('owner', { role: 'owner', token: homeOrg.token, userId: homeOrg.userId, viewId: await viewOf(homeOrg.token) });
    for (const role of ['admin', 'staff', 'merchant'] as const) {
      // The merchant belongs to the first store only: the second is "a merchant's other store".
      const session = await memberSession(server, homeOrg.orgId, role, role === 'merchant' ? [home.stores[0]] : undefined);
      actors.set(role, { role, token: session.token, userId: session.userId, viewId: await viewOf(session.token) });
    }
    otherOwner = { role: 'owner', token: otherOrg.token, userId: otherOrg.userId, viewId: await viewOf(otherOrg.token) };
  });

  afterAll(async () => {
    await server?.close();
  });

  function idFor(resource: Resource, seeded: Seeded, store: 0 | 1, actor: Actor): string {
    switch (resource) {
      case 'store':
        return seeded.stores[store];
      case 'user':
        return actor.userId;
      case 'view':
        return actor.viewId ?? randomUUID();
      default:
        return seeded.byStore[store]![resource];
    }
  }

  const fill = (path: string, id: string) => path.replace(':id', id);

  /** One call with an empty body where one is taken; a stream (it stays open) is read up to its status. */
  async function call(method: string, path: string, token: string) {
    if (path === '/v1/stream') {
      const abort = new AbortController();
      const response = await fetch(`${server.url}${path}`, {
        headers: { authorization: `Bearer ${token}` },
        signal: abort.signal,
      });
      const body: unknown = response.ok ? undefined : await response.json();
      abort.abort();
      return { status: response.status, body: body as any };
    }
    return api(method, path, { token, ...(method === 'GET' || method === 'DELETE' ? {} : { body: {} }) });
  }

  it('finds the routes the policy names', () => {
    expect(operations.length).toBeGreaterThan(20);
    for (const operation of operations) expect(ROUTE_ACTIONS[`${operation.method} ${operation.path}`]).toBeDefined();
  });

  for (const role of ROLES) {
    it(`${role}: a forbidden action answers 403, an allowed one never does`, async () => {
      const actor = actors.get(role)!;
      for (const { method, path } of operations) {
        const action = ROUTE_ACTIONS[`${method} ${path}`]!;
        // A forbidden call is refused before any look-up; an allowed change is aimed at an id that
        // exists nowhere, so the walk changes nothing (its answer is then 400 or 404, never 403).
        const allowed = can({ role }, action);
        const id =
          allowed && method !== 'GET' ? randomUUID() : path.includes(':id') ? idFor(resourceOf(path), home, 0, actor) : '';
        const target = path.includes(':id') ? fill(path, id) : path;
        const answer = await call(method, target, actor.token);
        const label = `${role} ${method} ${path} (${action})`;
        if (!allowed) {
          expect(answer.status, label).toBe(403);
          expect(answer.body?.error?.code, label).toBe('FORBIDDEN');
        } else {
          expect([401, 403], `${label} answered ${answer.status}: ${JSON.stringify(answer.body)}`).not.toContain(answer.status);
        }
      }
    });

    it(`${role}: another organization's ids are not found, and a merchant's other store too`, async () => {
      const actor = actors.get(role)!;
      for (const { method, path } of operations.filter((operation) => operation.path.includes(':id'))) {
        const action = ROUTE_ACTIONS[`${method} ${path}`]!;
        if (!can({ role }, action)) continue; // 403 above, before any look-up
        const resource = resourceOf(path);
        const foreign = idFor(resource, other, 0, otherOwner);
        const [foreignAnswer, randomAnswer] = await Promise.all([
          call(method, fill(path, foreign), actor.token),
          call(method, fill(path, randomUUID()), actor.token),
        ]);
        const label = `${role} ${method} ${path}`;
        // Another organization's id answers exactly what an id that exists nowhere answers.
        expect(foreignAnswer.status, `${label}: ${JSON.stringify(foreignAnswer.body)}`).toBe(randomAnswer.status);
        expect(foreignAnswer.body?.error?.code, label).toBe(randomAnswer.body?.error?.code);
        if (method === 'GET') expect(foreignAnswer.status, label).toBe(404);
        if (role === 'merchant' && resource !== 'user' && resource !== 'view') {
          const otherStore = idFor(resource, home, 1, actor);
          const scoped = await call(method, fill(path, otherStore), actor.token);
          expect(scoped.status, `${label} (merchant's other store): ${JSON.stringify(scoped.body)}`).toBe(randomAnswer.status);
        }
      }
    });

    it(`${role}: its own ids are found`, async () => {
      const actor = actors.get(role)!;
      for (const { method, path } of operations.filter(
        (operation) => operation.method === 'GET' && operation.path.includes(':id'),
      )) {
        if (!can({ role }, ROUTE_ACTIONS[`${method} ${path}`]!)) continue;
        const own = idFor(resourceOf(path), home, 0, actor);
        const answer = await api('GET', fill(path, own), { token: actor.token });
        expect(answer.status, `${role} GET ${path}: ${JSON.stringify(answer.body)}`).toBe(200);
      }
    });
  }

  it('a list never holds another organization’s rows, nor a merchant’s other store', async () => {
    const lists = operations.filter(
      (operation) =>
        operation.method === 'GET' &&
        operation.path.startsWith('/v1/') &&
        !operation.path.includes(':') &&
        operation.path !== '/v1/stream',
    );
    for (const role of ROLES) {
      const actor = actors.get(role)!;
      const visibleStores = role === 'merchant' ? [home.stores[0]] : home.stores;
      for (const { path } of lists) {
        if (!can({ role }, ROUTE_ACTIONS[`GET ${path}`]!)) continue;
        const answer = await api('GET', path, { token: actor.token });
        expect(answer.status, `${role} GET ${path}: ${JSON.stringify(answer.body)}`).toBe(200);
        const rows: unknown[] = Array.isArray(answer.body?.data) ? answer.body.data : [];
        for (const row of rows as Array<Record<string, unknown>>) {
          const storeId = path === '/v1/stores' ? row['id'] : row['storeId'];
          if (typeof storeId === 'string') expect(visibleStores, `${role} GET ${path}`).toContain(storeId);
          expect(JSON.stringify(row), `${role} GET ${path}`).not.toContain(other.orgId);
        }
      }
    }
  });
});
