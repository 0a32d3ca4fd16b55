import type { AppContext } from '../../api/context.ts';
import type { OutboundGuard } from '../../security/outbound-guard.ts';
import { queueFirstBackfill } from '../../sync/first-backfill.ts';
import { createWooCommerceConnector } from './connector.ts';
import type { WooCommerceKeys } from './store-keys.ts';
import { markTopicSecrets, wooWebhookUrl } from './topic-secrets.ts';

export interface WebhookRegistrationOutcome {
  storeId: string;
  created?: number;
  existing?: number;
  error?: unknown;
}

export interface ConnectedStore {
  orgId: string;
  storeId: string;
  siteUrl: string;
  keys: WooCommerceKeys;
  webhookSecret: string;
}

/**
 * What follows a store turning active with new keys, after the answer is sent: its first
 * backfill is queued at once through the sync runner (not left to the next maintenance tick),
 * and its webhooks are registered. Failures are logged; reconciliation still syncs the store.
 */
export function startConnectedStore(
  ctx: AppContext,
  store: ConnectedStore,
  options: {
    guard: OutboundGuard;
    publicUrl: string;
    onWebhooksRegistered?: ((outcome: WebhookRegistrationOutcome) => void) | undefined;
  },
): void {
  const { storeId } = store;
  void queueFirstBackfill(ctx, store, 'woocommerce store connected');
  const connector = createWooCommerceConnector({
    siteUrl: store.siteUrl,
    consumerKey: store.keys.consumerKey,
    consumerSecret: store.keys.consumerSecret,
    webhookSecret: store.webhookSecret,
    guard: options.guard,
  });
  connector
    .registerWebhooks(wooWebhookUrl(options.publicUrl, storeId))
    .then(async (result) => {
      await markTopicSecrets(ctx.db, store);
      ctx.ingest.directory.forget(storeId);
      ctx.logger.info({ storeId, ...result }, 'woocommerce webhooks registered');
      options.onWebhooksRegistered?.({ storeId, ...result });
    })
    .catch((error: unknown) => {
      ctx.logger.warn({ err: error, storeId }, 'woocommerce webhook registration failed; reconciliation still syncs the store');
      options.onWebhooksRegistered?.({ storeId, error });
    });
}
