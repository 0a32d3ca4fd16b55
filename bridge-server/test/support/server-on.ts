import type { AppContext } from '../../src/api/context.ts';
import { loadConfig } from '../../src/config/env.ts';
import type { Database } from '../../src/db/database.ts';
import { createRuntime, listen, type Runtime } from '../../src/runtime.ts';
import { EmbeddedSyncRunner } from '../../src/sync/embedded-sync-runner.ts';
import { captureLogs, testSecrets } from './test-server.ts';

export interface ServerOn {
  url: string;
  /** Set when DOCKHAND_METRICS_PORT is. */
  metricsUrl: string | undefined;
  runtime: Runtime;
  ctx: AppContext;
  logs: Array<Record<string, unknown>>;
  close(): Promise<void>;
}

/**
 * A real server over a Database the test opened itself (its own timeouts, or through a proxy
 * the test can cut). `queues: true` lets the configuration choose the sync runner (BullMQ on
 * REDIS_URL); otherwise the in-process runner.
 */
export async function startServerOn(
  db: Database,
  ownerUrl: string,
  options: { env?: Record<string, string>; queues?: boolean } = {},
): Promise<ServerOn> {
  const config = loadConfig({ ...testSecrets(), DATABASE_URL: ownerUrl, LOG_LEVEL: 'info', ...options.env });
  const { logs, logger } = captureLogs();
  const runtime = await createRuntime(config, {
    db,
    logger,
    ...(options.queues ? {} : { sync: new EmbeddedSyncRunner(db) }),
  });
  const server = await listen(runtime.ctx, 0, '127.0.0.1');
  return {
    url: server.url,
    metricsUrl: server.metricsUrl,
    runtime,
    ctx: runtime.ctx,
    logs,
    close: async () => {
      await server.close();
      await runtime.close();
    },
  };
}
