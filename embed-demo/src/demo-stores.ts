import { randomBytes } from 'node:crypto';
import {
  startShopifyEmulator,
  startWooCommerceEmulator,
  type ShopifyEmulator,
  type WooCommerceEmulator,
} from '@dockhand/emulators';
import { connectorDeps, openConnector, systemPrincipal, withPrincipal, type AppContext } from '@dockhand/bridge-server';
import type { DemoSecrets } from './demo-secrets.ts';

export interface DemoStores {
  lines: string[];
}

const DEMO_WOO_NAME = 'Demo WooCommerce store';
const DEMO_SHOPIFY_NAME = 'Demo Shopify shop';

export interface DemoEmulators {
  woo: WooCommerceEmulator;
  /** Only when no real Shopify app is configured. */
  shopify: ShopifyEmulator | undefined;
  /** The configuration the emulated Shopify app needs (empty without it). */
  env: Record<string, string>;
  /** Exactly the emulators' `host:port`s, for the SSRF guard's allow-list: nothing else on loopback. */
  allowHosts: string[];
  close(): Promise<void>;
}

/**
 * The emulators start before the configuration is read: the emulated Shopify app's key and
 * secret verify the shop's webhooks, its address is where the Admin API calls go, and the
 * outbound allow-list names exactly the ports they listen on. The app's credentials come from
 * the demo secrets (random), not from the emulator's public seed.
 */
export async function startDemoEmulators(
  secrets: Pick<DemoSecrets, 'shopifyApiKey' | 'shopifyApiSecret'>,
  options: { shopify: boolean },
): Promise<DemoEmulators> {
  const woo = await startWooCommerceEmulator({ seed: 2026, sites: 1, ordersPerSite: 500, activityIntervalMs: 5_000 });
  let shopify: ShopifyEmulator | undefined;
  try {
    shopify = options.shopify
      ? await startShopifyEmulator({
          seed: 2026,
          shops: 1,
          ordersPerShop: 300,
          apiKey: secrets.shopifyApiKey,
          apiSecret: secrets.shopifyApiSecret,
        })
      : undefined;
  } catch (error) {
    await woo.close();
    throw error;
  }
  return {
    woo,
    shopify,
    env: shopify
      ? {
          SHOPIFY_API_KEY: shopify.apiKey,
          SHOPIFY_API_SECRET: shopify.apiSecret,
          SHOPIFY_ADMIN_BASE_URL: `${shopify.url}/shops/{shop}`,
        }
      : {},
    allowHosts: [woo.url, ...(shopify ? [shopify.url] : [])].map((url) => new URL(url).host),
    close: async () => {
      await Promise.allSettled([woo.close(), shopify?.close()]);
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
  emulators: DemoEmulators,
): Promise<DemoStores> {
  const { woo, shopify } = emulators;
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
  return { lines };
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
