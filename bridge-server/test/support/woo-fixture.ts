import { createHash, randomBytes } from 'node:crypto';
import { startWooCommerceEmulator, type WooCommerceEmulator } from '@dockhand/emulators';
import WooModule from '@woocommerce/woocommerce-rest-api';
import type { Sql } from 'postgres';
import { systemPrincipal, withPrincipal } from '../../src/db/principal.ts';
import { createOrganization } from '../../src/domain/users/user-service.ts';
import { signBase64Hmac } from '../../src/ingest/webhook-signature.ts';
import { topicSecret } from '../../src/platforms/woocommerce/topic-secrets.ts';
import type { AppContext } from '../../src/api/context.ts';
import { startSiteGate, type SiteGate } from './site-gate.ts';
import { startTestServer, type TestServer } from './test-server.ts';

/** The official client ships CommonJS with `exports.default`; unwrap it under native ESM. */
type WooClass = typeof WooModule.default;
const WooCommerceRestApi: WooClass =
  (WooModule as unknown as { default?: WooClass }).default ?? (WooModule as unknown as WooClass);

export interface WooSiteInfo {
  baseUrl: string;
  consumerKey: string;
  consumerSecret: string;
}

/** An organization with the emulated site connected as an active store (keys and a webhook secret). */
export async function connectWooSite(ctx: AppContext, site: WooSiteInfo) {
  const adminEmail = `woo-${randomBytes(4).toString('hex')}@example.test`;
  const adminPassword = 'woo sync password';
  const { orgId } = await createOrganization(ctx.db, { name: 'Woo sync', adminEmail, adminPassword });
  const webhookSecret = randomBytes(16).toString('hex');
  const principal = systemPrincipal(orgId);
  const store = await withPrincipal(ctx.db, principal, (tx) =>
    ctx.stores.create(tx, principal, {
      platform: 'woocommerce',
      name: 'Emulated Woo',
      siteUrl: site.baseUrl,
      status: 'active',
      credentials: { consumerKey: site.consumerKey, consumerSecret: site.consumerSecret },
      webhookSecret,
    }),
  );
  return { orgId, storeId: store.id, webhookSecret, adminEmail, adminPassword };
}

/**
 * A WooCommerce delivery to Dockhand's endpoint for `storeId`, signed with the store's secret as
 * WooCommerce signs it (base64 HMAC-SHA256 of the body); `headers` adds or replaces headers.
 */
export function sendWooWebhook(
  serverUrl: string,
  delivery: { storeId: string; secret: string; topic: string; body: string; headers?: Record<string, string> },
): Promise<Response> {
  return fetch(`${serverUrl}/webhooks/woocommerce/${delivery.storeId}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-wc-webhook-topic': delivery.topic,
      // Signed as the topic's webhook signs it: with the topic's own secret.
      'x-wc-webhook-signature': signBase64Hmac(delivery.body, topicSecret(delivery.secret, delivery.topic)),
      ...delivery.headers,
    },
    body: delivery.body,
  });
}

/** A new order as WooCommerce's `order.created` delivery carries it, with the fields Dockhand reads. */
export function wooOrderBody(id: number, email: string): string {
  return JSON.stringify({
    id,
    number: String(id),
    status: 'processing',
    currency: 'USD',
    total: '10.00',
    customer_id: 0,
    date_created_gmt: '2026-11-20T10:00:00',
    date_modified_gmt: '2026-11-20T10:00:00',
    date_paid_gmt: null,
    billing: { email },
    line_items: [],
  });
}

/**
 * The store's orders read independently through the official WooCommerce client, reduced to
 * a checksum over id, status, total and modification time, with the count.
 */
export async function emulatorOrderChecksum(site: WooSiteInfo): Promise<{ count: number; checksum: string }> {
  const api = new WooCommerceRestApi({
    url: site.baseUrl,
    consumerKey: site.consumerKey,
    consumerSecret: site.consumerSecret,
    version: 'wc/v3',
  });
  const lines: string[] = [];
  for (let page = 1; ; page++) {
    const response = await api.get('orders', { per_page: 100, page, orderby: 'id', order: 'asc', status: 'any' });
    const orders = response.data as Array<{ id: number; status: string; total: string; date_modified_gmt: string }>;
    for (const order of orders)
      lines.push(`${order.id}|${order.status}|${Number(order.total).toFixed(2)}|${order.date_modified_gmt.slice(0, 19)}`);
    if (page >= Number(response.headers['x-wp-totalpages'])) break;
  }
  return { count: lines.length, checksum: checksumOf(lines) };
}

/** The same checksum over what Dockhand holds for the store. */
export async function databaseOrderChecksum(owner: Sql, storeId: string): Promise<{ count: number; checksum: string }> {
  const rows = await owner<{ line: string }[]>`
    select platform_id || '|' || status || '|' || total::text || '|' ||
           to_char(platform_updated_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS') as line
    from orders where store_id = ${storeId}`;
  return { count: rows.length, checksum: checksumOf(rows.map((row) => row.line)) };
}

function checksumOf(lines: string[]): string {
  const hash = createHash('sha256');
  for (const line of [...lines].sort()) hash.update(`${line}\n`);
  return hash.digest('hex');
}

/**
 * One emulated WooCommerce site behind a SiteGate (so a test can hold its order pages) and a test
 * server allowed to reach it: what a test of a backfill caught mid-way starts from. `site` is the
 * emulated site as seen through the gate. close() releases the gate, then stops all three.
 */
export interface GatedWooSite {
  emulator: WooCommerceEmulator;
  gate: SiteGate;
  server: TestServer;
  site: WooSiteInfo;
  close(): Promise<void>;
}

export async function startGatedWooSite(options: { seed: number; ordersPerSite: number }): Promise<GatedWooSite> {
  const emulator = await startWooCommerceEmulator({ ...options, sites: 1 });
  let gate: SiteGate | undefined;
  let server: TestServer | undefined;
  const close = async () => {
    gate?.release();
    await server?.close();
    await gate?.close();
    await emulator.close();
  };
  try {
    gate = await startSiteGate(emulator.sites[0]!);
    server = await startTestServer({ env: { DOCKHAND_OUTBOUND_ALLOW_HOSTS: '127.0.0.1:*' } });
  } catch (error) {
    await close();
    throw error;
  }
  return { emulator, gate, server, site: { ...emulator.sites[0]!, baseUrl: gate.baseUrl }, close };
}
