import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, migrateUpTo, type TestDatabase } from '../../test/support/test-database.ts';
import { migrate } from '../db/migrator.ts';
import { systemPrincipal, withPrincipal } from '../db/principal.ts';
import { eventHorizon } from './event-hub.ts';
import { emitEvents } from './outbox.ts';

/** The migration that gives each organization its own event ids. */
const PER_ORGANIZATION = '0018_event_ids_per_organization.sql';

let t: TestDatabase;
/** Events before the migration: a and b interleaved; c's were all pruned; d had none. */
const [a, b, c, d] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
let lastOfA = 0n;

const emit = (orgId: string, count = 1) =>
  withPrincipal(t.db, systemPrincipal(orgId), (tx) =>
    emitEvents(
      tx,
      orgId,
      Array.from({ length: count }, () => ({ type: 'order.updated' as const, storeId: null, subjectId: randomUUID() })),
    ),
  ).then((ids) => ids.map(BigInt));

beforeAll(async () => {
  t = await createTestDatabase({ migrate: false });
  await migrateUpTo(t.db.owner, PER_ORGANIZATION);
  const owner = t.db.owner;
  for (const [id, name] of [
    [a, 'A'],
    [b, 'B'],
    [c, 'C'],
    [d, 'D'],
  ] as const) {
    await owner`insert into organizations (id, name) values (${id}, ${name})`;
  }
  // As the shared sequence gave them out: a's ids have gaps where b's events went.
  for (let n = 0; n < 6; n++) await owner`insert into events (org_id, type) values (${n % 2 === 0 ? a : b}, 'order.updated')`;
  const [highest] = await owner<{ last: string }[]>`select max(id)::text as last from events where org_id = ${a}`;
  lastOfA = BigInt(highest!.last);
  await owner`insert into event_horizons (org_id, pruned_through) values (${c}, 500)`;
  await migrate(t.db.owner);
});

afterAll(async () => {
  await t?.drop();
});

describe('event ids, counted per organization', () => {
  it('go on from where each organization was, so a client resuming from an earlier id misses nothing', async () => {
    expect(await emit(a)).toEqual([lastOfA + 1n]);
    // Its events were pruned: above the highest pruned id, which clients may still hold.
    expect(await emit(c)).toEqual([501n]);
    // None before: from one.
    expect(await emit(d, 3)).toEqual([1n, 2n, 3n]);
  });

  it('leave no gap for another organization’s events: the ids say nothing of its activity', async () => {
    const [first] = await emit(a);
    await emit(b, 5);
    await emit(b);
    const [second, third] = await emit(a, 2);
    expect([second! - first!, third! - first!]).toEqual([1n, 2n]);
  });

  it('are drawn from the same counter by an insert that names no id (a server of the previous release)', async () => {
    const [before] = await emit(b);
    const [row] = await withPrincipal(
      t.db,
      systemPrincipal(b),
      (tx) => tx<{ id: string }[]>`insert into events (org_id, type) values (${b}, 'order.updated') returning id::text as id`,
    );
    expect(BigInt(row!.id)).toBe(before! + 1n);
    expect(await emit(b)).toEqual([before! + 2n]);
  });

  it('are not raised by a transaction that rolls back', async () => {
    const [before] = await emit(d);
    await expect(
      withPrincipal(t.db, systemPrincipal(d), async (tx) => {
        await emitEvents(tx, d, [{ type: 'order.updated', storeId: null }]);
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await emit(d)).toEqual([before! + 1n]);
  });

  it('cannot be raised by another organization: its counter is under row-level security', async () => {
    const [before] = await emit(a);
    const touched = await withPrincipal(
      t.db,
      systemPrincipal(b),
      (tx) => tx`update event_counters set last = last + 1000 where org_id = ${a}`,
    );
    expect(touched.count).toBe(0);
    expect(await emit(a)).toEqual([before! + 1n]);
  });

  it('bound what a stream may send: the horizon leaves out writers in flight, without waiting, and counts their ids in order as they commit', async () => {
    const org = randomUUID();
    await t.db.owner`insert into organizations (id, name) values (${org}, 'Horizon')`;
    expect(await eventHorizon(t.db, org)).toBe(0n);
    const [first] = await emit(org, 2).then((ids) => ids.slice(-1));
    expect(await eventHorizon(t.db, org)).toBe(first!);

    /** A writer that draws its id, then holds its transaction open until released. */
    const heldWriter = () => {
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      let drawn!: (id: bigint) => void;
      const id = new Promise<bigint>((resolve) => (drawn = resolve));
      const done = withPrincipal(t.db, systemPrincipal(org), async (tx) => {
        const [only] = await emitEvents(tx, org, [{ type: 'order.updated', storeId: null }]);
        drawn(BigInt(only!));
        await released;
      });
      return { id, release, done };
    };
    const earlier = heldWriter();
    expect(await earlier.id).toBe(first! + 1n);
    // A second writer waits for the first one's counter; neither is counted, and the horizon does not wait.
    const later = heldWriter();
    await expect
      .poll(async () => {
        const [row] = await t.db.owner<{ waiting: number }[]>`
          select count(*)::int as waiting from pg_stat_activity
          where datname = current_database() and wait_event_type = 'Lock' and wait_event = 'transactionid'`;
        return row!.waiting;
      })
      .toBe(1);
    expect(await eventHorizon(t.db, org)).toBe(first!);

    earlier.release();
    await earlier.done;
    // The later writer has drawn the next id and is still in flight: the horizon stops below it.
    expect(await later.id).toBe(first! + 2n);
    expect(await eventHorizon(t.db, org)).toBe(first! + 1n);
    later.release();
    await later.done;
    const last = first! + 2n;
    expect(await eventHorizon(t.db, org)).toBe(last);

    // A writer that rolls back leaves the horizon where it was.
    await expect(
      withPrincipal(t.db, systemPrincipal(org), async (tx) => {
        await emitEvents(tx, org, [{ type: 'order.updated', storeId: null }]);
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await eventHorizon(t.db, org)).toBe(last);
  });
});
