import { Router } from 'express';
import { z } from 'zod';
import { withPrincipal } from '../../db/principal.ts';
import { getOrder, listOrders, orderDetail, orderListQuery, orderSummary } from '../../domain/orders/order-queries.ts';
import { principalOf, type AppContext } from '../context.ts';
import { NotFoundError } from '../errors.ts';
import { dataOf, documentRoute, pageOf } from '../openapi.ts';
import { authorize } from '../policy.ts';
import { parseInput, uuidParam } from '../validate.ts';

const idParams = z.object({ id: z.string() });

documentRoute({
  method: 'get',
  path: '/v1/orders',
  summary: 'List orders: filters, search, sort, keyset pages (merchants see their stores only)',
  description:
    'Pages are keyset-paginated: pass `page.nextCursor` back as `cursor` with the same filters and sort. ' +
    'Orders deleted on the store are hidden unless `includeDeleted=true`.',
  tags: ['orders'],
  query: orderListQuery,
  response: pageOf(orderSummary),
});
documentRoute({
  method: 'get',
  path: '/v1/orders/:id',
  summary: 'One order: lines, customer, addresses, fulfillments and its timeline',
  tags: ['orders'],
  params: idParams,
  response: dataOf(orderDetail),
});

export function orderRoutes(ctx: AppContext): Router {
  const router = Router();
  router.get('/', authorize('GET /v1/orders'), async (req, res) => {
    const query = parseInput(orderListQuery, req.query, 'query');
    res.json(await listOrders(ctx.db, principalOf(res), query));
  });

  router.get('/:id', authorize('GET /v1/orders/:id'), async (req, res) => {
    const id = uuidParam(req.params);
    // Another organization's order, or another store's for a merchant, is simply not there.
    const found = id ? await withPrincipal(ctx.db, principalOf(res), (tx) => getOrder(tx, id)) : undefined;
    if (!found) throw new NotFoundError('Order');
    res.json({ data: found });
  });
  return router;
}
