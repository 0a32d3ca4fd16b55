import { jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';

export const SELECTION_TOKEN_TTL_SECONDS = 2 * 60;
const ISSUER = 'dockhand';
const AUDIENCE = 'dockhand-organization-choice';

/** A membership a person has just proven they may enter: its organization and its user id. */
export interface Admitted {
  orgId: string;
  userId: string;
}

const claimsSchema = z.object({
  memberships: z
    .array(z.tuple([z.uuid(), z.uuid()]))
    .min(1)
    .max(100),
});

export class InvalidSelectionTokenError extends Error {
  constructor() {
    super('The organization choice has expired or is not valid; sign in again');
    this.name = 'InvalidSelectionTokenError';
  }
}

/**
 * Proof that a person has just signed in to several memberships (each one's own password and, when
 * on, its own one-time code matched) but has not yet chosen which to enter. It names exactly those
 * memberships, lives two minutes, and is good for nothing but choosing one of them, so a code need
 * not be typed twice. A membership whose credentials did not match is never in it.
 */
export class SelectionTokens {
  private readonly key: Uint8Array;
  constructor(secret: string) {
    this.key = new TextEncoder().encode(secret);
  }

  async issue(admitted: Admitted[]): Promise<{ token: string; expiresIn: number }> {
    const token = await new SignJWT({ memberships: admitted.map((entry) => [entry.orgId, entry.userId]) })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(`${SELECTION_TOKEN_TTL_SECONDS}s`)
      .sign(this.key);
    return { token, expiresIn: SELECTION_TOKEN_TTL_SECONDS };
  }

  async verify(token: string): Promise<Admitted[]> {
    try {
      const { payload } = await jwtVerify(token, this.key, {
        issuer: ISSUER,
        audience: AUDIENCE,
        algorithms: ['HS256'],
        requiredClaims: ['exp', 'iat'],
        maxTokenAge: SELECTION_TOKEN_TTL_SECONDS,
      });
      return claimsSchema.parse(payload).memberships.map(([orgId, userId]) => ({ orgId, userId }));
    } catch {
      throw new InvalidSelectionTokenError();
    }
  }
}
