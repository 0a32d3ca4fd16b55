import { z } from 'zod';
import { BadRequestError } from './errors.ts';

export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
});

/** The instant exactly as `Date#toISOString()` writes it, which is how cursors carry it. */
const isoInstant = z.string().refine((text) => {
  const time = Date.parse(text);
  return Number.isFinite(time) && new Date(time).toISOString() === text;
}, 'must be an ISO 8601 instant');

/** The sort key of lists ordered by creation: `[createdAt, id]`. */
export const createdAtIdKey = z.tuple([isoInstant, z.uuid()]);

/** Keyset cursors are opaque to clients: base64url of the sort key of the last row. */
export function encodeCursor(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/**
 * The sort key a cursor carries, checked against the key's schema: a cursor is client input,
 * and one that decodes to the wrong types must not reach the database as a parameter.
 */
export function decodeCursor<S extends z.ZodType>(cursor: string, key: S): z.infer<S> {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new BadRequestError('The cursor is not valid', { cursor });
  }
  const result = key.safeParse(decoded);
  if (!result.success) throw new BadRequestError('The cursor is not valid', { cursor });
  return result.data;
}

/** Given limit + 1 rows, answers the page and the cursor of its last row. */
export function toPage<Row>(rows: Row[], limit: number, keyOf: (row: Row) => string[]) {
  const hasMore = rows.length > limit;
  const data = hasMore ? rows.slice(0, limit) : rows;
  const last = data.at(-1);
  return { data, page: { nextCursor: hasMore && last ? encodeCursor(keyOf(last)) : null } };
}
