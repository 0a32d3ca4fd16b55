import { z } from 'zod';
import { BadRequestError } from '../api/errors.ts';
import { decodeCursor, toPage } from '../api/pagination.ts';
import { statement, type Statement } from '../db/statement.ts';

/**
 * The list semantics shared by orders, products and customers: a sort named by the client
 * (`placed`, `-placed`, …), keyset pagination on (sort key, id) in that direction, and filters
 * that become SQL conditions. Sort columns come from fixed tables here, never from input.
 */

/** How a sort key travels in a cursor, and how it is read back into SQL. */
type KeyKind = 'instant' | 'decimal' | 'text';

export interface SortColumn {
  /** The SQL expression sorted on (a constant of this module's callers). */
  sql: string;
  kind: KeyKind;
}

/** A SQL fragment with no values: only ever built from constants. */
export const sqlText = (text: string): Statement => ({ text, values: [], parts: [text] });

/** The text a key is written into a cursor as: exact (microseconds, all digits), whatever the session's settings. */
function keyText(column: SortColumn): string {
  switch (column.kind) {
    case 'instant':
      return `to_char(${column.sql} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
    case 'decimal':
      return `(${column.sql})::text`;
    case 'text':
      return column.sql;
  }
}

const KEY_SCHEMAS: Record<KeyKind, z.ZodType<string>> = {
  instant: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/),
  decimal: z.string().regex(/^-?\d{1,15}(\.\d{1,6})?$/),
  text: z.string().max(2000),
};
const CASTS: Record<KeyKind, string> = { instant: 'timestamptz', decimal: 'numeric', text: 'text' };

/** `name` or `-name` (descending) for one of `names`. */
export function sortParam<const N extends string>(names: readonly N[], fallback: `${'' | '-'}${N}`) {
  return z
    .string()
    .refine((value) => (names as readonly string[]).includes(value.replace(/^-/, '')), {
      message: `must be one of ${names.join(', ')}, with - in front for descending`,
    })
    .default(fallback)
    .meta({ description: `Sort key: ${names.join(', ')}; prefix - for descending (default ${fallback})` });
}

export interface ListSort {
  /** As the client wrote it, e.g. `-placed`: cursors are tied to it. */
  param: string;
  column: SortColumn;
  descending: boolean;
}

export function resolveSort(param: string, columns: Record<string, SortColumn>): ListSort {
  const descending = param.startsWith('-');
  const column = columns[param.replace(/^-/, '')];
  if (!column) throw new BadRequestError(`Unknown sort ${param}`);
  return { param, column, descending };
}

/** The cursor of a list: [sort, key, id]. A cursor of another sort is refused rather than misread. */
export interface Keyset {
  key: string;
  id: string;
}

export function decodeKeyset(cursor: string | undefined, sort: ListSort): Keyset | undefined {
  if (cursor === undefined) return undefined;
  const [param, key, id] = decodeCursor(cursor, z.tuple([z.string(), KEY_SCHEMAS[sort.column.kind], z.uuid()]));
  if (param !== sort.param) throw new BadRequestError('The cursor belongs to another sort', { cursor });
  return { key, id };
}

/** `and (key, id) < (…)` (or `>` ascending) for the page after `after`; nothing for the first page. */
export function keysetCondition(sort: ListSort, idColumn: string, after: Keyset | undefined): Statement {
  if (!after) return statement``;
  const cast = sqlText(`::${CASTS[sort.column.kind]}`);
  const operator = sqlText(sort.descending ? '<' : '>');
  return statement` and (${sqlText(sort.column.sql)}, ${sqlText(idColumn)}) ${operator} (${after.key}${cast}, ${after.id}::uuid)`;
}

export function orderByClause(sort: ListSort, idColumn: string): Statement {
  const direction = sort.descending ? 'desc' : 'asc';
  return sqlText(`order by ${sort.column.sql} ${direction}, ${idColumn} ${direction}`);
}

/** The select-list item that carries each row's sort key out, as `sort_key`. */
export function sortKeyColumn(sort: ListSort): Statement {
  return sqlText(`${keyText(sort.column)} as sort_key`);
}

/** Given limit + 1 rows, the page (see toPage) and the cursor of its last row, tied to the sort. */
export function keysetPage<Row extends { id: string; sort_key: string }, Out>(
  rows: Row[],
  limit: number,
  sort: ListSort,
  view: (row: Row) => Out,
): { data: Out[]; page: { nextCursor: string | null } } {
  const { data, page } = toPage(rows, limit, (row) => [sort.param, row.sort_key, row.id]);
  return { data: data.map(view), page };
}

/** `column = $1` for one value, `column = any($1)` for several (one value keeps an index's order usable). */
export function inList(column: string, values: readonly string[] | undefined, cast: 'text' | 'uuid' = 'text'): Statement {
  if (!values || values.length === 0) return statement``;
  if (values.length === 1) return statement` and ${sqlText(column)} = ${values[0]!}${sqlText(`::${cast}`)}`;
  return statement` and ${sqlText(column)} = any(${values}${sqlText(`::${cast}[]`)})`;
}

/**
 * `q` of a list: trimmed, 3 to 200 characters, holding a word (a run without spaces) of at least
 * three. The search indexes are keyed by the three-character runs of its words; a text without
 * one (`a b`) could only be looked for in every row of the organization.
 */
export function searchParam(description: string) {
  return z
    .string()
    .trim()
    .min(3)
    .max(200)
    .regex(/\S{3}/, { message: 'must hold a word of at least 3 characters' })
    .optional()
    .meta({ description: `${description} (at least 3 characters in a row, without spaces)` });
}

/**
 * How many matches a search function reads before it gives up (migration 0024). Past this many,
 * the page is read down the list's sort index instead, the pattern checked on each row passed:
 * on average fewer than a page × the organization's rows ÷ this many rows (a page of 50 out of
 * a million orders: 25,000 rows, where sorting every match would read more than 2,000, and all
 * of them for a word most orders hold). Giving up costs reading this many: measured on 10,000
 * orders, a page of a word every order holds took 9 ms at 2,000 and 12 ms at 5,000 (16–20 ms
 * sorting every match); on a million, sorting every match took over a second.
 */
export const SEARCH_MOST = 2000;

/** SQLSTATE of a search function that found more than SEARCH_MOST matches (migration 0024). */
const SEARCH_TOO_WIDE = 'DH001';

/** The page from the search function's matches; when they are too many, the page from `walk`. */
export async function searchOrWalk<T>(indexed: () => Promise<T>, walk: () => Promise<T>): Promise<T> {
  try {
    return await indexed();
  } catch (error) {
    if ((error as { code?: unknown } | null)?.code !== SEARCH_TOO_WIDE) throw error;
    return walk();
  }
}

/** How a list finds the rows of `q`: the search function's ids, and the walk's check of each row. */
export interface ListSearch {
  /** `and <id> = any(<the search function's ids for pattern, reading at most `most` matches>)`. */
  ids(pattern: string, most: number): Statement;
  /** `and <the row's text contains pattern>`. */
  contains(pattern: string): Statement;
}

/** A page read with `q`'s condition (nothing without one), through the search function, or past SEARCH_MOST its walk. */
export function searchedPage<T>(
  q: string | undefined,
  read: (condition: Statement) => Promise<T>,
  search: ListSearch,
): Promise<T> {
  if (q === undefined) return read(statement``);
  const pattern = containsPattern(q);
  return searchOrWalk(
    () => read(search.ids(pattern, SEARCH_MOST)),
    () => read(search.contains(pattern)),
  );
}

/**
 * `<text> contains the pattern`, as the walk of a wide search checks it on each row. Through
 * dockhand.text_contains (migration 0024), whose selectivity the planner does not guess from
 * the pattern: a LIKE on a parameter is estimated to keep 1 row in 200, so a page looked like
 * the organization's last few matching rows, and it read every row to sort them.
 */
export function textContains(text: string, pattern: string): Statement {
  return statement`dockhand.text_contains(${sqlText(text)}, ${pattern})`;
}

/** A LIKE pattern that finds `text` anywhere, its wildcards taken literally; lower-cased like the search columns. */
export function containsPattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** A query parameter that lists values: `a,b` or repeated (`?x=a&x=b`). */
export function listParam(item: z.ZodType<string, string>, max = 50) {
  return z
    .union([z.string(), z.array(z.string())])
    .transform((value) =>
      (Array.isArray(value) ? value : [value])
        .flatMap((part) => part.split(','))
        .map((part) => part.trim())
        .filter((part) => part !== ''),
    )
    .pipe(z.array(item).max(max))
    .optional()
    .meta({ description: 'One value, several separated by commas, or the parameter repeated' });
}

export const booleanParam = z
  .enum(['true', 'false', '1', '0'])
  .transform((value) => value === 'true' || value === '1')
  .optional();
