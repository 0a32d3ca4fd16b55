import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, migrateUpTo, type TestDatabase } from '../../test/support/test-database.ts';
import { migrate } from '../db/migrator.ts';

/** The migration that repairs the inbox: rows written before it are fixed by it. */
const REPAIR = '0006_shopify_shop_ownership.sql';

let t: TestDatabase;
const orgId = randomUUID();
const storeId = randomUUID();

beforeAll(async () => {
  t = await createTestDatabase({ migrate: false });
  await migrateUpTo(t.db.owner, REPAIR);
  const owner = t.db.owner;
  await owner`insert into organizations (id, name) values (${orgId}, 'Before')`;
  await owner`
    insert into stores (org_id, id, platform, name, shop_domain, status)
    values (${orgId}, ${storeId}, 'shopify', 'Before', 'before.myshopify.com', 'active')`;
  const headers = { 'x-shopify-topic': 'orders/updated', 'x-shopify-hmac-sha256': 'c2lnbmF0dXJl' };
  // How the inbox wrote them: a JSON string holding the object, signature included.
  await owner`
    insert into webhook_events (org_id, store_id, platform, platform_event_id, topic, body, headers)
    values (${orgId}, ${storeId}, 'shopify', 'e1', 'orders/updated', '{}', to_jsonb(${JSON.stringify(headers)}::text)),
           (${orgId}, ${storeId}, 'shopify', 'e2', 'orders/updated', '{}', ${JSON.stringify(headers)}::jsonb)`;
  await migrate(t.db.owner);
});

afterAll(async () => {
  await t?.drop();
});

describe('#8.2 the migration repairs inbox headers written before it', () => {
  it('turns double-encoded headers into objects and drops the stored signatures', async () => {
    const rows = await t.db.owner<{ platform_event_id: string; kind: string; headers: Record<string, string> }[]>`
      select platform_event_id, jsonb_typeof(headers) as kind, headers from webhook_events order by platform_event_id`;
    expect(rows).toEqual([
      { platform_event_id: 'e1', kind: 'object', headers: { 'x-shopify-topic': 'orders/updated' } },
      { platform_event_id: 'e2', kind: 'object', headers: { 'x-shopify-topic': 'orders/updated' } },
    ]);
  });

  it('refuses a headers value that is not an object from now on', async () => {
    await expect(
      t.db.owner`
        insert into webhook_events (org_id, store_id, platform, platform_event_id, topic, body, headers)
        values (${orgId}, ${storeId}, 'shopify', 'e3', 'orders/updated', '{}', to_jsonb('{}'::text))`,
    ).rejects.toThrow(/webhook_events_headers_object/);
  });

  it('keeps an installed shop as the home it returns to', async () => {
    const [row] = await t.db.owner<{ connected: boolean }[]>`
      select connected_at is not null as connected from stores where id = ${storeId}`;
    expect(row).toEqual({ connected: true });
  });
});
