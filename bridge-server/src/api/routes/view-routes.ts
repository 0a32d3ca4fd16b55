import { Router } from 'express';
import { z } from 'zod';
import { withPrincipal, type Principal } from '../../db/principal.ts';
import {
  createView,
  createViewBody,
  TooManyViewsError,
  deleteView,
  getView,
  listViews,
  savedView,
  updateView,
  updateViewBody,
  ViewNameTakenError,
} from '../../domain/views/saved-views.ts';
import { principalOf, requestIdOf, type AppContext } from '../context.ts';
import { ConflictError, ForbiddenError, NotFoundError } from '../errors.ts';
import { dataOf, documentRoute } from '../openapi.ts';
import { authorize } from '../policy.ts';
import { parseInput, uuidParam } from '../validate.ts';

const idParams = z.object({ id: z.string() });

documentRoute({
  method: 'get',
  path: '/v1/views',
  summary: 'Your saved views of the order list (name, filters, sort, columns)',
  tags: ['views'],
  response: dataOf(z.array(savedView)),
});
documentRoute({
  method: 'post',
  path: '/v1/views',
  summary: 'Save a view: the filters and sort of GET /v1/orders, and the columns to show',
  tags: ['views'],
  body: createViewBody,
  response: dataOf(savedView),
  status: 201,
  errors: {
    403: 'Views belong to a signed-in user',
    409: 'You already have a view with this name, or the most views one person can keep (100)',
  },
});
documentRoute({
  method: 'get',
  path: '/v1/views/:id',
  summary: 'One of your saved views',
  tags: ['views'],
  params: idParams,
  response: dataOf(savedView),
});
documentRoute({
  method: 'patch',
  path: '/v1/views/:id',
  summary: 'Change one of your saved views',
  tags: ['views'],
  params: idParams,
  body: updateViewBody,
  response: dataOf(savedView),
  errors: { 409: 'You already have a view with this name' },
});
documentRoute({
  method: 'delete',
  path: '/v1/views/:id',
  summary: 'Delete one of your saved views',
  tags: ['views'],
  params: idParams,
  response: dataOf(savedView),
});

/** Views belong to a user: a principal without one (a system or embed principal) has none. */
function userPrincipal(principal: Principal): Principal & { userId: string } {
  if (!principal.userId) throw new ForbiddenError('Saved views belong to a signed-in user');
  return principal as Principal & { userId: string };
}

const conflict = (error: unknown): never => {
  if (error instanceof ViewNameTakenError || error instanceof TooManyViewsError) throw new ConflictError(error.message);
  throw error;
};

export function viewRoutes(ctx: AppContext): Router {
  const router = Router();
  router.get('/', authorize('GET /v1/views'), async (_req, res) => {
    const principal = userPrincipal(principalOf(res));
    res.json({ data: await withPrincipal(ctx.db, principal, (tx) => listViews(tx)) });
  });

  router.post('/', authorize('POST /v1/views'), async (req, res) => {
    const principal = userPrincipal(principalOf(res));
    const body = parseInput(createViewBody, req.body);
    const created = await withPrincipal(ctx.db, principal, (tx) => createView(tx, principal, body, requestIdOf(res))).catch(
      conflict,
    );
    res.status(201).json({ data: created });
  });

  router.get('/:id', authorize('GET /v1/views/:id'), async (req, res) => {
    const principal = userPrincipal(principalOf(res));
    const id = uuidParam(req.params);
    // Another user's view is not there for this one (row-level security): 404, like any unknown id.
    const found = id ? await withPrincipal(ctx.db, principal, (tx) => getView(tx, id)) : undefined;
    if (!found) throw new NotFoundError('View');
    res.json({ data: found });
  });

  router.patch('/:id', authorize('PATCH /v1/views/:id'), async (req, res) => {
    const principal = userPrincipal(principalOf(res));
    const id = uuidParam(req.params);
    const body = parseInput(updateViewBody, req.body);
    const updated = id
      ? await withPrincipal(ctx.db, principal, (tx) => updateView(tx, principal, id, body, requestIdOf(res))).catch(conflict)
      : undefined;
    if (!updated) throw new NotFoundError('View');
    res.json({ data: updated });
  });

  router.delete('/:id', authorize('DELETE /v1/views/:id'), async (req, res) => {
    const principal = userPrincipal(principalOf(res));
    const id = uuidParam(req.params);
    const deleted = id
      ? await withPrincipal(ctx.db, principal, (tx) => deleteView(tx, principal, id, requestIdOf(res)))
      : undefined;
    if (!deleted) throw new NotFoundError('View');
    res.json({ data: deleted });
  });
  return router;
}
