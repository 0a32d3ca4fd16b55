/**
 * Webhook ingest throughput: signed Shopify deliveries per second that Dockhand accepts
 * (HMAC verified over the raw bytes, stored in the inbox, enqueued on BullMQ/Redis), with
 * p50/p99 latency, against a receiver built the way Shopify's docs show it (Express +
 * `shopify.webhooks.validate` + one INSERT), same database, same load generator, one run.
 * Each side runs in its own process; every delivery is unique; lost = 2xx answers − rows.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import { Redis } from 'ioredis';
import { KeyRing } from '../bridge-server/src/security/key-ring.ts';
import { openDatabase } from '../bridge-server/src/db/database.ts';
import { migrate } from '../bridge-server/src/db/migrator.ts';
import { systemPrincipal, withPrincipal } from '../bridge-server/src/db/principal.ts';
import { StoreService } from '../bridge-server/src/domain/stores/store-service.ts';
import { createOrganization } from '../bridge-server/src/domain/users/user-service.ts';
import { createBenchDatabase } from './lib/bench-database.ts';
import { report } from './lib/report.ts';

const DURATION = Number(process.env['BENCH_SECONDS'] ?? 15);
const CONNECTIONS = Number(process.env['BENCH_CONNECTIONS'] ?? 64);
const redisUrl = process.env['BENCH_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const SECRET = `shpss_${randomBytes(16).toString('hex')}`;
const SHOP = 'bench-ingest.myshopify.com';

const database = await createBenchDatabase('ingest');
const databaseUrl = database.url;
const queuePrefix = `bench_ingest_${randomBytes(4).toString('hex')}`;
const children: ChildProcess[] = [];

/** A realistic orders/updated body (about 1.5 kB) with 64-bit ids. */
function orderBody(n: number): string {
  const id = 820982911946154508n + BigInt(n);
  const lines = [0, 1, 2]
    .map(
      (i) =>
        `{"id":${866550311766439020n + BigInt(n * 3 + i)},"variant_id":${9007199254740993n + BigInt(i)},"sku":"SKU-${i}","title":"Item ${i}","quantity":${1 + i},"price":"${(9.99 + i).toFixed(2)}"}`,
    )
    .join(',');
  return `{"id":${id},"admin_graphql_api_id":"gid://shopify/Order/${id}","name":"#${1000 + n}","email":"buyer${n}@example.test","created_at":"2026-11-20T10:00:00-05:00","updated_at":"2026-11-20T10:0${n % 10}:00-05:00","cancelled_at":null,"closed_at":null,"currency":"USD","financial_status":"paid","fulfillment_status":null,"total_price":"42.00","subtotal_price":"40.00","total_tax":"2.00","total_discounts":"0.00","tags":"","test":false,"customer":{"id":${9007199254741993n + BigInt(n % 50)},"email":"buyer${n}@example.test"},"shipping_address":{"address1":"1 Main St","city":"Ottawa","country":"Canada","zip":"K1A 0B1"},"line_items":[${lines}]}`;
}

/** Every request unique (its own event id), signed ahead of time so the generator stays light. */
function prepare(count: number): Array<{ body: string; headers: Record<string, string> }> {
  return Array.from({ length: count }, (_, n) => {
    const body = orderBody(n);
    return {
      body,
      headers: {
        'content-type': 'application/json',
        'x-shopify-topic': 'orders/updated',
        'x-shopify-shop-domain': SHOP,
        'x-shopify-api-version': '2025-10',
        'x-shopify-webhook-id': randomUUID(),
        'x-shopify-event-id': randomUUID(),
        'x-shopify-triggered-at': '2026-11-20T15:00:00.000Z',
        'x-shopify-hmac-sha256': createHmac('sha256', SECRET).update(body).digest('base64'),
      },
    };
  });
}

async function startChild(script: string, env: Record<string, string>): Promise<string> {
  const child = spawn(
    process.execPath,
    [
      ...(process.env['BENCH_PROFILE_DIR'] ? ['--cpu-prof', '--cpu-prof-dir', process.env['BENCH_PROFILE_DIR']] : []),
      '--import',
      'tsx',
      new URL(script, import.meta.url).pathname,
    ],
    {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  children.push(child);
  const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
  return (JSON.parse(line) as { url: string }).url;
}

async function load(target: string, path: string) {
  const requests = prepare(Math.ceil(DURATION * 20_000));
  let next = 0;
  let accepted = 0;
  const result = await autocannon({
    url: `${target}${path}`,
    method: 'POST',
    connections: CONNECTIONS,
    duration: DURATION,
    requests: [
      {
        setupRequest: (request: autocannon.Request) => {
          const prepared = requests[next++ % requests.length]!;
          return { ...request, method: 'POST', body: prepared.body, headers: prepared.headers };
        },
        onResponse: (status: number) => {
          if (status >= 200 && status < 300) accepted++;
        },
      },
    ],
  });
  return { result, accepted, sent: next };
}

try {
  const db = await openDatabase({ databaseUrl, dataDir: '' });
  await migrate(db.owner);
  const { orgId } = await createOrganization(db, {
    name: 'Bench',
    adminEmail: 'bench@example.test',
    adminPassword: 'bench password 1',
  });
  const keys = `k1:${KeyRing.generateKey()}`;
  await withPrincipal(db, systemPrincipal(orgId), (tx) =>
    new StoreService(new KeyRing(keys)).create(tx, systemPrincipal(orgId), {
      platform: 'shopify',
      name: 'Bench',
      shopDomain: SHOP,
      status: 'active',
    }),
  );

  const dockhandUrl = await startChild('./support/ingest-target.ts', {
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    DOCKHAND_KEYS: keys,
    DOCKHAND_JWT_SECRET: randomBytes(32).toString('hex'),
    SHOPIFY_API_KEY: 'bench-key',
    SHOPIFY_API_SECRET: SECRET,
    BENCH_QUEUE_PREFIX: queuePrefix,
  });
  const baselineUrl = await startChild('./support/shopify-docs-baseline.ts', {
    BASELINE_DATABASE_URL: databaseUrl,
    SHOPIFY_API_SECRET: SECRET,
  });

  const dockhand = await load(dockhandUrl, '/webhooks/shopify');
  const baseline = await load(baselineUrl, '/webhooks');

  const [stored] = await db.owner<{ n: number }[]>`select count(*)::int as n from webhook_events`;
  const [baselineStored] = await db.owner<{ n: number }[]>`select count(*)::int as n from baseline_webhooks`;
  const redis = new Redis(redisUrl);
  const queued = await redis.zcard(`${queuePrefix}:apply:wait`).catch(() => 0);
  const waiting = await redis.llen(`${queuePrefix}:apply:wait`).catch(() => queued);
  redis.disconnect();
  await db.close();

  const perSecond = (run: typeof dockhand) => run.accepted / DURATION;
  report({
    name: 'ingest',
    params: {
      durationSeconds: DURATION,
      connections: CONNECTIONS,
      bodyBytes: orderBody(1).length,
      queue: 'BullMQ on Redis',
      database: 'PostgreSQL server',
    },
    metrics: {
      acceptedPerSecond: perSecond(dockhand),
      p50Ms: dockhand.result.latency.p50,
      p99Ms: dockhand.result.latency.p99,
      accepted: dockhand.accepted,
      non2xx: dockhand.result.non2xx,
      errors: dockhand.result.errors,
      stored: stored!.n,
      enqueued: waiting,
      lost: Math.max(0, dockhand.accepted - stored!.n),
      storedAfterCutoff: Math.max(0, stored!.n - dockhand.accepted),
    },
    baseline: {
      description:
        'Express + @shopify/shopify-api webhooks.validate + one INSERT per request (Shopify docs pattern), same database and load',
      metrics: {
        acceptedPerSecond: perSecond(baseline),
        p50Ms: baseline.result.latency.p50,
        p99Ms: baseline.result.latency.p99,
        non2xx: baseline.result.non2xx,
        stored: baselineStored!.n,
        lost: Math.max(0, baseline.accepted - baselineStored!.n),
      },
    },
    ratio: perSecond(dockhand) / perSecond(baseline),
    ratioOf: 'Dockhand accepted/s ÷ baseline accepted/s',
    goal: '>= 5,000/s, >= 2x baseline, p99 <= 50 ms, zero lost',
  });
} finally {
  for (const child of children) child.kill('SIGTERM');
  await Promise.all(children.map((child) => (child.exitCode === null ? once(child, 'exit') : undefined)));
  await database.release();
  const redis = new Redis(redisUrl);
  const keys = await redis.keys(`${queuePrefix}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
}
