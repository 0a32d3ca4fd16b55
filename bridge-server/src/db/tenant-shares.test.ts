import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database.ts';
import { unavailableError } from '../api/unavailable.ts';
import { appUrlFor } from './database.ts';
import { PipelinedReader, tenantShareOf } from './pipelined-reader.ts';
import { readWithPrincipal, systemPrincipal } from './principal.ts';
import { statement } from './statement.ts';
import { DEFAULT_DB_TIMEOUTS } from './timeouts.ts';

/**
 * One organization's slow reads hold at most its share of the read pool: another organization's
 * read still gets a connection at once. The slow reads here wait on an advisory lock the test
 * holds, so they stay in flight exactly as long as the test says.
 */

let t: TestDatabase;
const LOCK = 7_301_984;
const slow = statement`select pg_advisory_xact_lock_shared(${LOCK}) is null as waited`;
const quick = statement`select 1 as one`;

beforeAll(async () => {
  t = await createTestDatabase();
});

afterAll(async () => {
  await t?.drop();
});

/** Holds the lock the slow reads wait for, until the answer is called. */
async function holdLock(): Promise<() => Promise<void>> {
  const owner = await t.db.owner.reserve();
  await owner`select pg_advisory_lock(${LOCK})`;
  let held = true;
  return async () => {
    if (!held) return;
    held = false;
    await owner`select pg_advisory_unlock(${LOCK})`;
    owner.release();
  };
}

describe("each organization's share of the read pool", () => {
  it('leaves connections for another organization while one organization’s reads are all slow', async () => {
    const reader = t.db.reader!;
    const a = systemPrincipal(randomUUID());
    const b = systemPrincipal(randomUUID());
    const release = await holdLock();
    // More slow reads than the whole pool has connections (4 in tests).
    const slowReads = Array.from({ length: 6 }, () => readWithPrincipal<{ waited: boolean }>(t.db, a, slow));
    try {
      expect(reader.shares.limit).toBe(tenantShareOf(4));
      expect(reader.shares.limit).toBeLessThan(4);
      // Without shares this read would wait behind A's until the lock is released, which it never is first.
      expect(await readWithPrincipal<{ one: number }>(t.db, b, quick)).toEqual([{ one: 1 }]);
      expect(reader.shares.held(a.orgId)).toBe(reader.shares.limit);
    } finally {
      await release();
    }
    expect(await Promise.all(slowReads)).toEqual(Array.from({ length: 6 }, () => [{ waited: false }]));
    expect(reader.shares.held(a.orgId)).toBe(0);
  });

  it('fails a read that waits in its organization’s line longer than the connect timeout, as a 503', async () => {
    const reader = new PipelinedReader(appUrlFor(t.ownerUrl), {
      max: 3,
      applicationName: 'dockhand-test',
      timeouts: DEFAULT_DB_TIMEOUTS,
      connectTimeoutMs: 200,
    });
    const a = randomUUID();
    const release = await holdLock();
    const b = randomUUID();
    const context = (org: string) => statement`select set_config('dockhand.org_id', ${org}, true)`;
    try {
      const held = Array.from({ length: reader.shares.limit }, () => reader.read(a, context(a), slow));
      const waited = await reader.read(a, context(a), slow).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(waited).toBeInstanceOf(Error);
      expect(unavailableError(waited)?.code).toBe('SERVICE_UNAVAILABLE');
      // The organization's reads in flight kept their places; another organization was never in that line.
      expect(reader.shares.held(a)).toBe(reader.shares.limit);
      expect(await reader.read(b, context(b), quick)).toEqual([{ one: 1 }]);
      await release();
      expect(await Promise.all(held)).toHaveLength(reader.shares.limit);
    } finally {
      await release();
      await reader.end();
    }
  });
});
