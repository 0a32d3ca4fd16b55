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

  /** Checks signature, issuer, audience and lifetime; `exp`, `iat` and `sid` are required. */
  async verify(token: string): Promise<AccessClaims> {
    try {
      const { payload } = await jwtVerify(token, this.key, {
        issuer: ISSUER,
        audience: AUDIENCE,
        algorithms: ['HS256'],
        requiredClaims: ['exp', 'iat', 'sub', 'sid'],
        maxTokenAge: ACCESS_TOKEN_TTL_SECONDS,
      });
      const claims = claimsSchema.parse(payload);
      return { sub: claims.sub, org: claims.org, sid: claims.sid };
    } catch (error) {
      throw new InvalidAccessTokenError(error instanceof errors.JWTExpired ? 'expired' : 'invalid');
    }
  }

  /** The principal of a token as of now: one read, in one round trip on a PostgreSQL server. */
  async authenticate(token: string): Promise<Principal> {
    const claims = await this.verify(token);
    const [session] = await readWithPrincipal<SessionRow>(
      this.db,
      systemPrincipal(claims.org, 'authenticate'),
      statement`
        select u.role, u.disabled_at is not null as disabled, f.revoked_at is not null as revoked,
               array(select s.store_id::text from user_stores s where s.user_id = u.id order by s.store_id) as store_ids
        from refresh_token_families f join users u on u.org_id = f.org_id and u.id = f.user_id
        where f.id = ${claims.sid} and f.user_id = ${claims.sub}`,
    );
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
