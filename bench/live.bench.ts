/**
 * Live latency: a signed Shopify `orders/create` webhook sent to Dockhand → the `order.created`
 * event received by a client of GET /v1/stream. The whole real path: HMAC check and group
 * commit into the inbox, enqueue on BullMQ/Redis, a worker process applies it (order upsert,
 * outbox row, NOTIFY at commit), the server process's LISTEN connection hears it, reads the
 * event through row-level security and writes it to the stream. Open-loop load at a fixed rate
 * (default 500/s for 30 s); every webhook is a new order whose number identifies its event.
 * Latency is measured from the moment the request is sent (so it includes the webhook's own
 * answer) and, alongside, from the moment its 200 arrived. The first BENCH_WARMUP_SECONDS (3) of
 * sending are a warm-up, reported apart. Lost = accepted webhooks whose event
 * never arrived (waited for up to 10 s after the last one); the stream's ids must also come in
 * increasing order, each once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { Redis } from 'ioredis';
import { Agent, request } from 'undici';
import { KeyRing } from '../bridge-server/src/security/key-ring.ts';
import { openDatabase } from '../bridge-server/src/db/database.ts';
import { migrate } from '../bridge-server/src/db/migrator.ts';
import { systemPrincipal, withPrincipal } from '../bridge-server/src/db/principal.ts';
import { StoreService } from '../bridge-server/src/domain/stores/store-service.ts';
import { createOrganization } from '../bridge-server/src/domain/users/user-service.ts';
import { SseClient, type SseMessage } from '../bridge-server/test/support/sse-client.ts';
import { createBenchDatabase } from './lib/bench-database.ts';
import { report } from './lib/report.ts';

const RATE = Number(process.env['BENCH_RATE'] ?? 500);
const DURATION = Number(process.env['BENCH_SECONDS'] ?? 30);
/**
 * Seconds sent at the same rate before the measured ones, without a pause between: the server's
 * code is compiled, its pools are open and its statements prepared, as on a server that has been
 * running. Reported apart (warmUpP50Ms, warmUpP99Ms), not in the measured figures.
 */
const WARM_UP = Number(process.env['BENCH_WARMUP_SECONDS'] ?? 3);
const redisUrl = process.env['BENCH_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const SECRET = `shpss_${randomBytes(16).toString('hex')}`;
const SHOP = 'bench-live.myshopify.com';
const PASSWORD = 'bench live password 1';
const DRAIN_MS = 10_000;
const PRIOR_ORDERS = Number(process.env['BENCH_PRIOR_ORDERS'] ?? 20_000);

const database = await createBenchDatabase('live');
const databaseUrl = database.url;
const queuePrefix = `bench_live_${randomBytes(4).toString('hex')}`;
const children: ChildProcess[] = [];

/** A new order per webhook (about 1.5 kB, 64-bit ids); its name `#<100000+n>` tells its event apart. */
function orderBody(n: number): string {
  const id = 820982911946154508n + BigInt(n);
  const lines = [0, 1, 2]
    .map(
      (i) =>
        `{"id":${866550311766439020n + BigInt(n * 3 + i)},"variant_id":null,"sku":"SKU-${i}","title":"Item ${i}","quantity":${1 + i},"price":"${(9.99 + i).toFixed(2)}"}`,
    )
    .join(',');
  return `{"id":${id},"admin_graphql_api_id":"gid://shopify/Order/${id}","name":"#${100000 + n}","email":"buyer${n}@example.test","created_at":"2026-11-20T10:00:00-05:00","updated_at":"2026-11-20T10:00:00-05:00","cancelled_at":null,"closed_at":null,"currency":"USD","financial_status":"paid","fulfillment_status":null,"total_price":"42.00","subtotal_price":"40.00","total_tax":"2.00","total_discounts":"0.00","tags":"","test":false,"customer":null,"shipping_address":{"address1":"1 Main St","city":"Ottawa","country":"Canada","zip":"K1A 0B1"},"line_items":[${lines}]}`;
}

function delivery(n: number): { body: string; headers: Record<string, string> } {
  const body = orderBody(n);
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'x-shopify-topic': 'orders/create',
      'x-shopify-shop-domain': SHOP,
      'x-shopify-api-version': '2025-10',
      'x-shopify-webhook-id': randomUUID(),
      'x-shopify-event-id': randomUUID(),
      'x-shopify-triggered-at': new Date().toISOString(),
      'x-shopify-hmac-sha256': createHmac('sha256', SECRET).update(body).digest('base64'),
    },
  };
}

/** Starts a support script in its own process; answers its first stdout line, parsed. */
async function startChild(script: string, env: Record<string, string>): Promise<Record<string, unknown>> {
  const child = spawn(process.execPath, ['--import', 'tsx', new URL(script, import.meta.url).pathname], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
  return JSON.parse(line) as Record<string, unknown>;
}

/**
 * A server in use is not empty: another organization's store with PRIOR_ORDERS orders (three
 * lines each), customers and applied webhooks, then ANALYZE, as autovacuum would have done. On
 * empty tables the planner (and the foreign-key checks' plans, which each connection keeps)
 * would pick sequential scans that grow with every order the run writes.
 */
async function seedAnotherOrganization(owner: Awaited<ReturnType<typeof openDatabase>>['owner']): Promise<void> {
  const [org] = await owner<
    { id: string }[]
  >`insert into organizations (id, name) values (gen_random_uuid(), 'Other') returning id`;
  const [store] = await owner<{ id: string }[]>`
    insert into stores (org_id, platform, name, status, shop_domain)
    values (${org!.id}, 'shopify', 'Other', 'active', 'bench-other.myshopify.com') returning id`;
  const target = { org: org!.id, store: store!.id, n: PRIOR_ORDERS };
  await owner`
    insert into customers (org_id, store_id, platform_id, first_name, last_name, email)
    select ${target.org}, ${target.store}, 'c' || n, 'First' || n, 'Last' || n, 'c' || n || '@example.test'
    from generate_series(1, ${target.n} / 4) n`;
  await owner`
    insert into orders (org_id, store_id, platform_id, number, email, status, financial_status, currency, total,
                        placed_at, platform_updated_at, raw)
    select ${target.org}, ${target.store}, 'o' || n, '#' || n, 'o' || n || '@example.test', 'open', 'paid', 'USD', 42,
           now() - n * interval '1 minute', now() - n * interval '1 minute',
           jsonb_build_object('id', n, 'line_items', jsonb_build_array(jsonb_build_object('sku', 'SKU-' || n % 100)))
    from generate_series(1, ${target.n}) n`;
  await owner`
    insert into order_lines (org_id, store_id, order_id, platform_id, sku, title, quantity, price)
    select o.org_id, o.store_id, o.id, o.platform_id || '-' || i, 'SKU-' || i, 'Item', 1, 9.99
    from orders o, generate_series(1, 3) i where o.org_id = ${target.org}`;
  await owner`
    insert into webhook_events (org_id, store_id, platform, platform_event_id, topic, body, status, applied_at)
    select ${target.org}, ${target.store}, 'shopify', 'w' || n, 'orders/create', '{}', 'applied', now()
    from generate_series(1, ${target.n}) n`;
  await owner`analyze`;
}

const percentile = (sorted: number[], p: number) =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

try {
  const db = await openDatabase({ databaseUrl, dataDir: '' });
  await migrate(db.owner);
  await seedAnotherOrganization(db.owner);
  const email = 'live-bench@example.test';
  const { orgId } = await createOrganization(db, { name: 'Live bench', adminEmail: email, adminPassword: PASSWORD });
  const keys = `k1:${KeyRing.generateKey()}`;
  await withPrincipal(db, systemPrincipal(orgId), (tx) =>
    new StoreService(new KeyRing(keys)).create(tx, systemPrincipal(orgId), {
      platform: 'shopify',
      name: 'Live bench',
      shopDomain: SHOP,
      status: 'active',
    }),
  );
  const env = {
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    DOCKHAND_KEYS: keys,
    DOCKHAND_JWT_SECRET: randomBytes(32).toString('hex'),
    SHOPIFY_API_KEY: 'bench-key',
    SHOPIFY_API_SECRET: SECRET,
    BENCH_QUEUE_PREFIX: queuePrefix,
  };
  const server = (await startChild('./support/ingest-target.ts', env)) as { url: string };
  await startChild('./support/live-worker.ts', env);

  const login = await fetch(`${server.url}/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  const token = ((await login.json()) as { data: { accessToken: string } }).data.accessToken;

  const warmUp = RATE * WARM_UP;
  const total = warmUp + RATE * DURATION;
  const sentAt = new Float64Array(total).fill(NaN);
  const acceptedAt = new Float64Array(total).fill(NaN);
  const receivedAt = new Float64Array(total).fill(NaN);
  let received = 0;
  let duplicates = 0;
  let outOfOrder = 0;
  let lastId = 0n;
  let allIn: () => void = () => {};
  let accepted = 0;
  let sending = true;
  /** From the apply transaction's start (the event's created_at) to its arrival: the stream's own share. */
  const outboxToClient: number[] = [];
  const onMessage = (message: SseMessage) => {
    if (message.event !== 'order.created') return;
    const n = Number(String(message.json.data.number).slice(1)) - 100000;
    if (n >= warmUp) outboxToClient.push(Date.now() - Date.parse(message.json.createdAt));
    const id = BigInt(message.id!);
    if (id <= lastId) outOfOrder++;
    lastId = id;
    if (!Number.isNaN(receivedAt[n]!)) duplicates++;
    else {
      receivedAt[n] = message.receivedAt;
      received++;
    }
    if (!sending && received >= accepted) allIn();
  };
  const stream = await SseClient.open(server.url, { token, onMessage });
  await stream.next((message) => message.event === 'ready');

  // Open loop: each webhook leaves at its scheduled time, whatever the answers before it did.
  const prepared = Array.from({ length: total }, (_, n) => delivery(n));
  const dispatcher = new Agent({ connections: 64, pipelining: 1 });
  let non2xx = 0;
  let errors = 0;
  const inFlight: Promise<void>[] = [];
  const started = performance.now();
  const send = (n: number) => {
    const { body, headers } = prepared[n]!;
    sentAt[n] = performance.now();
    return request(`${server.url}/webhooks/shopify`, { method: 'POST', headers, body, dispatcher })
      .then(async (response) => {
        await response.body.dump();
        if (response.statusCode >= 200 && response.statusCode < 300) {
          acceptedAt[n] = performance.now();
          accepted++;
        } else non2xx++;
      })
      .catch(() => {
        errors++;
      });
  };
  for (let n = 0; n < total; n++) {
    const due = started + (n * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    inFlight.push(send(n));
  }
  await Promise.all(inFlight);
  const sendSeconds = (performance.now() - started) / 1000;
  sending = false;
  if (received < accepted) {
    await Promise.race([
      new Promise<void>((resolve) => {
        allIn = resolve;
      }),
      new Promise((resolve) => setTimeout(resolve, DRAIN_MS)),
    ]);
  }
  stream.close();
  await dispatcher.close();

  const fromSent: number[] = [];
  const fromAccepted: number[] = [];
  const warmUpFromSent: number[] = [];
  // Lost counts the warm-up's webhooks too.
  let lost = 0;
  for (let n = 0; n < total; n++) {
    if (Number.isNaN(acceptedAt[n]!)) continue;
    if (Number.isNaN(receivedAt[n]!)) {
      lost++;
      continue;
    }
    if (n < warmUp) {
      warmUpFromSent.push(receivedAt[n]! - sentAt[n]!);
      continue;
    }
    fromSent.push(receivedAt[n]! - sentAt[n]!);
    // The event may beat the webhook's own 200 back to the client: that counts as 0.
    fromAccepted.push(Math.max(0, receivedAt[n]! - acceptedAt[n]!));
  }
  // Latency by the second its webhooks were sent (the warm-up's are negative): a stall shows where
  // it began and how long it took to drain.
  const bySecond: string[] = [];
  for (let second = 0; second * RATE < total; second++) {
    const latencies: number[] = [];
    for (let n = second * RATE; n < Math.min(total, (second + 1) * RATE); n++)
      if (!Number.isNaN(receivedAt[n]!)) latencies.push(receivedAt[n]! - sentAt[n]!);
    latencies.sort((a, b) => a - b);
    bySecond.push(`${second - WARM_UP}s ${percentile(latencies, 50).toFixed(0)}/${(latencies.at(-1) ?? NaN).toFixed(0)}`);
  }
  console.error(`p50/max ms by second sent: ${bySecond.join(', ')}`);
  fromSent.sort((a, b) => a - b);
  fromAccepted.sort((a, b) => a - b);
  warmUpFromSent.sort((a, b) => a - b);
  const [events] = await db.owner<{ n: number; seconds: number | null }[]>`
    select count(*)::int as n, extract(epoch from max(created_at) - min(created_at))::float8 as seconds
    from events where type = 'order.created'`;
  await db.close();

  report({
    name: 'live',
    params: {
      ratePerSecond: RATE,
      durationSeconds: DURATION,
      warmUpSeconds: WARM_UP,
      topic: 'orders/create (a new order each)',
      priorOrders: `${PRIOR_ORDERS} orders of another organization, analyzed, before the run`,
      processes:
        'server (HTTP, SSE, LISTEN) + worker (BullMQ apply, up to 100 jobs applied in group-committed batches) + load generator/SSE client',
      queue: 'BullMQ on Redis',
      database: 'PostgreSQL server',
    },
    metrics: {
      // The counts include the warm-up's webhooks; the latencies below do not.
      sent: total,
      warmUpSent: warmUp,
      achievedRatePerSecond: total / sendSeconds,
      accepted,
      non2xx,
      errors,
      received,
      outboxEvents: events!.n,
      // Applies per second between the first and the last apply transaction's start: less load-sensitive than latency.
      appliesPerSecond: events!.seconds ? events!.n / events!.seconds : NaN,
      lost,
      // Of those: never applied within the wait (the worker's backlog), and applied but not streamed.
      notApplied: Math.max(0, accepted - events!.n),
      streamLost: Math.max(0, events!.n - received),
      duplicates,
      outOfOrder,
      p50Ms: percentile(fromSent, 50),
      p90Ms: percentile(fromSent, 90),
      p99Ms: percentile(fromSent, 99),
      maxMs: fromSent[fromSent.length - 1] ?? NaN,
      warmUpP50Ms: percentile(warmUpFromSent, 50),
      warmUpP99Ms: percentile(warmUpFromSent, 99),
      p50ApplyStartToClientMs: percentile(
        outboxToClient.sort((a, b) => a - b),
        50,
      ),
      p99ApplyStartToClientMs: percentile(outboxToClient, 99),
      p50FromAcceptedMs: percentile(fromAccepted, 50),
      p99FromAcceptedMs: percentile(fromAccepted, 99),
    },
    baseline: null,
    ratio: null,
    goal: 'p99 <= 100 ms (webhook sent → SSE event received), 0 lost',
  });
} finally {
  for (const child of children) child.kill('SIGTERM');
  await Promise.all(children.map((child) => (child.exitCode === null ? once(child, 'exit') : undefined)));
  await database.release({ keep: process.env['BENCH_KEEP_DATABASE'] === '1' });
  const redis = new Redis(redisUrl);
  const keys = await redis.keys(`${queuePrefix}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
}
