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
  /**
   * LISTENs on a channel on a connection of its own (on PGlite, the one shared connection),
   * reconnecting when it drops. See {@link ListenHandlers}.
   */
  listen(channel: string, handlers: ListenHandlers): Promise<Listener>;
  close(): Promise<void>;
}

export interface ListenHandlers {
  onNotify(payload: string): void;
  /**
   * The LISTEN is in place: once at the start and again after every reconnection. Whatever
   * was notified while it was not is lost, so the caller re-reads here.
   */
  onListening(): void;
  /** A failed (re)connection; it is retried with backoff. */
  onError?(error: unknown): void;
}

export interface Listener {
  /** Stops listening and closes the listening connection. */
  close(): Promise<void>;
}

/** How often the listening connection is checked, so a dead one is noticed and replaced. */
export const LISTEN_PING_MS = 30_000;

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

/**
 * Where a URL says to connect, read the way libpq (and node-postgres, the read pool) reads it: a
 * `host` query parameter wins over the URL's host, and a host that starts with `/` is the
 * directory of the server's Unix socket, which may also be written percent-encoded as the URL's
 * host (`postgres://dockhand@%2Fvar%2Frun%2Fpostgresql/dockhand`). A `port` parameter wins
 * likewise. postgres.js reads neither parameter from the URL (it would send them to the server
 * as settings, which refuses them) nor an encoded path (it would look it up as a host name), so
 * they are taken out of the URL and passed as its options.
 */
export function libpqTarget(databaseUrl: string): { url: string; host?: string; port?: number } {
  const url = new URL(databaseUrl);
  const host = url.searchParams.get('host') ?? (/^%2f/i.test(url.hostname) ? decodeURIComponent(url.hostname) : null);
  const port = url.searchParams.get('port');
  if (port !== null && !/^\d{1,5}$/.test(port)) throw new Error(`The database URL's port parameter is not a port: ${port}`);
  url.searchParams.delete('host');
  url.searchParams.delete('port');
  return {
    url: host === null && port === null ? databaseUrl : url.toString(),
    ...(host === null ? {} : { host }),
    ...(port === null ? {} : { port: Number(port) }),
  };
}

/** A postgres.js pool on a URL, which may name a Unix socket as libpq does (see libpqTarget). */
export function connectPostgres(databaseUrl: string, options: Options<Record<string, never>>): Sql {
  const { url, ...target } = libpqTarget(databaseUrl);
  return postgres(url, { ...options, ...target });
}

export function redactUrl(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  if (url.password) url.password = '***';
  return url.toString();
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.databaseUrl) {
    const owner = connectPostgres(options.databaseUrl, { ...commonOptions(options.onNotice), max: 2 });
    const appUrl = options.appDatabaseUrl ?? appUrlFor(options.databaseUrl);
    const timeouts = options.timeouts ?? DEFAULT_DB_TIMEOUTS;
    const app = connectPostgres(appUrl, {
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
    const health = connectPostgres(appUrl, {
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
      listen: (channel, handlers) => listenOnServer(appUrl, channel, handlers),
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
  const embeddedListeners = new Map<string, Set<ListenHandlers>>();
  const sql = postgres(embedded.url, {
    ...commonOptions(options.onNotice),
    max: 1,
    ...notificationOption((channel, payload) => {
      for (const handlers of embeddedListeners.get(channel) ?? []) handlers.onNotify(payload);
    }),
  });
  return {
    owner: sql,
    app: sql,
    health: sql,
    kind: 'pglite',
    description: `PGlite at ${embedded.dataDir}`,
    listen: (channel, handlers) => listenOnEmbedded(sql, embeddedListeners, channel, handlers),
    close: async () => {
      await sql.end({ timeout: 5 });
      await embedded.stop();
    },
  };
}

/**
 * The driver's per-connection notification hook. It is what `sql.listen` is built on, but not in
 * the driver's option types.
 */
function notificationOption(onNotify: (channel: string, payload: string) => void): Record<string, never> {
  return { onnotify: onNotify } as unknown as Record<string, never>;
}

const quoteIdentifier = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * One connection of its own that only LISTENs. The driver reconnects a closed connection on
 * its next query; this re-issues the LISTEN when the connection closes (and retries with
 * backoff while the server is away), pings it so a dead one is noticed, and reports every
 * new LISTEN so the caller catches up on what it missed.
 */
async function listenOnServer(url: string, channel: string, handlers: ListenHandlers): Promise<Listener> {
  let closed = false;
  let listening: Promise<void> | undefined;
  let retry: NodeJS.Timeout | undefined;
  let failures = 0;
  const sql = connectPostgres(url, {
    max: 1,
    idle_timeout: 0,
    max_lifetime: null,
    fetch_types: false,
    connect_timeout: CONNECT_TIMEOUT_SECONDS,
    onnotice: () => {},
    connection: { application_name: 'dockhand-listen' },
    onclose: () => {
      if (!closed) relisten();
    },
    ...notificationOption((notified, payload) => {
      if (notified === channel) handlers.onNotify(payload);
    }),
  });
  const listenOnce = async () => {
    await sql.unsafe(`listen ${quoteIdentifier(channel)}`);
    failures = 0;
    if (!closed) handlers.onListening();
  };
  function relisten(): void {
    if (closed || listening || retry) return;
    listening = listenOnce()
      .catch((error: unknown) => {
        failures++;
        handlers.onError?.(error);
        const delay = Math.min(5_000, 100 * 2 ** Math.min(failures, 6));
        retry = setTimeout(() => {
          retry = undefined;
          relisten();
        }, delay);
        retry.unref();
      })
      .finally(() => {
        listening = undefined;
      });
  }
  await listenOnce();
  const ping = setInterval(() => {
    // A failure closes the connection, and onclose listens again.
    sql`select 1`.catch(() => {});
  }, LISTEN_PING_MS);
  ping.unref();
  return {
    close: async () => {
      closed = true;
      clearInterval(ping);
      clearTimeout(retry);
      await sql.end({ timeout: 1 });
    },
  };
}

/**
 * PGlite runs one backend, shared by every connection to it: a NOTIFY committed through the
 * one connection comes back on it (PostgreSQL delivers a session's notifications to itself),
 * and the LISTEN outlives a reconnection of the socket.
 */
async function listenOnEmbedded(
  sql: Sql,
  listeners: Map<string, Set<ListenHandlers>>,
  channel: string,
  handlers: ListenHandlers,
): Promise<Listener> {
  const forChannel = listeners.get(channel) ?? new Set<ListenHandlers>();
  listeners.set(channel, forChannel);
  forChannel.add(handlers);
  await sql.unsafe(`listen ${quoteIdentifier(channel)}`);
  handlers.onListening();
  return {
    close: async () => {
      forChannel.delete(handlers);
      if (forChannel.size === 0) {
        listeners.delete(channel);
        await sql.unsafe(`unlisten ${quoteIdentifier(channel)}`).catch(() => {});
      }
    },
  };
}
