/**
 * PHP-compatible query-string handling. WooCommerce verifies OAuth signatures over
 * `$_GET`/`$_POST` as PHP parsed them, so the emulator parses the same way: `+` is a
 * space, `a[b]=1` nests, `a[]=1` appends, and dots or spaces in a top-level name
 * become underscores.
 */

export type PhpValue = string | PhpArray;
export type PhpArray = Map<string, PhpValue>;

function decode(component: string): string {
  const spaced = component.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    // PHP's urldecode never fails: decode what is valid, keep the rest.
    return spaced.replace(/(%[0-9a-fA-F]{2})+/g, (run) => {
      try {
        return decodeURIComponent(run);
      } catch {
        return run;
      }
    });
  }
}

function nextIndex(map: PhpArray): string {
  let max = -1;
  for (const key of map.keys()) {
    if (/^(0|-?[1-9][0-9]*)$/.test(key)) max = Math.max(max, Number(key));
  }
  return String(max + 1);
}

/** Parses a raw query string (without `?`) the way PHP's `parse_str` fills `$_GET`. */
export function parsePhpQuery(raw: string): PhpArray {
  const result: PhpArray = new Map();
  if (!raw) return result;
  for (const pair of raw.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const rawName = decode(eq === -1 ? pair : pair.slice(0, eq));
    const value = eq === -1 ? '' : decode(pair.slice(eq + 1));
    const bracket = rawName.indexOf('[');
    let base = bracket > 0 ? rawName.slice(0, bracket) : rawName;
    const rest = bracket > 0 ? rawName.slice(bracket) : '';
    base = base.replace(/[. ]/g, '_');
    if (base === '') continue;
    const segments: string[] = [];
    let tail = rest;
    while (tail.startsWith('[')) {
      const close = tail.indexOf(']');
      if (close === -1) break;
      segments.push(tail.slice(1, close));
      tail = tail.slice(close + 1);
    }
    if (segments.length === 0) {
      result.set(base, value);
      continue;
    }
    let container = result;
    let key = base;
    for (const segment of segments) {
      let child = container.get(key);
      if (!(child instanceof Map)) {
        child = new Map();
        container.set(key, child);
      }
      container = child;
      key = segment === '' ? nextIndex(container) : segment;
    }
    container.set(key, value);
  }
  return result;
}

/** PHP `rawurlencode` followed by WooCommerce's `wc_rest_urlencode_rfc3986` tweaks. */
export function rfc3986(value: string): string {
  let encoded: string;
  try {
    encoded = encodeURIComponent(value);
  } catch {
    encoded = encodeURIComponent(value.replace(/[\uD800-\uDFFF]/g, '\uFFFD'));
  }
  return encoded.replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

/** Converts a parsed PHP array into plain JSON-like values (lists stay objects keyed by index). */
export function phpToPlain(value: PhpValue): unknown {
  if (typeof value === 'string') return value;
  const keys = [...value.keys()];
  const isList = keys.every((k, i) => k === String(i));
  if (isList) return keys.map((k) => phpToPlain(value.get(k) as PhpValue));
  const out: Record<string, unknown> = {};
  for (const [k, v] of value) out[k] = phpToPlain(v);
  return out;
}

export function phpArrayToRecord(map: PhpArray): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of map) out[k] = phpToPlain(v);
  return out;
}
