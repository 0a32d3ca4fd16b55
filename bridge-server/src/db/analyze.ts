import type { Database } from './database.ts';

/**
 * ANALYZE for the tables that changed enough since their last one, by autovacuum's own default
 * rule (50 rows plus 10 % of the table), when nothing else does it: a PostgreSQL server run with
 * `autovacuum = off`, and PGlite, which has no autovacuum. Without fresh statistics the planner
 * keeps the plans it made for small tables, and each connection keeps its foreign-key checks'
 * plans: sequential scans whose cost grows with every row (37 ms per order line at 15,000 orders).
 * An ANALYZE also makes every connection plan those statements again. Answers the tables analyzed.
 */
export async function analyzeStaleTables(db: Database, options: { evenWithAutovacuum?: boolean } = {}): Promise<string[]> {
  if (db.kind !== 'pglite' && !options.evenWithAutovacuum) {
    const [setting] = await db.owner<{ on: boolean }[]>`select current_setting('autovacuum') = 'on' as on`;
    if (setting?.on) return [];
  }
  const stale = await db.owner<{ name: string }[]>`
    select relname as name from pg_stat_user_tables
    where schemaname = 'public' and n_mod_since_analyze > 50 + 0.1 * greatest(n_live_tup, 0)
    order by relname`;
  for (const { name } of stale) await db.owner.unsafe(`analyze public."${name.replaceAll('"', '""')}"`);
  return stale.map(({ name }) => name);
}
