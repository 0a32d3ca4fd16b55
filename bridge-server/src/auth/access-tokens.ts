import { errors, jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';
import type { Database } from '../db/database.ts';
import { ROLES, readWithPrincipal, systemPrincipal, type Principal, type Role } from '../db/principal.ts';
import { statement } from '../db/statement.ts';

export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
const ISSUER = 'dockhand';
const AUDIENCE = 'dockhand-console';

/**
 * What an access token says: which membership (sub, org) and which sign-in session (sid, the
 * refresh token family). Role and stores are deliberately not in it: they are read from the
 * database on every request, so a change takes effect at once.
 */
const claimsSchema = z.object({
  sub: z.uuid(),
  org: z.uuid(),
  sid: z.uuid(),
  iat: z.number(),
  exp: z.number(),
});

export type AccessClaims = Pick<z.infer<typeof claimsSchema>, 'sub' | 'org' | 'sid'>;

export class InvalidAccessTokenError extends Error {
  constructor(readonly reason: 'expired' | 'invalid' | 'revoked') {
    super(
      {
        expired: 'The access token has expired',
        invalid: 'The access token is not valid',
        revoked: 'The session of this access token has ended',
      }[reason],
    );
    this.name = 'InvalidAccessTokenError';
  }
}

/**
 * How many verified tokens AccessTokens remembers. A console sends the same token on every call
 * for its 15 minutes; verifying its signature again each time was a large share of a list
 * request's CPU. Beyond this many, the oldest is forgotten (and verified again if it comes back).
 */
const VERIFIED_TOKENS_KEPT = 10_000;

interface VerifiedToken {
  claims: AccessClaims;
  /** The first whole second (Unix time) at which verify would refuse it: exp, or iat + maxTokenAge + 1. */
  refusedFrom: number;
}

const nowInSeconds = () => Math.floor(Date.now() / 1000);

interface SessionRow {
  role: Role;
  disabled: boolean;
  revoked: boolean;
  store_ids: string[];
}

/**
 * Console access tokens: HS256 JWTs that live 15 minutes, checked against the present on every
 * request: the session must not be revoked (logout, reuse, password change) and the membership
 * must exist and be enabled; role and stores come from the database, never from the token.
 */
export class AccessTokens {
  private readonly key: Uint8Array;
  /** Tokens verified before, by their whole text (signature included), oldest first. */
  private readonly verified = new Map<string, VerifiedToken>();
  /** Session reads waiting to be sent, by organization, user and session (see sessionNow). */
  private readonly unsentSessionReads = new Map<string, Promise<SessionRow | undefined>>();
  constructor(
    secret: string,
    private readonly db: Database,
  ) {
    this.key = new TextEncoder().encode(secret);
  }

  async issue(claims: AccessClaims): Promise<{ token: string; expiresIn: number }> {
    const token = await new SignJWT({ org: claims.org, sid: claims.sid })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(claims.sub)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(`${ACCESS_TOKEN_TTL_SECONDS}s`)
      .sign(this.key);
    return { token, expiresIn: ACCESS_TOKEN_TTL_SECONDS };
  }

  /**
   * Checks signature, issuer, audience and lifetime; `exp`, `iat` and `sid` are required. A token
   * verified before is not verified again while it lives: the same text under the same key verifies
   * the same way, and only its lifetime, checked here against the clock, changes its answer.
   */
  async verify(token: string): Promise<AccessClaims> {
    const known = this.verified.get(token);
    if (known) {
      if (nowInSeconds() < known.refusedFrom) return known.claims;
      this.verified.delete(token);
    }
    try {
      const { payload } = await jwtVerify(token, this.key, {
        issuer: ISSUER,
        audience: AUDIENCE,
        algorithms: ['HS256'],
        requiredClaims: ['exp', 'iat', 'sub', 'sid'],
        maxTokenAge: ACCESS_TOKEN_TTL_SECONDS,
      });
      const claims = claimsSchema.parse(payload);
      const verified = { sub: claims.sub, org: claims.org, sid: claims.sid };
      this.remember(token, { claims: verified, refusedFrom: Math.min(claims.exp, claims.iat + ACCESS_TOKEN_TTL_SECONDS + 1) });
      return verified;
    } catch (error) {
      throw new InvalidAccessTokenError(error instanceof errors.JWTExpired ? 'expired' : 'invalid');
    }
  }

  /**
   * The session and membership behind claims, read after this call: requests for the same session
   * that arrive in the same turn of the event loop (a console loading a page fires several) share
   * one read, sent once they have all arrived, so each still sees the database as it is after it
   * came in. A read already sent is never shared: it may predate a logout or a disabling.
   */
  private sessionNow(claims: AccessClaims): Promise<SessionRow | undefined> {
    const key = `${claims.org}/${claims.sub}/${claims.sid}`;
    let read = this.unsentSessionReads.get(key);
    if (!read) {
      read = new Promise<void>((resolve) => setImmediate(resolve)).then(async () => {
        this.unsentSessionReads.delete(key);
        const [session] = await readWithPrincipal<SessionRow>(
          this.db,
          systemPrincipal(claims.org, 'authenticate'),
          statement`
            select u.role, u.disabled_at is not null as disabled, f.revoked_at is not null as revoked,
                   array(select s.store_id::text from user_stores s where s.user_id = u.id order by s.store_id) as store_ids
            from refresh_token_families f join users u on u.org_id = f.org_id and u.id = f.user_id
            where f.id = ${claims.sid} and f.user_id = ${claims.sub}`,
        );
        return session;
      });
      this.unsentSessionReads.set(key, read);
    }
    return read;
  }

  private remember(token: string, verified: VerifiedToken): void {
    if (this.verified.size >= VERIFIED_TOKENS_KEPT) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(token, verified);
  }

  /** The principal of a token as of now: one read, in one round trip on a PostgreSQL server. */
  async authenticate(token: string): Promise<Principal> {
    const claims = await this.verify(token);
    const session = await this.sessionNow(claims);
    if (!session || session.disabled || session.revoked || !ROLES.includes(session.role)) {
      throw new InvalidAccessTokenError('revoked');
    }
    return {
      orgId: claims.org,
      kind: 'console',
      role: session.role,
      storeIds: session.role === 'merchant' ? session.store_ids : 'all',
      subject: claims.sub,
      userId: claims.sub,
      capabilities: [],
    };
  }
}
