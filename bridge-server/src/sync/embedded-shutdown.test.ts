/**
 * The embedded runner (no queue service: the demo, PGlite, `DATABASE_URL` without `REDIS_URL`)
 * stopping in the middle of a backfill: the run ends after the page it is on, so the shutdown
 * does not wait out its deadline with the database closing under it, and the next start resumes
 * from the saved cursor, with nothing lost or doubled.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  connectWooSite,
  databaseOrderChecksum,
  emulatorOrderChecksum,
  startGatedWooSite,
  type GatedWooSite,
} from '../../test/support/woo-fixture.ts';
import { startSyncWorkers } from '../runtime.ts';
import { EmbeddedSyncRunner } from './embedded-sync-runner.ts';

describe('the embedded runner stopping in the middle of a backfill', () => {
  let setup: GatedWooSite;

  beforeAll(async () => {
    setup = await startGatedWooSite({ seed: 44, ordersPerSite: 1_500 });
  });

  afterAll(async () => {
    await setup?.close();
  });

  it(
    'ends the run after its current page, keeps it resumable, and the next start completes it exactly',
    { timeout: 120_000 },
    async () => {
      const ctx = setup.server.runtime.ctx;
      const { orgId, storeId } = await connectWooSite(ctx, setup.site);
      const held = setup.gate.holdOrdersList(2);
      await startSyncWorkers(ctx);
      await ctx.sync.requestSync({ orgId, storeId, mode: 'backfill' });
      await held;

      // The stop begins while the second orders page is on its way; then the page arrives.
      const started = performance.now();
      const closing = ctx.sync.close();
      setup.gate.release();
      await closing;
      // Well inside the runner's 5 s wait for a running task: it stopped at the page boundary.
      expect(performance.now() - started).toBeLessThan(4_000);

      const [orders] = await setup.server.database.db.owner<
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
            const [state] = await setup.server.database.db.owner<{ status: string }[]>`
            select status from sync_state where store_id = ${storeId} and entity = 'orders'`;
            expect(state!.status).toBe('idle');
          },
          { timeout: 90_000, interval: 200 },
        );
        expect(await databaseOrderChecksum(setup.server.database.db.owner, storeId)).toEqual(
          await emulatorOrderChecksum(setup.emulator.sites[0]!),
        );
      } finally {
        await next.close();
      }
    },
  );
});
