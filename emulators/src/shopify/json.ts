/**
 * JSON writer that keeps 64-bit ids exact: a `bigint` is written as a raw JSON number
 * (`{"id":9100000000000000001}`), the way Shopify's REST bodies carry ids above 2^53.
 * Never route such values through `Number`.
 */
export function toJson(value: unknown): string {
  switch (typeof value) {
    case 'bigint':
      return value.toString();
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'undefined':
    case 'function':
    case 'symbol':
      return 'null';
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) return `[${value.map((item) => toJson(item)).join(',')}]`;
      if (value instanceof Date) return JSON.stringify(value.toISOString());
      const parts: string[] = [];
      for (const [key, item] of Object.entries(value)) {
        if (item === undefined || typeof item === 'function') continue;
        parts.push(`${JSON.stringify(key)}:${toJson(item)}`);
      }
      return `{${parts.join(',')}}`;
    }
  }
}

/**
 * Reads JSON while keeping integers beyond Number.MAX_SAFE_INTEGER as strings (so a
 * receiver, or a test, can compare them exactly).
 */
export function parseJsonKeepingBigInts(text: string): unknown {
  const marked = text.replace(/([:,[]\s*)(-?\d{16,})(?=\s*[,}\]])/g, (match, prefix: string, digits: string) => {
    const asNumber = Number(digits);
    return Number.isSafeInteger(asNumber) ? match : `${prefix}"${digits}"`;
  });
  return JSON.parse(marked);
}
