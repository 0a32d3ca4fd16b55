import postgres, { type Options, type Sql } from 'postgres';
import type { EmbeddedPostgres } from './embedded.ts';
import { PipelinedReader } from './pipelined-reader.ts';
import { DEFAULT_DB_TIMEOUTS, timeoutParameters, type DatabaseTimeouts } from './timeouts.ts';

export const APP_ROLE = 'dockhand_app';

export interface Database {
  /** The owner's connection: migrations and operator tooling. Never used for request-time work. */
  readonly owner: Sql;
  /** The app role's pool: every request-time query runs here, through withPrincipal. */
  readonly app: Sql;
  /**
   * On a PostgreSQL server, a second pool on the app role for readWithPrincipal's
   * one-round-trip reads. Absent on PGlite, which serves one connection.
   */
  readonly reader?: PipelinedReader;
  /**
   * /health's own connection on the app role, outside the pools a stuck request can fill, with
   * short timeouts of its own. On PGlite, the one shared connection.
   */
  readonly health: Sql;
  readonly kind: 'postgres' | 'pglite';
  /** Where the data lives, for messages (the URL without password, or the PGlite folder). */
  readonly description: string;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** The owner's URL. Without it an embedded PGlite under `dataDir` is used. */
  databaseUrl?: string | undefined;
  /** The app role's URL; by default the owner's URL with the user changed to dockhand_app. */
  appDatabaseUrl?: string | undefined;
  dataDir: string;
  appPoolSize?: number;
  /** Limits on the app role's sessions; default {@link DEFAULT_DB_TIMEOUTS}. Not applied on PGlite. */
  timeouts?: DatabaseTimeouts | undefined;
  onNotice?: (message: string) => void;
}

const commonOptions = (onNotice: DatabaseOptions['onNotice']): Options<Record<string, never>> => ({
  onnotice: (notice) => onNotice?.(String(notice['message'] ?? '')),
  connection: { application_name: 'dockhand' },
});

/** How long opening a connection may take before the request fails (503) instead of waiting. */
export const CONNECT_TIMEOUT_SECONDS = 5;

/** The health connection answers within this or counts as down. */
export const HEALTH_TIMEOUTS: Readonly<DatabaseTimeouts> = Object.freeze({
  statementTimeoutMs: 1_000,
  lockTimeoutMs: 500,
  idleInTransactionTimeoutMs: 1_000,
});

export function appUrlFor(ownerUrl: string): string {
  const url = new URL(ownerUrl);
  url.username = APP_ROLE;
  url.password = '';
  return url.toString();
}

export function redactUrl(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  if (url.password) url.password = '***';
  return url.toString();
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.databaseUrl) {
    const owner = postgres(options.databaseUrl, { ...commonOptions(options.onNotice), max: 2 });
    const appUrl = options.appDatabaseUrl ?? appUrlFor(options.databaseUrl);
    const timeouts = options.timeouts ?? DEFAULT_DB_TIMEOUTS;
    const app = postgres(appUrl, {
      ...commonOptions(options.onNotice),
      max: options.appPoolSize ?? 10,
      connect_timeout: CONNECT_TIMEOUT_SECONDS,
      connection: { application_name: 'dockhand', ...timeoutParameters(timeouts) },
    });
    const reader = new PipelinedReader(appUrl, {
      max: options.appPoolSize ?? 10,
      applicationName: 'dockhand',
      timeouts,
      connectTimeoutMs: CONNECT_TIMEOUT_SECONDS * 1000,
      onError: options.onNotice,
    });
    const health = postgres(appUrl, {
      ...commonOptions(options.onNotice),
      max: 1,
      connect_timeout: 2,
      connection: { application_name: 'dockhand-health', ...timeoutParameters(HEALTH_TIMEOUTS) },
    });
    return {
      owner,
      app,
      reader,
      health,
      kind: 'postgres',
      description: redactUrl(options.databaseUrl),
      close: async () => {
        await Promise.all([owner.end({ timeout: 5 }), app.end({ timeout: 5 }), health.end({ timeout: 1 }), reader.end()]);
      },
    };
  }
  // Loaded only here, so a server on PostgreSQL never loads the embedded engine.
  const { startEmbeddedPostgres } = await import('./embedded.ts');
  const embedded: EmbeddedPostgres = await startEmbeddedPostgres(options.dataDir);
  // PGlite runs one backend: with several client connections it would interleave the
  // statements of different transactions, so the whole process shares one connection.
  // withPrincipal() still drops to the app role inside every transaction.
  const sql = postgres(embedded.url, { ...commonOptions(options.onNotice), max: 1 });
  return {
    owner: sql,
    app: sql,
    health: sql,
    kind: 'pglite',
    description: `PGlite at ${embedded.dataDir}`,
    close: async () => {
      await sql.end({ timeout: 5 });
      await embedded.stop();
    },
  };
}
