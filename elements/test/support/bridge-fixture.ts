import type { IncomingMessage, ServerResponse } from 'node:http';
import { request as httpRequest } from 'node:http';
import { randomBytes } from 'node:crypto';
import {
  connectorDeps,
  openConnector,
  startSyncWorkers,
  systemPrincipal,
  withPrincipal,
} from '../../../bridge-server/src/index.ts';
import { PASSWORD, signedInOrg, startTestServer, type TestServer } from '../../../bridge-server/test/support/test-server.ts';
import { EmbeddedSyncRunner } from '../../../bridge-server/src/sync/embedded-sync-runner.ts';
import { startWooCommerceEmulator, type WooCommerceEmulator } from '../../../emulators/src/index.ts';

/**
 * The browser tests' bridge: one real bridge server on a fresh, migrated PostgreSQL database,
 * started when the test runner starts. The dev server that serves the test pages forwards `/v1/*`
 * to it (the elements call their own origin, as they do when a host app serves them), and answers
 * `POST /__dockhand/fixture` with a new organization — signed in, with stores and orders seeded
 * directly in the database — so every test file gets data of its own.
 */
export interface FixtureRequest {
  /** How many orders to seed (generate_series, as the schema owner). */
  orders?: number;
  stores?: number;
  /** Also connect a store of the WooCommerce emulator (webhooks to this server, backfilled). */
  woo?: boolean;
  /** A small fixed catalog in the first store: products, variants, one location and stock levels. */
  catalog?: boolean;
}

/** A store change made on the emulated platform, as its merchant would (for live-update tests). */
export interface WooChange {
  siteId: string;
  orderId: number;
  status: 'pending' | 'processing' | 'on-hold' | 'completed' | 'cancelled' | 'refunded' | 'failed';
}

/** Orders each emulated WooCommerce site starts with. */
export const WOO_ORDERS = 12;
const WOO_SITES = 6;

export interface Fixture {
  orgId: string;
  email: string;
  password: string;
  token: string;
  storeIds: string[];
  orderCount: number;
  /** The connected WooCommerce store, when asked for. */
  woo?: { storeId: string; siteId: string; orders: number };
  /** The bridge server's own address: another origin than the test page's (cross-origin.browser.test.ts calls it directly). */
  bridgeUrl: string;
}

export interface BridgeFixture {
  url: string;
  server: TestServer;
  create(request: FixtureRequest): Promise<Fixture>;
  changeWooOrder(change: WooChange): Promise<void>;
  close(): Promise<void>;
}

export interface BridgeFixtureOptions {
  /** Origins whose pages may call the bridge directly (DOCKHAND_CORS_ORIGINS): the test page's. */
  corsOrigins?: string[];
}

export async function startBridgeFixture(options: BridgeFixtureOptions = {}): Promise<BridgeFixture> {
  const woo = await startWooCommerceEmulator({
    seed: 11,
    sites: WOO_SITES,
    ordersPerSite: WOO_ORDERS,
    duplicateOrderUpdated: false,
  });
  // The SSRF guard lets the server reach exactly the emulator's port on loopback.
  const server = await startTestServer({
    env: {
      DOCKHAND_OUTBOUND_ALLOW_HOSTS: new URL(woo.url).host,
      ...(options.corsOrigins?.length ? { DOCKHAND_CORS_ORIGINS: options.corsOrigins.join(',') } : {}),
    },
    // Every test file's requests come from one address (the dev server's forwarding): the per-address
    // limit would make one file's 500-page scroll refuse the next file's calls. The limits have their
    // own server tests.
    app: { rateLimits: { perIp: 1_000_000, perPrincipal: 1_000_000 } },
  }).catch(async (error: unknown) => {
    await woo.close();
    throw error;
  });
  // Webhooks and backfills are applied by the workers, as in `dockhand serve`.
  await startSyncWorkers(server.runtime.ctx);
  const owner = server.runtime.ctx.db.owner;
  let counter = 0;
  let nextSite = 0;
  return {
    url: server.url,
    server,
    async create(request) {
      const label = `Elements${++counter}`;
      const session = await signedInOrg(server, label);
      const storeCount = Math.max(1, Math.min(request.stores ?? 2, 10));
      const storeIds: string[] = [];
      for (let index = 0; index < storeCount; index++) {
        const shopify = index % 2 === 0;
        const [store] = await owner<{ id: string }[]>`
          insert into stores (org_id, platform, name, shop_domain, site_url, status)
          values (${session.orgId}, ${shopify ? 'shopify' : 'woocommerce'}, ${`${shopify ? 'Shop' : 'Woo'} ${index + 1}`},
                  ${shopify ? `store-${counter}-${index}.myshopify.com` : null},
                  ${shopify ? null : `https://woo-${counter}-${index}.example.test`}, 'active')
          returning id`;
        storeIds.push(store!.id);
      }
      const orders = Math.max(0, Math.min(request.orders ?? 0, 200_000));
      if (orders > 0) await seedOrders(server, session.orgId, storeIds, orders);
      if (request.catalog) await seedCatalog(server, session.orgId, storeIds[0]!);
      const fixture: Fixture = {
        orgId: session.orgId,
        email: session.email,
        password: PASSWORD,
        token: session.token,
        storeIds,
        orderCount: orders,
        bridgeUrl: server.url,
      };
      if (request.woo) {
        const site = woo.sites[nextSite++ % WOO_SITES]!;
        const storeId = await connectWooStore(server, session.orgId, site);
        storeIds.push(storeId);
        fixture.woo = { storeId, siteId: site.id, orders: WOO_ORDERS };
      }
      // Each fixture starts on a quiet server. Webhooks (earlier files' and this store's) share
      // the embedded runner's live lane, and the tests that time a change reaching the page
      // ("under a second") measure that path, not a queue of others' work.
      const sync = server.runtime.ctx.sync;
      if (sync instanceof EmbeddedSyncRunner) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([sync.idle(), new Promise((resolve) => (timer = setTimeout(resolve, 30_000)))]);
        clearTimeout(timer);
      }
      return fixture;
    },
    async changeWooOrder(change) {
      woo.control.updateOrderStatus(change.siteId, change.orderId, change.status);
      await woo.control.flushWebhooks();
    },
    close: async () => {
      await server.close();
      await woo.close();
    },
  };
}

/** Connects an emulated WooCommerce site as a store of the organization and waits for its backfill. */
async function connectWooStore(server: TestServer, orgId: string, site: WooCommerceEmulator['sites'][number]): Promise<string> {
  const ctx = server.runtime.ctx;
  const principal = systemPrincipal(orgId, 'elements-test');
  const store = await withPrincipal(ctx.db, principal, (tx) =>
    ctx.stores.create(tx, principal, {
      platform: 'woocommerce',
      name: site.name,
      siteUrl: site.baseUrl,
      status: 'active',
      credentials: { consumerKey: site.consumerKey, consumerSecret: site.consumerSecret },
      webhookSecret: randomBytes(24).toString('base64url'),
    }),
  );
  ctx.ingest.directory.forget(store.id);
  const connector = await openConnector(connectorDeps(ctx), { orgId, storeId: store.id });
  await connector.registerWebhooks(`${server.url}/webhooks/woocommerce/${store.id}`);
  await ctx.sync.requestSync({ orgId, storeId: store.id, mode: 'backfill' });
  const deadline = Date.now() + 60_000;
  for (;;) {
    const [row] = await ctx.db.owner<{ count: number }[]>`select count(*)::int as count from orders where store_id = ${store.id}`;
    if (row!.count >= WOO_ORDERS) return store.id;
    if (Date.now() > deadline) throw new Error(`backfill of ${site.name} did not finish: ${row!.count} orders`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Seeded orders are placed before this fixed instant, so what a table shows (and its screenshots) never varies. */
const SEED_CLOCK = '2026-11-02T15:30:00Z';

/**
 * Orders (with one customer and one line each) in one statement per table: 100,000 rows take a
 * second or two, which is what makes a 100,000-row scroll test affordable.
 */
async function seedOrders(server: TestServer, orgId: string, storeIds: string[], count: number): Promise<void> {
  const owner = server.runtime.ctx.db.owner;
  const firstNames = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Frances', 'Ken', 'Margaret', 'Dennis'];
  const lastNames = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Knuth', 'Allen', 'Thompson', 'Hamilton', 'Ritchie'];
  const statuses = ['open', 'open', 'open', 'closed', 'cancelled'];
  const financial = ['paid', 'paid', 'pending', 'refunded', 'authorized'];
  const fulfillment = ['unfulfilled', 'unfulfilled', 'fulfilled', 'partial'];
  await owner.begin(async (tx) => {
    // Row triggers off for this bulk load (the owner may): the search fields the trigger would
    // compute are computed here with the same functions, in one pass instead of one call per row.
    await tx`set local session_replication_role = replica`;
    await tx`
      insert into customers (org_id, store_id, platform_id, email, first_name, last_name)
      select ${orgId}, (${storeIds}::uuid[])[1 + (n % ${storeIds.length})], 'c' || n,
             'customer' || n || '@example.test',
             (${firstNames}::text[])[1 + (n % 10)], (${lastNames}::text[])[1 + ((n / 10) % 10)]
      from generate_series(0, 99) as n`;
    await tx`
      insert into orders (org_id, store_id, platform_id, number, email, customer_id, status, financial_status,
                          fulfillment_status, currency, total, placed_at, platform_updated_at, search_text)
      select ${orgId}, c.store_id, 'o' || n, '#' || (1000 + n), c.email, c.id,
             (${statuses}::text[])[1 + (n % 5)], (${financial}::text[])[1 + (n % 5)],
             (${fulfillment}::text[])[1 + (n % 4)], 'USD', round((5 + (n * 7919 % 50000) / 100.0)::numeric, 2),
             ${SEED_CLOCK}::timestamptz - make_interval(mins => n), ${SEED_CLOCK}::timestamptz - make_interval(mins => n),
             dockhand.order_search_text('#' || (1000 + n), c.email::text, '{}'::jsonb, c.name)
      from generate_series(0, ${count - 1}) as n
      join (select *, dockhand.person_name(first_name, last_name) as name, platform_id as key
            from customers where org_id = ${orgId}) c on c.key = 'c' || (n % 100)`;
    await tx`
      insert into order_lines (org_id, store_id, order_id, platform_id, sku, title, quantity, price)
      select o.org_id, o.store_id, o.id, 'l1', 'SKU-' || (o.total * 100)::int % 997, 'Widget ' || (o.total * 100)::int % 97, 1, o.total
      from orders o where o.org_id = ${orgId}`;
  });
  // Fresh statistics, as a database that grew to this size would have: without them the planner
  // reads the organization's 100,000 rows for every 200-row page.
  await owner`analyze orders`;
  await owner`analyze customers`;
  await owner`analyze order_lines`;
}

/** The same few products, sizes and stock levels every time (the console's pictures show them). */
async function seedCatalog(server: TestServer, orgId: string, storeId: string): Promise<void> {
  const owner = server.runtime.ctx.db.owner;
  const products = [
    { key: 'lamp', title: 'Copper Lamp', price: 89 },
    { key: 'mug', title: 'Stoneware Mug', price: 18 },
    { key: 'throw', title: 'Wool Throw', price: 120 },
  ];
  const sizes = ['S', 'M', 'L'];
  await owner.begin(async (tx) => {
    const [location] = await tx<{ id: string }[]>`
      insert into locations (org_id, store_id, platform_id, name) values (${orgId}, ${storeId}, 'warehouse', 'Main warehouse')
      returning id`;
    for (const [index, product] of products.entries()) {
      const [row] = await tx<{ id: string }[]>`
        insert into products (org_id, store_id, platform_id, title, status)
        values (${orgId}, ${storeId}, ${`p-${product.key}`}, ${product.title}, 'active') returning id`;
      for (const [sizeIndex, size] of sizes.entries()) {
        const [variant] = await tx<{ id: string }[]>`
          insert into product_variants (org_id, store_id, product_id, platform_id, inventory_item_id, sku, title, price)
          values (${orgId}, ${storeId}, ${row!.id}, ${`v-${product.key}-${size}`}, ${`i-${product.key}-${size}`},
                  ${`DH-${product.key.toUpperCase()}-${size}`}, ${size}, ${product.price})
          returning id`;
        await tx`
          insert into inventory_levels (org_id, store_id, variant_id, location_id, available)
          values (${orgId}, ${storeId}, ${variant!.id}, ${location!.id}, ${4 + index * 7 + sizeIndex * 3})`;
      }
    }
  });
}

/** Forwards a request to the bridge server byte for byte and streams the answer back (SSE included). */
export function forward(target: string, req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', target);
  const upstream = httpRequest(url, { method: req.method, headers: { ...req.headers, host: url.host } }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(res);
  });
  upstream.on('error', (error) => {
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
    res.end(String(error));
  });
  // A client that goes away (an aborted stream) ends the upstream request too.
  res.on('close', () => upstream.destroy());
  req.pipe(upstream);
}
