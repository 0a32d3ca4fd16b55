import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Ties a link to the browser that asked for it. Minting the link sets a random value as an
 * httpOnly cookie of that browser, and the link's signed token carries only its hash. The link
 * sent to someone else (a merchant lured to approve a connection into the sender's organization)
 * arrives without the cookie and is refused.
 */
export function newBrowserBinding(): { binding: string; hash: string } {
  const binding = randomBytes(32).toString('base64url');
  return { binding, hash: bindingHash(binding) };
}

export const bindingHash = (binding: string): string => createHash('sha256').update(binding).digest('base64url');

/** Whether the browser's cookie value is the one whose hash the token carries. */
export function bindingMatches(hash: string, binding: string | undefined): boolean {
  if (!binding) return false;
  const given = Buffer.from(bindingHash(binding));
  const expected = Buffer.from(hash);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * The attributes of a connect flow's cookies: httpOnly, sent along the top-level navigations of
 * the flow (Lax), and Secure only when the server is reached over https (over plain http, in
 * development, a browser would drop it).
 */
export const linkCookieOptions = (publicUrl: string) =>
  ({ httpOnly: true, sameSite: 'lax', secure: publicUrl.startsWith('https:') }) as const;

/** One cookie's value from a Cookie header (undefined when absent or not decodable). */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) {
      try {
        return decodeURIComponent(value.join('='));
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}
