import type { Database } from '../db/database.ts';
import { isUuid, systemPrincipal, withPrincipal } from '../db/principal.ts';
import type { StoreService } from '../domain/stores/store-service.ts';

export interface StoreHome {
  orgId: string;
  storeId: string;
  platform: 'shopify' | 'woocommerce';
  status: string;
}

export interface ShopifyStoreHome extends StoreHome {
  shopDomain: string;
  /** The shop id the store's token answered for; null for stores connected before it was recorded. */
  platformShopId: string | null;
}

export interface WooStore extends StoreHome {
  webhookSecret: string | undefined;
}

interface Entry<T> {
  value: T | undefined;
  expires: number;
}

/**
 * Finds the store a webhook belongs to, before any principal exists. Answers are cached
 * briefly (unknown stores for less long) so a burst of deliveries costs one look-up.
 */
export class StoreDirectory {
  private readonly shopify = new Map<string, Entry<ShopifyStoreHome>>();
  private readonly woo = new Map<string, Entry<WooStore>>();

  constructor(
    private readonly db: Database,
    private readonly stores: StoreService,
    private readonly ttlMs = 30_000,
    private readonly missTtlMs = 5_000,
  ) {}

  /** The shop's active store: only an active store receives webhooks. */
  async shopifyByDomain(domain: string): Promise<ShopifyStoreHome | undefined> {
    const key = domain.toLowerCase();
    return this.cached(this.shopify, key, async () => {
      const [row] = await this.db.app<{ org_id: string; store_id: string; status: string; platform_shop_id: string | null }[]>`
        select org_id, store_id, status, platform_shop_id from dockhand.shopify_store_by_domain(${key})`;
      return row ? shopifyHome(row, key) : undefined;
    });
  }

  /**
   * The store a shop's compliance requests concern: its active store, else the one it was last
   * connected to (shop/redact arrives 48 hours after the uninstall). Not cached: rare, and the
   * answer changes with the store's status.
   */
  async shopifyComplianceHome(domain: string): Promise<ShopifyStoreHome | undefined> {
    const key = domain.toLowerCase();
    const [row] = await this.db.app<{ org_id: string; store_id: string; status: string; platform_shop_id: string | null }[]>`
      select org_id, store_id, status, platform_shop_id from dockhand.shopify_shop_home(${key})`;
    return row ? shopifyHome(row, key) : undefined;
  }

  async wooStore(storeId: string): Promise<WooStore | undefined> {
    if (!isUuid(storeId)) return undefined;
    return this.cached(this.woo, storeId, async () => {
      const [home] = await this.db.app<{ org_id: string; platform: 'shopify' | 'woocommerce'; status: string }[]>`
        select org_id, platform, status from dockhand.store_home(${storeId})`;
      if (!home || home.platform !== 'woocommerce') return undefined;
      const webhookSecret = await withPrincipal(this.db, systemPrincipal(home.org_id, 'ingest'), (tx) =>
        this.stores.readWebhookSecret(tx, storeId),
      );
      return { orgId: home.org_id, storeId, platform: 'woocommerce', status: home.status, webhookSecret };
    });
  }

  /**
   * Forget what is known of a store (its secret or status changed). Remembered misses go too:
   * the store may just have become a shop's active store.
   */
  forget(storeId: string): void {
    this.woo.delete(storeId);
    for (const [domain, entry] of this.shopify) {
      if (!entry.value || entry.value.storeId === storeId) this.shopify.delete(domain);
    }
  }

  private async cached<T>(cache: Map<string, Entry<T>>, key: string, load: () => Promise<T | undefined>): Promise<T | undefined> {
    const hit = cache.get(key);
    if (hit && hit.expires > Date.now()) return hit.value;
    const value = await load();
    if (cache.size > 10_000) cache.clear();
    cache.set(key, { value, expires: Date.now() + (value ? this.ttlMs : this.missTtlMs) });
    return value;
  }
}

function shopifyHome(
  row: { org_id: string; store_id: string; status: string; platform_shop_id: string | null },
  shopDomain: string,
): ShopifyStoreHome {
  return {
    orgId: row.org_id,
    storeId: row.store_id,
    platform: 'shopify',
    status: row.status,
    shopDomain,
    platformShopId: row.platform_shop_id,
  };
}
