/**
 * GET /v1/orders over HTTP: p50/p99 of a filtered 50-row page (one store, open, unfulfilled,
 * newest first) and of a searched one (`q` = a customer's last name, trigram index), out of
 * 1,000,000 orders in 100 organizations, at a fixed concurrency, through the real server with a
 * real access token. Baseline in the same run: a bare `node:http` handler answering the same pages
 * with the owner's plain SQL (no authentication, no row-level security, no validation), so the
 * ratio is the cost of everything Dockhand adds. Each server runs in its own process; the two
 * are measured in alternating rounds, and p50/p99 are taken over every 2xx response of a side.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import type { Sql } from 'postgres';
import { openDatabase, type Database } from '../bridge-server/src/db/database.ts';
import { migrate } from '../bridge-server/src/db/migrator.ts';
import { createOrganization } from '../bridge-server/src/domain/users/user-service.ts';
import { KeyRing } from '../bridge-server/src/security/key-ring.ts';
import { createBenchDatabase, type BenchDatabase } from './lib/bench-database.ts';
import { report } from './lib/report.ts';

const ORGS = Number(process.env['BENCH_ORGS'] ?? 100);
const ORDERS_PER_ORG = Number(process.env['BENCH_ORDERS_PER_ORG'] ?? 10_000);
const STORES_PER_ORG = 2;
const DURATION = Number(process.env['BENCH_SECONDS'] ?? 10);
const CONNECTIONS = Number(process.env['BENCH_CONNECTIONS'] ?? 16);
/** Each side's DURATION is measured in this many slices, the two sides alternated. */
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 4);

const FIRST_NAMES = [
  'Ada',
  'Alan',
  'Barbara',
  'Claude',
  'Donald',
  'Edsger',
  'Frances',
  'Grace',
  'Hedy',
  'Ivan',
  'Jean',
  'Ken',
  'Leslie',
  'Margaret',
  'Niklaus',
  'Ole',
  'Peter',
  'Radia',
  'Shafi',
  'Tim',
  'Ursula',
  'Vint',
  'Whitfield',
  'Xavier',
  'Yukihiro',
  'Zhores',
  'Annie',
  'Bjarne',
  'Carol',
  'Dennis',
  'Elaine',
  'Fran',
  'Guido',
  'Hal',
  'Irene',
  'James',
  'Karen',
  'Larry',
  'Mary',
  'Nancy',
  'Olga',
  'Pat',
  'Quentin',
  'Rosalind',
  'Sophie',
  'Tony',
  'Valerie',
  'Wendy',
  'Yvonne',
  'Zelda',
];
const LAST_NAMES = [
  'Lovelace',
  'Turing',
  'Liskov',
  'Shannon',
  'Knuth',
  'Dijkstra',
  'Allen',
  'Hopper',
  'Lamarr',
  'Sutherland',
  'Sammet',
  'Thompson',
  'Lamport',
  'Hamilton',
  'Wirth',
  'Dahl',
  'Naur',
  'Perlman',
  'Goldwasser',
  'Berners-Lee',
  'Martin',
  'Cerf',
  'Diffie',
  'Leroy',
  'Matsumoto',
  'Alferov',
  'Easley',
  'Stroustrup',
  'Shaw',
  'Ritchie',
];
/** Searched names: each is the last name on about 1/30 of an organization's orders, so a page is full. */
const SEARCHES = ['hopper', 'dijkstra', 'lovelace', 'stroustrup', 'hamilton', 'perlman', 'matsumoto', 'goldwasser'];

// BENCH_REUSE_DATABASE=<name> measures again on a database an earlier run kept (BENCH_KEEP_DATABASE=1):
// pending migrations are applied and the statistics refreshed, the seed is skipped, the database is kept.
const reusedName = process.env['BENCH_REUSE_DATABASE'];
const database = reusedName ? reusedDatabase(reusedName) : await createBenchDatabase('orders');
const databaseUrl = database.url;

function reusedDatabase(name: string): BenchDatabase {
  const url = new URL(process.env['BENCH_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  url.pathname = `/${name}`;
  return { name, url: url.toString(), release: async () => {} };
}
const children: ChildProcess[] = [];

async function startChild(script: string, env: Record<string, string>): Promise<string> {
  const child = spawn(process.execPath, ['--import', 'tsx', new URL(script, import.meta.url).pathname], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
  return (JSON.parse(line) as { url: string }).url;
}

const sqlList = (values: string[]) => `array[${values.map((value) => `'${value}'`).join(',')}]`;

/** What one side answered over all its rounds: each 2xx response's latency (ms) and the counts. */
interface Measured {
  latencies: number[];
  requests: number;
  seconds: number;
  non2xx: number;
  errors: number;
}

const measured = (): Measured => ({ latencies: [], requests: 0, seconds: 0, non2xx: 0, errors: 0 });

/** Runs `paths` in rotation at CONNECTIONS for `seconds`, adding what it saw to `into`. */
function load(target: string, paths: string[], headers: Record<string, string>, seconds: number, into: Measured) {
  let next = 0;
  return new Promise<void>((resolve, reject) => {
    const instance = autocannon(
      {
        url: target,
        connections: CONNECTIONS,
        duration: seconds,
        headers,
        requests: [{ setupRequest: (request: autocannon.Request) => ({ ...request, path: paths[next++ % paths.length]! }) }],
      },
      (error: unknown, result: autocannon.Result) => {
        if (error) return reject(error instanceof Error ? error : new Error(String(error)));
        into.requests += result.requests.total;
        into.seconds += seconds;
        into.non2xx += result.non2xx;
        into.errors += result.errors;
        resolve();
      },
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300) into.latencies.push(responseTime);
    });
  });
}

/** p50, p99 (ms, to 0.1) and requests per second of one side. */
function summary(side: Measured) {
  const sorted = Float64Array.from(side.latencies).sort();
  const at = (q: number) => Math.round(sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]! * 10) / 10;
  return {
    p50: at(0.5),
    p99: at(0.99),
    perSecond: Math.round(side.requests / side.seconds),
    non2xx: side.non2xx,
    errors: side.errors,
  };
}

async function json(target: string, path: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${target}${path}`, { headers });
  if (!response.ok) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as { data: Array<{ id: string }> };
}

/** The organization an earlier run seeded and measured. */
async function benchOrganization(owner: Sql): Promise<string> {
  const [org] = await owner<{ id: string }[]>`select id from organizations where name = 'Bench'`;
  if (!org) throw new Error(`database ${database.name} holds no Bench organization: was it kept by this benchmark?`);
  return org.id;
}

/** Seeds ORGS organizations of ORDERS_PER_ORG orders each; answers the measured one's id. */
async function seed(db: Database, password: string): Promise<string> {
  const owner = db.owner;
  const seedStarted = performance.now();
  const { orgId } = await createOrganization(db, { name: 'Bench', adminEmail: 'bench@example.test', adminPassword: password });
  const progress = (what: string) =>
    console.error(`orders-list: ${what} (${Math.round((performance.now() - seedStarted) / 1000)} s)`);
  // Bulk load as the owner (a superuser: RLS does not apply), the orders table's secondary indexes
  // dropped during the load and built again after it, exactly as the migrations define them.
  const indexes = await owner<{ name: string; definition: string }[]>`
    select i.indexname as name, i.indexdef as definition from pg_indexes i
    where i.schemaname = 'public' and i.tablename = 'orders'
      and not exists (select 1 from pg_constraint c where c.conname = i.indexname)`;
  for (const index of indexes) await owner.unsafe(`drop index ${index.name}`);
  await owner.unsafe(`
    insert into organizations (id, name) select gen_random_uuid(), 'Org ' || g from generate_series(2, ${ORGS}) g;
    insert into stores (org_id, platform, name, shop_domain, status)
      select o.id, 'shopify', 'Store ' || s, 'bench-' || row_number() over () || '.myshopify.com', 'active'
      from organizations o cross join generate_series(1, ${STORES_PER_ORG}) s;`);
  const perStore = Math.ceil(ORDERS_PER_ORG / STORES_PER_ORG);
  // The search columns' trigger is off for the load (it would triple its time on a two-core machine);
  // the rows get exactly what it would write, which is checked on a sample below.
  await owner.unsafe('alter table orders disable trigger search_fields');
  await owner.unsafe(`
    insert into orders (org_id, store_id, platform_id, number, email, status, financial_status, fulfillment_status,
                        currency, total, placed_at, platform_updated_at, raw, search_text, tags, customer_name)
      select org_id, store_id, (9007199254740993 + g)::text, '#' || (1000 + g), 'buyer' || g || '@example.test',
             case when g % 20 = 0 then 'cancelled' when g % 10 = 1 then 'closed' else 'open' end,
             case when g % 4 = 0 then 'pending' else 'paid' end,
             case when g % 3 = 0 then 'fulfilled' end,
             'USD', (g % 500) + 0.99,
             now() - (g * 2 || ' minutes')::interval, now() - (g % 1000 || ' minutes')::interval,
             jsonb_build_object(
               'id', 9007199254740993 + g,
               'customer', jsonb_build_object('first_name', first_name, 'last_name', last_name),
               'line_items', jsonb_build_array(jsonb_build_object('sku', 'SKU-' || (g % 5000), 'quantity', 1)),
               'tags', case when g % 10 = 0 then 'vip, gift' else '' end),
             lower('#' || (1000 + g) || ' buyer' || g || '@example.test ' || first_name || ' ' || last_name || ' SKU-' || (g % 5000)),
             case when g % 10 = 0 then '{gift,vip}'::text[] else '{}' end,
             first_name || ' ' || last_name
      from (select s.org_id, s.id as store_id, g,
                   (${sqlList(FIRST_NAMES)})[1 + g % ${FIRST_NAMES.length}] as first_name,
                   (${sqlList(LAST_NAMES)})[1 + (g / 7) % ${LAST_NAMES.length}] as last_name
            from stores s cross join generate_series(1, ${perStore}) g) seed;`);
  await owner.unsafe('alter table orders enable trigger search_fields');
  const [mismatch] = await owner<{ n: number }[]>`
    select count(*)::int as n from (select * from orders tablesample system (1)) o
    where o.search_text <> dockhand.order_search_text(o.number, o.email::text, o.raw, null)
       or o.tags <> dockhand.order_tags(o.raw)
       or o.customer_name is distinct from (dockhand.order_payload_names(o.raw))[1]`;
  if (mismatch!.n > 0) throw new Error(`${mismatch!.n} seeded orders differ from what the trigger writes`);
  progress('orders inserted');
  await owner.unsafe(`set maintenance_work_mem = '256MB'`);
  for (const index of indexes) await owner.unsafe(index.definition);
  progress('indexes built');
  return orgId;
}

try {
  const db = await openDatabase({ databaseUrl, dataDir: '', appPoolSize: 2 });
  await migrate(db.owner);
  const owner = db.owner;
  const password = 'bench password 1';
  const seedStarted = performance.now();
  const orgId = reusedName ? await benchOrganization(owner) : await seed(db, password);
  // Settle the table as in steady state: no autovacuum or write-back during the measurement.
  await owner.unsafe('vacuum analyze');
  await owner.unsafe('checkpoint');
  const seedSeconds = (performance.now() - seedStarted) / 1000;
  const [{ count } = { count: 0 }] = await owner<{ count: number }[]>`select count(*)::int as count from orders`;
  const stores = await owner<{ id: string }[]>`select id from stores where org_id = ${orgId} order by id`;

  // The search's own statement (dockhand.search_order_keys, which runs as the owner): does it use the
  // organization's trigram keys (migration 0020)?
  const plan = await owner.unsafe(
    `explain select o.id from orders o where o.org_id = '${orgId}'
       and dockhand.org_trigrams(o.org_id, o.search_text) @> dockhand.org_pattern_trigrams('${orgId}', '%hopper%')
       and o.search_text like '%hopper%'`,
  );
  const searchUsesIndex = plan.some((row) => String(row['QUERY PLAN']).includes('orders_search_keys_idx'));
  await db.close();

  const dockhandUrl = await startChild('./support/orders-list-target.ts', {
    DATABASE_URL: databaseUrl,
    DOCKHAND_KEYS: `k1:${KeyRing.generateKey()}`,
    DOCKHAND_JWT_SECRET: randomBytes(32).toString('hex'),
  });
  const baselineUrl = await startChild('./support/orders-list-baseline.ts', {
    BASELINE_DATABASE_URL: databaseUrl,
    BASELINE_ORG_ID: orgId,
  });
  const login = await fetch(`${dockhandUrl}/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'bench@example.test', password }),
  });
  if (!login.ok) throw new Error(`login failed: ${login.status} ${await login.text()}`);
  const token = ((await login.json()) as { data: { accessToken: string } }).data.accessToken;
  const auth = { authorization: `Bearer ${token}` };

  const filtered = stores.map((store) => `/v1/orders?store=${store.id}&status=open&fulfillmentStatus=unfulfilled&limit=50`);
  const filteredBaseline = stores.map((store) => `/?store=${store.id}`);
  const searched = SEARCHES.map((q) => `/v1/orders?q=${q}&limit=50`);
  const searchedBaseline = SEARCHES.map((q) => `/?q=${q}`);

  // Both sides answer the same rows (50 at full size) before anything is timed.
  for (const [mine, theirs] of [
    [filtered[0]!, filteredBaseline[0]!],
    [searched[0]!, searchedBaseline[0]!],
  ] as const) {
    const a = await json(dockhandUrl, mine, auth);
    const b = await json(baselineUrl, theirs);
    if (a.data.length === 0 || JSON.stringify(a.data.map((row) => row.id)) !== JSON.stringify(b.data.map((row) => row.id))) {
      throw new Error(`the two servers did not answer the same rows for ${mine}`);
    }
  }

  // Warm both (connections, prepared statements, caches), then measure each page in ROUNDS rounds,
  // Dockhand and the baseline alternated (and which goes first), so that both see the same machine:
  // on a shared two-core machine the load moves within seconds, and one block after the other
  // compared one moment with another.
  const warm = Math.max(2, Math.floor(DURATION / 4));
  const compare = async (dockhand: string[], baseline: string[]) => {
    const sides = [
      { target: dockhandUrl, paths: dockhand, headers: auth, seen: measured() },
      { target: baselineUrl, paths: baseline, headers: {}, seen: measured() },
    ];
    for (const side of sides) {
      await autocannon({
        url: side.target,
        connections: CONNECTIONS,
        duration: warm,
        headers: side.headers,
        requests: [{ path: side.paths[0]! }],
      });
    }
    for (let round = 0; round < ROUNDS; round++) {
      for (const side of round % 2 === 0 ? sides : [...sides].reverse()) {
        await load(side.target, side.paths, side.headers, DURATION / ROUNDS, side.seen);
      }
    }
    return { dockhand: summary(sides[0]!.seen), baseline: summary(sides[1]!.seen) };
  };
  const { dockhand: dockhandFiltered, baseline: baselineFiltered } = await compare(filtered, filteredBaseline);
  const { dockhand: dockhandSearched, baseline: baselineSearched } = await compare(searched, searchedBaseline);

  report({
    name: 'orders-list',
    params: {
      organizations: ORGS,
      orders: count,
      storesPerOrganization: STORES_PER_ORG,
      pageSize: 50,
      connections: CONNECTIONS,
      durationSeconds: DURATION,
      rounds: ROUNDS,
      filteredPage: 'store=<one of 2>&status=open&fulfillmentStatus=unfulfilled, sort -placed',
      searchedPage: `q=<a last name, 1 in ${LAST_NAMES.length} orders>, sort -placed`,
      database: 'PostgreSQL server',
      rateLimiter: 'in-process (no REDIS_URL), limits raised',
      seedSeconds: Math.round(seedSeconds),
      reusedDatabase: reusedName !== undefined,
    },
    metrics: {
      filteredP50Ms: dockhandFiltered.p50,
      filteredP99Ms: dockhandFiltered.p99,
      filteredPerSecond: dockhandFiltered.perSecond,
      searchedP50Ms: dockhandSearched.p50,
      searchedP99Ms: dockhandSearched.p99,
      searchedPerSecond: dockhandSearched.perSecond,
      filteredRatioP50: dockhandFiltered.p50 / baselineFiltered.p50,
      searchedRatioP50: dockhandSearched.p50 / baselineSearched.p50,
      searchUsesTrigramIndex: searchUsesIndex ? 1 : 0,
      non2xx: dockhandFiltered.non2xx + dockhandSearched.non2xx,
      errors: dockhandFiltered.errors + dockhandSearched.errors,
    },
    baseline: {
      description:
        "bare node:http handler, the owner's plain SQL with an explicit where org_id (no auth, no RLS, no validation), same pages",
      metrics: {
        filteredP50Ms: baselineFiltered.p50,
        filteredP99Ms: baselineFiltered.p99,
        filteredPerSecond: baselineFiltered.perSecond,
        searchedP50Ms: baselineSearched.p50,
        searchedP99Ms: baselineSearched.p99,
        searchedPerSecond: baselineSearched.perSecond,
        non2xx: baselineFiltered.non2xx + baselineSearched.non2xx,
      },
    },
    ratio: Math.max(dockhandFiltered.p50 / baselineFiltered.p50, dockhandSearched.p50 / baselineSearched.p50),
    ratioOf: 'the larger of the two pages’ Dockhand p50 ÷ baseline p50',
    goal: 'p99 <= 30 ms for both pages, ratio of p50s <= 1.5',
  });
} finally {
  for (const child of children) child.kill('SIGTERM');
  await Promise.all(children.map((child) => (child.exitCode === null ? once(child, 'exit') : undefined)));
  // BENCH_KEEP_DATABASE=1 keeps the seeded database for a look at plans afterwards.
  const keep = process.env['BENCH_KEEP_DATABASE'] === '1' || reusedName !== undefined;
  if (keep) console.error(`orders-list: kept database ${database.name}`);
  await database.release({ keep });
}
