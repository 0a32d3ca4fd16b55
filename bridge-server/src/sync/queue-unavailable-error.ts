/** The queue did not take a job in time (Redis or the queue's database is down or hung). */
export class QueueUnavailableError extends Error {
  constructor(
    readonly operation: string,
    cause?: unknown,
  ) {
    super(`The job queue did not accept ${operation}${cause instanceof Error ? `: ${cause.message}` : ''}`, { cause });
    this.name = 'QueueUnavailableError';
  }
}

/**
 * Settles like `work`, or rejects with QueueUnavailableError once `ms` have passed, so a caller
 * never waits on a queue that cannot answer. (A queue that fails at once, e.g. Redis refusing
 * commands while it is away, rejects with its own error, which the API also answers with 503.)
 */
export function withQueueDeadline<T>(operation: string, ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new QueueUnavailableError(`${operation} within ${ms} ms`)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
