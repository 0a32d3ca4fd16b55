import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
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

  it('wants the Shopify key and secret together', () => {
    expect(problemsOf({ ...valid, SHOPIFY_API_KEY: 'key' })).toEqual([
      'SHOPIFY_API_KEY and SHOPIFY_API_SECRET must be set together',
    ]);
  });

  it('stops `dockhand serve` with one clear line per problem', () => {
    const bin = fileURLToPath(new URL('../../bin/dockhand.js', import.meta.url));
    const run = spawnSync(process.execPath, [bin, 'serve'], {
      env: { PATH: process.env['PATH'] ?? '', PORT: '99999', DOCKHAND_JWT_SECRET: 'short' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr.trim().split('\n')).toEqual([
      'dockhand: PORT Too big: expected number to be <=65535',
      'dockhand: DOCKHAND_KEYS is required but not set',
      'dockhand: DOCKHAND_JWT_SECRET must be at least 32 characters',
    ]);
  });
});
