import { Router } from 'express';
import { z } from 'zod';
import { withPrincipal } from '../../db/principal.ts';
import { getProduct, listProducts, productListQuery, productView } from '../../domain/catalog/catalog-queries.ts';
import { principalOf, type AppContext } from '../context.ts';
import { NotFoundError } from '../errors.ts';
import { dataOf, documentRoute, pageOf } from '../openapi.ts';
import { authorize } from '../policy.ts';
import { parseInput, uuidParam } from '../validate.ts';

const idParams = z.object({ id: z.string() });

documentRoute({
  method: 'get',
  path: '/v1/products',
  summary: 'List products with their variants: search, sort, keyset pages (merchants see their stores only)',
  description: 'Products deleted on the store are hidden unless `includeDeleted=true`.',
  tags: ['products'],
  query: productListQuery,
  response: pageOf(productView),
});
documentRoute({
  method: 'get',
  path: '/v1/products/:id',
  summary: 'One product with its variants',
  tags: ['products'],
  params: idParams,
  response: dataOf(productView),
});

export function productRoutes(ctx: AppContext): Router {
  const router = Router();
  router.get('/', authorize('GET /v1/products'), async (req, res) => {
    const query = parseInput(productListQuery, req.query, 'query');
    res.json(await listProducts(ctx.db, principalOf(res), query));
  });

  router.get('/:id', authorize('GET /v1/products/:id'), async (req, res) => {
    const id = uuidParam(req.params);
    const found = id ? await withPrincipal(ctx.db, principalOf(res), (tx) => getProduct(tx, id)) : undefined;
    if (!found) throw new NotFoundError('Product');
    res.json({ data: found });
  });
  return router;
}
