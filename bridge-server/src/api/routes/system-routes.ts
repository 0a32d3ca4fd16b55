import { Router } from 'express';
import type { Registry } from 'prom-client';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { buildOpenApiDocument, documentRoute } from '../openapi.ts';

type Check = 'ok' | 'error' | 'not_configured';

const health = z
  .object({
    status: z.enum(['ok', 'degraded']),
    version: z.string(),
    uptime: z.number(),
    checks: z.object({ database: z.enum(['ok', 'error']), queue: z.enum(['ok', 'error', 'not_configured']) }),
  })
  .meta({ id: 'Health' });

documentRoute({
  method: 'get',
  path: '/health',
  summary: 'Liveness and dependency checks',
  tags: ['system'],
  auth: false,
  response: health,
});
documentRoute({ method: 'get', path: '/metrics', summary: 'Prometheus metrics (text format)', tags: ['system'], auth: false });
documentRoute({ method: 'get', path: '/v1/openapi.json', summary: 'This document', tags: ['system'], auth: false });

async function settle(check: () => Promise<unknown>): Promise<'ok' | 'error'> {
  try {
    await check();
    return 'ok';
  } catch {
    return 'error';
  }
}

export function systemRoutes(ctx: AppContext, metrics: Registry): Router {
  const router = Router();
  let openApi: unknown;

  router.get('/health', async (_req, res) => {
    const [database, queue] = await Promise.all([
      settle(() => ctx.db.app`select 1`),
      ctx.redis ? settle(() => ctx.redis!.ping()) : Promise.resolve<Check>('not_configured'),
    ]);
    const ok = database === 'ok' && queue !== 'error';
    res.status(ok ? 200 : 503).json({
      status: ok ? 'ok' : 'degraded',
      version: ctx.version,
      uptime: Math.round((Date.now() - ctx.startedAt) / 1000),
      checks: { database, queue },
    });
  });

  router.get('/metrics', async (_req, res) => {
    res.type(metrics.contentType).send(await metrics.metrics());
  });

  router.get('/v1/openapi.json', (_req, res) => {
    openApi ??= buildOpenApiDocument(ctx.version, ctx.config.publicUrl);
    res.json(openApi);
  });

  return router;
}
