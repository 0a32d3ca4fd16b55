import { z } from 'zod';
import { BadRequestError } from './errors.ts';

export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
});

/** Keyset cursors are opaque to clients: base64url of the sort key of the last row. */
export function encodeCursor(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor(cursor: string, arity: number): string[] {
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(key) && key.length === arity && key.every((part) => typeof part === 'string')) {
      return key as string[];
    }
  } catch {
    // falls through to the error below
  }
  throw new BadRequestError('The cursor is not valid', { cursor });
}

/** Given limit + 1 rows, answers the page and the cursor of its last row. */
export function toPage<Row>(rows: Row[], limit: number, keyOf: (row: Row) => string[]) {
  const hasMore = rows.length > limit;
  const data = hasMore ? rows.slice(0, limit) : rows;
  const last = data.at(-1);
  return { data, page: { nextCursor: hasMore && last ? encodeCursor(keyOf(last)) : null } };
}
