import { randomBytes } from 'node:crypto';
import { startShopifyEmulator, startWooCommerceEmulator, type ShopifyEmulator } from '@dockhand/emulators';
import type { AppContext } from '../api/context.ts';
import { systemPrincipal, withPrincipal } from '../db/principal.ts';
import { openConnector } from '../platforms/registry.ts';
import { connectorDeps } from '../runtime.ts';

export interface DemoStores {
  lines: string[];
  close(): Promise<void>;
}

const DEMO_WOO_NAME = 'Demo WooCommerce store';
const DEMO_SHOPIFY_NAME = 'Demo Shopify shop';

/**
 * The emulated Shopify app must exist before the configuration is read: its key and secret
 * verify the shop's webhooks and its address is where the Admin API calls go. Only used when
 * no real Shopify app is configured.
 */
export async function startDemoShopify(): Promise<{ emulator: ShopifyEmulator; env: Record<string, string> }> {
  const emulator = await startShopifyEmulator({ seed: 2026, shops: 1, ordersPerShop: 300 });
  return {
    emulator,
    env: {
      SHOPIFY_API_KEY: emulator.apiKey,
      SHOPIFY_API_SECRET: emulator.apiSecret,
      SHOPIFY_ADMIN_BASE_URL: `${emulator.url}/shops/{shop}`,
    },
  };
}

/**
 * Emulated stores for the demo, connected to the demo organization, their webhooks pointing at
 * this server, and live: every few seconds something happens in them (orders, status changes,
 * stock), which flows through webhooks into Dockhand. The first start backfills; later starts
 * reconcile what changed while the demo was down.
 */
export async function startDemoStores(
  ctx: AppContext,
  orgId: string,
  serverUrl: string,
  shopify: ShopifyEmulator | undefined,
): Promise<DemoStores> {
  const woo = await startWooCommerceEmulator({ seed: 2026, sites: 1, ordersPerSite: 500, activityIntervalMs: 5_000 });
  try {
    const site = woo.sites[0]!;
    const principal = systemPrincipal(orgId, 'demo');
    const { storeId, created } = await withPrincipal(ctx.db, principal, async (tx) => {
      const credentials = { consumerKey: site.consumerKey, consumerSecret: site.consumerSecret };
      const [existing] = await tx<
        { id: string }[]
      >`select id from stores where name = ${DEMO_WOO_NAME} and platform = 'woocommerce'`;
      if (existing) {
        // The emulator listens on a new port each start.
        await tx`update stores set site_url = ${site.baseUrl}, status = 'active', updated_at = now() where id = ${existing.id}`;
        await ctx.stores.setCredentials(tx, orgId, existing.id, credentials);
        return { storeId: existing.id, created: false };
      }
      const store = await ctx.stores.create(tx, principal, {
        platform: 'woocommerce',
        name: DEMO_WOO_NAME,
        siteUrl: site.baseUrl,
        status: 'active',
        credentials,
        webhookSecret: randomBytes(24).toString('base64url'),
      });
      return { storeId: store.id, created: true };
    });
    ctx.ingest.directory.forget(storeId);
    const connector = await openConnector(connectorDeps(ctx), { orgId, storeId });
    await connector.registerWebhooks(`${serverUrl}/webhooks/woocommerce/${storeId}`);
    await ctx.sync.requestSync({ orgId, storeId, mode: created ? 'backfill' : 'reconcile' });
    const lines = [`  WooCommerce ${site.baseUrl}  (emulated, live: a change every 5 s)`];
    if (shopify) {
      const shop = shopify.shops[0]!;
      const shopStore = await connectDemoShop(ctx, orgId, shopify, shop.domain);
      const shopConnector = await openConnector(connectorDeps(ctx), { orgId, storeId: shopStore.storeId });
      await shopConnector.registerWebhooks(`${serverUrl}/webhooks/shopify`);
      await ctx.sync.requestSync({ orgId, storeId: shopStore.storeId, mode: shopStore.created ? 'backfill' : 'reconcile' });
      shopify.startLive(0.2);
      lines.push(`  Shopify    ${shop.domain} at ${shop.baseUrl}  (emulated, live: a change every 5 s; admin: ${shop.adminUrl})`);
    }
    return { lines, close: () => woo.close() };
  } catch (error) {
    await woo.close();
    throw error;
  }
}

async function connectDemoShop(ctx: AppContext, orgId: string, emulator: ShopifyEmulator, shop: string) {
  const principal = systemPrincipal(orgId, 'demo');
  // The emulator issues a fresh offline token each start (it keeps no state across runs).
  const token = emulator.issueAccessToken(shop);
  const credentials = { accessToken: token.access_token, scope: token.scope };
  return withPrincipal(ctx.db, principal, async (tx) => {
    const [existing] = await tx<
      { id: string }[]
    >`select id from stores where name = ${DEMO_SHOPIFY_NAME} and platform = 'shopify'`;
    if (existing) {
      await tx`update stores set status = 'active', updated_at = now() where id = ${existing.id}`;
      await ctx.stores.setCredentials(tx, orgId, existing.id, credentials);
      return { storeId: existing.id, created: false };
    }
    const store = await ctx.stores.create(tx, principal, {
      platform: 'shopify',
      name: DEMO_SHOPIFY_NAME,
      shopDomain: shop,
      status: 'active',
      credentials,
    });
    return { storeId: store.id, created: true };
  });
}
