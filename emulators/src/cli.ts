/**
 * `dockhand-emulators`: runs the Shopify and WooCommerce emulators side by side.
 * The first stdout line is one JSON object describing everything served; logs go to stderr.
 */
import { parseArgs } from 'node:util';
import { startShopifyEmulator, type ShopifyEmulator } from './shopify/index.ts';
import { startWooCommerceEmulator, type WooCommerceEmulator } from './woocommerce/index.ts';

const USAGE = `Usage: dockhand-emulators [options]

  --shopify-port P       Shopify emulator port (default 0 = any free port)
  --woocommerce-port Q   WooCommerce emulator port (default 0 = any free port)
  --host H               interface to bind (default 127.0.0.1)
  --seed S               same seed, same stores (default 1)
  --orders N             seeded orders per shop and per site (default 1000)
  --shops K              Shopify shops (default 2)
  --sites K              WooCommerce sites (default 2)
  --live                 keep making changes (orders, cancellations, stock) that emit webhooks
  --live-rate R          changes per second in live mode, per emulator (default 1)
  --woocommerce-secure   serve WooCommerce over HTTPS with a self-signed certificate
  --loopback-callbacks   let WooCommerce's wc-auth post keys to an http:// callback_url on a
                         loopback host (127.0.0.1, localhost, ::1), e.g. a local \`dockhand serve\`;
                         without it, like WooCommerce, only https callbacks are accepted
  --time-scale X         multiply Shopify webhook retry delays by X (default 1)
  -h, --help             show this help
`;

function log(line: string): void {
  process.stderr.write(`[dockhand-emulators] ${line}\n`);
}

function integer(value: string | undefined, name: string, fallback: number, min = 0): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min) {
    log(`--${name} must be an integer ≥ ${min} (got "${value}")`);
    process.exit(2);
  }
  return parsed;
}

async function main(): Promise<void> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      options: {
        'shopify-port': { type: 'string' },
        'woocommerce-port': { type: 'string' },
        host: { type: 'string' },
        seed: { type: 'string' },
        orders: { type: 'string' },
        shops: { type: 'string' },
        sites: { type: 'string' },
        live: { type: 'boolean' },
        'live-rate': { type: 'string' },
        'woocommerce-secure': { type: 'boolean' },
        'loopback-callbacks': { type: 'boolean' },
        'time-scale': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (error) {
    log((error as Error).message);
    process.stderr.write(USAGE);
    process.exit(2);
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const host = (values.host as string | undefined) ?? '127.0.0.1';
  const seed = integer(values.seed as string | undefined, 'seed', 1);
  const orders = integer(values.orders as string | undefined, 'orders', 1000);
  const shops = integer(values.shops as string | undefined, 'shops', 2, 1);
  const sites = integer(values.sites as string | undefined, 'sites', 2, 1);
  const liveRate = values['live-rate'] === undefined ? 1 : Number(values['live-rate']);
  const timeScale = values['time-scale'] === undefined ? 1 : Number(values['time-scale']);
  if (!(liveRate > 0) || !(timeScale > 0)) {
    log('--live-rate and --time-scale must be positive numbers');
    process.exit(2);
  }

  const started = performance.now();
  let shopify: ShopifyEmulator | null = null;
  let woocommerce: WooCommerceEmulator | null = null;
  const closeAll = async () => {
    await Promise.allSettled([shopify?.close(), woocommerce?.close()]);
  };
  try {
    [shopify, woocommerce] = await Promise.all([
      startShopifyEmulator({
        port: integer(values['shopify-port'] as string | undefined, 'shopify-port', 0),
        host,
        seed,
        shops,
        ordersPerShop: orders,
        timeScale,
        log,
        ...(values.live ? { liveRatePerSecond: liveRate } : {}),
      }),
      startWooCommerceEmulator({
        port: integer(values['woocommerce-port'] as string | undefined, 'woocommerce-port', 0),
        host,
        seed,
        sites,
        ordersPerSite: orders,
        secure: Boolean(values['woocommerce-secure']),
        allowInsecureLoopbackCallback: Boolean(values['loopback-callbacks']),
        ...(values.live ? { activityIntervalMs: Math.max(1, Math.round(1000 / liveRate)) } : {}),
      }),
    ]);
  } catch (error) {
    log(`could not start: ${(error as Error).message}`);
    await closeAll();
    process.exit(1);
  }

  const description = {
    seed,
    ordersPerStore: orders,
    live: Boolean(values.live),
    shopify: {
      url: shopify.url,
      apiKey: shopify.apiKey,
      apiSecret: shopify.apiSecret,
      apiVersion: shopify.apiVersion,
      shops: shopify.shops.map((shop) => ({ domain: shop.domain, baseUrl: shop.baseUrl, adminUrl: shop.adminUrl })),
    },
    woocommerce: {
      url: woocommerce.url,
      loopbackCallbacks: Boolean(values['loopback-callbacks']),
      sites: woocommerce.sites.map((site) => ({
        baseUrl: site.baseUrl,
        consumerKey: site.consumerKey,
        consumerSecret: site.consumerSecret,
      })),
    },
  };
  process.stdout.write(`${JSON.stringify(description)}\n`);
  log(`ready in ${Math.round(performance.now() - started)} ms: shopify ${shopify.url}, woocommerce ${woocommerce.url}`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: shutting down`);
    closeAll().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

await main();
