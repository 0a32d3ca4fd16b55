/**
 * The embedded runner (no queue service: the demo, PGlite, `DATABASE_URL` without `REDIS_URL`)
 * stopping in the middle of a backfill: the run ends after the page it is on, so the shutdown
 * does not wait out its deadline with the database closing under it, and the next start resumes
 * from the saved cursor, with nothing lost or doubled.
 */
import { startWooCommerceEmulator, type WooCommerceEmulator } from '@dockhand/emulators';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startSiteGate, type SiteGate } from '../../test/support/site-gate.ts';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import { connectWooSite, databaseOrderChecksum, emulatorOrderChecksum } from '../../test/support/woo-fixture.ts';
import { startSyncWorkers } from '../runtime.ts';
import { EmbeddedSyncRunner } from './embedded-sync-runner.ts';

describe('the embedded runner stopping in the middle of a backfill', () => {
  let emulator: WooCommerceEmulator;
  let gate: SiteGate;
  let server: TestServer;

  beforeAll(async () => {
    emulator = await startWooCommerceEmulator({ seed: 44, sites: 1, ordersPerSite: 1_500 });
    gate = await startSiteGate(emulator.sites[0]!);
    server = await startTestServer({ env: { DOCKHAND_OUTBOUND_ALLOW_HOSTS: '127.0.0.1:*' } });
  });

  afterAll(async () => {
    await server?.close();
    await gate?.close();
    await emulator?.close();
  });

  it(
    'ends the run after its current page, keeps it resumable, and the next start completes it exactly',
    { timeout: 120_000 },
    async () => {
      const ctx = server.runtime.ctx;
      const { orgId, storeId } = await connectWooSite(ctx, { ...emulator.sites[0]!, baseUrl: gate.baseUrl });
      const held = gate.holdOrdersList(2);
      await startSyncWorkers(ctx);
      await ctx.sync.requestSync({ orgId, storeId, mode: 'backfill' });
      await held;

      // The stop begins while the second orders page is on its way; then the page arrives.
      const started = performance.now();
      const closing = ctx.sync.close();
      gate.release();
      await closing;
      // Well inside the runner's 5 s wait for a running task: it stopped at the page boundary.
      expect(performance.now() - started).toBeLessThan(4_000);

      const [orders] = await server.database.db.owner<
        { status: string; cursor: string | null; processed: number; last_error: string | null }[]
      >`select status, cursor, processed, last_error from sync_state where store_id = ${storeId} and entity = 'orders'`;
      expect(orders).toMatchObject({ status: 'running', last_error: null });
      expect(orders!.cursor).not.toBeNull();
      expect(orders!.processed).toBeGreaterThan(0);
      expect(orders!.processed).toBeLessThan(1_500);

      // The next start (a new runner on the same database) resumes from the saved page.
      const next = new EmbeddedSyncRunner(ctx.db);
      await startSyncWorkers({ ...ctx, sync: next });
      try {
        await vi.waitFor(
          async () => {
            const [state] = await server.database.db.owner<{ status: string }[]>`
            select status from sync_state where store_id = ${storeId} and entity = 'orders'`;
            expect(state!.status).toBe('idle');
          },
          { timeout: 90_000, interval: 200 },
        );
        expect(await databaseOrderChecksum(server.database.db.owner, storeId)).toEqual(
          await emulatorOrderChecksum(emulator.sites[0]!),
        );
      } finally {
        await next.close();
      }
    },
  );
});
