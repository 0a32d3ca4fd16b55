import type { ParameterOrJSON, ReservedSql } from 'postgres';
import type { Database } from './database.ts';
import { APP_ROLE } from './database.ts';
import { InvalidPrincipalError } from './errors.ts';
import { statement, type Statement } from './statement.ts';

export const ROLES = ['owner', 'admin', 'staff', 'merchant'] as const;
export type Role = (typeof ROLES)[number];
export type PrincipalKind = 'console' | 'shopify' | 'wordpress' | 'embed' | 'system';

/** Who is asking. Every request resolves to exactly one. */
export interface Principal {
  orgId: string;
  kind: PrincipalKind;
  role: Role;
  /** 'all' for organization-wide principals; otherwise the only stores it may touch. */
  storeIds: readonly string[] | 'all';
  /** Stable id of the actor (user id, shop user, embed subject). */
  subject: string;
  /** The user behind the principal, when there is one. */
  userId?: string | undefined;
  capabilities: readonly string[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (value: string): boolean => UUID.test(value);

/** The principal the system itself acts as inside one organization (sign-in, workers). */
export function systemPrincipal(orgId: string, subject = 'system'): Principal {
  return { orgId, kind: 'system', role: 'owner', storeIds: 'all', subject, capabilities: [] };
}

function storeSetting(storeIds: Principal['storeIds']): string {
  if (storeIds === 'all') return 'all';
  for (const id of storeIds) {
    if (!isUuid(id)) throw new InvalidPrincipalError(`store id ${JSON.stringify(id)} is not a uuid`);
  }
  // An empty list is an empty setting: the store-scope policy then matches nothing.
  return storeIds.join(',');
}

/** Validates a principal and renders the settings withPrincipal puts in the transaction. */
interface TenantContext {
  orgId: string;
  stores: string;
  userId: string;
  kind: PrincipalKind;
}

function contextOf(principal: Principal): TenantContext {
  if (!isUuid(principal.orgId)) throw new InvalidPrincipalError('principal has no valid organization id');
  if (principal.userId !== undefined && !isUuid(principal.userId)) {
    throw new InvalidPrincipalError('principal user id is not a uuid');
  }
  return {
    orgId: principal.orgId,
    stores: storeSetting(principal.storeIds),
    userId: principal.userId ?? '',
    kind: principal.kind,
  };
}

/**
 * The statement that sets the tenant context, local to the current transaction. On PGlite the
 * one connection is the owner's, so the transaction also becomes the app role; on a PostgreSQL
 * server the app pools already log in as it (checked at start-up by assertAppRole), and the
 * extra switch is skipped on this hot path.
 *
 * The system's own work (webhook ingest and apply, sync, pushes, the stream) plans its statements
 * generically. They are keyed lookups and writes whose best plan is the same for every tenant,
 * and a plan made for the tenant's actual id trusts the statistics about that id: for an
 * organization or store that appeared since the last ANALYZE, they say one row, so the planner
 * reads "the organization's rows" through any index that starts with org_id instead of the
 * unique key. Each write then scans everything the tenant has, growing with every row, until
 * the next ANALYZE (at 500 webhooks/s from a new store, the apply worker fell behind after
 * 9 s). A generic plan estimates a tenant as an average one. It is kept until the table's next
 * ANALYZE (autovacuum's, or the maintenance pass's where autovacuum is off, db/analyze.ts), so on
 * tables that were empty when it was made it can be as wrong, for that long. Requests of people
 * keep the planner's default, where their filters' actual values matter (ranges, searches);
 * a read whose plan cannot depend on them asks for generic plans (ReadOptions).
 */
function contextStatement(context: TenantContext, switchRole: boolean, genericPlan = false): Statement {
  const role = switchRole ? statement`set_config('role', ${APP_ROLE}, true),` : statement``;
  return statement`
    select ${role}
           set_config('dockhand.org_id', ${context.orgId}, true),
           set_config('dockhand.store_ids', ${context.stores}, true),
           set_config('dockhand.user_id', ${context.userId}, true),
           set_config('dockhand.principal_kind', ${context.kind}, true),
           set_config('plan_cache_mode', ${context.kind === 'system' || genericPlan ? 'force_generic_plan' : 'auto'}, true)`;
}

export class UnsafeAppRoleError extends Error {
  constructor(role: string) {
    super(
      `The server's database connection logs in as "${role}", which is a superuser, bypasses row-level security or owns tables. ` +
        `Point DATABASE_APP_URL at the ${APP_ROLE} role (the default: DATABASE_URL with the user changed to ${APP_ROLE}).`,
    );
    this.name = 'UnsafeAppRoleError';
  }
}

/**
 * Refuses to run when the app role could see past row-level security. The read pool logs in
 * with the same URL as the app pool, so one check covers both.
 */
export async function assertAppRole(db: Database): Promise<void> {
  if (db.kind === 'pglite') return;
  const [role] = await db.app<{ name: string; unsafe: boolean }[]>`
    select r.rolname as name,
           r.rolsuper or r.rolbypassrls or exists (select 1 from pg_class c where c.relowner = r.oid and c.relnamespace = 'public'::regnamespace) as unsafe
    from pg_roles r where r.rolname = current_user`;
  if (!role || role.unsafe) throw new UnsafeAppRoleError(role?.name ?? 'unknown');
}

declare const tenantScope: unique symbol;

/**
 * The connection withPrincipal hands to its work: inside the principal's transaction, with the
 * tenant context set. Domain code takes this type, so it cannot be given a bare pool.
 */
export type TenantSql = ReservedSql & { readonly [tenantScope]: true };

/**
 * Holds `key` until the transaction ends: transactions that take the same key run the statements
 * after it one at a time (a count checked before an insert, a row looked up before it is made).
 */
export async function lockUntilCommit(tx: TenantSql, key: string): Promise<void> {
  await tx`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`;
}

/**
 * The only way to reach tenant data: opens a transaction on an app connection, becomes the app
 * role for it, and sets the tenant context with set_config(…, true) so it dies with the
 * transaction. Row-level security does the rest.
 *
 * BEGIN and the context are sent without waiting, so they share a round trip with the work's
 * first statement, and COMMIT is a second: two round trips for one statement. If BEGIN or the
 * context failed, every statement after them fails too, and that first failure is the one
 * raised. The connection is released only once the work has settled and the transaction ended.
 */
export function withPrincipal<T>(db: Database, principal: Principal, work: (tx: TenantSql) => Promise<T>): Promise<T> {
  return inTransaction(db, principal, 'begin', work);
}

export interface ReadOptions {
  /**
   * Plan the statement once per connection for any values (plan_cache_mode force_generic_plan)
   * instead of for each request's values: for reads whose best plan is the same whatever the
   * values are, it saves the planning each request would pay (about a third of a millisecond
   * for a page of orders). Not for ranges or searches, whose plans depend on the values.
   */
  genericPlan?: boolean;
}

/**
 * withPrincipal for one read statement, read-only: the hot path of list endpoints. On a
 * PostgreSQL server the context and the statement run in one implicit transaction, in one
 * round trip (see PipelinedReader); on PGlite, in withPrincipal's transaction, read-only.
 */
export async function readWithPrincipal<Row extends object>(
  db: Database,
  principal: Principal,
  read: Statement,
  options: ReadOptions = {},
): Promise<Row[]> {
  if (db.reader) {
    const context = contextStatement(contextOf(principal), false, options.genericPlan);
    return db.reader.read<Row>(principal.orgId, context, read);
  }
  return inTransaction(
    db,
    principal,
    'begin read only',
    async (tx) => [...(await tx.unsafe<Row[]>(read.text, read.values as ParameterOrJSON<never>[]))],
    options.genericPlan,
  );
}

async function inTransaction<T>(
  db: Database,
  principal: Principal,
  begin: 'begin' | 'begin read only',
  work: (tx: TenantSql) => Promise<T>,
  genericPlan = false,
): Promise<T> {
  const context = contextStatement(contextOf(principal), db.kind === 'pglite', genericPlan);
  const connection = await db.app.reserve();
  try {
    const opened = Promise.all([
      connection.unsafe(begin).execute(),
      connection.unsafe(context.text, context.values as ParameterOrJSON<never>[], { prepare: true }).execute(),
    ]);
    const [begun, done] = await Promise.allSettled([opened, Promise.resolve(connection as TenantSql).then(work)]);
    if (begun.status === 'rejected' || done.status === 'rejected') {
      await connection`rollback`.catch(() => {});
      throw begun.status === 'rejected' ? begun.reason : (done as PromiseRejectedResult).reason;
    }
    await connection`commit`;
    return done.value;
  } finally {
    connection.release();
  }
}
