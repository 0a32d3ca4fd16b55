import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Database } from '../db/database.ts';
import { isUuid, systemPrincipal, withPrincipal, type Role, type TenantSql } from '../db/principal.ts';
import { recordAudit } from '../domain/audit/audit-log.ts';
import type { KeyRing } from '../security/key-ring.ts';
import type { AccessTokens } from './access-tokens.ts';
import { burnPasswordCheck, verifyPassword } from './passwords.ts';
import { checkTotp } from './totp.ts';

export const MAX_FAILED_LOGINS = 5;
export const LOCKOUT_SECONDS = 15 * 60;
export const REFRESH_TOKEN_TTL_SECONDS = 30 * 24 * 60 * 60;

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

export type LoginOutcome =
  | { kind: 'ok'; session: IssuedSession }
  | { kind: 'invalid' }
  | { kind: 'totp_required' }
  | { kind: 'locked'; retryAfterSeconds: number };

export type RefreshOutcome = { kind: 'ok'; session: IssuedSession } | { kind: 'invalid' } | { kind: 'reused' };

interface UserRow {
  id: string;
  org_id: string;
  email: string;
  display_name: string | null;
  role: Role;
  password_hash: string;
  totp_enabled: boolean;
  totp_secret_ciphertext: Buffer | null;
  totp_secret_key_id: string | null;
  failed_logins: number;
  locked_until: Date | null;
  disabled_at: Date | null;
}

const sha256 = (value: string): Buffer => createHash('sha256').update(value).digest();

/** The context bound into a sealed TOTP secret: it opens only on its own user's row. */
export const totpContext = (orgId: string, userId: string): string => `totp:${orgId}:${userId}`;

function parseRefreshToken(token: string): { id: string; secret: string } | null {
  const [id, secret, extra] = token.split('.');
  if (!id || !secret || extra !== undefined || !isUuid(id) || secret.length !== 43) return null;
  return { id, secret };
}

export class SessionService {
  constructor(
    private readonly db: Database,
    private readonly tokens: AccessTokens,
    private readonly keyRing: KeyRing,
  ) {}

  async login(input: { email: string; password: string; totp?: string | undefined }, requestId?: string): Promise<LoginOutcome> {
    const [found] = await this.db.app<{ org_id: string; user_id: string }[]>`
      select org_id, user_id from dockhand.login_lookup(${input.email})`;
    if (!found) {
      await burnPasswordCheck(input.password);
      return { kind: 'invalid' };
    }
    const principal = systemPrincipal(found.org_id, `login:${found.user_id}`);
    // Failures are recorded and committed, then answered: an exception would roll them back.
    return withPrincipal(this.db, principal, async (tx) => {
      const [user] = await tx<UserRow[]>`select * from users where id = ${found.user_id} for update`;
      if (!user || user.disabled_at) {
        await burnPasswordCheck(input.password);
        return { kind: 'invalid' } as const;
      }
      if (user.locked_until && user.locked_until.getTime() > Date.now()) {
        return { kind: 'locked', retryAfterSeconds: Math.ceil((user.locked_until.getTime() - Date.now()) / 1000) } as const;
      }
      const passwordOk = await verifyPassword(user.password_hash, input.password);
      if (passwordOk && user.totp_enabled && !input.totp) return { kind: 'totp_required' } as const;
      const totpOk = !user.totp_enabled || (passwordOk && this.totpMatches(user, input.totp ?? ''));
      if (!passwordOk || !totpOk) {
        const failures = user.failed_logins + 1;
        const locks = failures >= MAX_FAILED_LOGINS;
        await tx`
          update users set
            failed_logins = ${locks ? 0 : failures},
            locked_until = ${locks ? new Date(Date.now() + LOCKOUT_SECONDS * 1000) : null}
          where id = ${user.id}`;
        await recordAudit(tx, principal, {
          action: locks ? 'auth.locked' : 'auth.login_failed',
          subjectType: 'user',
          subjectId: user.id,
          details: { reason: passwordOk ? 'totp' : 'password', failures },
          requestId,
        });
        return { kind: 'invalid' } as const;
      }
      await tx`update users set failed_logins = 0, locked_until = null where id = ${user.id}`;
      const [family] = await tx<{ id: string }[]>`
        insert into refresh_token_families (org_id, user_id) values (${user.org_id}, ${user.id}) returning id`;
      const session = await this.issue(tx, user, family!.id);
      await recordAudit(tx, principal, { action: 'auth.login', subjectType: 'user', subjectId: user.id, requestId });
      return { kind: 'ok', session } as const;
    });
  }

  /**
   * Rotates a refresh token. A token that was already rotated is a sign of theft: the whole
   * family is revoked, so the newest token (whoever holds it) stops working too.
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
          rotated_at: Date | null;
          expires_at: Date;
          family_id: string;
          revoked_at: Date | null;
          user_id: string;
        }[]
      >`
        select t.token_hash, t.rotated_at, t.expires_at, t.family_id, f.revoked_at, f.user_id
        from refresh_tokens t join refresh_token_families f on f.id = t.family_id
        where t.id = ${parsed.id}
        for update of t, f`;
      if (!row || !timingSafeEqual(row.token_hash, sha256(parsed.secret))) return { kind: 'invalid' } as const;
      if (row.revoked_at) return { kind: 'invalid' } as const;
      if (row.rotated_at) {
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
      const [user] = await tx<UserRow[]>`select * from users where id = ${row.user_id}`;
      if (!user || user.disabled_at) {
        await tx`update refresh_token_families set revoked_at = now(), revoked_reason = 'user disabled' where id = ${row.family_id}`;
        return { kind: 'invalid' } as const;
      }
      await tx`update refresh_tokens set rotated_at = now() where id = ${parsed.id}`;
      return { kind: 'ok', session: await this.issue(tx, user, row.family_id) } as const;
    });
  }

  /** Ends the refresh token's family. Unknown or malformed tokens are ignored: logout always succeeds. */
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

  async userSummary(tx: TenantSql, userId: string): Promise<SessionUser | undefined> {
    const [user] = await tx<UserRow[]>`select * from users where id = ${userId}`;
    return user ? this.summarise(tx, user) : undefined;
  }

  private async orgOfRefreshToken(tokenId: string): Promise<string | null> {
    const [row] = await this.db.app<{ org_id: string | null }[]>`select dockhand.refresh_token_org(${tokenId}) as org_id`;
    return row?.org_id ?? null;
  }

  private totpMatches(user: UserRow, code: string): boolean {
    if (!user.totp_secret_ciphertext || !user.totp_secret_key_id) return false;
    const secret = this.keyRing.open(
      { ciphertext: user.totp_secret_ciphertext, keyId: user.totp_secret_key_id },
      totpContext(user.org_id, user.id),
    );
    return checkTotp(secret, code);
  }

  private async summarise(tx: TenantSql, user: UserRow): Promise<SessionUser> {
    let storeIds: string[] | 'all' = 'all';
    if (user.role === 'merchant') {
      const rows = await tx<{ store_id: string }[]>`
        select store_id from user_stores where user_id = ${user.id} order by store_id`;
      storeIds = rows.map((row) => row.store_id);
    }
    return {
      id: user.id,
      orgId: user.org_id,
      email: user.email,
      displayName: user.display_name,
      role: user.role,
      storeIds,
      totpEnabled: user.totp_enabled,
    };
  }

  private async issue(tx: TenantSql, user: UserRow, familyId: string): Promise<IssuedSession> {
    const summary = await this.summarise(tx, user);
    const secret = randomBytes(32).toString('base64url');
    const [token] = await tx<{ id: string }[]>`
      insert into refresh_tokens (org_id, family_id, token_hash, expires_at)
      values (${user.org_id}, ${familyId}, ${sha256(secret)}, ${new Date(Date.now() + REFRESH_TOKEN_TTL_SECONDS * 1000)})
      returning id`;
    const access = await this.tokens.issue({
      sub: user.id,
      org: user.org_id,
      role: user.role,
      stores: summary.storeIds,
      email: user.email,
    });
    return { accessToken: access.token, expiresIn: access.expiresIn, refreshToken: `${token!.id}.${secret}`, user: summary };
  }
}
