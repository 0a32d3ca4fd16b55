import { parseArgs } from 'node:util';
import { passwordProblem } from '../auth/password-policy.ts';
import { rotateTotpSecrets } from '../auth/session-service.ts';
import { ConfigError, loadConfig, type Config } from '../config/env.ts';
import { openDatabase } from '../db/database.ts';
import { migrate } from '../db/migrator.ts';
import { systemPrincipal, withPrincipal } from '../db/principal.ts';
import { StoreService } from '../domain/stores/store-service.ts';
import { createOrganization, EmailTakenError } from '../domain/users/user-service.ts';
import { createRuntime, listen, startSyncWorkers } from '../runtime.ts';
import { KeyRing } from '../security/key-ring.ts';
import { closeServer, shutDown, untilSignal } from './shutdown.ts';

const USAGE = `Usage: dockhand <command> [options]

Commands:
  migrate                     apply pending database migrations (as the database owner)
  serve [--migrate]           run the HTTP API (PORT, default 8787); migrates first on embedded PGlite
  worker                      run the background sync workers
  create-org --name N --admin-email E --admin-password P
                              create an organization and its owner; prints {"orgId","userId"}
  rotate-keys                 re-encrypt store and TOTP secrets under the first key of DOCKHAND_KEYS

Environment: DATABASE_URL, DATABASE_APP_URL, REDIS_URL, PORT, HOST, PUBLIC_URL, DOCKHAND_KEYS,
DOCKHAND_JWT_SECRET, SHOPIFY_API_KEY, SHOPIFY_API_SECRET (see README.md).`;

class UsageError extends Error {}

function fail(message: string): never {
  process.stderr.write(`dockhand: ${message}\n`);
  process.exit(1);
}

function config(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      for (const problem of error.problems) process.stderr.write(`dockhand: ${problem}\n`);
      process.exit(1);
    }
    throw error;
  }
}

/** Only the database settings: migrate and create-org need no secrets. */
function databaseOptions() {
  const databaseUrl = process.env['DATABASE_URL'] || undefined;
  return {
    databaseUrl,
    appDatabaseUrl: process.env['DATABASE_APP_URL'] || undefined,
    dataDir: process.env['DOCKHAND_DATA_DIR'] || '.dockhand',
  };
}

async function commandMigrate(): Promise<void> {
  const db = await openDatabase(databaseOptions());
  try {
    const result = await migrate(db.owner, { log: (line) => process.stderr.write(`${line}\n`) });
    process.stdout.write(
      `${JSON.stringify({ applied: result.applied, alreadyApplied: result.alreadyApplied.length, database: db.description })}\n`,
    );
  } finally {
    await db.close();
  }
}

async function commandCreateOrg(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { name: { type: 'string' }, 'admin-email': { type: 'string' }, 'admin-password': { type: 'string' } },
    strict: true,
  });
  const name = values.name?.trim();
  const email = values['admin-email']?.trim();
  const password = values['admin-password'];
  if (!name || !email || !password) throw new UsageError('create-org needs --name, --admin-email and --admin-password');
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw new UsageError(`--admin-email ${email} is not an email address`);
  const weakness = passwordProblem(password);
  if (weakness) throw new UsageError(`--admin-password ${weakness}`);
  const db = await openDatabase(databaseOptions());
  try {
    await migrate(db.owner);
    const created = await createOrganization(db, { name, adminEmail: email, adminPassword: password });
    process.stdout.write(`${JSON.stringify(created)}\n`);
  } catch (error) {
    if (error instanceof EmailTakenError) fail(error.message);
    throw error;
  } finally {
    await db.close();
  }
}

async function commandServe(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { migrate: { type: 'boolean' } }, strict: true });
  const cfg = config();
  // Handlers first: a SIGTERM sent as soon as "listening" is read must not meet the default action.
  const stopping = untilSignal();
  const runtime = await createRuntime(cfg, { migrate: values.migrate === true || !cfg.databaseUrl });
  const server = await listen(runtime.ctx, cfg.port, cfg.host).catch(async (error: NodeJS.ErrnoException) => {
    await runtime.close();
    if (error.code === 'EADDRINUSE') fail(`port ${cfg.port} is already in use; set PORT to another one`);
    throw error;
  });
  // PGlite serves one process: its sync work runs here, in-process, over the durable tables.
  if (runtime.ctx.sync.kind === 'embedded') await startSyncWorkers(runtime.ctx);
  runtime.ctx.logger.info({ url: server.url, database: runtime.ctx.db.description, queue: runtime.ctx.sync.kind }, 'listening');
  const signal = await stopping;
  runtime.ctx.logger.info({ signal }, 'shutting down');
  process.exit(
    await shutDown(runtime.ctx.logger, cfg.shutdownGraceMs, async () => {
      await closeServer(server, cfg.shutdownGraceMs);
      await runtime.close();
    }),
  );
}

async function commandWorker(): Promise<void> {
  const cfg = config();
  if (!cfg.databaseUrl) fail('the worker needs DATABASE_URL: with embedded PGlite, `dockhand serve` runs the sync work itself');
  const stopping = untilSignal();
  const runtime = await createRuntime(cfg);
  await startSyncWorkers(runtime.ctx);
  runtime.ctx.logger.info({ queue: runtime.ctx.sync.kind }, 'worker started');
  const signal = await stopping;
  runtime.ctx.logger.info({ signal }, 'worker stopping; letting running jobs finish');
  process.exit(await shutDown(runtime.ctx.logger, cfg.shutdownGraceMs, () => runtime.close()));
}

async function commandRotateKeys(): Promise<void> {
  const cfg = config();
  const db = await openDatabase({ databaseUrl: cfg.databaseUrl, appDatabaseUrl: cfg.appDatabaseUrl, dataDir: cfg.dataDir });
  try {
    const keyRing = new KeyRing(cfg.keyRing);
    const stores = new StoreService(keyRing);
    const orgs = await db.owner<{ id: string }[]>`select id from organizations order by id`;
    let resealed = 0;
    let totpSecrets = 0;
    for (const org of orgs) {
      await withPrincipal(db, systemPrincipal(org.id, 'rotate-keys'), async (tx) => {
        resealed += await stores.rotateSecrets(tx);
        totpSecrets += await rotateTotpSecrets(tx, keyRing);
      });
    }
    process.stdout.write(`${JSON.stringify({ organizations: orgs.length, resealed, totpSecrets })}\n`);
  } finally {
    await db.close();
  }
}

async function main(argv: string[]): Promise<void> {
  const [command, ...args] = argv;
  switch (command) {
    case 'migrate':
      return commandMigrate();
    case 'serve':
      return commandServe(args);
    case 'worker':
      return commandWorker();
    case 'demo':
      // The demo (emulated stores included) is its own package, so the server carries none of it.
      return fail('the demo moved out of the server: run `npm start`, or `dockhand-demo` from @dockhand/embed-demo');
    case 'create-org':
      return commandCreateOrg(args);
    case 'rotate-keys':
      return commandRotateKeys();
    case undefined:
    case '--help':
    case '-h':
    case 'help':
      process.stdout.write(`${USAGE}\n`);
      return;
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    process.stderr.write(`dockhand: ${(error as Error).message}\n\n${USAGE}\n`);
    process.exit(2);
  }
  process.stderr.write(`dockhand: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
