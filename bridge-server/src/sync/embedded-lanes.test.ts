/**
 * The embedded runner (no queue service: the demo, PGlite, `DATABASE_URL` without `REDIS_URL`)
 * keeps webhooks apart from syncs: an order placed while a backfill of thousands of orders is on
 * its way shows up at once, not when the backfill is done.
 */
import { startWooCommerceEmulator, type WooCommerceEmulator } from '@dockhand/emulators';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startSiteGate, type SiteGate } from '../../test/support/site-gate.ts';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import { connectWooSite, sendWooWebhook, wooOrderBody } from '../../test/support/woo-fixture.ts';
import { startSyncWorkers } from '../runtime.ts';

describe('the embedded runner with a backfill under way', () => {
  let emulator: WooCommerceEmulator;
  let gate: SiteGate;
  let server: TestServer;

  beforeAll(async () => {
    emulator = await startWooCommerceEmulator({ seed: 45, sites: 1, ordersPerSite: 300 });
    gate = await startSiteGate(emulator.sites[0]!);
    server = await startTestServer({ env: { DOCKHAND_OUTBOUND_ALLOW_HOSTS: '127.0.0.1:*' } });
  });

  afterAll(async () => {
    gate?.release();
    await server?.close();
    await gate?.close();
    await emulator?.close();
  });

  it('applies a webhook while the backfill waits for the store', { timeout: 60_000 }, async () => {
    const ctx = server.runtime.ctx;
    expect(ctx.sync.kind).toBe('embedded');
    const { orgId, storeId, webhookSecret } = await connectWooSite(ctx, { ...emulator.sites[0]!, baseUrl: gate.baseUrl });
    // The backfill's first orders page is held: until it is released, the sync task cannot end.
    const held = gate.holdOrdersList(1);
    await startSyncWorkers(ctx);
    await ctx.sync.requestSync({ orgId, storeId, mode: 'backfill' });
    await held;

    const response = await sendWooWebhook(server.url, {
      storeId,
      secret: webhookSecret,
      topic: 'order.created',
      body: wooOrderBody(990_001, 'live@example.test'),
    });
    expect(response.status).toBe(200);

    const owner = server.database.db.owner;
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

    gate.release();
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
