import { QueueUnavailableError } from '../sync/queue-unavailable-error.ts';
import { ServiceUnavailableError } from './errors.ts';

/**
 * Failures that say a dependency (PostgreSQL, Redis, the queue) cannot serve the request now:
 * the client should retry, so they answer 503 SERVICE_UNAVAILABLE with a Retry-After rather
 * than 500. Everything else stays an internal error.
 */

/** Socket-level failures reported by Node (node-postgres, postgres, ioredis). */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);

/** The `postgres` driver's own connection errors. */
const DRIVER_CODES = new Set(['CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', 'CONNECT_TIMEOUT']);

/** SQLSTATEs that mean "not now" rather than "wrong". */
const BUSY_STATES: Record<string, string> = {
  '55P03': 'The data is busy (a lock could not be taken in time); try again shortly',
  '57014': 'The database took too long to answer; try again shortly',
  '25P03': 'The database ended an idle transaction; try again',
};
const UNAVAILABLE_STATES = new Set(['57P01', '57P02', '57P03', '53300', '53400', '08000', '08001', '08003', '08004', '08006']);

/** Errors node-postgres and ioredis raise without a code. */
const UNAVAILABLE_MESSAGES = [
  /^Connection terminated/,
  /^timeout exceeded when trying to connect/,
  /^Client has encountered a connection error/,
  /^Connection is closed\.$/,
  /enableOfflineQueue options is false/,
  /^Command timed out$/,
  /^Reached the max retries per request limit/,
];

const RETRY_AFTER_SECONDS = 2;

function fields(error: unknown): { code?: unknown; name?: unknown; message?: unknown; errors?: unknown; cause?: unknown } {
  return typeof error === 'object' && error !== null ? (error as Record<string, unknown>) : {};
}

function classify(error: unknown, depth: number): ServiceUnavailableError | undefined {
  if (depth > 3) return undefined;
  if (error instanceof QueueUnavailableError)
    return new ServiceUnavailableError('The job queue is unavailable; try again shortly', retry());
  const { code, name, message, errors, cause } = fields(error);
  if (typeof code === 'string') {
    if (BUSY_STATES[code]) return new ServiceUnavailableError(BUSY_STATES[code], retry());
    if (UNAVAILABLE_STATES.has(code) || DRIVER_CODES.has(code)) {
      return new ServiceUnavailableError('The database is unavailable; try again shortly', retry());
    }
    if (NETWORK_CODES.has(code))
      return new ServiceUnavailableError('A service this server needs is unavailable; try again shortly', retry());
  }
  if (
    name === 'MaxRetriesPerRequestError' ||
    (typeof message === 'string' && UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(message)))
  ) {
    return new ServiceUnavailableError('A service this server needs is unavailable; try again shortly', retry());
  }
  // Connection attempts to several addresses fail together (AggregateError); wrappers keep a cause.
  if (Array.isArray(errors)) {
    for (const inner of errors) {
      const found = classify(inner, depth + 1);
      if (found) return found;
    }
  }
  return cause === undefined ? undefined : classify(cause, depth + 1);
}

const retry = () => ({ retryAfter: RETRY_AFTER_SECONDS });

/** The 503 to answer for `error`, or undefined when it is not a dependency being unavailable. */
export function unavailableError(error: unknown): ServiceUnavailableError | undefined {
  return classify(error, 0);
}
