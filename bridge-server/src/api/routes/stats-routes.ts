import { Router } from 'express';
import { z } from 'zod';
import { withPrincipal } from '../../db/principal.ts';
import { dashboardStats } from '../../domain/stats/stats-queries.ts';
import { principalOf, type AppContext } from '../context.ts';
import { NotFoundError } from '../errors.ts';
import { dataOf, documentRoute } from '../openapi.ts';
import { authorize } from '../policy.ts';
import { parseInput } from '../validate.ts';
import { syncStatus } from './store-routes.ts';

const statsQuery = z.object({ store: z.uuid().optional() }).meta({ id: 'StatsQuery' });

const stats = z
  .object({
    since: z.object({ today: z.string(), week: z.string() }).meta({ description: 'UTC day and ISO week starts' }),
    orders: z.object({ today: z.number().int(), week: z.number().int(), unfulfilled: z.number().int() }),
    inventory: z.object({ pendingApprovals: z.number().int(), lowStock: z.number().int() }),
    sync: z.array(
      syncStatus.extend({
        name: z.string(),
        storeStatus: z.string(),
        health: z.enum(['ok', 'syncing', 'failing', 'disconnected']),
      }),
    ),
  })
  .meta({ id: 'Stats' });

documentRoute({
  method: 'get',
  path: '/v1/stats',
  summary: 'Dashboard numbers: orders today and this week, unfulfilled, pending approvals, low stock, sync health',
  description: 'Over the stores the caller sees (a merchant: its own), or one of them with `store`. Days are UTC.',
  tags: ['stats'],
  query: statsQuery,
  response: dataOf(stats),
  errors: { 404: 'The store is not there (or not one of yours)' },
});

export function statsRoutes(ctx: AppContext): Router {
  const router = Router();

  router.get('/', authorize('GET /v1/stats'), async (req, res) => {
    const query = parseInput(statsQuery, req.query, 'query');
    const data = await withPrincipal(ctx.db, principalOf(res), async (tx) => {
      if (query.store) {
        const [store] = await tx<{ id: string }[]>`select id from stores where id = ${query.store}`;
        if (!store) return undefined;
      }
      return dashboardStats(tx, query.store);
    });
    if (!data) throw new NotFoundError('Store');
    res.json({ data });
  });

  return router;
}
