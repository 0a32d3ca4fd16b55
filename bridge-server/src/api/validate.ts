import type { z } from 'zod';
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
