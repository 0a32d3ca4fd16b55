import { Router } from 'express';
import { z } from 'zod';
import { withPrincipal } from '../../db/principal.ts';
import {
  customerDetail,
  customerListQuery,
  customerView,
  getCustomer,
  listCustomers,
} from '../../domain/customers/customer-queries.ts';
import { principalOf, type AppContext } from '../context.ts';
import { NotFoundError } from '../errors.ts';
import { dataOf, documentRoute, pageOf } from '../openapi.ts';
import { authorize } from '../policy.ts';
import { parseInput, uuidParam } from '../validate.ts';

const idParams = z.object({ id: z.string() });

documentRoute({
  method: 'get',
  path: '/v1/customers',
  summary: 'List customers: search, sort, keyset pages (merchants see their stores only)',
  description:
    'Customers deleted on the store are hidden unless `includeDeleted=true`. A redacted customer shows no personal data and is never found by `q`.',
  tags: ['customers'],
  query: customerListQuery,
  response: pageOf(customerView),
});
documentRoute({
  method: 'get',
  path: '/v1/customers/:id',
  summary: 'One customer with its recent orders',
  tags: ['customers'],
  params: idParams,
  response: dataOf(customerDetail),
});

export function customerRoutes(ctx: AppContext): Router {
  const router = Router();
  router.get('/', authorize('GET /v1/customers'), async (req, res) => {
    const query = parseInput(customerListQuery, req.query, 'query');
    res.json(await listCustomers(ctx.db, principalOf(res), query));
  });

  router.get('/:id', authorize('GET /v1/customers/:id'), async (req, res) => {
    const id = uuidParam(req.params);
    const found = id ? await withPrincipal(ctx.db, principalOf(res), (tx) => getCustomer(tx, id)) : undefined;
    if (!found) throw new NotFoundError('Customer');
    res.json({ data: found });
  });
  return router;
}
