import { type Args, MAX_PAGE_SIZE, type View, err } from './context.ts';

/** Relay connections: Shopify-style opaque cursors (`{"last_id":…,"last_value":…}` in base64) and page arguments. */

export function encodeCursor(id: bigint, value: string | number): string {
  return Buffer.from(`{"last_id":${id},"last_value":${JSON.stringify(String(value))}}`).toString('base64');
}
export function decodeCursor(cursor: string): { id: bigint; value: string } {
  const text = Buffer.from(cursor, 'base64').toString('utf8');
  const id = /"last_id":(\d+)/.exec(text);
  const value = /"last_value":"([^"]*)"/.exec(text);
  if (!id || !value) throw err('Invalid cursor for current pagination sort.', 'BAD_REQUEST');
  return { id: BigInt(id[1] as string), value: value[1] as string };
}

export interface PageRequest {
  size: number;
  /** Walk direction over the sorted list (after applying `reverse`). */
  forward: boolean;
  cursor: string | null;
}

export function pageRequest(args: Args): PageRequest {
  const first = args.first as number | null | undefined;
  const last = args.last as number | null | undefined;
  if (first == null && last == null) throw err('you must provide one of first or last', 'BAD_REQUEST');
  const size = (first ?? last) as number;
  if (size < 0) throw err(`${first != null ? 'first' : 'last'} must be a non-negative integer`, 'BAD_REQUEST');
  if (size > MAX_PAGE_SIZE) {
    throw err(
      `The requested page size of ${size} exceeds the maximum of ${MAX_PAGE_SIZE} (argument '${first != null ? 'first' : 'last'}').`,
      'MAX_PAGE_SIZE_EXCEEDED',
    );
  }
  const forward = first != null;
  return { size, forward, cursor: ((forward ? args.after : args.before) as string | null | undefined) ?? null };
}

export interface ConnectionResult {
  edges: Array<{ cursor: string; node: View }>;
  nodes: View[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

export function toConnection(items: Array<{ cursor: string; node: View }>, page: PageRequest, more: boolean): ConnectionResult {
  const ordered = page.forward ? items : [...items].reverse();
  return {
    edges: ordered,
    nodes: ordered.map((edge) => edge.node),
    pageInfo: {
      hasNextPage: page.forward ? more : page.cursor !== null,
      hasPreviousPage: page.forward ? page.cursor !== null : more,
      startCursor: ordered[0]?.cursor ?? null,
      endCursor: ordered[ordered.length - 1]?.cursor ?? null,
    },
  };
}

/** A connection over a small in-memory list, ordered by id. */
export function listConnection<T>(
  items: readonly T[],
  args: Args,
  idOf: (item: T) => bigint,
  view: (item: T) => View,
): ConnectionResult {
  const page = pageRequest(args);
  const ordered = args.reverse ? [...items].reverse() : items;
  const walk = page.forward ? ordered : [...ordered].reverse();
  let start = 0;
  if (page.cursor) {
    const { id } = decodeCursor(page.cursor);
    start = walk.findIndex((item) => idOf(item) === id) + 1;
    if (start === 0 && walk.length > 0) {
      // The cursor's item was deleted since: go on from where its id would sit, as Shopify's
      // cursors (which carry the last id) do, rather than from the start.
      const ascending = idOf(walk[0] as T) <= idOf(walk[walk.length - 1] as T);
      const past = walk.findIndex((item) => (ascending ? idOf(item) > id : idOf(item) < id));
      start = past < 0 ? walk.length : past;
    }
  }
  const slice = walk.slice(start, start + page.size);
  return toConnection(
    slice.map((item) => ({ cursor: encodeCursor(idOf(item), String(idOf(item))), node: view(item) })),
    page,
    start + page.size < walk.length,
  );
}
