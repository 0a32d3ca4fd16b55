/**
 * WordPress's global `_fields` parameter (`rest_filter_response_fields`): a successful answer
 * keeps only the listed fields, of each item when it is a list. `a.b` keeps `b` inside `a`;
 * a field listed whole wins over its sub-fields. Errors are never filtered.
 */

type FieldTree = { [name: string]: FieldTree | true };

/** `wp_parse_list`: an array, or a string split on commas and white space. */
function parseList(value: unknown): string[] {
  const items = Array.isArray(value)
    ? value.map(String)
    : value && typeof value === 'object'
      ? Object.values(value).map(String)
      : String(value ?? '').split(/[\s,]+/);
  return items.map((item) => item.trim()).filter(Boolean);
}

function fieldTree(fields: string[]): FieldTree {
  const tree: FieldTree = {};
  for (const field of fields) {
    const parts = field.split('.');
    let node = tree;
    let covered = false;
    while (parts.length > 1) {
      const next = parts.shift() as string;
      const existing = node[next];
      if (existing === true) {
        // The parent is already kept whole.
        covered = true;
        break;
      }
      node = node[next] = existing ?? {};
    }
    if (!covered) node[parts[0] as string] = true;
  }
  return tree;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** `_rest_array_intersect_key_recursive`. */
function intersect(value: unknown, tree: FieldTree): unknown {
  if (!isRecord(value)) return value;
  const out: Record<string, unknown> = {};
  // In the answer's own key order, as array_intersect_key keeps it.
  for (const [key, field] of Object.entries(value)) {
    const keep = tree[key];
    if (keep === undefined) continue;
    out[key] = keep === true ? field : intersect(field, keep);
  }
  return out;
}

export function filterResponseFields(body: unknown, fieldsParam: unknown): unknown {
  if (fieldsParam === undefined) return body;
  const fields = parseList(fieldsParam);
  if (fields.length === 0) return body;
  const tree = fieldTree(fields);
  return Array.isArray(body) ? body.map((item) => intersect(item, tree)) : intersect(body, tree);
}
