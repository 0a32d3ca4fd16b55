import type { Session, Shopify } from '@shopify/shopify-api';
import type { Database } from '../../db/database.ts';
import { systemPrincipal, withPrincipal } from '../../db/principal.ts';
import type { StoreService } from '../../domain/stores/store-service.ts';
import { PlatformAuthError } from '../connector.ts';
import { createShopifyConnector, type ShopifyConnector } from './connector.ts';
import { SHOPIFY_API_VERSION } from './shopify-app.ts';

/**
 * The offline token of a Shopify store, sealed in `stores.credentials` (StoreService). Expiring
 * offline tokens (what Dockhand asks for) carry their expiry and a refresh token; the service
 * refreshes them shortly before they expire, under a row lock, so concurrent jobs refresh once
 * (refresh tokens rotate: a spent one is refused).
 */
export interface ShopifyCredentials {
  accessToken: string;
  scope: string;
  /** ISO instant; absent for a non-expiring token. */
  expiresAt?: string;
  refreshToken?: string;
  refreshTokenExpiresAt?: string;
}

export function credentialsFromSession(session: Session): ShopifyCredentials {
  if (!session.accessToken) throw new Error('The Shopify session has no access token');
  return {
    accessToken: session.accessToken,
    scope: session.scope ?? '',
    ...(session.expires ? { expiresAt: session.expires.toISOString() } : {}),
    ...(session.refreshToken ? { refreshToken: session.refreshToken } : {}),
    ...(session.refreshTokenExpires ? { refreshTokenExpiresAt: session.refreshTokenExpires.toISOString() } : {}),
  };
}

export function asRecord(credentials: ShopifyCredentials): Record<string, string> {
  return Object.fromEntries(Object.entries(credentials).filter(([, value]) => typeof value === 'string')) as Record<
    string,
    string
  >;
}

function parseCredentials(record: Record<string, string> | undefined): ShopifyCredentials | undefined {
  if (!record?.['accessToken']) return undefined;
  return record as unknown as ShopifyCredentials;
}

export interface StoreTarget {
  orgId: string;
  storeId: string;
}

export interface ShopifyTokenServiceOptions {
  db: Database;
  stores: StoreService;
  shopify: Shopify;
  /** Refresh when less than this is left (default 5 minutes). */
  refreshWithinMs?: number;
  now?: () => number;
}

export class ShopifyTokenService {
  private readonly refreshWithinMs: number;
  private readonly now: () => number;
  /** One refresh in flight per store in this process. */
  private readonly inFlight = new Map<string, Promise<string>>();

  constructor(private readonly options: ShopifyTokenServiceOptions) {
    this.refreshWithinMs = options.refreshWithinMs ?? 5 * 60_000;
    this.now = options.now ?? Date.now;
  }

  /** Whether credentials can be used now without refreshing. */
  isFresh(credentials: ShopifyCredentials): boolean {
    return !credentials.expiresAt || Date.parse(credentials.expiresAt) - this.now() > this.refreshWithinMs;
  }

  /** Whether credentials work now or can be refreshed into working ones. */
  isUsable(credentials: ShopifyCredentials | undefined): boolean {
    if (!credentials) return false;
    if (this.isFresh(credentials)) return true;
    if (!credentials.refreshToken) return Date.parse(credentials.expiresAt!) > this.now();
    return !credentials.refreshTokenExpiresAt || Date.parse(credentials.refreshTokenExpiresAt) > this.now();
  }

  async readCredentials(target: StoreTarget): Promise<ShopifyCredentials | undefined> {
    return withPrincipal(this.options.db, systemPrincipal(target.orgId, 'shopify-token'), async (tx) =>
      parseCredentials(await this.options.stores.readCredentials(tx, target.storeId)),
    );
  }

  /** A token valid for at least `refreshWithinMs`, refreshed (and re-sealed) when needed. */
  async accessToken(target: StoreTarget): Promise<string> {
    const pending = this.inFlight.get(target.storeId);
    if (pending) return pending;
    const current = await this.readCredentials(target);
    if (!current) throw new PlatformAuthError('The Shopify store has no credentials (not installed, or uninstalled)');
    if (this.isFresh(current)) return current.accessToken;
    const again = this.inFlight.get(target.storeId);
    if (again) return again;
    const refresh = this.refresh(target, current.accessToken).finally(() => this.inFlight.delete(target.storeId));
    this.inFlight.set(target.storeId, refresh);
    return refresh;
  }

  /** `staleToken`: the token found due; if the row holds another one, someone refreshed already. */
  private async refresh(target: StoreTarget, staleToken: string): Promise<string> {
    return withPrincipal(this.options.db, systemPrincipal(target.orgId, 'shopify-token'), async (tx) => {
      // The row lock makes refreshes of one store take turns across processes; the loser
      // finds fresh credentials and uses them.
      const [row] = await tx<{ shop_domain: string | null }[]>`
        select shop_domain from stores where id = ${target.storeId} and platform = 'shopify' for update`;
      if (!row?.shop_domain) throw new PlatformAuthError('The Shopify store does not exist');
      const credentials = parseCredentials(await this.options.stores.readCredentials(tx, target.storeId));
      if (!credentials) throw new PlatformAuthError('The Shopify store has no credentials (not installed, or uninstalled)');
      if (this.isFresh(credentials) || credentials.accessToken !== staleToken) return credentials.accessToken;
      if (!credentials.refreshToken) {
        if (Date.parse(credentials.expiresAt!) > this.now()) return credentials.accessToken;
        throw new PlatformAuthError('The Shopify access token expired and there is no refresh token');
      }
      let session: Session;
      try {
        ({ session } = await this.options.shopify.auth.refreshToken({
          shop: row.shop_domain,
          refreshToken: credentials.refreshToken,
        }));
      } catch (error) {
        const code = (error as { response?: { code?: number } }).response?.code;
        if (code === 400 || code === 401) throw new PlatformAuthError(`Shopify refused the refresh token (${code})`);
        throw error;
      }
      const next = credentialsFromSession(session);
      await this.options.stores.setCredentials(tx, target.orgId, target.storeId, asRecord(next));
      return next.accessToken;
    });
  }

  /**
   * Whether the app is still installed on the shop: the store's token (refreshed when due) still
   * answers for this shop. Shopify revokes an app's tokens when it is uninstalled, so an
   * app/uninstalled delivery whose store's token still works did not come from an uninstall.
   */
  async stillInstalled(
    target: StoreTarget & { shopDomain: string; platformShopId: string | null },
    options: { shopBaseUrl?: string | undefined; fetch?: typeof fetch | undefined } = {},
  ): Promise<boolean> {
    try {
      const identity = await this.connector(target, options).shopIdentity();
      return (
        identity.myshopifyDomain === target.shopDomain.toLowerCase() &&
        (target.platformShopId === null || identity.id === target.platformShopId)
      );
    } catch (error) {
      if (error instanceof PlatformAuthError) return false;
      throw error;
    }
  }

  /** A connector for the store whose every request carries a fresh token. */
  connector(
    target: StoreTarget & { shopDomain: string },
    options: { apiVersion?: string; shopBaseUrl?: string | undefined; fetch?: typeof fetch | undefined } = {},
  ): ShopifyConnector {
    return createShopifyConnector({
      shopDomain: target.shopDomain,
      accessToken: () => this.accessToken(target),
      apiVersion: options.apiVersion ?? SHOPIFY_API_VERSION,
      shopBaseUrl: options.shopBaseUrl,
      fetch: options.fetch,
    });
  }

  /**
   * The Shopify builder `ConnectorDeps.shopify` (platforms/registry.ts) expects. The sealed
   * credentials it is handed are not used directly: the token service re-reads them per
   * request and refreshes them when due.
   */
  connectorFactory(
    options: { apiVersion?: string; shopBaseUrl?: ((shop: string) => string) | undefined; fetch?: typeof fetch | undefined } = {},
  ): (store: { orgId: string; storeId: string; shopDomain: string }) => Promise<ShopifyConnector> {
    return async (store) =>
      this.connector(store, {
        ...(options.apiVersion ? { apiVersion: options.apiVersion } : {}),
        shopBaseUrl: options.shopBaseUrl?.(store.shopDomain),
        fetch: options.fetch,
      });
  }
}
