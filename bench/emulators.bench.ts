/**
 * Emulators at scale: how fast `dockhand-emulators --seed 7 --orders 100000` prints its JSON
 * line, how fast the Shopify emulator starts in-process with 100,000 orders, and the latency
 * of 250-order Admin GraphQL pages while walking the cursor through the store.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { startShopifyEmulator } from '../emulators/src/shopify/index.ts';
import { report } from './lib/report.ts';

const ORDERS = Number(process.env['BENCH_ORDERS'] ?? 100_000);
const PAGES = Number(process.env['BENCH_PAGES'] ?? 200);
const WARMUP = Number(process.env['BENCH_WARMUP'] ?? 20);
const GOAL_MS = 20;
const BIN = fileURLToPath(new URL('../emulators/bin/dockhand-emulators.js', import.meta.url));

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

/** Spawns the CLI and resolves with the ms until its first stdout line. */
function cliStartMs(): Promise<number> {
  const began = performance.now();
  const child = spawn(process.execPath, [BIN, '--seed', '7', '--orders', String(ORDERS)], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no JSON line within 15 s')), 15_000);
    createInterface({ input: child.stdout }).once('line', (line) => {
      const elapsed = performance.now() - began;
      clearTimeout(timer);
      JSON.parse(line);
      child.once('exit', () => resolve(elapsed));
      child.kill('SIGTERM');
    });
    child.once('error', reject);
  });
}

const cliMs = await cliStartMs();

const startBegan = performance.now();
// A bucket large enough that throttling does not shape the latency being measured.
const emulator = await startShopifyEmulator({
  seed: 7,
  shops: 1,
  ordersPerShop: ORDERS,
  bucket: { maximumAvailable: 1e9, restoreRate: 1e9 },
});
const startMs = performance.now() - startBegan;
const shop = emulator.shops[0]!;
const token = emulator.issueAccessToken(shop.domain).access_token;
const query = /* GraphQL */ `
  query Page($after: String) {
    orders(first: 250, after: $after, sortKey: UPDATED_AT) {
      edges {
        cursor
        node {
          id
          name
          email
          createdAt
          updatedAt
          cancelledAt
          displayFinancialStatus
          displayFulfillmentStatus
          currencyCode
          tags
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;

let after: string | null = null;
async function nextPage(): Promise<number> {
  const began = performance.now();
  const response = await fetch(`${shop.baseUrl}/admin/api/2026-04/graphql.json`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-shopify-access-token': token },
    body: JSON.stringify({ query, variables: { after } }),
  });
  const json = (await response.json()) as {
    data: { orders: { edges: unknown[]; pageInfo: { hasNextPage: boolean; endCursor: string } } };
  };
  const elapsed = performance.now() - began;
  if (json.data.orders.edges.length !== 250) throw new Error(`page of ${json.data.orders.edges.length} orders`);
  after = json.data.orders.pageInfo.hasNextPage ? json.data.orders.pageInfo.endCursor : null;
  return elapsed;
}

try {
  for (let i = 0; i < WARMUP; i++) await nextPage();
  const samples: number[] = [];
  for (let i = 0; i < PAGES; i++) samples.push(await nextPage());
  samples.sort((a, b) => a - b);
  const p50 = percentile(samples, 50);
  const p99 = percentile(samples, 99);
  report({
    name: 'emulators',
    params: { orders: ORDERS, pageSize: 250, pages: PAGES, warmup: WARMUP, sortKey: 'UPDATED_AT' },
    metrics: {
      cliJsonLineMs: Math.round(cliMs),
      shopifyStartMs: Math.round(startMs),
      pageP50Ms: p50,
      pageP99Ms: p99,
      pageMaxMs: samples[samples.length - 1]!,
    },
    baseline: {
      description: 'goal: a 250-order GraphQL page in under 20 ms; the CLI JSON line within 15 s',
      metrics: { pageMs: GOAL_MS, cliJsonLineMs: 15_000 },
    },
    ratio: p99 / GOAL_MS,
    ratioOf: 'p99 of a 250-order page / 20 ms goal (below 1 meets it)',
    goal: '250-order page p99 < 20 ms; CLI JSON line < 15 s with 100,000 orders',
  });
} finally {
  await emulator.close();
}
