import type { Logger } from 'pino';
import type { SyncRunner } from './sync-runner.ts';

/**
 * Queues the first backfill of a store that has just turned active (an OAuth or token-exchange
 * install, an admin token, WooCommerce keys), after its transaction committed. Never rejects: a
 * failure is logged, and the store's first reconcile, one interval later, syncs it instead.
 */
export function queueFirstBackfill(
  ctx: { sync: SyncRunner; logger: Logger },
  store: { orgId: string; storeId: string },
  how: string,
): Promise<void> {
  const { orgId, storeId } = store;
  return ctx.sync.requestSync({ orgId, storeId, mode: 'backfill' }).then(
    () => ctx.logger.info({ storeId }, `${how}; backfill queued`),
    (error: unknown) =>
      ctx.logger.warn({ err: error, storeId }, 'could not queue the first backfill; the next reconcile will sync the store'),
  );
}
