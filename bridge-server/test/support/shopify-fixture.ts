import { createHash } from 'node:crypto';
import type { ShopifyEmulator } from '@dockhand/emulators';
import { expect } from 'vitest';
import type { Database } from '../../src/db/database.ts';
import { systemPrincipal, withPrincipal } from '../../src/db/principal.ts';
import { parsePlatformJson } from '../../src/platforms/model.ts';
import { normalizeShopifyOrder } from '../../src/platforms/shopify/normalize.ts';
import type { SyncTarget } from '../../src/sync/backfill.ts';

export const numericId = (gid: string): string => gid.slice(gid.lastIndexOf('/') + 1).split('?')[0]!;

export const checksum = (rows: string[]): string =>
  createHash('sha256')
    .update([...rows].sort().join('\n'))
    .digest('hex');

/** Orders in the database, as the normalized fields a checksum covers. */
export async function databaseOrders(db: Database, target: SyncTarget): Promise<string[]> {
  return withPrincipal(db, systemPrincipal(target.orgId), async (tx) => {
    const rows = await tx<{ line: string }[]>`
      select concat_ws('|', o.platform_id, o.number, o.email, o.status, o.financial_status, o.fulfillment_status,
                       o.currency, o.total::text, to_char(o.placed_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                       to_char(o.platform_updated_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                       c.platform_id,
                       (select string_agg(concat_ws(':', l.platform_id, v.platform_id, l.sku, l.quantity, l.price::text), ','
                                          order by l.platform_id)
                          from order_lines l left join product_variants v on v.id = l.variant_id and v.org_id = l.org_id
                         where l.order_id = o.id and l.org_id = o.org_id)) as line
      from orders o left join customers c on c.id = o.customer_id and c.org_id = o.org_id
      where o.store_id = ${target.storeId}`;
    return rows.map((row) => row.line);
  });
}

/** The same fields from the emulator, read the webhook way (REST JSON → normalizeShopifyOrder). */
export function emulatorOrders(emulator: ShopifyEmulator, shop: string, ids: string[]): string[] {
  return ids.map((id) => {
    const order = normalizeShopifyOrder(parsePlatformJson(emulator.control.orderJson(shop, id)));
    const lines = [...order.lines]
      .sort((a, b) => (a.platformId < b.platformId ? -1 : 1))
      .map((line) => [line.platformId, line.variantPlatformId, line.sku, line.quantity, line.price].join(':'))
      .join(',');
    return [
      order.platformId,
      order.number,
      order.email,
      order.status,
      order.financialStatus,
      order.fulfillmentStatus,
      order.currency,
      order.total,
      order.placedAt,
      new Date(order.updatedAt).toISOString().replace('.000Z', 'Z'),
      order.customerPlatformId,
      lines,
    ]
      .filter((part) => part !== null)
      .join('|');
  });
}

/** Stock levels in the database, as variant|inventory item|location|available. */
export async function databaseLevels(db: Database, target: SyncTarget): Promise<string[]> {
  const rows = await withPrincipal(
    db,
    systemPrincipal(target.orgId),
    (tx) => tx<{ line: string }[]>`
      select concat_ws('|', v.platform_id, v.inventory_item_id, l.platform_id, i.available) as line
      from inventory_levels i
      join product_variants v on v.id = i.variant_id and v.org_id = i.org_id
      join locations l on l.id = i.location_id and l.org_id = i.org_id
      where i.store_id = ${target.storeId}`,
  );
  return rows.map((row) => row.line);
}

export function emulatorLevels(emulator: ShopifyEmulator, shop: string): string[] {
  return emulator.control
    .inventory(shop)
    .map((row) => [numericId(row.variantId), numericId(row.inventoryItemId), numericId(row.locationId), row.available].join('|'));
}

/** Counts and checksums of orders and stock levels match the emulator's. */
export async function expectDatabaseEqualsEmulator(
  db: Database,
  emulator: ShopifyEmulator,
  shop: string,
  target: SyncTarget,
): Promise<void> {
  const rows = await databaseOrders(db, target);
  expect(rows.length).toBe(emulator.control.orderCount(shop));
  const ids = rows.map((row) => row.split('|')[0]!);
  expect(checksum(rows)).toBe(checksum(emulatorOrders(emulator, shop, ids)));
  const levels = await databaseLevels(db, target);
  const stock = emulatorLevels(emulator, shop);
  expect(levels.length).toBe(stock.length);
  expect(checksum(levels)).toBe(checksum(stock));
}

export const BROWSER_AGENT = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36';

/**
 * One browser's cookies, kept the way a browser keeps them: a Set-Cookie replaces, an empty
 * value or Max-Age=0 deletes. (Paths are not told apart: every cookie is sent everywhere, which
 * is more than a browser sends, so a test that passes with it passes in a browser.)
 */
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  take(response: Response): this {
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const at = pair.indexOf('=');
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      const expired = attributes.some((attribute) => /^\s*max-age=0\s*$/i.test(attribute));
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return this;
  }

  /** A cookie someone else put in this browser. */
  set(name: string, value: string): this {
    this.cookies.set(name, value);
    return this;
  }

  has(name: string): boolean {
    return this.cookies.has(name);
  }

  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  /** fetch with this browser's cookies and user agent, keeping what the answer sets. */
  async fetch(url: string | URL, init: RequestInit & { headers?: Record<string, string> } = {}): Promise<Response> {
    const response = await fetch(url, {
      redirect: 'manual',
      ...init,
      headers: { 'user-agent': BROWSER_AGENT, cookie: this.header(), ...init.headers },
    });
    this.take(response);
    return response;
  }
}

/** Through the shop's authorize page (the emulator approves at once) to the callback URL. */
export async function approveOnShopify(emulator: ShopifyEmulator, begin: Response): Promise<URL> {
  expect(begin.status, await begin.clone().text()).toBe(302);
  const authorize = new URL(begin.headers.get('location')!);
  const approved = await emulator.fetch(authorize.href, { redirect: 'manual', headers: { 'user-agent': BROWSER_AGENT } });
  expect(approved.status).toBe(302);
  return new URL(approved.headers.get('location')!);
}

/**
 * An admin's install through a connect token, in `jar`'s browser: ask for the token (which sets
 * the binding cookie), open the install page, confirm, approve on Shopify, come back.
 */
export async function connectThroughOAuth(options: {
  baseUrl: string;
  emulator: ShopifyEmulator;
  accessToken: string;
  shop: string;
  jar?: CookieJar;
}): Promise<{ page: string; callback: Response; jar: CookieJar; connectToken: string; installUrl: string }> {
  const jar = options.jar ?? new CookieJar();
  const minted = await jar.fetch(`${options.baseUrl}/shopify/connect-token`, {
    method: 'POST',
    headers: { authorization: `Bearer ${options.accessToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ shop: options.shop }),
  });
  const mintedBody = (await minted.json()) as { data: { connectToken: string; installUrl: string } };
  expect(minted.status, JSON.stringify(mintedBody)).toBe(200);
  const { connectToken, installUrl } = mintedBody.data;
  const pageResponse = await jar.fetch(installUrl);
  const page = await pageResponse.text();
  expect(pageResponse.status, page).toBe(200);
  const confirm = await jar.fetch(`${options.baseUrl}/shopify/auth`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ shop: options.shop, connect_token: connectToken }).toString(),
  });
  const callbackUrl = await approveOnShopify(options.emulator, confirm);
  const callback = await jar.fetch(callbackUrl);
  return { page, callback, jar, connectToken, installUrl };
}

/** A merchant's install with no Dockhand context (from the App Store or the Shopify admin). */
export async function selfServeThroughOAuth(options: {
  baseUrl: string;
  emulator: ShopifyEmulator;
  shop: string;
  jar?: CookieJar;
}): Promise<{ callback: Response; jar: CookieJar }> {
  const jar = options.jar ?? new CookieJar();
  const begin = await jar.fetch(`${options.baseUrl}/shopify/auth?shop=${options.shop}`);
  const callbackUrl = await approveOnShopify(options.emulator, begin);
  return { callback: await jar.fetch(callbackUrl), jar };
}
