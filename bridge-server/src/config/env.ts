import { z } from 'zod';
import { DEFAULT_DB_TIMEOUTS, type DatabaseTimeouts } from '../db/timeouts.ts';
import { invalidAllowHosts, parseAllowHosts } from '../security/outbound-guard.ts';
import { corsOriginsProblem, parseCorsOrigins } from '../api/cors.ts';

const postgresUrl = z
  .string()
  .refine((value) => /^postgres(ql)?:\/\//.test(value) && URL.canParse(value), 'must be a postgres:// URL');

const keyRingSpec = z.string().refine((value) => {
  try {
    parseKeyRingSpec(value);
    return true;
  } catch {
    return false;
  }
}, 'must be a comma-separated list of KEYID:BASE64KEY entries, each key 32 bytes (the first one encrypts)');

/** A whole number of milliseconds within bounds; the message names the unit and the range. */
/** A whole number of `unit` from `min` to `max`, each bound named with its unit when refused. */
const wholeNumber = (unit: { one: string; many: string }, min: number, max: number) =>
  z.coerce
    .number({ error: `must be a whole number of ${unit.many}` })
    .int(`must be a whole number of ${unit.many}`)
    .min(min, `must be at least ${min} (${min === 1 ? unit.one : unit.many})`)
    .max(max, `must be at most ${max} (${unit.many})`);

const milliseconds = (min: number, max: number) => wholeNumber({ one: 'millisecond', many: 'milliseconds' }, min, max);
const streamCount = (max: number) => wholeNumber({ one: 'stream', many: 'streams' }, 1, max);

/** One schema for the whole environment; the source of both the checks and the type. */
export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: postgresUrl.optional(),
  DATABASE_APP_URL: postgresUrl.optional(),
  REDIS_URL: z
    .string()
    .refine((value) => /^rediss?:\/\//.test(value) && URL.canParse(value), 'must be a redis:// URL')
    .optional(),
  PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  HOST: z.string().min(1).default('0.0.0.0'),
  PUBLIC_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  DOCKHAND_KEYS: keyRingSpec,
  DOCKHAND_JWT_SECRET: z.string().min(32, 'must be at least 32 characters'),
  DOCKHAND_DATA_DIR: z.string().min(1).default('.dockhand'),
  DOCKHAND_BODY_LIMIT: z
    .string()
    .regex(/^\d+(kb|mb)$/i, 'must look like 1mb or 512kb')
    .default('1mb'),
  DOCKHAND_OUTBOUND_ALLOW_HOSTS: z
    .string()
    .superRefine((value, check) => {
      const invalid = invalidAllowHosts(parseAllowHosts(value));
      if (invalid.length > 0) {
        check.addIssue({
          code: 'custom',
          message:
            `must list host, host:port or host:* entries, comma-separated, without a scheme ` +
            `(e.g. 127.0.0.1:8133,localhost:*,[::1]:8080); not valid: ${invalid.join(', ')}`,
        });
      }
    })
    .optional(),
  DOCKHAND_CORS_ORIGINS: z
    .string()
    .superRefine((value, check) => {
      const problem = corsOriginsProblem(parseCorsOrigins(value));
      if (problem) check.addIssue({ code: 'custom', message: problem });
    })
    .optional(),
  DOCKHAND_QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, 'must be letters, digits and underscores')
    .default('dockhand_queue'),
  DOCKHAND_JOB_LOCK_MS: z.coerce.number().int().min(1000).max(600_000).default(30_000),
  DOCKHAND_DB_STATEMENT_TIMEOUT_MS: milliseconds(100, 3_600_000).default(DEFAULT_DB_TIMEOUTS.statementTimeoutMs),
  DOCKHAND_DB_LOCK_TIMEOUT_MS: milliseconds(10, 600_000).default(DEFAULT_DB_TIMEOUTS.lockTimeoutMs),
  DOCKHAND_DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: milliseconds(1000, 3_600_000).default(
    DEFAULT_DB_TIMEOUTS.idleInTransactionTimeoutMs,
  ),
  DOCKHAND_SHUTDOWN_GRACE_MS: milliseconds(1000, 600_000).default(10_000),
  DOCKHAND_METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  DOCKHAND_METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  DOCKHAND_EVENT_RETENTION_HOURS: wholeNumber({ one: 'hour', many: 'hours' }, 1, 8760).default(24),
  DOCKHAND_STREAM_HEARTBEAT_MS: milliseconds(50, 300_000).default(15_000),
  DOCKHAND_STREAMS_PER_USER: streamCount(10_000).default(20),
  DOCKHAND_STREAMS_PER_ORG: streamCount(1_000_000).default(1000),
  SHOPIFY_API_KEY: z.string().min(1).optional(),
  SHOPIFY_API_SECRET: z.string().min(1).optional(),
  SHOPIFY_ADMIN_BASE_URL: z
    .string()
    .refine(
      (value) => value.includes('{shop}') && URL.canParse(value.replace('{shop}', 'x.myshopify.com')),
      'must be a URL containing {shop}',
    )
    .optional(),
});

export type Env = z.infer<typeof envSchema>;

export interface Config {
  env: Env['NODE_ENV'];
  logLevel: Env['LOG_LEVEL'];
  databaseUrl: string | undefined;
  appDatabaseUrl: string | undefined;
  redisUrl: string | undefined;
  port: number;
  host: string;
  publicUrl: string;
  keyRing: string;
  jwtSecret: string;
  dataDir: string;
  bodyLimit: string;
  /** Store hosts let through the SSRF guard although they resolve to private addresses (dev, emulators). */
  outboundAllowHosts: string[];
  /** Origins whose pages may call /v1 from the browser (CORS, without credentials); empty: same-origin only. */
  corsOrigins: string[];
  /** Namespace of the queues (Redis key prefix, or PostgreSQL schema). */
  queuePrefix: string;
  /** How long a worker holds a job without a heartbeat before another takes it over. */
  jobLockMs: number;
  /** statement_timeout, lock_timeout and idle_in_transaction_session_timeout of the app role's connections. */
  dbTimeouts: DatabaseTimeouts;
  /** How long SIGTERM/SIGINT may take before the process gives up waiting and exits. */
  shutdownGraceMs: number;
  /**
   * Who may read /metrics: with a token, bearers of it; with a port, /metrics is served only
   * there; with neither, only loopback clients.
   */
  metrics: { token: string | undefined; port: number | undefined };
  /** /v1/stream: how long events are kept for Last-Event-ID, and how often an idle stream is pinged (and its token re-checked). */
  events: { retentionHours: number; heartbeatMs: number; streamsPerUser: number; streamsPerOrganization: number };
  shopify: { apiKey: string; apiSecret: string; adminBaseUrl: string | undefined } | undefined;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function parseKeyRingSpec(spec: string): Array<{ id: string; key: Buffer }> {
  const entries = spec
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (entries.length === 0) throw new Error('empty key ring');
  const seen = new Set<string>();
  return entries.map((entry) => {
    const separator = entry.indexOf(':');
    const id = entry.slice(0, separator);
    const key = Buffer.from(entry.slice(separator + 1), 'base64');
    if (separator < 1 || !/^[A-Za-z0-9_-]{1,32}$/.test(id)) throw new Error(`bad key id in ${id}`);
    if (key.length !== 32) throw new Error(`key ${id} is not 32 bytes`);
    if (seen.has(id)) throw new Error(`duplicate key id ${id}`);
    seen.add(id);
    return { id, key };
  });
}

/** Validates the environment; every problem becomes one line naming the variable. */
export function loadConfig(source: Record<string, string | undefined> = process.env): Config {
  const blankless = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== ''));
  const parsed = envSchema.safeParse(blankless);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = issue.path.join('.') || 'environment';
      const missing = issue.code === 'invalid_type' && blankless[name] === undefined;
      return missing ? `${name} is required but not set` : `${name} ${issue.message}`;
    });
    throw new ConfigError(problems);
  }
  const env = parsed.data;
  const problems: string[] = [];
  if (Boolean(env.SHOPIFY_API_KEY) !== Boolean(env.SHOPIFY_API_SECRET)) {
    problems.push('SHOPIFY_API_KEY and SHOPIFY_API_SECRET must be set together');
  }
  if (env.DATABASE_APP_URL && !env.DATABASE_URL) problems.push('DATABASE_APP_URL needs DATABASE_URL (the owner) too');
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    env: env.NODE_ENV,
    logLevel: env.LOG_LEVEL,
    databaseUrl: env.DATABASE_URL,
    appDatabaseUrl: env.DATABASE_APP_URL,
    redisUrl: env.REDIS_URL,
    port: env.PORT,
    host: env.HOST,
    publicUrl: env.PUBLIC_URL ?? `http://localhost:${env.PORT}`,
    keyRing: env.DOCKHAND_KEYS,
    jwtSecret: env.DOCKHAND_JWT_SECRET,
    dataDir: env.DOCKHAND_DATA_DIR,
    bodyLimit: env.DOCKHAND_BODY_LIMIT.toLowerCase(),
    outboundAllowHosts: parseAllowHosts(env.DOCKHAND_OUTBOUND_ALLOW_HOSTS),
    corsOrigins: parseCorsOrigins(env.DOCKHAND_CORS_ORIGINS),
    queuePrefix: env.DOCKHAND_QUEUE_PREFIX,
    jobLockMs: env.DOCKHAND_JOB_LOCK_MS,
    dbTimeouts: {
      statementTimeoutMs: env.DOCKHAND_DB_STATEMENT_TIMEOUT_MS,
      lockTimeoutMs: env.DOCKHAND_DB_LOCK_TIMEOUT_MS,
      idleInTransactionTimeoutMs: env.DOCKHAND_DB_IDLE_IN_TRANSACTION_TIMEOUT_MS,
    },
    shutdownGraceMs: env.DOCKHAND_SHUTDOWN_GRACE_MS,
    metrics: { token: env.DOCKHAND_METRICS_TOKEN, port: env.DOCKHAND_METRICS_PORT },
    events: {
      retentionHours: env.DOCKHAND_EVENT_RETENTION_HOURS,
      heartbeatMs: env.DOCKHAND_STREAM_HEARTBEAT_MS,
      streamsPerUser: env.DOCKHAND_STREAMS_PER_USER,
      streamsPerOrganization: env.DOCKHAND_STREAMS_PER_ORG,
    },
    shopify:
      env.SHOPIFY_API_KEY && env.SHOPIFY_API_SECRET
        ? { apiKey: env.SHOPIFY_API_KEY, apiSecret: env.SHOPIFY_API_SECRET, adminBaseUrl: env.SHOPIFY_ADMIN_BASE_URL }
        : undefined,
  };
}
