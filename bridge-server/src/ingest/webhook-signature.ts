import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Shopify and WooCommerce both sign the raw body: base64 of HMAC-SHA256 with a shared
 * secret. Compared in constant time; a missing or malformed header is simply a mismatch.
 */
export function verifyBase64Hmac(rawBody: Buffer, secret: string, header: string | undefined): boolean {
  if (!header || header.length > 200) return false;
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  const given = Buffer.from(header, 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function signBase64Hmac(rawBody: Buffer | string, secret: string): string {
  return createHmac('sha256', secret).update(rawBody).digest('base64');
}
