/**
 * Shopify backfill at Standard-plan limits: the orders of one emulated shop read through the
 * Shopify connector (Admin GraphQL, paced on the cost bucket) and written by the sync engine
 * (`syncEntity`, the same path the backfill job runs) into a fresh, migrated PostgreSQL
 * database. DB writes are included; at these rates the bucket, not the database, is the limit.
 *
 * Metric: orders per second. Baseline: the most the bucket allows for the queries this run
 * made. A serial client issuing the same queries can do no better than: spend the initial
 * bucket, then wait for the restore, and the last query must find its requested cost
 * available — so the fastest possible run takes
 *   max(0, totalActualCost − lastActual + lastRequested − initialBucket) / restoreRate
 * seconds. ratio = that minimum / the measured time (= achieved / maximum orders per second).
 */
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { openDatabase } from '../bridge-server/src/db/database.ts';
import { migrate } from '../bridge-server/src/db/migrator.ts';
import { systemPrincipal, withPrincipal } from '../bridge-server/src/db/principal.ts';
import { CostBucket } from '../bridge-server/src/platforms/shopify/admin-client.ts';
import { createShopifyConnector } from '../bridge-server/src/platforms/shopify/connector.ts';
import { syncEntity } from '../bridge-server/src/sync/backfill.ts';
import { startShopifyEmulator } from '../emulators/src/shopify/index.ts';
import { report } from './lib/report.ts';

const ORDERS = Number(process.env['BENCH_ORDERS'] ?? 1_000);
const BUCKET = Number(process.env['BENCH_BUCKET'] ?? 2_000);
const RESTORE_RATE = Number(process.env['BENCH_RESTORE_RATE'] ?? 100);
const adminUrl = process.env['BENCH_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const name = `dockhand_bench_backfill_${randomBytes(4).toString('hex')}`;
const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
await admin.unsafe(`create database ${name}`);
const url = new URL(adminUrl);
url.pathname = `/${name}`;
const db = await openDatabase({ databaseUrl: url.toString(), dataDir: '', appPoolSize: 2 });
const emulator = await startShopifyEmulator({
  seed: 7,
  shops: 1,
  ordersPerShop: ORDERS,
  bucket: { maximumAvailable: BUCKET, restoreRate: RESTORE_RATE },
});

try {
  await migrate(db.owner);
  const shop = emulator.shops[0]!;
  const orgId = crypto.randomUUID();
  const storeId = await withPrincipal(db, systemPrincipal(orgId, 'bench'), async (tx) => {
    await tx`insert into organizations (id, name) values (${orgId}, 'Bench')`;
    const [row] = await tx<{ id: string }[]>`
      insert into stores (org_id, platform, name, shop_domain, status)
      values (${orgId}, 'shopify', ${shop.domain}, ${shop.domain}, 'active') returning id`;
    return row!.id;
  });
  const connector = createShopifyConnector({
    shopDomain: shop.domain,
    accessToken: emulator.issueAccessToken(shop.domain).access_token,
    apiVersion: emulator.apiVersion,
    shopBaseUrl: shop.baseUrl,
    bucket: new CostBucket(),
  });
  const initial = emulator.control.throttleStatus(shop.domain).currentlyAvailable;

  const started = performance.now();
  const result = await syncEntity(db, { orgId, storeId }, connector, 'orders', 'backfill');
  const seconds = (performance.now() - started) / 1000;

  const [{ count } = { count: 0 }] = await withPrincipal(
    db,
    systemPrincipal(orgId),
    (tx) => tx<{ count: number }[]>`select count(*)::int as count from orders where store_id = ${storeId}`,
  );
  if (count !== emulator.control.orderCount(shop.domain)) {
    throw new Error(`backfilled ${count} orders, the shop has ${emulator.control.orderCount(shop.domain)}`);
  }
  const stats = connector.client.stats;
  const last = stats.last ?? { requested: 0, actual: 0 };
  const minimumSeconds = Math.max(0, stats.actualCost - last.actual + last.requested - initial) / RESTORE_RATE;
  const maxOrdersPerSecond = minimumSeconds > 0 ? count / minimumSeconds : Number.POSITIVE_INFINITY;
  const ordersPerSecond = count / seconds;
  report({
    name: 'backfill',
    params: {
      orders: ORDERS,
      bucket: BUCKET,
      restoreRate: RESTORE_RATE,
      pages: result.pages,
      path: 'ShopifyConnector → syncEntity(orders, backfill) → PostgreSQL (fresh database)',
    },
    metrics: {
      ordersPerSecond,
      seconds,
      pages: result.pages,
      requests: stats.requests,
      throttled: stats.throttled,
      actualCostTotal: stats.actualCost,
      actualCostPerOrder: stats.actualCost / count,
      requestedCostPerPage: stats.requestedCost / stats.requests,
      waitedSeconds: stats.waitedMs / 1000,
    },
    baseline: {
      description:
        'The most the cost bucket allows for the queries this run made: (totalActual − lastActual + lastRequested − initialBucket) / restoreRate seconds',
      metrics: { maxOrdersPerSecond, minimumSeconds, initialBucket: initial },
    },
    ratio: minimumSeconds / seconds,
    ratioOf: 'achieved / maximum orders per second',
    goal: '>= 0.90',
  });
} finally {
  await emulator.close();
  await db.close();
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.end();
}
