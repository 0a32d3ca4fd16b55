import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export function hmacSha256(secret: string, data: string | Buffer, encoding: 'hex' | 'base64'): string {
  return createHmac('sha256', secret).update(data).digest(encoding);
}

export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * The `hmac` Shopify puts on admin redirects and app loads: drop `hmac` and `signature`,
 * sort the keys, join them as URLSearchParams (spaces as `%20`), HMAC-SHA256 with the app
 * secret, hex.
 */
export function signAdminQuery(secret: string, params: Record<string, string>): string {
  const search = new URLSearchParams();
  for (const key of Object.keys(params).sort((a, b) => a.localeCompare(b))) {
    if (key === 'hmac' || key === 'signature') continue;
    search.append(key, params[key] as string);
  }
  return hmacSha256(secret, search.toString().replace(/\+/g, '%20'), 'hex');
}

/** Returns `params` plus its `hmac`, keys in alphabetical order (as Shopify sends them). */
export function withAdminHmac(secret: string, params: Record<string, string>): URLSearchParams {
  const all: Record<string, string> = { ...params, hmac: signAdminQuery(secret, params) };
  const search = new URLSearchParams();
  for (const key of Object.keys(all).sort()) search.append(key, all[key] as string);
  return search;
}

export function randomHex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

const base64url = (input: string | Buffer): string => Buffer.from(input).toString('base64url');

/** Session-token claims, as App Bridge's `shopify.idToken()` issues them. */
export interface SessionTokenClaims {
  iss: string;
  dest: string;
  aud: string;
  sub: string;
  exp: number;
  nbf: number;
  iat: number;
  jti: string;
  sid: string;
  [claim: string]: unknown;
}

export function signJwtHs256(secret: string, claims: Record<string, unknown>): string {
  const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const payload = base64url(JSON.stringify(claims));
  const signature = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
  return `${header}.${payload}.${signature}`;
}

export type JwtCheck = { ok: true; claims: SessionTokenClaims } | { ok: false; reason: string };

/** Verifies an HS256 session token the way Shopify's token endpoint does (10 s leeway). */
export function verifyJwtHs256(secret: string, token: string, nowSeconds: number, leewaySeconds = 10): JwtCheck {
  const parts = token.split('.');
  if (parts.length !== 3) return { ok: false, reason: 'malformed token' };
  const [header, payload, signature] = parts as [string, string, string];
  let headerJson: { alg?: string };
  let claims: SessionTokenClaims;
  try {
    headerJson = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { alg?: string };
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as SessionTokenClaims;
  } catch {
    return { ok: false, reason: 'malformed token' };
  }
  if (headerJson.alg !== 'HS256') return { ok: false, reason: 'unsupported algorithm' };
  const expected = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
  if (!safeEqual(expected, signature)) return { ok: false, reason: 'signature verification failed' };
  if (typeof claims.exp !== 'number' || claims.exp + leewaySeconds < nowSeconds) return { ok: false, reason: 'token expired' };
  if (typeof claims.nbf === 'number' && claims.nbf - leewaySeconds > nowSeconds) return { ok: false, reason: 'token not active' };
  return { ok: true, claims };
}
