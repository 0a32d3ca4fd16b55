import { errors, jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';
import { ROLES, type Principal } from '../db/principal.ts';

export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
const ISSUER = 'dockhand';
const AUDIENCE = 'dockhand-console';

const claimsSchema = z.object({
  sub: z.uuid(),
  org: z.uuid(),
  role: z.enum(ROLES),
  stores: z.union([z.literal('all'), z.array(z.uuid())]),
  email: z.string(),
});

export type AccessClaims = z.infer<typeof claimsSchema>;

export class InvalidAccessTokenError extends Error {
  constructor(readonly reason: 'expired' | 'invalid') {
    super(reason === 'expired' ? 'The access token has expired' : 'The access token is not valid');
    this.name = 'InvalidAccessTokenError';
  }
}

/** Console access tokens: HS256 JWTs that live 15 minutes. */
export class AccessTokens {
  private readonly key: Uint8Array;
  constructor(secret: string) {
    this.key = new TextEncoder().encode(secret);
  }

  async issue(claims: AccessClaims): Promise<{ token: string; expiresIn: number }> {
    const token = await new SignJWT({ org: claims.org, role: claims.role, stores: claims.stores, email: claims.email })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(claims.sub)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(`${ACCESS_TOKEN_TTL_SECONDS}s`)
      .sign(this.key);
    return { token, expiresIn: ACCESS_TOKEN_TTL_SECONDS };
  }

  async verify(token: string): Promise<Principal> {
    try {
      const { payload } = await jwtVerify(token, this.key, {
        issuer: ISSUER,
        audience: AUDIENCE,
        algorithms: ['HS256'],
      });
      const claims = claimsSchema.parse(payload);
      return {
        orgId: claims.org,
        kind: 'console',
        role: claims.role,
        storeIds: claims.stores,
        subject: claims.sub,
        userId: claims.sub,
        capabilities: [],
      };
    } catch (error) {
      throw new InvalidAccessTokenError(error instanceof errors.JWTExpired ? 'expired' : 'invalid');
    }
  }
}
