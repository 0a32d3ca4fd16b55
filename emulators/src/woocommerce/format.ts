/** Formatting helpers matching what the WooCommerce REST API prints. */

/** Money is a string with two decimals (`"12.50"`). */
export function money(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(Math.round(cents));
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** Parses `"12.5"`/`12.5` into cents; returns null when it is not a number. */
export function parseMoney(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return Math.round(value * 100);
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) {
    return Math.round(Number(value) * 100);
  }
  return null;
}

/** `wc_rest_prepare_date_response`: `YYYY-MM-DDTHH:MM:SS`, no zone (sites here run on UTC). */
export function wcDate(seconds: number | null): string | null {
  if (seconds === null) return null;
  return new Date(seconds * 1000).toISOString().slice(0, 19);
}

/** `rest_parse_date`: RFC 3339 with optional fraction and zone; a bare time is the site's zone (UTC). */
export function parseRestDate(value: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|z|[+-]\d{2}(?::?\d{2})?)?$/.exec(value);
  if (!match) return null;
  const iso = `${match[1]}-${match[2]}-${match[3]}T${match[4]}:${match[5]}:${match[6]}${normalizeZone(match[8])}`;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : Math.floor(ms / 1000);
}

function normalizeZone(zone: string | undefined): string {
  if (!zone || zone === 'z' || zone === 'Z') return 'Z';
  if (/^[+-]\d{2}$/.test(zone)) return `${zone}:00`;
  if (/^[+-]\d{4}$/.test(zone)) return `${zone.slice(0, 3)}:${zone.slice(3)}`;
  return zone;
}

/**
 * `wp_json_encode` with WordPress's default flags: like PHP's json_encode, slashes and
 * non-ASCII characters are escaped (`"http:\/\/…"`, `"\u00e9"`). REST answers and webhook
 * bodies use it, so a receiver that re-serialises JSON before checking a signature fails
 * here exactly as it would against a real store.
 */
export function phpJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/\//g, '\\/')
    .replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
