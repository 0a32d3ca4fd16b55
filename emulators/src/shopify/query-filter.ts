/**
 * Shopify's search syntax, the part clients use for syncing: `updated_at:>'2026-01-01T00:00:00Z'`,
 * `created_at:<=…`, `status:open`, `financial_status:paid`, `fulfillment_status:unshipped`,
 * `tag:vip`, `name:#1001`, `email:…`, `test:true`. Terms are ANDed; unknown fields are reported
 * back as warnings (as Shopify does in `extensions.search`).
 */
export interface SearchTerm {
  field: string;
  op: '=' | '>' | '>=' | '<' | '<=';
  value: string;
  negated: boolean;
}

export interface ParsedSearch {
  terms: SearchTerm[];
  freeText: string[];
}

export function parseSearch(query: string | null | undefined): ParsedSearch {
  const terms: SearchTerm[] = [];
  const freeText: string[] = [];
  if (!query) return { terms, freeText };
  const pattern = /(-|NOT\s+)?([A-Za-z_]+):(<=|>=|<|>)?\s*(?:'([^']*)'|"([^"]*)"|(\S+))|(\S+)/g;
  for (const match of query.matchAll(pattern)) {
    if (match[7] !== undefined) {
      if (!/^(AND|OR)$/.test(match[7])) freeText.push(match[7]);
      continue;
    }
    terms.push({
      field: (match[2] as string).toLowerCase(),
      op: (match[3] as SearchTerm['op'] | undefined) ?? '=',
      value: match[4] ?? match[5] ?? match[6] ?? '',
      negated: Boolean(match[1]),
    });
  }
  return { terms, freeText };
}

export function compare(op: SearchTerm['op'], left: number, right: number): boolean {
  switch (op) {
    case '>':
      return left > right;
    case '>=':
      return left >= right;
    case '<':
      return left < right;
    case '<=':
      return left <= right;
    default:
      return left === right;
  }
}

/** Parses a search date: ISO 8601 (with or without zone; no zone = UTC) or `YYYY-MM-DD`. */
export function parseSearchDate(value: string): number | null {
  const normalized = /^\d{4}-\d{2}-\d{2}$/.test(value)
    ? `${value}T00:00:00Z`
    : /[zZ]|[+-]\d{2}:?\d{2}$/.test(value)
      ? value
      : `${value}Z`;
  const ms = Date.parse(normalized);
  return Number.isNaN(ms) ? null : ms;
}
