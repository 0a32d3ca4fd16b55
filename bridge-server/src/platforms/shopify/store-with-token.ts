import type { AppContext } from '../../api/context.ts';
import { BadRequestError, ConflictError } from '../../api/errors.ts';
import { withPrincipal, type Principal } from '../../db/principal.ts';
import { ShopTakenError, StoreExistsError, type StoreView } from '../../domain/stores/store-service.ts';
import { ShopifyTokenRejectedError, verifyShopifyAdminToken } from './admin-token-check.ts';

export interface NewShopifyStore {
  name: string;
  shopDomain: string;
  credentials?: { accessToken: string } | undefined;
}

/**
 * `POST /v1/stores` for a Shopify shop. With a custom app's admin token, the token is first
 * verified against that shop (a real Admin API call); the store is then active, holds the shop
 * and receives its webhooks. Without one the store is only `pending`: it holds nothing and
 * receives nothing until the shop is installed through OAuth or token exchange (`/shopify/*`).
 */
export async function createShopifyStore(
  ctx: AppContext,
  principal: Principal,
  input: NewShopifyStore,
  requestId: string,
): Promise<StoreView> {
  const shop = input.shopDomain.toLowerCase();
  let proof: { platformShopId: string } | undefined;
  if (input.credentials) {
    try {
      proof = await verifyShopifyAdminToken({
        shop,
        accessToken: input.credentials.accessToken,
        shopBaseUrl: ctx.shopify?.shopBaseUrl?.(shop),
      });
    } catch (error) {
      if (error instanceof ShopifyTokenRejectedError) throw new BadRequestError(error.message, { reason: 'token_rejected' });
      throw error;
    }
  }
  try {
    const store = await withPrincipal(ctx.db, principal, async (tx) => {
      // The organization's earlier store for the shop (disconnected, uninstalled) is connected again, with its data.
      const [earlier] = await tx<{ id: string; status: string }[]>`
        select id, status from stores where platform = 'shopify' and lower(shop_domain) = ${shop} for update`;
      if (earlier && (earlier.status === 'active' || !proof)) throw new StoreExistsError();
      const id =
        earlier?.id ??
        (
          await ctx.stores.create(
            tx,
            principal,
            { platform: 'shopify', name: input.name, shopDomain: shop, status: 'pending' },
            requestId,
          )
        ).id;
      if (!proof || !input.credentials) return (await ctx.stores.get(tx, id))!;
      if (earlier) await ctx.stores.update(tx, principal, id, { name: input.name }, requestId);
      return (await ctx.stores.activateShopify(
        tx,
        principal,
        id,
        { platformShopId: proof.platformShopId, credentials: { accessToken: input.credentials.accessToken }, via: 'admin-token' },
        requestId,
      ))!;
    });
    ctx.ingest.directory.forget(store.id);
    return store;
  } catch (error) {
    if (error instanceof ShopTakenError) throw new ConflictError(error.message);
    if (error instanceof StoreExistsError) throw new ConflictError(error.message);
    throw error;
  }
}
