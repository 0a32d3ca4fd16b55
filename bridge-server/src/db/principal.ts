import type { TransactionSql } from 'postgres';
import type { Database } from './database.ts';
import { APP_ROLE } from './database.ts';
import { InvalidPrincipalError } from './errors.ts';

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

/**
 * The only way to reach tenant data: opens a transaction on the app pool, becomes the app
 * role for it, and sets the tenant context with set_config(…, true) so it dies with the
 * transaction. Row-level security does the rest.
 */
export async function withPrincipal<T>(
  db: Database,
  principal: Principal,
  work: (tx: TransactionSql) => Promise<T>,
): Promise<T> {
  if (!isUuid(principal.orgId)) throw new InvalidPrincipalError('principal has no valid organization id');
  if (principal.userId !== undefined && !isUuid(principal.userId)) {
    throw new InvalidPrincipalError('principal user id is not a uuid');
  }
  const stores = storeSetting(principal.storeIds);
  const result = await db.app.begin(async (tx) => {
    // Sent without waiting: it runs first on this connection, and if it failed the
    // transaction would fail with it, so one round trip is saved on every request.
    const context = tx`
      select set_config('role', ${APP_ROLE}, true),
             set_config('dockhand.org_id', ${principal.orgId}, true),
             set_config('dockhand.store_ids', ${stores}, true),
             set_config('dockhand.user_id', ${principal.userId ?? ''}, true),
             set_config('dockhand.principal_kind', ${principal.kind}, true)`.execute();
    const [, value] = await Promise.all([context, work(tx)]);
    return value;
  });
  return result as T;
}
