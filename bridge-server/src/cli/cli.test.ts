import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test/support/test-database.ts';

const bin = fileURLToPath(new URL('../../bin/dockhand.js', import.meta.url));
const baseEnv = { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', LOG_LEVEL: 'warn' };

describe('dockhand create-org', () => {
  it('prints {"orgId","userId"} and creates the owner; an email of another organization gets its own membership', async () => {
    const t = await createTestDatabase({ migrate: false });
    try {
      const run = spawnSync(
        process.execPath,
        [bin, 'create-org', '--name', 'Acme 3PL', '--admin-email', 'ops@acme.test', '--admin-password', 'a long password'],
        { env: { ...baseEnv, DATABASE_URL: t.ownerUrl }, encoding: 'utf8', timeout: 60_000 },
      );
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      const output = JSON.parse(run.stdout) as { orgId: string; userId: string };
      expect(Object.keys(output).sort()).toEqual(['orgId', 'userId']);
      const [org] = await t.db.owner<{ name: string }[]>`select name from organizations where id = ${output.orgId}`;
      expect(org!.name).toBe('Acme 3PL');
      const [user] = await t.db.owner<{ role: string }[]>`select role from users where id = ${output.userId}`;
      expect(user!.role).toBe('owner');

      const again = spawnSync(
        process.execPath,
        [bin, 'create-org', '--name', 'Other', '--admin-email', 'ops@acme.test', '--admin-password', 'a long password'],
        { env: { ...baseEnv, DATABASE_URL: t.ownerUrl }, encoding: 'utf8', timeout: 60_000 },
      );
      // Credentials are per membership (#8.5): the email is a member of each organization separately.
      expect(again.stderr).toBe('');
      expect(again.status).toBe(0);
      const other = JSON.parse(again.stdout) as { orgId: string; userId: string };
      expect(Object.keys(other).sort()).toEqual(['orgId', 'userId']);
      expect(other.orgId).not.toBe(output.orgId);
      expect(other.userId).not.toBe(output.userId);
    } finally {
      await t.drop();
    }
  });

  it('explains missing options', () => {
    const run = spawnSync(process.execPath, [bin, 'create-org', '--name', 'X'], {
      env: baseEnv,
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('create-org needs --name, --admin-email and --admin-password');
  });
});

describe('dockhand demo', () => {
  it('is not part of the server: it names where the demo is now, in one line', () => {
    const run = spawnSync(process.execPath, [bin, 'demo'], { env: baseEnv, encoding: 'utf8', timeout: 30_000 });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      'dockhand: the demo moved out of the server: run `npm start`, or `dockhand-demo` from @dockhand/embed-demo\n',
    );
  });
});
