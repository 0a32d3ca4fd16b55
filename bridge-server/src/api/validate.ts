import type { RequestHandler } from 'express';
import type { z } from 'zod';
import { isUuid } from '../db/principal.ts';
import { BadRequestError } from './errors.ts';

/**
 * Where a NUL character (U+0000) hides in a parsed body or query: in a string or in an object
 * key, at any depth. PostgreSQL's text cannot hold one (and jsonb refuses `\u0000`), so such
 * input can never be stored; it is refused at the edge rather than at the database.
 */
export function nulCharacterPath(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = nulCharacterPath(item, `${path}.${index}`);
      if (found) return found;
    }
    return undefined;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (key.includes('\u0000')) return `${path}.${key.replaceAll('\u0000', '\\u0000')}`;
      const found = nulCharacterPath(item, `${path}.${key}`);
      if (found) return found;
    }
  }
  return undefined;
}

/** Throws BAD_REQUEST when `value` holds a NUL character anywhere. */
export function rejectNulCharacters(value: unknown, where: string): void {
  const path = nulCharacterPath(value, where);
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
