import type { RequestHandler } from 'express';
import type { z } from 'zod';
import { isUuid } from '../db/principal.ts';
import { BadRequestError } from './errors.ts';

/**
 * How deeply a body or query may nest. No schema of the API goes past a handful of levels; a
 * deeper value is refused before anything walks it (a recursive walk, zod, or jsonb on the
 * database would run out of stack and answer 500).
 */
export const MAX_INPUT_DEPTH = 32;

export class InputTooDeepError extends Error {
  constructor(readonly path: string) {
    super(`${path} is nested deeper than ${MAX_INPUT_DEPTH} levels`);
    this.name = 'InputTooDeepError';
  }
}

/**
 * Where a NUL character (U+0000) hides in a parsed body or query: in a string or in an object
 * key, at any depth. PostgreSQL's text cannot hold one (and jsonb refuses `\u0000`), so such
 * input can never be stored; it is refused at the edge rather than at the database. Walked with
 * an explicit stack; a value nested deeper than MAX_INPUT_DEPTH throws InputTooDeepError.
 */
export function nulCharacterPath(value: unknown, path: string): string | undefined {
  const pending: Array<{ value: unknown; path: string; depth: number }> = [{ value, path, depth: 0 }];
  while (pending.length > 0) {
    const { value: item, path: at, depth } = pending.pop()!;
    if (typeof item === 'string') {
      if (item.includes('\u0000')) return at;
      continue;
    }
    if (item === null || typeof item !== 'object') continue;
    if (depth >= MAX_INPUT_DEPTH) throw new InputTooDeepError(at);
    const entries = Array.isArray(item) ? item.map((child, index) => [String(index), child] as const) : Object.entries(item);
    // Pushed in reverse so the first NUL in document order is the one named.
    for (let index = entries.length - 1; index >= 0; index--) {
      const [key, child] = entries[index]!;
      if (!Array.isArray(item) && key.includes('\u0000')) {
        // A key is checked before anything under it or after it, as the recursive walk did.
        pending.push({ value: `\u0000`, path: `${at}.${key.replaceAll('\u0000', '\\u0000')}`, depth: depth + 1 });
        continue;
      }
      pending.push({ value: child, path: `${at}.${key}`, depth: depth + 1 });
    }
  }
  return undefined;
}

/** Throws BAD_REQUEST when `value` holds a NUL character anywhere, or nests too deeply. */
export function rejectNulCharacters(value: unknown, where: string): void {
  let path: string | undefined;
  try {
    path = nulCharacterPath(value, where);
  } catch (error) {
    if (!(error instanceof InputTooDeepError)) throw error;
    throw new BadRequestError(`Invalid ${where}: ${error.message}`, {
      issues: [{ path: error.path, message: `must not nest deeper than ${MAX_INPUT_DEPTH} levels` }],
    });
  }
  if (path) {
    throw new BadRequestError(`Invalid ${where}: ${path} contains a NUL character`, {
      issues: [{ path, message: 'must not contain a NUL character (U+0000)' }],
    });
  }
}

/** Refuses a NUL character in the query, and in the body once a parser has run. */
export const rejectNulInput: RequestHandler = (req, _res, next) => {
  rejectNulCharacters(req.query, 'query');
  rejectNulCharacters(req.body, 'body');
  next();
};

/** Parses input with a zod schema; failures become BAD_REQUEST naming each field. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, where = 'body'): z.infer<S> {
  rejectNulCharacters(value, where);
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({
    path: [where, ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
  throw new BadRequestError(`Invalid ${where}: ${issues.map((issue) => `${issue.path} ${issue.message}`).join('; ')}`, {
    issues,
  });
}

/** A route's `:id` when it is a uuid; anything else cannot name a row, so callers answer 404. */
export function uuidParam(params: Record<string, string | string[] | undefined>, name = 'id'): string | undefined {
  const value = params[name];
  return typeof value === 'string' && isUuid(value) ? value : undefined;
}
