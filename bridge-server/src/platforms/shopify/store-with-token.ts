import type { AppContext } from '../../api/context.ts';
import { BadRequestError, ConflictError } from '../../api/errors.ts';
import { withPrincipal, type Principal } from '../../db/principal.ts';
import { ShopTakenError, StoreExistsError, type StoreView } from '../../domain/stores/store-service.ts';
import { queueFirstBackfill } from '../../sync/first-backfill.ts';
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
      if (earlier && (earlier.status === 'active' || (!proof && earlier.status === 'pending'))) throw new StoreExistsError();
      if (earlier && !proof) {
        // Added again after it was deleted (disconnected, uninstalled): the same row, pending until installed.
        return (await ctx.stores.update(tx, principal, earlier.id, { name: input.name, status: 'pending' }, requestId))!;
      }
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
    if (store.status === 'active') startConnectedShop(ctx, { orgId: principal.orgId, storeId: store.id, shopDomain: shop });
    return store;
  } catch (error) {
    if (error instanceof ShopTakenError) throw new ConflictError(error.message);
    if (error instanceof StoreExistsError) throw new ConflictError(error.message);
    throw error;
  }
}

/**
 * What follows a shop turning active with a verified admin token, after the answer is sent: its
 * webhooks are registered and its first backfill is queued (as the install flows and WooCommerce
 * do). Failures are logged; reconciliation still syncs the store.
 */
function startConnectedShop(ctx: AppContext, store: { orgId: string; storeId: string; shopDomain: string }): void {
  const { storeId } = store;
  void queueFirstBackfill(ctx, store, 'shopify store connected');
  const connectorFor = ctx.shopify?.tokens.connectorFactory({ shopBaseUrl: ctx.shopify.shopBaseUrl });
  if (!connectorFor) {
    ctx.logger.warn({ storeId }, 'shopify webhooks not registered: set SHOPIFY_API_KEY and SHOPIFY_API_SECRET to receive them');
    return;
  }
  connectorFor(store)
    .then((connector) => connector.registerWebhooks(`${ctx.config.publicUrl.replace(/\/+$/, '')}/webhooks/shopify`))
    .then(
      ({ created, existing }) => ctx.logger.info({ storeId, created, existing }, 'shopify webhooks registered'),
      (error: unknown) =>
        ctx.logger.warn({ err: error, storeId }, 'shopify webhook registration failed; reconciliation still syncs the store'),
    );
}
