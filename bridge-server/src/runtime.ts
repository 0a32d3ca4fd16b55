import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { createApp, type AppOptions } from './api/app.ts';
import type { AppContext } from './api/context.ts';
import { AccessTokens } from './auth/access-tokens.ts';
import { SessionService } from './auth/session-service.ts';
import type { Config } from './config/env.ts';
import { openDatabase, type Database } from './db/database.ts';
import { migrate } from './db/migrator.ts';
import { assertAppRole } from './db/principal.ts';
import { StoreService } from './domain/stores/store-service.ts';
import { StoreDirectory } from './ingest/store-directory.ts';
import { WebhookInbox } from './ingest/webhook-inbox.ts';
import { createLogger } from './logger.ts';
import { KeyRing } from './security/key-ring.ts';
import { createOutboundGuard } from './security/outbound-guard.ts';
import { createShopifyApp } from './platforms/shopify/shopify-app.ts';
import type { ConnectorDeps } from './platforms/registry.ts';
import { ShopifyTokenService } from './platforms/shopify/shopify-token-service.ts';
import { VERSION } from './version.ts';
import { createSyncRunner } from './sync/create-sync-runner.ts';
import { DEFAULT_RECONCILE_EVERY_MS, type SyncRunner } from './sync/sync-runner.ts';
import { DEFAULT_SWEEP } from './sync/inbox-sweeper.ts';

export interface Runtime {
  ctx: AppContext;
  close(): Promise<void>;
}

/** Builds the shared context: database, Redis (when configured), key ring, services. */
export async function createRuntime(
  config: Config,
  options: {
    logger?: Logger;
    migrate?: boolean;
    db?: Database;
    enqueueApply?: AppContext['ingest']['enqueueApply'];
    /** By default chosen from the configuration (see createSyncRunner). */
    sync?: SyncRunner;
  } = {},
): Promise<Runtime> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const db =
    options.db ??
    (await openDatabase({
      databaseUrl: config.databaseUrl,
      appDatabaseUrl: config.appDatabaseUrl,
      dataDir: config.dataDir,
      onNotice: (message) => logger.debug({ notice: message }, 'database notice'),
    }));
  try {
    if (options.migrate) {
      const result = await migrate(db.owner, { log: (line) => logger.info(line) });
      logger.info({ applied: result.applied.length, total: result.applied.length + result.alreadyApplied.length }, 'migrations');
    }
    await assertAppRole(db);
    const redis = config.redisUrl
      ? new Redis(config.redisUrl, { maxRetriesPerRequest: 2, enableOfflineQueue: false, lazyConnect: true })
      : undefined;
    if (redis) {
      redis.on('error', (error) => logger.warn({ err: error }, 'redis error'));
      await redis.connect();
    }
    const keyRing = new KeyRing(config.keyRing);
    const accessTokens = new AccessTokens(config.jwtSecret);
    const stores = new StoreService(keyRing);
    const shopifyApp = config.shopify
      ? createShopifyApp({ apiKey: config.shopify.apiKey, apiSecret: config.shopify.apiSecret, publicUrl: config.publicUrl })
      : undefined;
    const adminBaseUrl = config.shopify?.adminBaseUrl;
    const sync =
      options.sync ?? (await createSyncRunner(config, db, (error, source) => logger.warn({ err: error, source }, 'queue error')));
    const ctx: AppContext = {
      config,
      db,
      keyRing,
      outbound: createOutboundGuard({ allowHosts: config.outboundAllowHosts }),
      logger,
      redis,
      accessTokens,
      sessions: new SessionService(db, accessTokens, keyRing),
      stores,
      shopify: shopifyApp && {
        app: shopifyApp,
        tokens: new ShopifyTokenService({ db, stores, shopify: shopifyApp }),
        shopBaseUrl: adminBaseUrl ? (shop: string) => adminBaseUrl.replace('{shop}', shop) : undefined,
      },
      sync,
      ingest: {
        directory: new StoreDirectory(db, stores),
        inbox: new WebhookInbox(db),
        enqueueApply: options.enqueueApply ?? ((job) => sync.enqueueApply(job)),
      },
      version: VERSION,
      startedAt: Date.now(),
    };
    return {
      ctx,
      close: async () => {
        await sync.close();
        redis?.disconnect();
        if (!options.db) await db.close();
      },
    };
  } catch (error) {
    if (!options.db) await db.close();
    throw error;
  }
}

export interface RunningServer {
  server: Server;
  url: string;
  close(): Promise<void>;
}

export async function listen(ctx: AppContext, port: number, host: string, appOptions?: AppOptions): Promise<RunningServer> {
  const server = createServer(createApp(ctx, appOptions));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  return {
    server,
    url: `http://${shownHost}:${address.port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
      }),
  };
}

/** What opening a store's connector needs, from the app context. */
export function connectorDeps(ctx: AppContext): ConnectorDeps {
  return {
    db: ctx.db,
    stores: ctx.stores,
    outbound: ctx.outbound,
    shopify: ctx.shopify?.tokens.connectorFactory({ shopBaseUrl: ctx.shopify.shopBaseUrl }),
  };
}

/** Runs the sync workers (apply, sync, push, maintenance) of this process's runner. */
export async function startSyncWorkers(
  ctx: AppContext,
  options: { reconcileEveryMs?: number; sweepEveryMs?: number; sweepOlderThanSeconds?: number } = {},
): Promise<void> {
  await ctx.sync.startWorkers({
    db: ctx.db,
    logger: ctx.logger,
    connectors: connectorDeps(ctx),
    reconcileEveryMs: options.reconcileEveryMs ?? DEFAULT_RECONCILE_EVERY_MS,
    sweep: {
      ...DEFAULT_SWEEP,
      ...(options.sweepOlderThanSeconds === undefined ? {} : { olderThanSeconds: options.sweepOlderThanSeconds }),
      everyMs: options.sweepEveryMs ?? 30_000,
    },
  });
}
