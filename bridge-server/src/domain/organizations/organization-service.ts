import { randomUUID } from 'node:crypto';
import type { Database } from '../../db/database.ts';
import { systemPrincipal, withPrincipal, type Principal, type TenantSql } from '../../db/principal.ts';
import { recordAudit } from '../audit/audit-log.ts';

/**
 * Organizations (the tenant) are created here and nowhere else: `dockhand create-org` (with its
 * first owner, user-service.ts) and a self-serve Shopify install (with its first store) both
 * write the same row and the same `org.created` audit entry, inside the caller's transaction so
 * the organization and what it is created with commit together.
 */

export interface NewOrganization {
  name: string;
  /** Why it was made (e.g. `{via: 'shopify-install', shop}`), kept in the audit entry. */
  details?: Record<string, unknown> | undefined;
  requestId?: string | undefined;
}

/**
 * Inserts the organization the principal's context names (`principal.orgId`, a system principal
 * made for a fresh id: see `withNewOrganization`) and audits it.
 */
export async function insertOrganization(tx: TenantSql, principal: Principal, input: NewOrganization): Promise<void> {
  await tx`insert into organizations (id, name) values (${principal.orgId}, ${input.name})`;
  await recordAudit(tx, principal, {
    action: 'org.created',
    subjectType: 'organization',
    subjectId: principal.orgId,
    ...(input.details ? { details: input.details } : {}),
    requestId: input.requestId,
  });
}

/**
 * Creates an organization and runs `populate` in the same transaction, as the system acting for
 * it (`actor` names who: `create-org`, `shopify-install`), so nothing half-made is ever seen.
 */
export async function withNewOrganization<T>(
  db: Database,
  actor: string,
  input: NewOrganization,
  populate: (tx: TenantSql, principal: Principal) => Promise<T>,
): Promise<{ orgId: string; result: T }> {
  const orgId = randomUUID();
  const principal = systemPrincipal(orgId, actor);
  const result = await withPrincipal(db, principal, async (tx) => {
    await insertOrganization(tx, principal, input);
    return populate(tx, principal);
  });
  return { orgId, result };
}
