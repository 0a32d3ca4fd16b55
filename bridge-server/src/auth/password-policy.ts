import { dictionary } from '@zxcvbn-ts/language-common';
import { z } from 'zod';

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 1024;

// zxcvbn-ts's list of the most common passwords (from leaked password sets), lower-cased.
let common: Set<string> | undefined;
const commonPasswords = (): Set<string> =>
  (common ??= new Set(dictionary['passwords-common'].map((password) => password.toLowerCase())));

/**
 * Why a new password is refused, or undefined when it is acceptable. NIST SP 800-63B: a length
 * floor (counted in characters, not UTF-16 units), no composition rules, and no password from a
 * list of common ones, also when only digits or symbols were added at its end ("password1234").
 */
export function passwordProblem(password: string): string | undefined {
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) return `must be at least ${MIN_PASSWORD_LENGTH} characters`;
  if (length > MAX_PASSWORD_LENGTH) return `must be at most ${MAX_PASSWORD_LENGTH} characters`;
  if (password.trim() === '') return 'must not be only spaces';
  const lower = password.toLowerCase();
  const stem = lower.replace(/[\d\s\p{P}\p{S}]+$/u, '');
  const list = commonPasswords();
  if (list.has(lower) || list.has(lower.trim()) || (stem.length >= 4 && list.has(stem))) {
    return 'is too common: it appears in lists of passwords attackers try first';
  }
  return undefined;
}

export class WeakPasswordError extends Error {
  constructor(readonly problem: string) {
    super(`The password ${problem}`);
    this.name = 'WeakPasswordError';
  }
}

export function assertPasswordPolicy(password: string): void {
  const problem = passwordProblem(password);
  if (problem) throw new WeakPasswordError(problem);
}

/** A new password at an API boundary: the policy as a zod schema, so a weak one answers 400. */
export const newPassword = z
  .string()
  .max(MAX_PASSWORD_LENGTH * 4)
  .superRefine((value, check) => {
    const problem = passwordProblem(value);
    if (problem) check.addIssue({ code: 'custom', message: problem });
  })
  .meta({ description: `At least ${MIN_PASSWORD_LENGTH} characters, not only spaces, and not a commonly used password` });
