import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database.ts';
import { systemPrincipal, withPrincipal } from '../db/principal.ts';
import { StoreService } from '../domain/stores/store-service.ts';
import { WebhookInbox } from '../ingest/webhook-inbox.ts';
import { KeyRing } from '../security/key-ring.ts';
import { ApplyBatcher } from './apply-batcher.ts';
import { applyWebhookEvents, RetryLaterError } from './apply-webhook.ts';

let t: TestDatabase;
const orgId = randomUUID();
let storeId: string;

const order = (id: string, number: string, updatedAt: string, total = '10.00') =>
  `{"id":${id},"name":"${number}","email":"ann@example.test","created_at":"2026-11-01T10:00:00-05:00","updated_at":"${updatedAt}",` +
  `"cancelled_at":null,"closed_at":null,"currency":"USD","financial_status":"paid","fulfillment_status":null,"total_price":"${total}",` +
  `"customer":null,"line_items":[{"id":${id}1,"variant_id":null,"sku":"SKU-1","title":"Mug","quantity":1,"price":"${total}"}]}`;

/** Stock of an item no product has: the apply asks to retry later. */
const orphanLevel = `{"inventory_item_id":9007199254749999,"location_id":9007199254741111,"available":5,"updated_at":"2026-11-05T00:00:00Z"}`;

async function deliver(topic: string, body: string): Promise<string> {
  const stored = await new WebhookInbox(t.db).store({
    orgId,
    storeId,
    platform: 'shopify',
    eventId: randomUUID(),
    topic,
    body,
    headers: {},
  });
  return stored.id;
}

const inboxRow = async (id: string) =>
  (
    await t.db.owner<{ status: string; attempts: number; last_error: string | null; retry_due: boolean }[]>`
      select status, attempts, last_error, next_attempt_at is not null as retry_due from webhook_events where id = ${id}`
  )[0];

const orderEvents = (platformId: string) =>
  t.db.owner<{ id: string; type: string; total: string }[]>`
    select e.id::text, e.type, e.data ->> 'total' as total from events e join orders o on o.id::text = e.subject_id
    where o.platform_id = ${platformId} order by e.id`;

beforeAll(async () => {
  t = await createTestDatabase();
  const principal = systemPrincipal(orgId);
  storeId = await withPrincipal(t.db, principal, async (tx) => {
    await tx`insert into organizations (id, name) values (${orgId}, 'Batch')`;
    const store = await new StoreService(new KeyRing(`k:${KeyRing.generateKey()}`)).create(tx, principal, {
      platform: 'shopify',
      name: 'S',
      shopDomain: 'batch.myshopify.com',
      status: 'active',
    });
    return store.id;
  });
});

afterAll(async () => {
  await t?.drop();
});

const settledValue = (result: PromiseSettledResult<unknown>) => (result.status === 'fulfilled' ? result.value : 'rejected');

describe('applying inbox rows in one batch', () => {
  describe('when one row of the batch fails', () => {
    it('applies the others once, and the failing one records its error and is retried later', async () => {
      const first = await deliver('orders/create', order('7001', '#7001', '2026-11-01T10:00:00Z'));
      const poisoned = await deliver('inventory_levels/update', orphanLevel);
      const last = await deliver('orders/create', order('7002', '#7002', '2026-11-01T10:00:00Z'));
      const results = await applyWebhookEvents(t.db, orgId, [first, poisoned, last]);
      expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect(results[0]).toEqual({ status: 'fulfilled', value: 'applied' });
      expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(RetryLaterError);
      expect(await inboxRow(first)).toMatchObject({ status: 'applied', attempts: 1, last_error: null });
      expect(await inboxRow(last)).toMatchObject({ status: 'applied', attempts: 1 });
      // Still waiting, with its error and backoff, for the sweeper or the queue's retry.
      expect(await inboxRow(poisoned)).toMatchObject({ status: 'received', attempts: 1, retry_due: true });
      expect((await inboxRow(poisoned))!.last_error).toMatch(/./);
      // Each order announced once: the rolled-back batch left nothing behind.
      expect((await orderEvents('7001')).map((event) => event.type)).toEqual(['order.created']);
      expect((await orderEvents('7002')).map((event) => event.type)).toEqual(['order.created']);
      const [lines] = await t.db.owner<
        { n: number }[]
      >`select count(*)::int as n from order_lines where platform_id in ('70011', '70021')`;
      expect(lines!.n).toBe(2);

      const again = await applyWebhookEvents(t.db, orgId, [first, poisoned, last]);
      expect(again[0]).toEqual({ status: 'fulfilled', value: 'already_done' });
      expect(again[1]!.status).toBe('rejected');
      expect(again[2]).toEqual({ status: 'fulfilled', value: 'already_done' });
      expect((await inboxRow(poisoned))!.attempts).toBe(2);
    });
  });

  describe('when two changes of one order are in the same batch', () => {
    it('applies them in the order they were received, whatever the order of the jobs', async () => {
      const created = await deliver('orders/create', order('7101', '#7101', '2026-11-01T10:00:00Z', '10.00'));
      const updated = await deliver('orders/updated', order('7101', '#7101', '2026-11-02T10:00:00Z', '12.00'));
      const other = await deliver('orders/create', order('7102', '#7102', '2026-11-01T10:00:00Z'));
      const results = await applyWebhookEvents(t.db, orgId, [updated, other, created]);
      expect(results).toEqual([
        { status: 'fulfilled', value: 'applied' },
        { status: 'fulfilled', value: 'applied' },
        { status: 'fulfilled', value: 'applied' },
      ]);
      const events = await orderEvents('7101');
      expect(events.map(({ type, total }) => ({ type, total }))).toEqual([
        { type: 'order.created', total: '10.00' },
        { type: 'order.updated', total: '12.00' },
      ]);
      expect(BigInt(events[1]!.id)).toBeGreaterThan(BigInt(events[0]!.id));
      const [row] = await t.db.owner<{ total: string }[]>`select total::text from orders where platform_id = '7101'`;
      expect(row!.total).toBe('12.00');
    });
  });

  describe('when a batch holds orders of every kind of change', () => {
    it('leaves what applying them one at a time leaves: stale versions ignored, lines replaced, a foreign body refused', async () => {
      const withLines = (id: string, updatedAt: string, lineIds: string[]) =>
        order(id, `#${id}`, updatedAt).replace(
          /"line_items":\[.*\]/,
          `"line_items":[${lineIds.map((line) => `{"id":${line},"variant_id":null,"sku":"S-${line}","title":"T","quantity":2,"price":"5.00"}`).join(',')}]`,
        );
      // An order Shopify knows in another shop: its id is already in another store.
      const otherStore = await withPrincipal(t.db, systemPrincipal(orgId), (tx) =>
        new StoreService(new KeyRing(`k:${KeyRing.generateKey()}`)).create(tx, systemPrincipal(orgId), {
          platform: 'shopify',
          name: 'Other',
          shopDomain: 'batch-other.myshopify.com',
          status: 'active',
        }),
      );
      await t.db.owner`
        insert into orders (org_id, store_id, platform_id, number, status, currency, total, placed_at, platform_updated_at, raw)
        values (${orgId}, ${otherStore.id}, '7399', '#7399', 'open', 'USD', 1, now(), now(), '{}')`;

      const newer = await deliver('orders/updated', withLines('7301', '2026-11-03T10:00:00Z', ['73011', '73012']));
      const stale = await deliver('orders/updated', withLines('7301', '2026-11-02T10:00:00Z', ['73013']));
      const shrinking = await deliver('orders/create', withLines('7302', '2026-11-01T10:00:00Z', ['73021', '73022', '73023']));
      const foreign = await deliver('orders/create', withLines('7399', '2026-11-01T10:00:00Z', ['73991']));
      expect((await applyWebhookEvents(t.db, orgId, [newer, stale, shrinking, foreign])).map(settledValue)).toEqual([
        'applied',
        'unchanged',
        'applied',
        'refused',
      ]);
      const shrunk = await deliver('orders/updated', withLines('7302', '2026-11-02T10:00:00Z', ['73022']));
      const created = await deliver('orders/create', withLines('7303', '2026-11-01T10:00:00Z', []));
      expect((await applyWebhookEvents(t.db, orgId, [shrunk, created])).map(settledValue)).toEqual(['applied', 'applied']);

      const lines = await t.db.owner<{ order: string; line: string; updated: string }[]>`
        select o.platform_id as order, l.platform_id as line, o.platform_updated_at::text as updated
        from orders o left join order_lines l on l.order_id = o.id
        where o.store_id = ${storeId} and o.platform_id in ('7301', '7302', '7303', '7399') order by 1, 2`;
      expect(lines.map(({ order, line }) => `${order}:${line}`)).toEqual(['7301:73011', '7301:73012', '7302:73022', '7303:null']);
      expect(lines[0]!.updated).toMatch(/^2026-11-03/);
      expect((await orderEvents('7302')).map((event) => event.type)).toEqual(['order.created', 'order.updated']);
      expect(await inboxRow(foreign)).toMatchObject({ status: 'ignored', last_error: expect.stringMatching(/another store/) });
    });
  });

  describe('when a queue worker hands over many jobs at once', () => {
    it('settles each job with its own outcome', async () => {
      const batcher = new ApplyBatcher(t.db, 10, 1);
      const ids = await Promise.all(
        Array.from({ length: 12 }, (_, n) =>
          deliver('orders/create', order(`72${10 + n}`, `#72${10 + n}`, '2026-11-01T10:00:00Z')),
        ),
      );
      const poisoned = await deliver('inventory_levels/update', orphanLevel.replace('9007199254749999', '9007199254748888'));
      const settled = await Promise.allSettled([...ids, poisoned, ids[0]!].map((eventId) => batcher.apply({ orgId, eventId })));
      const outcomes = settled.map((result) => (result.status === 'fulfilled' ? result.value : 'rejected'));
      expect(outcomes.slice(0, 12)).toEqual(Array(12).fill('applied'));
      expect(outcomes.slice(12)).toEqual(['rejected', 'already_done']);
      const [orders] = await t.db.owner<{ n: number }[]>`select count(*)::int as n from orders where platform_id like '72%'`;
      expect(orders!.n).toBe(12);
    });
  });
});
