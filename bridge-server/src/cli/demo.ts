import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config/env.ts';
import { createOrganization } from '../domain/users/user-service.ts';
import { createRuntime, listen, startSyncWorkers } from '../runtime.ts';
import { loadOrCreateDemoSecrets } from './demo-secrets.ts';
import { startDemoShopify, startDemoStores } from './demo-stores.ts';

export const DEMO_ADMIN = { email: 'admin@demo.dockhand.test', password: 'dockhand-demo-admin' } as const;

/**
 * `npm start`: migrations, the API and a demo organization, on PGlite under .dockhand/ unless
 * DATABASE_URL is set. Secrets missing from the environment are made once and kept there.
 */
export async function runDemo(args: string[]): Promise<void> {
  parseArgs({ args, options: {}, strict: true });
  const dataDir = process.env['DOCKHAND_DATA_DIR'] || '.dockhand';
  const secrets = await loadOrCreateDemoSecrets(dataDir);
  const withStores = process.env['DOCKHAND_DEMO_STORES'] !== '0';
  // An emulated Shopify app stands in unless a real one is configured.
  const shopify = withStores && !process.env['SHOPIFY_API_KEY'] ? await startDemoShopify() : undefined;
  let config;
  try {
    // The emulated stores listen on loopback: let the SSRF guard through to them.
    config = loadConfig({
      ...secrets,
      DOCKHAND_OUTBOUND_ALLOW_HOSTS: '127.0.0.1:*,localhost:*',
      ...shopify?.env,
      ...process.env,
      DOCKHAND_DATA_DIR: dataDir,
    });
  } catch (error) {
    if (error instanceof ConfigError) throw new Error(error.problems.join('; '));
    throw error;
  }
  const runtime = await createRuntime(config, { migrate: true });
  const { ctx } = runtime;
  const [existing] = await ctx.db.app<{ org_id: string }[]>`select org_id from dockhand.login_lookup(${DEMO_ADMIN.email})`;
  const orgId =
    existing?.org_id ??
    (
      await createOrganization(ctx.db, {
        name: 'Demo Fulfillment Co.',
        adminEmail: DEMO_ADMIN.email,
        adminPassword: DEMO_ADMIN.password,
      })
    ).orgId;
  await startSyncWorkers(ctx);
  const server = await listen(ctx, config.port, config.host).catch(async (error: NodeJS.ErrnoException) => {
    await runtime.close();
    if (error.code === 'EADDRINUSE') throw new Error(`port ${config.port} is already in use; set PORT to another one`);
    throw error;
  });
  const stores = withStores ? await startDemoStores(ctx, orgId, server.url, shopify?.emulator) : undefined;
  const lines = [
    '',
    'Dockhand demo is running',
    `  API        ${server.url}`,
    `  Health     ${server.url}/health`,
    `  OpenAPI    ${server.url}/v1/openapi.json`,
    `  Sign in    POST ${server.url}/v1/auth/login  {"email":"${DEMO_ADMIN.email}","password":"${DEMO_ADMIN.password}"}`,
    `  Database   ${ctx.db.description}`,
    `  Sync       ${{ redis: 'BullMQ on Redis', postgres: 'BullMQ on PostgreSQL', embedded: 'in-process, over the database (no queue service)' }[ctx.sync.kind]}`,
    ...(stores?.lines ?? []),
    '  Stop with Ctrl+C; data is kept for the next start.',
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  await new Promise<void>((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve());
  });
  await stores?.close();
  await shopify?.emulator.close();
  await server.close();
  await runtime.close();
}
