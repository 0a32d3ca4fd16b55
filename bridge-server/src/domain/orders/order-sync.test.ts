import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../db/database.ts';
import { migrate } from '../../db/migrator.ts';
import { systemPrincipal, withPrincipal } from '../../db/principal.ts';
import { normalizeShopifyOrder } from '../../platforms/shopify/normalize.ts';
import { emitEvents, type OutboxEvent } from '../../realtime/outbox.ts';
import { applyWebhookEvent } from '../../sync/apply-webhook.ts';
import { createOrganization } from '../users/user-service.ts';
import { upsertOrder } from './order-sync.ts';
import { addStore, shopifyOrderPayload, syncShopifyOrder, type Backend } from '../../../test/support/commerce-fixture.ts';
import { createTestDatabase } from '../../../test/support/test-database.ts';
import { PASSWORD, uniqueEmail } from '../../../test/support/test-server.ts';

interface EventRow {
  type: string;
  store_id: string;
  subject_id: string;
  data: Record<string, unknown>;
}

describe.each<Backend>(['postgres', 'pglite'])('order events on %s', (backend) => {
  let db: Database;
  let cleanup: () => Promise<void>;
  let orgId: string;
  let storeId: string;

  const events = () =>
    db.owner<EventRow[]>`select type, store_id, subject_id, data from events where org_id = ${orgId} order by id`;
  const spec = { id: 4242, placedAt: '2026-10-01T08:00:00Z', updatedAt: '2026-10-01T09:00:00Z', total: '30.00' };

  beforeAll(async () => {
    if (backend === 'pglite') {
      const dataDir = await mkdtemp(join(tmpdir(), 'dockhand-pglite-'));
      db = await openDatabase({ dataDir });
      await migrate(db.owner);
      cleanup = async () => {
        await db.close();
        await rm(dataDir, { recursive: true, force: true });
      };
    } else {
      const database = await createTestDatabase();
      db = database.db;
      cleanup = database.drop;
    }
    ({ orgId } = await createOrganization(db, { name: 'Events', adminEmail: uniqueEmail('events'), adminPassword: PASSWORD }));
    storeId = await addStore(db, orgId, 'Evented');
  });
  afterAll(async () => {
    await cleanup?.();
  });

  it('announces order.created, then order.updated only when the order really changed', async () => {
    expect(await syncShopifyOrder(db, orgId, storeId, spec)).toBe('inserted');
    const [order] = await db.owner<{ id: string }[]>`select id from orders where org_id = ${orgId} and platform_id = '4242'`;
    expect(await events()).toEqual([
      {
        type: 'order.created',
        store_id: storeId,
        subject_id: order!.id,
        data: {
          id: order!.id,
          storeId,
          number: '#4242',
          status: 'open',
          financialStatus: 'paid',
          fulfillmentStatus: null,
          total: '30.00',
          currency: 'USD',
          updatedAt: '2026-10-01T09:00:00.000Z',
        },
      },
    ]);

    // The same version again (a reconcile pass, a redelivery): applied, but nothing to announce.
    expect(await syncShopifyOrder(db, orgId, storeId, spec)).toBe('updated');
    expect(await events()).toHaveLength(1);

    const changed = { ...spec, updatedAt: '2026-10-01T10:00:00Z', total: '35.00', fulfillmentStatus: 'fulfilled' };
    expect(await syncShopifyOrder(db, orgId, storeId, changed)).toBe('updated');
    // An older version arriving late changes nothing.
    expect(await syncShopifyOrder(db, orgId, storeId, { ...spec, total: '1.00' })).toBe('stale');
    const after = await events();
    expect(after).toHaveLength(2);
    expect(after[1]).toMatchObject({
      type: 'order.updated',
      subject_id: order!.id,
      data: { total: '35.00', fulfillmentStatus: 'fulfilled', updatedAt: '2026-10-01T10:00:00.000Z' },
    });
  });

  it('leaves the event to a caller that collects a page’s events', async () => {
    const before = (await events()).length;
    const raw = shopifyOrderPayload({ ...spec, id: 4444 });
    const collected: OutboxEvent[] = [];
    await withPrincipal(db, systemPrincipal(orgId), async (tx) => {
      await upsertOrder(tx, { orgId, storeId }, normalizeShopifyOrder(JSON.parse(raw)), raw, collected);
      expect(collected.map((event) => event.type)).toEqual(['order.created']);
      await emitEvents(tx, orgId, collected);
    });
    expect((await events()).slice(before).map((row) => row.type)).toEqual(['order.created']);
  });

  it('announces nothing for a change that rolls back', async () => {
    const before = (await events()).length;
    const raw = shopifyOrderPayload({ ...spec, id: 4343 });
    await expect(
      withPrincipal(db, systemPrincipal(orgId), async (tx) => {
        await upsertOrder(tx, { orgId, storeId }, normalizeShopifyOrder(JSON.parse(raw)), raw);
        throw new Error('the rest of the work failed');
      }),
    ).rejects.toThrow('the rest of the work failed');
    expect(await events()).toHaveLength(before);
    expect(await db.owner`select 1 from orders where platform_id = '4343'`).toHaveLength(0);
  });

  it('announces a webhook’s change from the apply transaction, which still marks the delivery applied', async () => {
    const before = (await events()).length;
    const body = shopifyOrderPayload({ ...spec, updatedAt: '2026-10-02T08:00:00Z', total: '40.00' });
    const [delivery] = await db.owner<{ id: string }[]>`
      insert into webhook_events (org_id, store_id, platform, platform_event_id, topic, body)
      values (${orgId}, ${storeId}, 'shopify', 'evt-apply-4242', 'orders/updated', ${body}) returning id`;
    expect(await applyWebhookEvent(db, { orgId, eventId: delivery!.id })).toBe('applied');
    const [row] = await db.owner<{ status: string }[]>`select status from webhook_events where id = ${delivery!.id}`;
    expect(row!.status).toBe('applied');
    const after = await events();
    expect(after).toHaveLength(before + 1);
    expect(after.at(-1)).toMatchObject({ type: 'order.updated', data: { total: '40.00' } });
  });
});
