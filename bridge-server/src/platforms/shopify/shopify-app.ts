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
  /**
   * SHOPIFY_ADMIN_BASE_URL, a template with `{shop}` (an emulator): the library's own calls to
   * `https://{shop}/…` (code exchange, token exchange, refresh) go to the template instead.
   */
  adminBaseUrl?: string | undefined;
}

const SHOP_HOST = /^[a-z0-9][a-z0-9-]*\.myshopify\.(com|io)$/i;

/**
 * A fetch that sends `https://{shop}/path` for shop domains to `{template with shop}/path`
 * and everything else on unchanged.
 */
export function shopRedirectingFetch(adminBaseUrl: string, next: typeof fetch = globalThis.fetch): typeof fetch {
  const base = adminBaseUrl.replace(/\/+$/, '');
  return ((input: string | URL | Request, init?: RequestInit) => {
    const original = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    if (original.protocol !== 'https:' || original.port !== '' || !SHOP_HOST.test(original.hostname)) return next(input, init);
    const target = `${base.replace('{shop}', original.hostname.toLowerCase())}${original.pathname}${original.search}`;
    return input instanceof Request ? next(new Request(target, input), init) : next(target, init);
  }) as typeof fetch;
}

/** The configured `@shopify/shopify-api` instance: OAuth, token exchange, session tokens. */
export function createShopifyApp(options: ShopifyAppOptions): Shopify {
  if (options.fetch) setAbstractFetchFunc(options.fetch);
  else if (options.adminBaseUrl) setAbstractFetchFunc(shopRedirectingFetch(options.adminBaseUrl));
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
