import { PlatformAuthError } from '../connector.ts';
import { ShopifyGraphqlError } from './admin-client.ts';
import { createShopifyConnector } from './connector.ts';
import { SHOPIFY_API_VERSION } from './shopify-app.ts';

/** The shop refused the token, or the token works for another shop. */
export class ShopifyTokenRejectedError extends Error {
  constructor(reason: string) {
    super(`The Shopify admin token was not accepted: ${reason}`);
    this.name = 'ShopifyTokenRejectedError';
  }
}

/**
 * Proof that an admin token (a custom app's, pasted by an admin) belongs to `shop`: the shop's
 * Admin API answers with it, and answers as that shop. Answers the shop's id.
 */
export async function verifyShopifyAdminToken(input: {
  shop: string;
  accessToken: string;
  shopBaseUrl?: string | undefined;
  fetch?: typeof fetch | undefined;
}): Promise<{ platformShopId: string }> {
  const connector = createShopifyConnector({
    shopDomain: input.shop,
    accessToken: input.accessToken,
    apiVersion: SHOPIFY_API_VERSION,
    shopBaseUrl: input.shopBaseUrl,
    fetch: input.fetch,
  });
  let identity: { id: string; myshopifyDomain: string };
  try {
    identity = await connector.shopIdentity();
  } catch (error) {
    if (error instanceof PlatformAuthError) throw new ShopifyTokenRejectedError('the shop refused it');
    if (error instanceof ShopifyGraphqlError && error.status >= 400 && error.status < 500) {
      throw new ShopifyTokenRejectedError(`the shop answered ${error.status}`);
    }
    throw error;
  }
  if (identity.myshopifyDomain !== input.shop.toLowerCase()) throw new ShopifyTokenRejectedError('it belongs to another shop');
  return { platformShopId: identity.id };
}
