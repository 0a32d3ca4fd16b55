import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database.ts';
import { systemPrincipal, withPrincipal, type Principal } from './principal.ts';

let t: TestDatabase;
let established: { orgId: string; storeId: string };
let newcomer: { orgId: string; storeId: string; eventId: string };

async function organizationWithStore(name: string, domain: string): Promise<{ orgId: string; storeId: string }> {
  const [org] = await t.db.owner<
    { id: string }[]
  >`insert into organizations (id, name) values (gen_random_uuid(), ${name}) returning id`;
  const [store] = await t.db.owner<{ id: string }[]>`
    insert into stores (org_id, platform, name, status, shop_domain)
    values (${org!.id}, 'shopify', ${name}, 'active', ${domain}) returning id`;
  return { orgId: org!.id, storeId: store!.id };
}

/** The index the plan of `query` (prepared, then executed with `values`) reads webhook_events through. */
async function indexReadFor(principal: Principal, query: string, values: string[]): Promise<string[]> {
  return withPrincipal(t.db, principal, async (tx) => {
    await tx.unsafe(`prepare keyed_read(uuid, uuid) as ${query}`);
    const [row] = await tx.unsafe<{ 'QUERY PLAN': unknown }[]>(
      `explain (format json) execute keyed_read(${values.map((value) => `'${value}'`).join(', ')})`,
    );
    await tx.unsafe('deallocate keyed_read');
    return JSON.stringify(row!['QUERY PLAN']).match(/"Index Name":"[^"]+"/g) ?? [];
  });
}

beforeAll(async () => {
  t = await createTestDatabase();
  established = await organizationWithStore('Established', 'established.myshopify.com');
  await t.db.owner`
    insert into webhook_events (org_id, store_id, platform, platform_event_id, topic, body, status)
    select ${established.orgId}, ${established.storeId}, 'shopify', 'e' || n, 'orders/create', '{}', 'applied'
    from generate_series(1, 3000) n`;
  await t.db.owner`analyze webhook_events`;
  // Connected after the last ANALYZE: the statistics have never seen it.
  const store = await organizationWithStore('Newcomer', 'newcomer.myshopify.com');
  const [event] = await t.db.owner<{ id: string }[]>`
    insert into webhook_events (org_id, store_id, platform, platform_event_id, topic, body)
    values (${store.orgId}, ${store.storeId}, 'shopify', 'first', 'orders/create', '{}') returning id`;
  newcomer = { ...store, eventId: event!.id };
});

afterAll(async () => {
  await t?.drop();
});

describe('the system’s own work for an organization the statistics have not seen yet', () => {
  it('reads an inbox row by its key, not through an index that only narrows to the organization', async () => {
    // The statistics say the newcomer has no rows, so with a plan made for its id every index
    // that starts with org_id looks as cheap as the key: the planner took one and filtered the
    // organization's whole inbox by id, on every apply (see contextStatement in principal.ts).
    const indexes = await indexReadFor(
      systemPrincipal(newcomer.orgId, 'apply'),
      'select body from webhook_events where org_id = $1 and id = $2',
      [newcomer.orgId, newcomer.eventId],
    );
    expect(indexes).toEqual(['"Index Name":"webhook_events_pkey"']);
  });

  it('plans generically only for system principals: people’s requests keep the planner’s default', async () => {
    const modeFor = (principal: Principal) =>
      withPrincipal(
        t.db,
        principal,
        async (tx) => (await tx<{ mode: string }[]>`select current_setting('plan_cache_mode') as mode`)[0]!.mode,
      );
    expect(await modeFor(systemPrincipal(established.orgId))).toBe('force_generic_plan');
    const admin: Principal = {
      orgId: established.orgId,
      kind: 'console',
      role: 'admin',
      storeIds: 'all',
      subject: 'u',
      capabilities: [],
    };
    expect(await modeFor(admin)).toBe('auto');
  });
});
