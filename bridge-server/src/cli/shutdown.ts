import type { Logger } from 'pino';
import type { RunningServer } from '../runtime.ts';

/** Resolves with the first SIGINT or SIGTERM. */
export function untilSignal(): Promise<string> {
  return new Promise((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve(signal));
  });
}

/**
 * Runs the shutdown steps within `graceMs` and answers the exit code: 0 when everything
 * closed, 1 when a step failed or the time ran out (an orchestrator would kill us then anyway;
 * better to leave on our own terms, with a log line saying why). The caller exits with it, so a
 * client that keeps retrying a dead Redis or database cannot keep the process alive.
 */
export async function shutDown(logger: Logger, graceMs: number, steps: () => Promise<void>): Promise<number> {
  let timer: NodeJS.Timeout | undefined;
  const timeUp = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), graceMs);
  });
  const outcome = await Promise.race([
    steps().then(
      () => 'closed' as const,
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        return 'failed' as const;
      },
    ),
    timeUp,
  ]);
  clearTimeout(timer);
  if (outcome === 'timeout') logger.warn({ graceMs }, 'shutdown did not finish within its grace period; exiting anyway');
  return outcome === 'closed' ? 0 : 1;
}

/**
 * Stops taking requests and lets the ones in flight finish; connections still open after a
 * quarter of the grace period (streams, stuck requests) are closed.
 */
export async function closeServer(server: RunningServer, graceMs: number): Promise<void> {
  const drain = setTimeout(() => server.server.closeAllConnections(), Math.floor(graceMs / 4));
  try {
    await server.close();
  } finally {
    clearTimeout(drain);
  }
}
