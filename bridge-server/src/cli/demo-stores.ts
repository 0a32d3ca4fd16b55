import { randomBytes } from 'node:crypto';
import { startWooCommerceEmulator } from '@dockhand/emulators';
import type { AppContext } from '../api/context.ts';
import { systemPrincipal, withPrincipal } from '../db/principal.ts';
import { openConnector } from '../platforms/registry.ts';

export interface DemoStores {
  lines: string[];
  close(): Promise<void>;
}

const DEMO_WOO_NAME = 'Demo WooCommerce store';

/**
 * Emulated stores for the demo, connected to the demo organization, their webhooks pointing at
 * this server, and live: every few seconds something happens in them (orders, status changes,
 * stock), which flows through webhooks into Dockhand. The first start backfills; later starts
 * reconcile what changed while the demo was down.
 */
export async function startDemoStores(ctx: AppContext, orgId: string, serverUrl: string): Promise<DemoStores> {
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
    const connector = await openConnector({ db: ctx.db, stores: ctx.stores, outbound: ctx.outbound }, { orgId, storeId });
    await connector.registerWebhooks(`${serverUrl}/webhooks/woocommerce/${storeId}`);
    await ctx.sync.requestSync({ orgId, storeId, mode: created ? 'backfill' : 'reconcile' });
    return {
      lines: [`  WooCommerce ${site.baseUrl}  (emulated, live: a change every 5 s)`],
      close: () => woo.close(),
    };
  } catch (error) {
    await woo.close();
    throw error;
  }
}
