import { Router } from 'express';
import type { Registry } from 'prom-client';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { metricsAccess, metricsHandler } from '../metrics.ts';
import { buildOpenApiDocument, documentRoute } from '../openapi.ts';

const health = z
  .object({
    status: z.enum(['ok', 'degraded']),
    version: z.string(),
    uptime: z.number(),
    checks: z.object({
      database: z.enum(['ok', 'error']),
      /** The queue backend in use (see queueBackend), reached with one round trip. */
      queue: z.enum(['ok', 'error']),
    }),
    queueBackend: z
      .enum(['redis', 'postgres', 'embedded'])
      .describe('Where sync jobs live: BullMQ on Redis, BullMQ on PostgreSQL, or the embedded runner over the inbox tables'),
  })
  .meta({ id: 'Health' });

documentRoute({
  method: 'get',
  path: '/health',
  summary: 'Liveness and dependency checks',
  tags: ['system'],
  auth: false,
  response: health,
  errors: { 503: 'A check failed or did not answer within 2 s (`status: "degraded"`, same body)' },
});
documentRoute({
  method: 'get',
  path: '/metrics',
  summary:
    'Prometheus metrics (text format): with DOCKHAND_METRICS_TOKEN, for its bearer; otherwise for loopback clients only, or on DOCKHAND_METRICS_PORT instead',
  tags: ['system'],
  auth: false,
  database: false,
  errors: {
    401: 'DOCKHAND_METRICS_TOKEN is set and the bearer is not it',
    403: 'No token configured and the client is not on loopback (or came through a proxy)',
  },
});
documentRoute({
  method: 'get',
  path: '/v1/openapi.json',
  summary: 'This document',
  tags: ['system'],
  auth: false,
  // Served before the /v1 rate limiter, from memory.
  rateLimited: false,
  database: false,
});

/** /health answers within this, whatever state the database or Redis is in. */
export const HEALTH_DEADLINE_MS = 2_000;

/** 'ok' when the check succeeds before the deadline; a check that hangs counts as an error. */
async function settle(check: () => Promise<unknown>): Promise<'ok' | 'error'> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'error'>((resolve) => {
    timer = setTimeout(() => resolve('error'), HEALTH_DEADLINE_MS);
  });
  const outcome = Promise.resolve()
    .then(check)
    .then(
      () => 'ok' as const,
      () => 'error' as const,
    );
  try {
    return await Promise.race([outcome, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `metrics` is absent when /metrics is served on its own port (DOCKHAND_METRICS_PORT); then the
 * main port does not serve it at all.
 */
export function systemRoutes(ctx: AppContext, metrics: Registry | undefined): Router {
  const router = Router();
  let openApi: unknown;

  router.get('/health', async (_req, res) => {
    const [database, queue] = await Promise.all([
      // Its own connection: a pool filled by stuck requests does not make /health wait.
      settle(() => ctx.db.health`select 1`),
      // The backend sync jobs actually go to, whichever it is.
      settle(() => ctx.sync.checkHealth()),
    ]);
    const ok = database === 'ok' && queue === 'ok';
    res.status(ok ? 200 : 503).json({
      status: ok ? 'ok' : 'degraded',
      version: ctx.version,
      uptime: Math.round((Date.now() - ctx.startedAt) / 1000),
      checks: { database, queue },
      queueBackend: ctx.sync.kind,
    });
  });

  if (metrics) router.get('/metrics', metricsAccess(ctx.config.metrics, false), metricsHandler(metrics));

  router.get('/v1/openapi.json', (_req, res) => {
    openApi ??= buildOpenApiDocument(ctx.version, ctx.config.publicUrl);
    res.json(openApi);
  });

  return router;
}
