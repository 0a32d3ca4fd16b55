import { createHmac, randomBytes } from 'node:crypto';
import { decodeJwt, errors, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { z } from 'zod';

/**
 * The server's short-lived signed tokens (JWT, HS256, through jose): the Shopify and WooCommerce
 * connect tokens and the wc-auth state. Each kind signs with its own key derived from the
 * server's secret and carries its kind as the audience, so a token of one kind never passes as
 * another: a Shopify connect token is not a WooCommerce one, nor a wc-auth state.
 */

export const TOKEN_KINDS = ['shopify-connect', 'woocommerce-connect', 'woocommerce-connect-state'] as const;
export type TokenKind = (typeof TOKEN_KINDS)[number];

const ISSUER = 'dockhand';
const audienceOf = (kind: TokenKind) => `dockhand:${kind}`;

export type InvalidTokenReason = 'malformed' | 'signature' | 'expired' | 'kind';

export class InvalidSignedTokenError extends Error {
  constructor(readonly reason: InvalidTokenReason) {
    super(
      reason === 'expired'
        ? 'The token has expired'
        : reason === 'signature'
          ? 'The token signature does not match'
          : reason === 'kind'
            ? 'The token is not meant for this'
            : 'The token is malformed',
    );
    this.name = 'InvalidSignedTokenError';
  }
}

/** The registered claims every token carries besides its own. */
export interface TokenClaims {
  iat: number;
  exp: number;
  jti: string;
}

const registered = z.object({ iat: z.number().int(), exp: z.number().int(), jti: z.string() });

export class SignedTokens {
  private readonly keys: Record<TokenKind, Uint8Array>;

  /** `secret`: the server's JWT secret; the keys derived from it sign these tokens and nothing else. */
  constructor(secret: string) {
    const derive = (kind: TokenKind) =>
      new Uint8Array(createHmac('sha256', secret).update(`dockhand:signed-token:${kind}:v1`).digest());
    this.keys = Object.fromEntries(TOKEN_KINDS.map((kind) => [kind, derive(kind)])) as Record<TokenKind, Uint8Array>;
  }

  /** A token of `kind` carrying `claims`, valid for `ttlSeconds`. */
  async sign(kind: TokenKind, claims: Record<string, unknown>, ttlSeconds: number): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT(claims as JWTPayload)
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(ISSUER)
      .setAudience(audienceOf(kind))
      .setIssuedAt(now)
      .setExpirationTime(now + ttlSeconds)
      .setJti(randomBytes(12).toString('base64url'))
      .sign(this.keys[kind]);
  }

  /**
   * The claims of a token of `kind`, parsed with `schema`. Throws InvalidSignedTokenError when
   * it is forged, tampered with, of another kind or (unless `ignoreExpiry`, for pages that only
   * explain an outcome) expired.
   */
  async verify<S extends z.ZodType>(
    kind: TokenKind,
    token: string,
    schema: S,
    options: { ignoreExpiry?: boolean } = {},
  ): Promise<z.infer<S> & TokenClaims> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.keys[kind], {
        issuer: ISSUER,
        audience: audienceOf(kind),
        algorithms: ['HS256'],
        requiredClaims: ['exp', 'iat', 'jti'],
      }));
    } catch (error) {
      // jose checks expiry last, so an expired token's claims are otherwise verified.
      if (error instanceof errors.JWTExpired && options.ignoreExpiry) payload = error.payload;
      else throw new InvalidSignedTokenError(reasonOf(error, token, kind));
    }
    const claims = registered.safeParse(payload);
    const own = schema.safeParse(payload);
    if (!claims.success || !own.success) throw new InvalidSignedTokenError('malformed');
    return { ...(own.data as object), ...claims.data } as z.infer<S> & TokenClaims;
  }
}

function reasonOf(error: unknown, token: string, kind: TokenKind): InvalidTokenReason {
  if (error instanceof errors.JWTExpired) return 'expired';
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    // Signed under another kind's key: say so rather than "forged".
    try {
      const { aud } = decodeJwt(token);
      const other = TOKEN_KINDS.find((candidate) => candidate !== kind && aud === audienceOf(candidate));
      if (other) return 'kind';
    } catch {
      return 'malformed';
    }
    return 'signature';
  }
  if (error instanceof errors.JWTClaimValidationFailed && error.claim === 'aud') return 'kind';
  return 'malformed';
}
