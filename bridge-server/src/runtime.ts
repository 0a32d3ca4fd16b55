import { createServer, type Server } from 'node:http';
import type { Redis } from 'ioredis';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { createApp, type AppOptions } from './api/app.ts';
import { createHttpMetrics, metricsOnlyApp } from './api/metrics.ts';
import type { AppContext } from './api/context.ts';
import { AccessTokens } from './auth/access-tokens.ts';
import { SelectionTokens } from './auth/selection-tokens.ts';
import { SessionService } from './auth/session-service.ts';
import { SignInThrottle } from './auth/sign-in-throttle.ts';
import type { Config } from './config/env.ts';
import { openDatabase, type Database } from './db/database.ts';
import { migrate, pendingMigrations, PendingMigrationsError } from './db/migrator.ts';
import { assertAppRole } from './db/principal.ts';
import { StoreService } from './domain/stores/store-service.ts';
import { StoreDirectory } from './ingest/store-directory.ts';
import { WebhookInbox } from './ingest/webhook-inbox.ts';
import { createLogger } from './logger.ts';
import { connectRedis } from './redis.ts';
import { KeyRing } from './security/key-ring.ts';
import { createOutboundGuard } from './security/outbound-guard.ts';
import { createShopifyApp } from './platforms/shopify/shopify-app.ts';
import type { ConnectorDeps } from './platforms/registry.ts';
import { ShopifyTokenService } from './platforms/shopify/shopify-token-service.ts';
import { VERSION } from './version.ts';
import { EventHub } from './realtime/event-hub.ts';
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
      timeouts: config.dbTimeouts,
      onNotice: (message) => logger.debug({ notice: message }, 'database notice'),
    }));
  let redis: Redis | undefined;
  try {
    if (options.migrate) {
      const result = await migrate(db.owner, { log: (line) => logger.info(line) });
      logger.info({ applied: result.applied.length, total: result.applied.length + result.alreadyApplied.length }, 'migrations');
    } else {
      // A schema older than the code answers 500s behind a healthy /health: refuse to start instead.
      const pending = await pendingMigrations(db.owner);
      if (pending.length > 0) throw new PendingMigrationsError(pending);
    }
    await assertAppRole(db);
    // Rate limits and /health: commands fail at once while Redis is away (no offline queue) and
    // within half a second when it hangs (Redis answers in well under a millisecond), so no
    // request waits on it.
    redis = config.redisUrl
      ? await connectRedis(config.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false, commandTimeout: 500 })
      : undefined;
    redis?.on('error', (error) => logger.warn({ err: error }, 'redis error'));
    const keyRing = new KeyRing(config.keyRing);
    const accessTokens = new AccessTokens(config.jwtSecret, db);
    const stores = new StoreService(keyRing);
    const shopifyApp = config.shopify
      ? createShopifyApp({
          apiKey: config.shopify.apiKey,
          apiSecret: config.shopify.apiSecret,
          publicUrl: config.publicUrl,
          adminBaseUrl: config.shopify.adminBaseUrl,
        })
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
      sessions: new SessionService(db, accessTokens, new SelectionTokens(config.jwtSecret), new SignInThrottle(db), keyRing),
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
      realtime: new EventHub(db, logger, {
        tickMs: config.events.heartbeatMs,
        retentionHours: config.events.retentionHours,
        streams: { perUser: config.events.streamsPerUser, perOrganization: config.events.streamsPerOrganization },
      }),
      version: VERSION,
      startedAt: Date.now(),
    };
    return {
      ctx,
      close: async () => {
        await ctx.realtime.close();
        await sync.close().catch((error: unknown) => logger.warn({ err: error }, 'closing the queues failed'));
        // Kept-alive connections to stores would otherwise hold the process for their idle timeout.
        await ctx.outbound.close().catch((error: unknown) => logger.warn({ err: error }, 'closing store connections failed'));
        redis?.disconnect();
        if (!options.db) await db.close();
      },
    };
  } catch (error) {
    redis?.disconnect();
    if (!options.db) await db.close();
    throw error;
  }
}

export interface RunningServer {
  server: Server;
  url: string;
  /** Where /metrics is served when DOCKHAND_METRICS_PORT is set. */
  metricsUrl: string | undefined;
  close(): Promise<void>;
}

async function bind(server: Server, port: number, host: string): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  return `http://${shownHost}:${address.port}`;
}

function closeServer(server: Server): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeIdleConnections();
  });
}

export async function listen(ctx: AppContext, port: number, host: string, appOptions?: AppOptions): Promise<RunningServer> {
  const metrics = appOptions?.metrics ?? createHttpMetrics();
  const server = createServer(createApp(ctx, { ...appOptions, metrics }));
  const url = await bind(server, port, host);
  const metricsPort = ctx.config.metrics.port;
  let metricsServer: Server | undefined;
  let metricsUrl: string | undefined;
  if (metricsPort !== undefined) {
    metricsServer = createServer(metricsOnlyApp(ctx.config.metrics, metrics.registry));
    metricsUrl = await bind(metricsServer, metricsPort, host).catch(async (error: unknown) => {
      await closeServer(server);
      throw error;
    });
  }
  // An HTTP server prunes the event outbox (one at a time across instances; see EventHub.startPruning).
  ctx.realtime.startPruning();
  return {
    server,
    url,
    metricsUrl,
    close: async () => {
      // Open event streams would keep the server from closing; their clients resume elsewhere.
      ctx.realtime.endStreams();
      await Promise.all([closeServer(server), metricsServer && closeServer(metricsServer)]);
    },
  };
}

/** What opening a store's connector needs, from the app context. */
export function connectorDeps(ctx: AppContext): ConnectorDeps {
  return {
    db: ctx.db,
    stores: ctx.stores,
    outbound: ctx.outbound,
    webhookBaseUrl: ctx.config.publicUrl,
    shopify: ctx.shopify?.tokens.connectorFactory({ shopBaseUrl: ctx.shopify.shopBaseUrl }),
  };
}

/** Runs the sync workers (apply, sync, push, maintenance) of this process's runner. */
export async function startSyncWorkers(
  ctx: AppContext,
  options: { reconcileEveryMs?: number; deletionsEveryMs?: number; sweepEveryMs?: number; sweepOlderThanSeconds?: number } = {},
): Promise<void> {
  await ctx.sync.startWorkers({
    db: ctx.db,
    logger: ctx.logger,
    connectors: connectorDeps(ctx),
    reconcileEveryMs: options.reconcileEveryMs ?? DEFAULT_RECONCILE_EVERY_MS,
    deletionsEveryMs: options.deletionsEveryMs,
    sweep: {
      ...DEFAULT_SWEEP,
      ...(options.sweepOlderThanSeconds === undefined ? {} : { olderThanSeconds: options.sweepOlderThanSeconds }),
      everyMs: options.sweepEveryMs ?? 30_000,
    },
  });
}
