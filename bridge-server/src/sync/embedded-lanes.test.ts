/**
 * The embedded runner (no queue service: the demo, PGlite, `DATABASE_URL` without `REDIS_URL`)
 * keeps webhooks apart from syncs: an order placed while a backfill of thousands of orders is on
 * its way shows up at once, not when the backfill is done.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  connectWooSite,
  sendWooWebhook,
  wooOrderBody,
  startGatedWooSite,
  type GatedWooSite,
} from '../../test/support/woo-fixture.ts';
import { startSyncWorkers } from '../runtime.ts';

describe('the embedded runner with a backfill under way', () => {
  let setup: GatedWooSite;

  beforeAll(async () => {
    setup = await startGatedWooSite({ seed: 45, ordersPerSite: 300 });
  });

  afterAll(async () => {
    await setup?.close();
  });

  it('applies a webhook while the backfill waits for the store', { timeout: 60_000 }, async () => {
    const ctx = setup.server.runtime.ctx;
    expect(ctx.sync.kind).toBe('embedded');
    const { orgId, storeId, webhookSecret } = await connectWooSite(ctx, setup.site);
    // The backfill's first orders page is held: until it is released, the sync task cannot end.
    const held = setup.gate.holdOrdersList(1);
    await startSyncWorkers(ctx);
    await ctx.sync.requestSync({ orgId, storeId, mode: 'backfill' });
    await held;

    const response = await sendWooWebhook(setup.server.url, {
      storeId,
      secret: webhookSecret,
      topic: 'order.created',
      body: wooOrderBody(990_001, 'live@example.test'),
    });
    expect(response.status).toBe(200);

    const owner = setup.server.database.db.owner;
    await vi.waitFor(
      async () => {
        const [order] = await owner<{ number: string }[]>`
          select number from orders where store_id = ${storeId} and platform_id = '990001'`;
        expect(order?.number).toBe('#990001');
      },
      { timeout: 10_000, interval: 100 },
    );
    // Still held: the webhook did not wait for it.
    const [orders] = await owner<{ status: string }[]>`
      select status from sync_state where store_id = ${storeId} and entity = 'orders'`;
    expect(orders!.status).toBe('running');

    setup.gate.release();
    await vi.waitFor(
      async () => {
        const [state] = await owner<{ status: string; count: number }[]>`
          select s.status, (select count(*)::int from orders o where o.store_id = s.store_id) as count
          from sync_state s where s.store_id = ${storeId} and s.entity = 'orders'`;
        expect(state).toEqual({ status: 'idle', count: 301 });
      },
      { timeout: 40_000, interval: 200 },
    );
  });
});
