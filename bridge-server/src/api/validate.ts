import type { z } from 'zod';
import { isUuid } from '../db/principal.ts';
import { BadRequestError } from './errors.ts';

/** Parses input with a zod schema; failures become BAD_REQUEST naming each field. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, where = 'body'): z.infer<S> {
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
