import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/**
 * Short signed tokens for the wc-auth connect flow: `base64url(json).base64url(hmac)`. Each
 * purpose signs with its own key derived from the server secret, so a connect token can never
 * pass as a wc-auth state or the other way round.
 */

export type SignedPurpose = 'woocommerce-connect-token' | 'woocommerce-connect-state';

export class InvalidSignedTokenError extends Error {
  constructor(readonly reason: 'malformed' | 'signature' | 'expired') {
    super(
      reason === 'expired'
        ? 'The token has expired'
        : reason === 'signature'
          ? 'The token signature does not match'
          : 'The token is malformed',
    );
    this.name = 'InvalidSignedTokenError';
  }
}

function keyFor(secret: string, purpose: SignedPurpose): Buffer {
  return createHmac('sha256', secret).update(`dockhand:${purpose}:v1`).digest();
}

export function signToken(secret: string, purpose: SignedPurpose, payload: Record<string, unknown>, ttlSeconds: number): string {
  const now = Date.now();
  const body = Buffer.from(
    JSON.stringify({ ...payload, iat: now, exp: Math.floor(now / 1000) + ttlSeconds, jti: randomBytes(9).toString('base64url') }),
  ).toString('base64url');
  const signature = createHmac('sha256', keyFor(secret, purpose)).update(body).digest('base64url');
  return `${body}.${signature}`;
}

/** Verifies signature and expiry, then parses the payload with `schema`. `iat` is milliseconds. */
export function verifyToken<S extends z.ZodType>(
  secret: string,
  purpose: SignedPurpose,
  token: string,
  schema: S,
  options: { ignoreExpiry?: boolean } = {},
): z.infer<S> & { iat: number; exp: number; jti: string } {
  const [body, signature, extra] = token.split('.');
  if (!body || !signature || extra !== undefined) throw new InvalidSignedTokenError('malformed');
  const expected = createHmac('sha256', keyFor(secret, purpose)).update(body).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new InvalidSignedTokenError('signature');
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidSignedTokenError('malformed');
  }
  const claims = z.object({ iat: z.number().int(), exp: z.number().int(), jti: z.string() }).safeParse(decoded);
  const payload = schema.safeParse(decoded);
  if (!claims.success || !payload.success) throw new InvalidSignedTokenError('malformed');
  if (!options.ignoreExpiry && claims.data.exp < Math.floor(Date.now() / 1000)) throw new InvalidSignedTokenError('expired');
  return { ...(payload.data as object), ...claims.data } as z.infer<S> & { iat: number; exp: number; jti: string };
}
