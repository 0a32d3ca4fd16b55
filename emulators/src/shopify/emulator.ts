import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRandom } from '../shared/random.ts';
import { AuthServer, hostParam, type ShopUser } from './auth.ts';
import { createControl, createWebhookControl, shopContextOf } from './control.ts';
import { LeakyBucket } from './cost.ts';
import { randomHex, withAdminHmac } from './crypto.ts';
import type { ShopContext } from './graphql/context.ts';
import { createRequestHandler } from './http.ts';
import { ShopOperations } from './operations.ts';
import { gid, ShopStore } from './store.ts';
import { DEFAULT_API_VERSION, DEFAULT_SCOPES, type ShopifyEmulator, type ShopifyEmulatorOptions } from './types.ts';
import { WebhookDispatcher } from './webhooks.ts';

function deriveCredentials(seed: number): { apiKey: string; apiSecret: string } {
  const random = createRandom(seed).fork('app-credentials');
  return { apiKey: random.hex(32), apiSecret: `shpss_${random.hex(32)}` };
}

function shopDomains(shops: ShopifyEmulatorOptions['shops']): string[] {
  if (Array.isArray(shops)) return shops.map((s) => s.toLowerCase());
  const count = shops ?? 1;
  return Array.from({ length: count }, (_, i) => `dockhand-demo-${i + 1}.myshopify.com`);
}

export async function startShopifyEmulator(options: ShopifyEmulatorOptions = {}): Promise<ShopifyEmulator> {
  const seed = options.seed ?? 1;
  const log = options.log ?? (() => {});
  const derived = deriveCredentials(seed);
  const apiKey = options.apiKey ?? derived.apiKey;
  const apiSecret = options.apiSecret ?? derived.apiSecret;
  const apiVersion = options.apiVersion ?? DEFAULT_API_VERSION;
  const autoApprove = options.autoApprove ?? options.testMode ?? true;
  const dataEndsAt = options.dataEndsAt === undefined ? Date.UTC(2026, 0, 1) : new Date(options.dataEndsAt).getTime();
  const webhooks = new WebhookDispatcher({
    apiSecret,
    seed,
    timeScale: options.timeScale ?? 1,
    timeoutMs: options.webhookTimeoutMs ?? 5000,
    apiVersion,
    log,
  });
  webhooks.complianceUri = options.complianceUri ?? null;

  const stores = new Map<string, ShopContext>();
  for (const [shopIndex, domain] of shopDomains(options.shops).entries()) {
    const shop = new ShopStore({
      seed,
      shopIndex,
      domain,
      orders: options.ordersPerShop ?? 100,
      dataEndsAt,
      historyDays: options.historyDays ?? 120,
    });
    stores.set(domain, {
      shop,
      ops: new ShopOperations(shop, webhooks, seed),
      webhooks,
      bucket: new LeakyBucket(options.bucket?.maximumAvailable ?? 2000, options.bucket?.restoreRate ?? 100),
      idempotency: new Map(),
    });
  }

  const users = new Map<string, Map<number, ShopUser>>();
  const userFor = (domain: string, userId?: number): ShopUser | null => {
    const context = stores.get(domain);
    if (!context) return null;
    let known = users.get(domain);
    if (!known) {
      known = new Map();
      const owner = context.shop.owner;
      known.set(owner.id, {
        id: owner.id,
        firstName: owner.firstName,
        lastName: owner.lastName,
        email: owner.email,
        accountOwner: true,
      });
      users.set(domain, known);
    }
    if (userId === undefined) return known.get(context.shop.owner.id) as ShopUser;
    let user = known.get(userId);
    if (!user) {
      user = {
        id: userId,
        firstName: 'Staff',
        lastName: String(userId),
        email: `staff-${userId}@${domain}`,
        accountOwner: false,
      };
      known.set(userId, user);
    }
    return user;
  };
  const auth = new AuthServer({
    apiKey,
    apiSecret,
    defaultScopes: options.scopes ?? DEFAULT_SCOPES,
    userFor,
    shopExists: (domain) => stores.has(domain),
  });

  const shopContext = (domain: string): ShopContext => shopContextOf(stores, domain);
  const deps = { stores, auth, webhooks, apiKey, apiSecret, apiVersion };
  const control = createControl(deps);
  const webhookControl = createWebhookControl(deps);

  let liveTimer: NodeJS.Timeout | null = null;
  const liveContexts = [...stores.values()];
  let liveTurn = 0;
  const startLive = (ratePerSecond: number): void => {
    stopLive();
    if (!(ratePerSecond > 0)) return;
    liveTimer = setInterval(
      () => {
        const context = liveContexts[liveTurn++ % liveContexts.length] as ShopContext;
        try {
          log(`live ${context.shop.domain}: ${context.ops.randomActivity()}`);
        } catch (error) {
          log(`live ${context.shop.domain}: ${(error as Error).message}`);
        }
      },
      Math.max(1, Math.round(1000 / ratePerSecond)),
    );
    liveTimer.unref();
  };
  const stopLive = (): void => {
    if (liveTimer) clearInterval(liveTimer);
    liveTimer = null;
  };

  const host = options.host ?? '127.0.0.1';
  let baseUrl = '';

  const appLoadQuery = (shop: string, loadOptions: { embedded?: boolean } = {}): URLSearchParams => {
    const params: Record<string, string> = { shop, host: hostParam(shop), timestamp: String(Math.floor(Date.now() / 1000)) };
    if (loadOptions.embedded ?? true) {
      params.embedded = '1';
      params.id_token = auth.mintSessionToken(shop);
      params.session = randomHex(32);
      params.locale = 'en';
    }
    return withAdminHmac(apiSecret, params);
  };

  const server = createServer(
    createRequestHandler({
      stores,
      auth,
      webhooks,
      control,
      webhookControl,
      apiKey,
      apiVersion,
      autoApprove,
      redirectUrls: options.redirectUrls ?? null,
      appLoadQuery: (shop) => appLoadQuery(shop),
      startLive,
      stopLive,
      baseUrl: () => baseUrl,
      shops: () => handle.shops,
      log,
    }),
  );
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  const emulatorFetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const original = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
    if (stores.has(original.hostname)) {
      headers.set('X-Forwarded-Host', original.hostname);
      const target = `${baseUrl}${original.pathname}${original.search}`;
      return fetch(target, { ...init, headers, redirect: init?.redirect ?? 'manual' });
    }
    return fetch(input, init);
  }) as typeof fetch;

  const handle: ShopifyEmulator = {
    url: baseUrl,
    port,
    apiKey,
    apiSecret,
    apiVersion,
    shops: [...stores.values()].map(({ shop }) => ({
      domain: shop.domain,
      baseUrl: `${baseUrl}/shops/${shop.domain}`,
      name: shop.name,
      id: gid('shop', shop.id),
      adminUrl: `${baseUrl}/_emulator/admin?shop=${shop.domain}`,
      locations: shop.locations.map((location) => ({ id: gid('location', location.id), name: location.name })),
      owner: { id: shop.owner.id, email: shop.owner.email },
    })),
    fetch: emulatorFetch,
    mintSessionToken: (shop, tokenOptions) => {
      shopContext(shop);
      return auth.mintSessionToken(shop, tokenOptions);
    },
    issueAccessToken: (shop, tokenOptions) => {
      shopContext(shop);
      return auth.issue(shop, tokenOptions) as { access_token: string; scope: string };
    },
    appLoadQuery,
    control,
    webhooks: webhookControl,
    startLive,
    stopLive,
    close: async () => {
      stopLive();
      webhooks.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
  if (options.liveRatePerSecond) startLive(options.liveRatePerSecond);
  log(`shopify emulator on ${baseUrl} (${stores.size} shops, seed ${seed})`);
  return handle;
}
