import '@shopify/shopify-api/adapters/node';
import { ApiVersion, LogSeverity, shopifyApi, type Shopify } from '@shopify/shopify-api';
import { setAbstractFetchFunc } from '@shopify/shopify-api/runtime';

/** The Admin API version Dockhand speaks (2026-04: @idempotent and changeFromQuantity are required). */
export const SHOPIFY_API_VERSION = ApiVersion.April26;

/** What Dockhand asks a shop for. */
export const SHOPIFY_SCOPES = [
  'read_orders',
  'write_orders',
  'read_all_orders',
  'read_products',
  'write_products',
  'read_inventory',
  'write_inventory',
  'read_locations',
  'read_customers',
  'read_fulfillments',
  'write_fulfillments',
  'read_merchant_managed_fulfillment_orders',
  'write_merchant_managed_fulfillment_orders',
  'read_returns',
  'write_returns',
];

export interface ShopifyAppOptions {
  apiKey: string;
  apiSecret: string;
  /** The server's public base URL (PUBLIC_URL): OAuth redirects come back here. */
  publicUrl: string;
  scopes?: string[] | undefined;
  apiVersion?: ApiVersion | undefined;
  /**
   * Replaces the library's outbound fetch (its token and OAuth calls always go to
   * `https://{shop}/admin/…`). Process-wide: the library has one abstract fetch.
   */
  fetch?: typeof fetch | undefined;
}

/** The configured `@shopify/shopify-api` instance: OAuth, token exchange, session tokens. */
export function createShopifyApp(options: ShopifyAppOptions): Shopify {
  if (options.fetch) setAbstractFetchFunc(options.fetch);
  const url = new URL(options.publicUrl);
  return shopifyApi({
    apiKey: options.apiKey,
    apiSecretKey: options.apiSecret,
    scopes: options.scopes ?? SHOPIFY_SCOPES,
    hostName: url.host,
    hostScheme: url.protocol === 'http:' ? 'http' : 'https',
    apiVersion: options.apiVersion ?? SHOPIFY_API_VERSION,
    isEmbeddedApp: true,
    logger: { level: LogSeverity.Error },
  }) as Shopify;
}
