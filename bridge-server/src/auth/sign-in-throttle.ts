import { createHash } from 'node:crypto';
import type { Database } from '../db/database.ts';

/**
 * Growing delays per (account, source address) instead of a lock on the account: a stranger
 * guessing from elsewhere cannot lock the owner out, and the same guesser waits 1 s, 2 s, 4 s …
 * up to the cap after the free attempts. The account is the email as typed, whether or not it
 * exists, so unknown and known emails are throttled alike.
 */
export interface SignInThrottlePolicy {
  /** Attempts before delays start. */
  freeAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_SIGN_IN_THROTTLE: SignInThrottlePolicy = { freeAttempts: 5, baseDelayMs: 1_000, maxDelayMs: 5 * 60_000 };

export class SignInThrottle {
  constructor(
    private readonly db: Database,
    private readonly policy: SignInThrottlePolicy = DEFAULT_SIGN_IN_THROTTLE,
  ) {}

  /**
   * Counts an attempt and answers the seconds to wait before it may be made, or 0. Counted
   * before the password is checked, so guesses sent in parallel cannot all slip through.
   */
  async attempt(email: string, source: string): Promise<number> {
    const [row] = await this.db.app<{ wait_ms: number }[]>`
      select dockhand.sign_in_attempt(${accountKey(email)}, ${source}, ${this.policy.freeAttempts},
                                      ${this.policy.baseDelayMs}, ${this.policy.maxDelayMs}) as wait_ms`;
    return Math.ceil((row?.wait_ms ?? 0) / 1000);
  }

  async succeeded(email: string, source: string): Promise<void> {
    await this.db.app`select dockhand.sign_in_succeeded(${accountKey(email)}, ${source})`;
  }
}

/** The email is stored only as a hash: what people type into it is sometimes their password. */
const accountKey = (email: string): Buffer => createHash('sha256').update(`sign-in:${email.trim().toLowerCase()}`).digest();
