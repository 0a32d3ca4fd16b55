import type { Database } from '../db/database.ts';
import { systemPrincipal, withPrincipal } from '../db/principal.ts';
import type { Platform, StoreService } from '../domain/stores/store-service.ts';
import type { OutboundGuard } from '../security/outbound-guard.ts';
import type { StoreConnector } from './connector.ts';
import { PlatformAuthError } from './connector.ts';
import { shopifyWebhooks } from './shopify/webhooks.ts';
import { createWooCommerceConnector, type WooCommerceConnector } from './woocommerce/connector.ts';
import { renewTopicSecrets } from './woocommerce/topic-secrets.ts';
import { wooCommerceWebhooks } from './woocommerce/webhooks.ts';
import type { PlatformWebhooks } from './webhooks.ts';

/** Every platform's webhooks: how deliveries are verified, the topics and what each does. */
export const WEBHOOK_PLATFORMS: readonly PlatformWebhooks[] = [shopifyWebhooks, wooCommerceWebhooks];

/** The webhooks of `platform` (a stored row's platform: always one of WEBHOOK_PLATFORMS). */
export function webhooksOf(platform: Platform): PlatformWebhooks {
  const found = WEBHOOK_PLATFORMS.find((webhooks) => webhooks.platform === platform);
  if (!found) throw new Error(`No webhooks for platform ${platform}`);
  return found;
}

export interface ConnectorDeps {
  db: Database;
  stores: StoreService;
  outbound: OutboundGuard;
  /**
   * The server's public URL, where a store's webhooks are delivered: a WooCommerce store whose
   * webhooks still share the store's secret has them registered again, each with its topic's
   * (renewTopicSecrets). Without it, nothing is registered.
   */
  webhookBaseUrl?: string | undefined;
  /** Builds the Shopify connector of an installed shop (tokens are kept fresh by the Shopify token service). */
  shopify?: (store: {
    orgId: string;
    storeId: string;
    shopDomain: string;
    credentials: Record<string, string>;
  }) => Promise<StoreConnector>;
}

export class StoreNotConnectedError extends PlatformAuthError {
  constructor(storeId: string, why: string) {
    super(`Store ${storeId} cannot be synced: ${why}`);
    this.name = 'StoreNotConnectedError';
  }
}

/** Opens the connector of one store from its row and sealed credentials. */
export async function openConnector(deps: ConnectorDeps, target: { orgId: string; storeId: string }): Promise<StoreConnector> {
  const store = await withPrincipal(deps.db, systemPrincipal(target.orgId, 'connector'), async (tx) => {
    const [row] = await tx<
      { platform: 'shopify' | 'woocommerce'; status: string; shop_domain: string | null; site_url: string | null }[]
    >`
      select platform, status, shop_domain, site_url from stores where id = ${target.storeId}`;
    if (!row) return undefined;
    const credentials = await deps.stores.readCredentials(tx, target.storeId);
    const { secret: webhookSecret, topicSecrets } = await deps.stores.readWebhookSigning(tx, target.storeId);
    return { ...row, credentials, webhookSecret, topicSecrets };
  });
  if (!store) throw new StoreNotConnectedError(target.storeId, 'it does not exist');
  if (store.status !== 'active') throw new StoreNotConnectedError(target.storeId, `it is ${store.status}`);
  if (!store.credentials) throw new StoreNotConnectedError(target.storeId, 'it has no credentials');
  if (store.platform === 'woocommerce') {
    const { consumerKey, consumerSecret } = store.credentials;
    if (!consumerKey || !consumerSecret || !store.site_url)
      throw new StoreNotConnectedError(target.storeId, 'its keys are incomplete');
    return createWooCommerceConnector({
      siteUrl: store.site_url,
      consumerKey,
      consumerSecret,
      webhookSecret: store.webhookSecret,
      webhooksOnStoreSecret: !store.topicSecrets,
      guard: deps.outbound,
    });
  }
  if (!deps.shopify) {
    throw new StoreNotConnectedError(
      target.storeId,
      'Shopify is not configured in this process (set SHOPIFY_API_KEY and SHOPIFY_API_SECRET for it)',
    );
  }
  return deps.shopify({ ...target, shopDomain: store.shop_domain!, credentials: store.credentials });
}

/**
 * What an opened connector's store needs done to its webhooks' signing before it syncs: a
 * WooCommerce store whose webhooks still share the store's secret has them registered again with
 * their topics' (renewTopicSecrets). Answers whether anything was done; nothing without
 * `webhookBaseUrl`.
 */
export async function renewWebhookSigning(
  deps: ConnectorDeps,
  target: { orgId: string; storeId: string },
  connector: StoreConnector,
): Promise<boolean> {
  if (!deps.webhookBaseUrl || connector.platform !== 'woocommerce') return false;
  return renewTopicSecrets(deps.db, target, connector as WooCommerceConnector, deps.webhookBaseUrl);
}
