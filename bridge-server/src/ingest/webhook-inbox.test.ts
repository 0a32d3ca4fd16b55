import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database.ts';
import { WebhookInbox } from './webhook-inbox.ts';

let t: TestDatabase;
const orgId = randomUUID();
let storeId: string;

beforeAll(async () => {
  t = await createTestDatabase();
  await t.db.owner`insert into organizations (id, name) values (${orgId}, 'Inbox')`;
  const [store] = await t.db.owner<{ id: string }[]>`
    insert into stores (org_id, platform, name, status, shop_domain)
    values (${orgId}, 'shopify', 'Inbox', 'active', 'inbox-race.myshopify.com') returning id`;
  storeId = store!.id;
});

afterAll(async () => {
  await t?.drop();
});

describe('the webhook inbox', () => {
  it('answers a copy stored by another transaction while its own insert waited as a duplicate of that row', async () => {
    const eventId = `orders:${randomUUID()}`;
    // Another process's batch holds the same delivery, not yet committed.
    const other = await t.db.owner.reserve();
    try {
      await other`begin`;
      const [held] = await other<{ id: string }[]>`
        insert into webhook_events (org_id, store_id, platform, platform_event_id, topic, body)
        values (${orgId}, ${storeId}, 'shopify', ${eventId}, 'orders/create', '{}') returning id`;
      const storing = new WebhookInbox(t.db).store({
        orgId,
        storeId,
        platform: 'shopify',
        eventId,
        topic: 'orders/create',
        body: '{}',
        headers: {},
      });
      // The inbox's insert now waits on that row's key.
      await vi.waitFor(
        async () => {
          const [waiting] = await t.db.owner<{ n: number }[]>`
            select count(*)::int as n from pg_stat_activity
            where datname = current_database() and wait_event_type = 'Lock' and query like '%insert into webhook_events%'`;
          expect(waiting!.n).toBe(1);
        },
        { timeout: 10_000, interval: 20 },
      );
      await other`commit`;
      await expect(storing).resolves.toEqual({ id: held!.id, duplicate: true });
    } finally {
      other.release();
    }
    const [count] = await t.db.owner<
      { n: number }[]
    >`select count(*)::int as n from webhook_events where platform_event_id = ${eventId}`;
    expect(count!.n).toBe(1);
  });
});
