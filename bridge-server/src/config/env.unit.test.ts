import { describe, expect, it } from 'vitest';
import { KeyRing } from '../security/key-ring.ts';
import { ConfigError, loadConfig } from './env.ts';

const valid = {
  DOCKHAND_KEYS: `k1:${KeyRing.generateKey()}`,
  DOCKHAND_JWT_SECRET: 'a'.repeat(40),
};

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
};

describe('configuration', () => {
  it('applies defaults', () => {
    const config = loadConfig(valid);
    expect(config).toMatchObject({
      port: 8787,
      databaseUrl: undefined,
      redisUrl: undefined,
      publicUrl: 'http://localhost:8787',
      bodyLimit: '1mb',
    });
  });

  it('names each missing variable on its own line', () => {
    expect(problemsOf({})).toEqual(['DOCKHAND_KEYS is required but not set', 'DOCKHAND_JWT_SECRET is required but not set']);
  });

  it('names each invalid value on its own line', () => {
    const problems = problemsOf({
      ...valid,
      PORT: 'eighty',
      DATABASE_URL: 'mysql://x',
      REDIS_URL: 'http://nope',
      DOCKHAND_KEYS: 'k1:tooshort',
      PUBLIC_URL: 'ftp://x',
    });
    expect(problems).toHaveLength(5);
    for (const name of ['PORT', 'DATABASE_URL', 'REDIS_URL', 'DOCKHAND_KEYS', 'PUBLIC_URL']) {
      expect(problems.filter((line) => line.startsWith(`${name} `))).toHaveLength(1);
    }
  });

  it('#8.4 defaults the database timeouts, shutdown grace and metrics access', () => {
    expect(loadConfig(valid)).toMatchObject({
      dbTimeouts: { statementTimeoutMs: 15_000, lockTimeoutMs: 3_000, idleInTransactionTimeoutMs: 60_000 },
      shutdownGraceMs: 10_000,
      metrics: { token: undefined, port: undefined },
    });
    expect(
      loadConfig({
        ...valid,
        DOCKHAND_DB_STATEMENT_TIMEOUT_MS: '5000',
        DOCKHAND_DB_LOCK_TIMEOUT_MS: '250',
        DOCKHAND_DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: '20000',
        DOCKHAND_SHUTDOWN_GRACE_MS: '25000',
        DOCKHAND_METRICS_TOKEN: 'a-long-enough-metrics-token',
        DOCKHAND_METRICS_PORT: '9464',
      }),
    ).toMatchObject({
      dbTimeouts: { statementTimeoutMs: 5_000, lockTimeoutMs: 250, idleInTransactionTimeoutMs: 20_000 },
      shutdownGraceMs: 25_000,
      metrics: { token: 'a-long-enough-metrics-token', port: 9464 },
    });
  });

  it('#8.4 names each invalid timeout or metrics setting on its own line', () => {
    const problems = problemsOf({
      ...valid,
      DOCKHAND_DB_STATEMENT_TIMEOUT_MS: 'soon',
      DOCKHAND_DB_LOCK_TIMEOUT_MS: '0',
      DOCKHAND_DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: '1.5',
      DOCKHAND_SHUTDOWN_GRACE_MS: '99999999',
      DOCKHAND_METRICS_TOKEN: 'short',
      DOCKHAND_METRICS_PORT: '70000',
    });
    expect(problems).toEqual([
      'DOCKHAND_DB_STATEMENT_TIMEOUT_MS must be a whole number of milliseconds',
      'DOCKHAND_DB_LOCK_TIMEOUT_MS must be at least 10 (milliseconds)',
      'DOCKHAND_DB_IDLE_IN_TRANSACTION_TIMEOUT_MS must be a whole number of milliseconds',
      'DOCKHAND_SHUTDOWN_GRACE_MS must be at most 600000 (milliseconds)',
      'DOCKHAND_METRICS_TOKEN must be at least 16 characters',
      'DOCKHAND_METRICS_PORT Too big: expected number to be <=65535',
    ]);
  });

  it('reads the outbound allowlist, and names the entries that could never match', () => {
    expect(
      loadConfig({ ...valid, DOCKHAND_OUTBOUND_ALLOW_HOSTS: '127.0.0.1:8133, localhost:* [::1]:8080' }).outboundAllowHosts,
    ).toEqual(['127.0.0.1:8133', 'localhost:*', '[::1]:8080']);
    const [problem, ...more] = problemsOf({ ...valid, DOCKHAND_OUTBOUND_ALLOW_HOSTS: 'http://127.0.0.1:8133,localhost:*' });
    expect(more).toEqual([]);
    expect(problem).toMatch(/^DOCKHAND_OUTBOUND_ALLOW_HOSTS /);
    expect(problem).toContain('host:port');
    expect(problem).toContain('not valid: http://127.0.0.1:8133');
    expect(problem).not.toMatch(/not valid: .*localhost/);
  });

  it('wants the Shopify key and secret together', () => {
    expect(problemsOf({ ...valid, SHOPIFY_API_KEY: 'key' })).toEqual([
      'SHOPIFY_API_KEY and SHOPIFY_API_SECRET must be set together',
    ]);
  });
});
