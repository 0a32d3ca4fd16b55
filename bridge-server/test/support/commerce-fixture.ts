import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/env.ts';
import { openDatabase, type Database } from '../../src/db/database.ts';
import { migrate } from '../../src/db/migrator.ts';
import { systemPrincipal, withPrincipal } from '../../src/db/principal.ts';
import { upsertCustomer, upsertProduct } from '../../src/domain/catalog/catalog-sync.ts';
import { upsertOrder, type SyncOutcome } from '../../src/domain/orders/order-sync.ts';
import {
  normalizeShopifyCustomer,
  normalizeShopifyOrder,
  normalizeShopifyProduct,
} from '../../src/platforms/shopify/normalize.ts';
import { normalizeWooOrder } from '../../src/platforms/woocommerce/normalize.ts';
import { createRuntime, listen } from '../../src/runtime.ts';
import { EmbeddedSyncRunner } from '../../src/sync/embedded-sync-runner.ts';
import { captureLogs, startTestServer, testSecrets, type TestServer } from './test-server.ts';

/** A real server on PGlite (the embedded default), migrated, on a random port. */
export async function startEmbeddedTestServer(): Promise<TestServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'dockhand-pglite-'));
  const db = await openDatabase({ dataDir });
  await migrate(db.owner);
  const config = loadConfig({ ...testSecrets(), DOCKHAND_DATA_DIR: dataDir, LOG_LEVEL: 'info', PUBLIC_URL: 'http://127.0.0.1' });
  const { logs, logger } = captureLogs();
  const runtime = await createRuntime(config, { db, logger, sync: new EmbeddedSyncRunner(db) });
  const server = await listen(runtime.ctx, 0, '127.0.0.1');
  const drop = async () => {
    await db.close();
    await rm(dataDir, { recursive: true, force: true });
  };
  return {
    url: server.url,
    runtime,
    database: { name: 'pglite', ownerUrl: '', db, drop },
    logs,
    close: async () => {
      await server.close();
      await runtime.close();
      await drop();
    },
  };
}

export type Backend = 'postgres' | 'pglite';
export const startServerOn = (backend: Backend): Promise<TestServer> =>
  backend === 'pglite' ? startEmbeddedTestServer() : startTestServer();

export async function addStore(db: Database, orgId: string, name: string, platform: 'shopify' | 'woocommerce' = 'shopify') {
  const [row] = await withPrincipal(
    db,
    systemPrincipal(orgId),
    (tx) => tx<{ id: string }[]>`
      insert into stores (org_id, platform, name, shop_domain, site_url, status)
      values (${orgId}, ${platform}, ${name},
              ${platform === 'shopify' ? `${name.toLowerCase().replace(/\W+/g, '-')}-${orgId.slice(0, 8)}.myshopify.com` : null},
              ${platform === 'woocommerce' ? `https://${name.toLowerCase().replace(/\W+/g, '-')}.example.test` : null}, 'active')
      returning id`,
  );
  return row!.id;
}

export interface OrderSpec {
  id: number;
  name?: string;
  email?: string | null;
  firstName?: string;
  lastName?: string;
  placedAt: string;
  updatedAt?: string;
  total: string;
  financialStatus?: string | null;
  fulfillmentStatus?: string | null;
  cancelled?: boolean;
  tags?: string[];
  skus?: string[];
  customerId?: number;
  note?: string;
}

/** An order as a Shopify orders/* webhook delivers it (REST shape). */
export function shopifyOrderPayload(spec: OrderSpec): string {
  const address = {
    first_name: spec.firstName ?? 'Ada',
    last_name: spec.lastName ?? 'Lovelace',
    address1: '1 Main St',
    address2: null,
    city: 'Ottawa',
    province: 'Ontario',
    province_code: 'ON',
    zip: 'K1A 0B1',
    country: 'Canada',
    country_code: 'CA',
    phone: null,
    company: null,
  };
  return JSON.stringify({
    id: spec.id,
    name: spec.name ?? `#${spec.id}`,
    email: spec.email === undefined ? `buyer${spec.id}@example.test` : spec.email,
    created_at: spec.placedAt,
    updated_at: spec.updatedAt ?? spec.placedAt,
    cancelled_at: spec.cancelled ? (spec.updatedAt ?? spec.placedAt) : null,
    closed_at: null,
    currency: 'USD',
    financial_status: spec.financialStatus === undefined ? 'paid' : spec.financialStatus,
    fulfillment_status: spec.fulfillmentStatus ?? null,
    total_price: spec.total,
    tags: (spec.tags ?? []).join(', '),
    note: spec.note ?? null,
    customer: spec.customerId
      ? { id: spec.customerId, first_name: address.first_name, last_name: address.last_name }
      : { id: 7_000_000 + spec.id, first_name: address.first_name, last_name: address.last_name },
    billing_address: address,
    shipping_address: address,
    line_items: (spec.skus ?? [`SKU-${spec.id}`]).map((sku, i) => ({
      id: spec.id * 100 + i,
      variant_id: null,
      sku,
      title: `Item ${sku}`,
      quantity: 1 + i,
      price: '10.00',
    })),
  });
}

/** Syncs one order through the real upsert (as a webhook or a backfill page would). */
export async function syncShopifyOrder(
  db: Database,
  orgId: string,
  storeId: string,
  spec: OrderSpec | string,
): Promise<SyncOutcome> {
  const raw = typeof spec === 'string' ? spec : shopifyOrderPayload(spec);
  return withPrincipal(db, systemPrincipal(orgId, 'test-sync'), (tx) =>
    upsertOrder(tx, { orgId, storeId }, normalizeShopifyOrder(JSON.parse(raw)), raw),
  );
}

export async function syncWooOrder(db: Database, orgId: string, storeId: string, payload: Record<string, unknown>) {
  const raw = JSON.stringify(payload);
  return withPrincipal(db, systemPrincipal(orgId, 'test-sync'), (tx) =>
    upsertOrder(tx, { orgId, storeId }, normalizeWooOrder(payload), raw),
  );
}

export async function syncShopifyProduct(
  db: Database,
  orgId: string,
  storeId: string,
  spec: { id: number; title: string; updatedAt: string; variants: Array<{ id: number; sku: string; price: string }> },
) {
  const raw = JSON.stringify({
    id: spec.id,
    title: spec.title,
    status: 'active',
    updated_at: spec.updatedAt,
    variants: spec.variants.map((v) => ({
      id: v.id,
      inventory_item_id: v.id + 1,
      sku: v.sku,
      title: 'Default Title',
      price: v.price,
    })),
  });
  return withPrincipal(db, systemPrincipal(orgId, 'test-sync'), (tx) =>
    upsertProduct(tx, { orgId, storeId }, normalizeShopifyProduct(JSON.parse(raw)), raw),
  );
}

export async function syncShopifyCustomer(
  db: Database,
  orgId: string,
  storeId: string,
  spec: { id: number; email: string; firstName: string; lastName: string; updatedAt: string },
) {
  const raw = JSON.stringify({
    id: spec.id,
    email: spec.email,
    first_name: spec.firstName,
    last_name: spec.lastName,
    phone: '+15550100',
    updated_at: spec.updatedAt,
  });
  return withPrincipal(db, systemPrincipal(orgId, 'test-sync'), (tx) =>
    upsertCustomer(tx, { orgId, storeId }, normalizeShopifyCustomer(JSON.parse(raw)), raw),
  );
}
