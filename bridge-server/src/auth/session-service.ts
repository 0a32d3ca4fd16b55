import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Database } from '../db/database.ts';
import { isUuid, systemPrincipal, withPrincipal, type Principal, type Role, type TenantSql } from '../db/principal.ts';
import { recordAudit } from '../domain/audit/audit-log.ts';
import type { KeyRing } from '../security/key-ring.ts';
import type { AccessTokens } from './access-tokens.ts';
import { burnPasswordCheck, hashPassword, verifyPassword } from './passwords.ts';
import type { SelectionTokens } from './selection-tokens.ts';
import type { SignInThrottle } from './sign-in-throttle.ts';
import { matchTotpStep } from './totp.ts';

export const REFRESH_TOKEN_TTL_SECONDS = 30 * 24 * 60 * 60;
/**
 * A refresh token rotated less than this long ago may be presented again (two tabs refreshing
 * at once), like Auth0's reuse interval; later, its reuse is taken as theft and ends the family.
 */
export const REFRESH_REUSE_GRACE_SECONDS = 30;

export interface SessionUser {
  id: string;
  orgId: string;
  email: string;
  displayName: string | null;
  role: Role;
  storeIds: string[] | 'all';
  totpEnabled: boolean;
}

export interface IssuedSession {
  accessToken: string;
  expiresIn: number;
  refreshToken: string;
  user: SessionUser;
}

export interface OrganizationChoice {
  organizations: { id: string; name: string; role: Role }[];
  selectionToken: string;
  expiresIn: number;
}

export type LoginInput =
  | { email: string; password: string; totp?: string | undefined; orgId?: string | undefined }
  | { selectionToken: string; orgId: string };

export type LoginOutcome =
  | { kind: 'ok'; session: IssuedSession }
  | { kind: 'choose'; choice: OrganizationChoice }
  | { kind: 'invalid' }
  | { kind: 'totp_required' }
  | { kind: 'throttled'; retryAfterSeconds: number };

/** The answer of a change made only once the signed-in member has typed its password again. */
export type ConfirmedOutcome<T> =
  { kind: 'ok'; value: T } | { kind: 'invalid' } | { kind: 'throttled'; retryAfterSeconds: number };

export type RefreshOutcome = { kind: 'ok'; session: IssuedSession } | { kind: 'invalid' } | { kind: 'reused' };

/** Everything sign-in needs about one membership with the email typed (dockhand.sign_in_candidates). */
interface CandidateRow {
  org_id: string;
  org_name: string;
  user_id: string;
  role: Role;
  password_hash: string;
  totp_enabled: boolean;
  totp_secret_ciphertext: Buffer | null;
  totp_secret_key_id: string | null;
}

interface MemberRow {
  id: string;
  org_id: string;
  email: string;
  display_name: string | null;
  role: Role;
  totp_enabled: boolean;
  disabled_at: Date | null;
}

/**
 * The most memberships one sign-in checks a password against (the limit is in
 * dockhand.sign_in_candidates): it bounds the argon2 work an attacker can cause by adding one
 * email to many organizations.
 */
export const MAX_SIGN_IN_CANDIDATES = 20;

const sha256 = (value: string): Buffer => createHash('sha256').update(value).digest();

/** The context bound into a sealed TOTP secret, so it opens only on its own membership's row. */
export const totpContext = (orgId: string, userId: string): string => `totp:${orgId}:${userId}`;

/**
 * Re-seals every TOTP secret of the transaction's organization that is not under the ring's
 * active key (`dockhand rotate-keys`, beside the store secrets): answers how many it re-sealed.
 */
export async function rotateTotpSecrets(tx: TenantSql, keyRing: KeyRing): Promise<number> {
  const rows = await tx<{ id: string; org_id: string; totp_secret_ciphertext: Buffer; totp_secret_key_id: string }[]>`
    select id, org_id, totp_secret_ciphertext, totp_secret_key_id from users
    where totp_secret_ciphertext is not null and totp_secret_key_id <> ${keyRing.activeKeyId}
    for update`;
  for (const row of rows) {
    const context = totpContext(row.org_id, row.id);
    const sealed = keyRing.seal(
      keyRing.open({ ciphertext: row.totp_secret_ciphertext, keyId: row.totp_secret_key_id }, context),
      context,
    );
    await tx`
      update users set totp_secret_ciphertext = ${sealed.ciphertext}, totp_secret_key_id = ${sealed.keyId}
      where id = ${row.id}`;
  }
  return rows.length;
}

/** A membership's row without its credentials, in this organization (tenant context). */
async function memberById(tx: TenantSql, userId: string): Promise<MemberRow | undefined> {
  const [member] = await tx<MemberRow[]>`
    select id, org_id, email, display_name, role, totp_enabled, disabled_at from users where id = ${userId}`;
  return member;
}

function parseRefreshToken(token: string): { id: string; secret: string } | null {
  const [id, secret, extra] = token.split('.');
  if (!id || !secret || extra !== undefined || !isUuid(id) || secret.length !== 43) return null;
  return { id, secret };
}

export class SessionService {
  constructor(
    private readonly db: Database,
    private readonly tokens: AccessTokens,
    private readonly selections: SelectionTokens,
    private readonly throttle: SignInThrottle,
    private readonly keyRing: KeyRing,
  ) {}

  /**
   * Signs a person in. Every membership has its own credentials, so the password (and, where it
   * is on, the one-time code) is checked against each enabled membership with this email (or only
   * the one in `orgId`), one after another; the person may enter exactly the memberships whose
   * own password and code matched: one answers a session, several an organization choice. A
   * password one organization set never opens another organization's membership. Unknown emails,
   * wrong passwords, wrong or used codes and disabled memberships all answer `invalid`, and every
   * attempt counts against the (email, source) throttle whether or not the email exists.
   */
  async login(input: LoginInput, source: string, requestId?: string): Promise<LoginOutcome> {
    if ('selectionToken' in input) {
      const admitted = await this.selections.verify(input.selectionToken).catch(() => undefined);
      const chosen = admitted?.find((entry) => entry.orgId === input.orgId);
      const session = chosen && (await this.start(chosen.orgId, chosen.userId, requestId));
      return session ? { kind: 'ok', session } : { kind: 'invalid' };
    }
    const retryAfterSeconds = await this.throttle.attempt(input.email, source);
    if (retryAfterSeconds > 0) return { kind: 'throttled', retryAfterSeconds };

    const candidates = await this.db.app<CandidateRow[]>`
      select * from dockhand.sign_in_candidates(${input.email}, ${input.orgId ?? null})`;
    if (candidates.length === 0) {
      // An argon2 check of the same cost, so an unknown email takes as long as a known one.
      await burnPasswordCheck(input.password);
      return { kind: 'invalid' };
    }
    const opened: CandidateRow[] = [];
    for (const candidate of candidates) {
      if (await verifyPassword(candidate.password_hash, input.password)) opened.push(candidate);
    }
    if (opened.length === 0) {
      await this.auditFailures(candidates, 'password', requestId);
      return { kind: 'invalid' };
    }
    // Ask for the code before admitting anyone, so a person whose memberships differ in whether a
    // code is on sees all the ones they may enter once they give it.
    if (!input.totp && opened.some((candidate) => candidate.totp_enabled)) return { kind: 'totp_required' };
    const admitted: CandidateRow[] = [];
    for (const candidate of opened) {
      const refused = candidate.totp_enabled ? await this.useTotpCode(candidate, input.totp ?? '') : undefined;
      if (refused) await this.auditFailures([candidate], refused, requestId);
      else admitted.push(candidate);
    }
    if (admitted.length === 0) return { kind: 'invalid' };
    await this.throttle.succeeded(input.email, source);

    if (admitted.length === 1) {
      const session = await this.start(admitted[0]!.org_id, admitted[0]!.user_id, requestId);
      return session ? { kind: 'ok', session } : { kind: 'invalid' };
    }
    const selection = await this.selections.issue(admitted.map((row) => ({ orgId: row.org_id, userId: row.user_id })));
    return {
      kind: 'choose',
      choice: {
        organizations: admitted.map((row) => ({ id: row.org_id, name: row.org_name, role: row.role })),
        selectionToken: selection.token,
        expiresIn: selection.expiresIn,
      },
    };
  }

  /**
   * Rotates a refresh token. A token rotated within the grace window is rotated again (two tabs
   * at once); one rotated earlier is a sign of theft: the whole family is revoked, so the newest
   * token (whoever holds it) and every access token of the session stop working too.
   */
  async refresh(refreshToken: string, requestId?: string): Promise<RefreshOutcome> {
    const parsed = parseRefreshToken(refreshToken);
    if (!parsed) return { kind: 'invalid' };
    const orgId = await this.orgOfRefreshToken(parsed.id);
    if (!orgId) return { kind: 'invalid' };
    const principal = systemPrincipal(orgId, 'refresh');
    return withPrincipal(this.db, principal, async (tx) => {
      const [row] = await tx<
        {
          token_hash: Buffer;
          in_grace: boolean | null;
          expires_at: Date;
          family_id: string;
          revoked_at: Date | null;
          user_id: string;
        }[]
      >`
        select t.token_hash, t.rotated_at > now() - make_interval(secs => ${REFRESH_REUSE_GRACE_SECONDS}) as in_grace,
               t.expires_at, t.family_id, f.revoked_at, f.user_id
        from refresh_tokens t join refresh_token_families f on f.id = t.family_id
        where t.id = ${parsed.id}
        for update of t, f`;
      if (!row || !timingSafeEqual(row.token_hash, sha256(parsed.secret))) return { kind: 'invalid' } as const;
      if (row.revoked_at) return { kind: 'invalid' } as const;
      if (row.in_grace === false) {
        await tx`update refresh_token_families set revoked_at = now(), revoked_reason = 'reuse' where id = ${row.family_id}`;
        await recordAudit(tx, principal, {
          action: 'auth.refresh_reuse',
          subjectType: 'user',
          subjectId: row.user_id,
          details: { familyId: row.family_id },
          requestId,
        });
        return { kind: 'reused' } as const;
      }
      if (row.expires_at.getTime() <= Date.now()) return { kind: 'invalid' } as const;
      const member = await memberById(tx, row.user_id);
      if (!member || member.disabled_at) {
        await tx`update refresh_token_families set revoked_at = now(), revoked_reason = 'user disabled' where id = ${row.family_id}`;
        return { kind: 'invalid' } as const;
      }
      await tx`update refresh_tokens set rotated_at = coalesce(rotated_at, now()) where id = ${parsed.id}`;
      return { kind: 'ok', session: await this.issue(tx, member, row.family_id) } as const;
    });
  }

  /**
   * Ends the refresh token's family, and with it every access token of the session. Unknown or
   * malformed tokens are ignored: logout always succeeds.
   */
  async logout(refreshToken: string, requestId?: string): Promise<void> {
    const parsed = parseRefreshToken(refreshToken);
    if (!parsed) return;
    const orgId = await this.orgOfRefreshToken(parsed.id);
    if (!orgId) return;
    const principal = systemPrincipal(orgId, 'logout');
    await withPrincipal(this.db, principal, async (tx) => {
      const [row] = await tx<{ family_id: string; token_hash: Buffer }[]>`
        select family_id, token_hash from refresh_tokens where id = ${parsed.id}`;
      if (!row || !timingSafeEqual(row.token_hash, sha256(parsed.secret))) return;
      await tx`
        update refresh_token_families set revoked_at = now(), revoked_reason = 'logout'
        where id = ${row.family_id} and revoked_at is null`;
      await recordAudit(tx, principal, { action: 'auth.logout', details: { familyId: row.family_id }, requestId });
    });
  }

  /**
   * Runs `change` in one transaction once the signed-in member has typed this membership's password
   * again: for changes to how it signs in (its password, its one-time codes), which a stolen access
   * token alone must not make. The member's row is locked and the password checked inside the
   * transaction; a disabled member is refused. Wrong passwords count against the sign-in throttle
   * like failed sign-ins, and a right one clears it.
   */
  async withPasswordConfirmed<T>(
    principal: Principal,
    password: string,
    source: string,
    change: (tx: TenantSql, userId: string) => Promise<T>,
  ): Promise<ConfirmedOutcome<T>> {
    const userId = principal.userId;
    if (!userId) return { kind: 'invalid' };
    const me = await withPrincipal(this.db, principal, (tx) => memberById(tx, userId));
    if (!me) return { kind: 'invalid' };
    const retryAfterSeconds = await this.throttle.attempt(me.email, source);
    if (retryAfterSeconds > 0) return { kind: 'throttled', retryAfterSeconds };
    const outcome = await withPrincipal(this.db, principal, async (tx) => {
      const [current] = await tx<{ password_hash: string }[]>`
        select password_hash from users where id = ${userId} and disabled_at is null for update`;
      if (!current || !(await verifyPassword(current.password_hash, password))) return { kind: 'invalid' } as const;
      return { kind: 'ok', value: await change(tx, userId) } as const;
    });
    if (outcome.kind === 'ok') await this.throttle.succeeded(me.email, source);
    return outcome;
  }

  /**
   * The signed-in member changes the password of this membership (and of no other: a membership
   * of the same email in another organization keeps its own). Every session of this membership
   * ends; the caller gets a fresh one.
   */
  async changePassword(
    principal: Principal,
    input: { currentPassword: string; newPassword: string },
    source: string,
    requestId?: string,
  ): Promise<ConfirmedOutcome<IssuedSession>> {
    return this.withPasswordConfirmed(principal, input.currentPassword, source, async (tx, userId) => {
      // Hashed only once the current password matched: a throttled or wrong attempt costs no hash.
      const newHash = await hashPassword(input.newPassword);
      await tx`update users set password_hash = ${newHash}, updated_at = now() where id = ${userId}`;
      await tx`
        update refresh_token_families set revoked_at = now(), revoked_reason = 'password changed'
        where user_id = ${userId} and revoked_at is null`;
      await recordAudit(tx, principal, { action: 'auth.password_changed', subjectType: 'user', subjectId: userId, requestId });
      const member = (await memberById(tx, userId))!;
      const [family] = await tx<{ id: string }[]>`
        insert into refresh_token_families (org_id, user_id) values (${member.org_id}, ${member.id}) returning id`;
      return this.issue(tx, member, family!.id);
    });
  }

  async userSummary(tx: TenantSql, userId: string): Promise<SessionUser | undefined> {
    const member = await memberById(tx, userId);
    return member ? this.summarise(tx, member) : undefined;
  }

  /** Starts a session (a new refresh token family) for one membership, if it is still enabled. */
  private start(orgId: string, userId: string, requestId: string | undefined): Promise<IssuedSession | undefined> {
    const principal = systemPrincipal(orgId, `login:${userId}`);
    return withPrincipal(this.db, principal, async (tx) => {
      const member = await memberById(tx, userId);
      if (!member || member.disabled_at) return undefined;
      const [family] = await tx<{ id: string }[]>`
        insert into refresh_token_families (org_id, user_id) values (${orgId}, ${userId}) returning id`;
      const session = await this.issue(tx, member, family!.id);
      await recordAudit(tx, principal, { action: 'auth.login', subjectType: 'user', subjectId: userId, requestId });
      return session;
    });
  }

  /** A failed sign-in is recorded in the audit log of the organization of each membership tried. */
  private async auditFailures(candidates: CandidateRow[], reason: string, requestId: string | undefined): Promise<void> {
    for (const candidate of candidates) {
      const principal = systemPrincipal(candidate.org_id, `login:${candidate.user_id}`);
      await withPrincipal(this.db, principal, (tx) =>
        recordAudit(tx, principal, {
          action: 'auth.login_failed',
          subjectType: 'user',
          subjectId: candidate.user_id,
          details: { reason },
          requestId,
        }),
      );
    }
  }

  /**
   * Checks a one-time code against the membership's own secret and uses its time step up: a code
   * at or before the last step accepted for this membership is refused, also when two sign-ins
   * race with the same code (the conditional update lets one through). Answers why it was refused.
   */
  private async useTotpCode(candidate: CandidateRow, code: string): Promise<'totp' | 'totp_reused' | undefined> {
    if (!candidate.totp_secret_ciphertext || !candidate.totp_secret_key_id) return 'totp';
    const secret = this.keyRing.open(
      { ciphertext: candidate.totp_secret_ciphertext, keyId: candidate.totp_secret_key_id },
      totpContext(candidate.org_id, candidate.user_id),
    );
    const step = matchTotpStep(secret, code);
    if (step === undefined) return 'totp';
    const used = await withPrincipal(
      this.db,
      systemPrincipal(candidate.org_id, `login:${candidate.user_id}`),
      (tx) => tx`
      update users set totp_last_step = ${step}
      where id = ${candidate.user_id} and totp_enabled and (totp_last_step is null or totp_last_step < ${step})
      returning id`,
    );
    return used.length === 1 ? undefined : 'totp_reused';
  }

  private async orgOfRefreshToken(tokenId: string): Promise<string | null> {
    const [row] = await this.db.app<{ org_id: string | null }[]>`select dockhand.refresh_token_org(${tokenId}) as org_id`;
    return row?.org_id ?? null;
  }

  private async summarise(tx: TenantSql, member: MemberRow): Promise<SessionUser> {
    let storeIds: string[] | 'all' = 'all';
    if (member.role === 'merchant') {
      const rows = await tx<{ store_id: string }[]>`
        select store_id from user_stores where user_id = ${member.id} order by store_id`;
      storeIds = rows.map((row) => row.store_id);
    }
    return {
      id: member.id,
      orgId: member.org_id,
      email: member.email,
      displayName: member.display_name,
      role: member.role,
      storeIds,
      totpEnabled: member.totp_enabled,
    };
  }

  private async issue(tx: TenantSql, member: MemberRow, familyId: string): Promise<IssuedSession> {
    const summary = await this.summarise(tx, member);
    const secret = randomBytes(32).toString('base64url');
    const [token] = await tx<{ id: string }[]>`
      insert into refresh_tokens (org_id, family_id, token_hash, expires_at)
      values (${member.org_id}, ${familyId}, ${sha256(secret)}, ${new Date(Date.now() + REFRESH_TOKEN_TTL_SECONDS * 1000)})
      returning id`;
    const access = await this.tokens.issue({ sub: member.id, org: member.org_id, sid: familyId });
    return { accessToken: access.token, expiresIn: access.expiresIn, refreshToken: `${token!.id}.${secret}`, user: summary };
  }
}
