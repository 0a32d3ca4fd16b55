/**
 * Server-side limits on the app role's sessions, so one slow or stuck tenant cannot hold the
 * shared pools: a statement that runs too long, a wait for a row lock, and a transaction left
 * open doing nothing are ended by PostgreSQL itself, and their connection returns to the pool.
 */
export interface DatabaseTimeouts {
  /** statement_timeout: the longest one statement may run (backfill pages included). */
  statementTimeoutMs: number;
  /** lock_timeout: the longest a statement waits for a lock before it fails (SQLSTATE 55P03). */
  lockTimeoutMs: number;
  /**
   * idle_in_transaction_session_timeout: a session idle inside a transaction longer than this is
   * terminated. Above the longest platform call made inside a transaction (a Shopify token
   * refresh runs under the store's row lock).
   */
  idleInTransactionTimeoutMs: number;
}

export const DEFAULT_DB_TIMEOUTS: Readonly<DatabaseTimeouts> = Object.freeze({
  statementTimeoutMs: 15_000,
  lockTimeoutMs: 3_000,
  idleInTransactionTimeoutMs: 60_000,
});

/** The same limits as PostgreSQL run-time parameters (sent as startup parameters, in ms). */
export function timeoutParameters(timeouts: DatabaseTimeouts): Record<string, string> {
  return {
    statement_timeout: String(timeouts.statementTimeoutMs),
    lock_timeout: String(timeouts.lockTimeoutMs),
    idle_in_transaction_session_timeout: String(timeouts.idleInTransactionTimeoutMs),
  };
}
