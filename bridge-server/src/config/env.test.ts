import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The rules themselves are checked in env.unit.test.ts; this is the running binary applying them.
describe('configuration at start-up', () => {
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
