import { parseArgs } from 'node:util';
import {
  closeServer,
  ConfigError,
  createOrganization,
  createRuntime,
  listen,
  loadConfig,
  parseAllowHosts,
  setMemberPassword,
  shutDown,
  startSyncWorkers,
  systemPrincipal,
  untilSignal,
  withPrincipal,
} from '@dockhand/bridge-server';
import { consoleAvailable, startConsoleServer, type ConsoleServer } from './console-server.ts';
import { loadOrCreateDemoSecrets } from './demo-secrets.ts';
import { startDemoEmulators, startDemoStores, type DemoEmulators } from './demo-stores.ts';

export const DEMO_ADMIN_EMAIL = 'admin@demo.dockhand.test';

/** The demo listens on this machine only unless HOST says otherwise. */
export const DEMO_DEFAULT_HOST = '127.0.0.1';

/**
 * `npm start`: migrations, the API and a demo organization, on PGlite under .dockhand/ unless
 * DATABASE_URL is set. Secrets missing from the environment (the admin's password included) are
 * made once at random and kept there, private to the user.
 */
export async function runDemo(args: string[]): Promise<void> {
  parseArgs({ args, options: {}, strict: true });
  // Handlers first: a SIGTERM sent as soon as the banner is read must not meet the default action.
  const stopping = untilSignal();
  const dataDir = process.env['DOCKHAND_DATA_DIR'] || '.dockhand';
  const { secrets, file: secretsFile, created } = await loadOrCreateDemoSecrets(dataDir);
  const withStores = process.env['DOCKHAND_DEMO_STORES'] !== '0';
  const emulators: DemoEmulators | undefined = withStores
    ? await startDemoEmulators(secrets, { shopify: !process.env['SHOPIFY_API_KEY'] })
    : undefined;
  let config;
  try {
    config = loadConfig({
      DOCKHAND_KEYS: secrets.DOCKHAND_KEYS,
      DOCKHAND_JWT_SECRET: secrets.DOCKHAND_JWT_SECRET,
      HOST: DEMO_DEFAULT_HOST,
      ...emulators?.env,
      ...process.env,
      // The emulated stores listen on loopback: the SSRF guard lets through exactly their
      // ports, and whatever the user allowed too; every other local port stays refused.
      DOCKHAND_OUTBOUND_ALLOW_HOSTS: [
        ...(emulators?.allowHosts ?? []),
        ...parseAllowHosts(process.env['DOCKHAND_OUTBOUND_ALLOW_HOSTS']),
      ].join(','),
      DOCKHAND_DATA_DIR: dataDir,
    });
  } catch (error) {
    await emulators?.close();
    if (error instanceof ConfigError) throw new Error(error.problems.join('; '));
    throw error;
  }
  const runtime = await createRuntime(config, { migrate: true }).catch(async (error: unknown) => {
    await emulators?.close();
    throw error;
  });
  const { ctx } = runtime;
  const [existing] = await ctx.db.app<
    { org_id: string; user_id: string }[]
  >`select org_id, user_id from dockhand.login_lookup(${DEMO_ADMIN_EMAIL})`;
  if (existing && created.has('adminPassword')) {
    // A data folder from a demo that used a fixed, published password: replace it.
    await withPrincipal(ctx.db, systemPrincipal(existing.org_id, 'demo'), (tx) =>
      setMemberPassword(tx, existing.user_id, secrets.adminPassword),
    );
  }
  const orgId =
    existing?.org_id ??
    (
      await createOrganization(ctx.db, {
        name: 'Demo Fulfillment Co.',
        adminEmail: DEMO_ADMIN_EMAIL,
        adminPassword: secrets.adminPassword,
      })
    ).orgId;
  await startSyncWorkers(ctx);
  const server = await listen(ctx, config.port, config.host).catch(async (error: NodeJS.ErrnoException) => {
    await runtime.close();
    await emulators?.close();
    if (error.code === 'EADDRINUSE') throw new Error(`port ${config.port} is already in use; set PORT to another one`);
    throw error;
  });
  const stores = emulators ? await startDemoStores(ctx, orgId, server.url, emulators) : undefined;
  // The console on the next port (or any free one), forwarding the API so both share an origin.
  const consoleServer: ConsoleServer | undefined = consoleAvailable()
    ? await startConsoleServer({ apiUrl: server.url, port: config.port === 0 ? 0 : config.port + 1, host: config.host })
    : undefined;
  const everywhere = config.host === '0.0.0.0' || config.host === '::';
  const lines = [
    '',
    'Dockhand demo is running',
    `  API        ${server.url}${everywhere ? `  (HOST=${config.host}: reachable from your network)` : ''}`,
    `  Health     ${server.url}/health`,
    ...(consoleServer ? [`  Console    ${consoleServer.url}/  (the fulfillment console: sign in as below)`] : []),
    `  OpenAPI    ${server.url}/v1/openapi.json`,
    `  Sign in    POST ${server.url}/v1/auth/login  {"email":"${DEMO_ADMIN_EMAIL}","password":"${secrets.adminPassword}"}`,
    `  Secrets    ${secretsFile} (made on first start, private to you)`,
    `  Database   ${ctx.db.description}`,
    `  Sync       ${{ redis: 'BullMQ on Redis', postgres: 'BullMQ on PostgreSQL', embedded: 'in-process, over the database (no queue service)' }[ctx.sync.kind]}`,
    ...(stores?.lines ?? []),
    '  Stop with Ctrl+C; data is kept for the next start.',
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  await stopping;
  process.exit(
    await shutDown(ctx.logger, config.shutdownGraceMs, async () => {
      // The emulators go last: a sync task still running finishes against them instead of
      // retrying against closed ports until the grace period is over.
      await consoleServer?.close();
      await closeServer(server, config.shutdownGraceMs);
      await runtime.close();
      await emulators?.close();
    }),
  );
}
