import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database.ts';
import { analyzeStaleTables } from './analyze.ts';

let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
});

afterAll(async () => {
  await t?.drop();
});

const tableStats = async (name: string) =>
  (
    await t.db.owner<{ changed: number; analyzed: boolean }[]>`
      select n_mod_since_analyze::int as changed, last_analyze is not null as analyzed
      from pg_stat_user_tables where schemaname = 'public' and relname = ${name}`
  )[0]!;

describe('when autovacuum does not analyze (it is off, or the database is PGlite)', () => {
  it('analyzes the tables that changed by more than autovacuum’s threshold, and only those', async () => {
    await t.db.owner`insert into organizations (id, name) select gen_random_uuid(), 'Org ' || n from generate_series(1, 300) n`;
    // Statistics counters reach the shared view when the writing connection reports them.
    await vi.waitFor(async () => expect((await tableStats('organizations')).changed).toBeGreaterThanOrEqual(300), {
      timeout: 10_000,
      interval: 100,
    });
    const analyzed = await analyzeStaleTables(t.db, { evenWithAutovacuum: true });
    expect(analyzed).toContain('organizations');
    // Tables that barely changed (the migrations' rows) are left to a later pass.
    expect(analyzed).not.toContain('dockhand_migrations');
    expect(await tableStats('organizations')).toEqual({ changed: 0, analyzed: true });
    expect(await analyzeStaleTables(t.db, { evenWithAutovacuum: true })).not.toContain('organizations');
  });
});
