import { assertPasswordPolicy } from '../../auth/password-policy.ts';
import { hashPassword } from '../../auth/passwords.ts';
import type { Database } from '../../db/database.ts';
import { readWithPrincipal, type Principal, type Role, type TenantSql } from '../../db/principal.ts';
import { statement } from '../../db/statement.ts';
import { withNewOrganization } from '../organizations/organization-service.ts';

export interface UserView {
  id: string;
  email: string;
  displayName: string | null;
  role: Role;
  storeIds: string[];
  totpEnabled: boolean;
  disabled: boolean;
  createdAt: string;
}

export class EmailTakenError extends Error {
  constructor(email: string) {
    super(`${email} is already a member of this organization`);
    this.name = 'EmailTakenError';
  }
}

const UNIQUE_VIOLATION = '23505';
const isUniqueViolation = (error: unknown, constraint: string): boolean =>
  typeof error === 'object' &&
  error !== null &&
  (error as { code?: string }).code === UNIQUE_VIOLATION &&
  (error as { constraint_name?: string }).constraint_name === constraint;

export interface NewMember {
  orgId: string;
  email: string;
  password: string;
  role: Role;
  displayName?: string | undefined;
  storeIds?: string[] | undefined;
}

/**
 * Adds a person to the organization with the password given. Credentials belong to the
 * membership: the same email may be a member of other organizations, each with its own password
 * and TOTP, and nothing here looks at, reuses or reveals them.
 *
 * Throws EmailTakenError only when the email is already a member of this organization.
 */
export async function insertMember(tx: TenantSql, input: NewMember): Promise<{ userId: string }> {
  assertPasswordPolicy(input.password);
  const passwordHash = await hashPassword(input.password);
  try {
    const [row] = await tx<{ id: string }[]>`
      insert into users (org_id, email, display_name, password_hash, role)
      values (${input.orgId}, ${input.email}, ${input.displayName ?? null}, ${passwordHash}, ${input.role})
      returning id`;
    const userId = row!.id;
    for (const storeId of input.storeIds ?? []) {
      await tx`insert into user_stores (org_id, user_id, store_id) values (${input.orgId}, ${userId}, ${storeId})`;
    }
    return { userId };
  } catch (error) {
    if (isUniqueViolation(error, 'users_org_email_key')) throw new EmailTakenError(input.email);
    throw error;
  }
}

/**
 * Creates an organization and its first user (an owner). Used by `dockhand create-org`. The email
 * may already be a member of other organizations: the new membership has its own password.
 */
export async function createOrganization(
  db: Database,
  input: { name: string; adminEmail: string; adminPassword: string },
): Promise<{ orgId: string; userId: string }> {
  assertPasswordPolicy(input.adminPassword);
  const { orgId, result } = await withNewOrganization(db, 'create-org', { name: input.name }, (tx, principal) =>
    insertMember(tx, { orgId: principal.orgId, email: input.adminEmail, password: input.adminPassword, role: 'owner' }),
  );
  return { orgId, userId: result.userId };
}

/**
 * Sets the password of a member of the current organization (its membership only) and ends
 * that membership's sessions. False when there is no such member here.
 */
export async function setMemberPassword(tx: TenantSql, userId: string, password: string): Promise<boolean> {
  assertPasswordPolicy(password);
  const passwordHash = await hashPassword(password);
  const changed =
    await tx`update users set password_hash = ${passwordHash}, updated_at = now() where id = ${userId} returning id`;
  if (changed.length === 0) return false;
  await tx`
    update refresh_token_families set revoked_at = now(), revoked_reason = 'password reset'
    where user_id = ${userId} and revoked_at is null`;
  return true;
}

interface UserRow {
  id: string;
  email: string;
  display_name: string | null;
  role: Role;
  totp_enabled: boolean | null;
  disabled_at: Date | null;
  created_at: Date;
  store_ids: string[] | null;
}

export const toUserView = (row: UserRow): UserView => ({
  id: row.id,
  email: row.email,
  displayName: row.display_name,
  role: row.role,
  storeIds: row.store_ids ?? [],
  totpEnabled: row.totp_enabled === true,
  disabled: row.disabled_at !== null,
  createdAt: row.created_at.toISOString(),
});

/** One page of the organization's users, read in one round trip. */
export async function listUsers(
  db: Database,
  principal: Principal,
  page: { limit: number; after?: [string, string] | undefined },
): Promise<UserView[]> {
  const after = page.after
    ? statement`where (date_trunc('milliseconds', u.created_at), u.id) > (${page.after[0]}::timestamptz, ${page.after[1]}::uuid)`
    : statement``;
  const rows = await readWithPrincipal<UserRow>(
    db,
    principal,
    statement`
      select u.id, u.email, u.display_name, u.role, u.totp_enabled, u.disabled_at, u.created_at,
             array(select s.store_id from user_stores s where s.user_id = u.id order by s.store_id) as store_ids
      from users u ${after}
      order by date_trunc('milliseconds', u.created_at), u.id
      limit ${page.limit + 1}`,
  );
  return rows.map(toUserView);
}

export async function getUser(tx: TenantSql, userId: string): Promise<UserView | undefined> {
  const [row] = await tx<UserRow[]>`
    select u.id, u.email, u.display_name, u.role, u.totp_enabled, u.disabled_at, u.created_at,
           array(select s.store_id from user_stores s where s.user_id = u.id order by s.store_id) as store_ids
    from users u where u.id = ${userId}`;
  return row ? toUserView(row) : undefined;
}
