import { z } from 'zod';

/** A WooCommerce store's home URL as given: http(s), no user or password in it. */
export const storeUrlSchema = z
  .string()
  .max(2048)
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'http:' || url.protocol === 'https:') && !url.username && !url.password;
    } catch {
      return false;
    }
  }, 'must be an http(s) URL without credentials');

/**
 * The one spelling of a store URL that attempts and store rows are matched on: scheme, lower-case
 * host, port unless default, and path; no query, fragment, credentials or trailing slash.
 */
export function normalizeStoreUrl(value: string): string {
  const url = new URL(value);
  url.search = '';
  url.hash = '';
  url.username = '';
  url.password = '';
  return url.toString().replace(/\/+$/, '');
}
