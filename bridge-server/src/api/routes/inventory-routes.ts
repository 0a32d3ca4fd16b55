import { Router } from 'express';
import { z } from 'zod';
import { withPrincipal } from '../../db/principal.ts';
import { listLedger, listLevels, setThresholds, ThresholdTargetNotFoundError } from '../../domain/inventory/inventory-queries.ts';
import {
  approveRequest,
  createRequest,
  getRequest,
  listRequests,
  rejectRequest,
  REQUEST_STATUSES,
  RequestQuantityError,
  RequestStateError,
  RequestTargetNotFoundError,
  TooManyPendingRequestsError,
  retryRequest,
} from '../../domain/inventory/requests.ts';
import type { PushJob } from '../../sync/sync-runner.ts';
import { principalOf, requestIdOf, type AppContext } from '../context.ts';
import { BadRequestError, ConflictError, ForbiddenError, NotFoundError } from '../errors.ts';
import { dataOf, documentRoute, pageOf } from '../openapi.ts';
import { decodeCursor, encodeCursor, pageQuery, toPage } from '../pagination.ts';
import { authorize } from '../policy.ts';
import { parseInput, uuidParam } from '../validate.ts';

const level = z
  .object({
    storeId: z.uuid(),
    productId: z.uuid(),
    productTitle: z.string(),
    variantId: z.uuid(),
    variantTitle: z.string().nullable(),
    sku: z.string().nullable(),
    locationId: z.uuid(),
    locationName: z.string(),
    available: z.number().int(),
    threshold: z.number().int().nullable(),
    low: z.boolean(),
    updatedAt: z.string(),
  })
  .meta({ id: 'InventoryLevel' });

const booleanFlag = z.enum(['true', 'false']).transform((value) => value === 'true');

const levelsQuery = pageQuery
  .extend({
    store: z.uuid().optional(),
    variant: z.uuid().optional(),
    location: z.uuid().optional(),
    q: z.string().min(1).max(200).optional(),
    low: booleanFlag.optional().meta({ description: 'Only levels at or below their threshold' }),
    at: z.iso
      .datetime({ offset: true })
      .optional()
      .meta({ description: 'Levels as of this instant, from the ledger (levels with no movement by then are not listed)' }),
  })
  .meta({ id: 'InventoryLevelsQuery' });

const levelKey = z.tuple([z.uuid(), z.uuid()]);

const movement = z
  .object({
    id: z.string(),
    storeId: z.uuid(),
    variantId: z.uuid(),
    locationId: z.uuid(),
    source: z.string().meta({ description: 'platform (a webhook), reconcile or backfill (polled), request (a push)' }),
    delta: z.number().int(),
    quantityAfter: z.number().int().nullable(),
    reason: z.string().nullable(),
    actorId: z.string().nullable().meta({ description: 'Who let the change through (the approver of a request)' }),
    requestId: z.uuid().nullable(),
    platformEventId: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'InventoryMovement' });

const ledgerQuery = pageQuery
  .extend({ store: z.uuid().optional(), variant: z.uuid().optional(), location: z.uuid().optional() })
  .meta({ id: 'InventoryLedgerQuery' });
const ledgerKey = z.tuple([z.string().regex(/^\d{1,19}$/)]);

const thresholdsBody = z
  .object({
    thresholds: z
      .array(
        z.object({
          variantId: z.uuid(),
          locationId: z.uuid().nullable().optional().meta({ description: 'Absent or null: every location of the variant' }),
          threshold: z.number().int().min(0).max(1_000_000_000).nullable().meta({ description: 'null clears it' }),
        }),
      )
      .min(1)
      .max(500),
  })
  .meta({ id: 'SetInventoryThresholds' });
const thresholdsResult = z.object({
  set: z.array(
    z.object({
      storeId: z.uuid(),
      variantId: z.uuid(),
      locationId: z.uuid().nullable(),
      threshold: z.number().int(),
      updatedAt: z.string(),
    }),
  ),
  cleared: z.number().int(),
});

const request = z
  .object({
    id: z.uuid(),
    storeId: z.uuid(),
    variantId: z.uuid(),
    locationId: z.uuid(),
    productTitle: z.string(),
    variantTitle: z.string().nullable(),
    sku: z.string().nullable(),
    locationName: z.string(),
    kind: z.enum(['delta', 'set']),
    delta: z.number().int().nullable(),
    setTo: z.number().int().nullable(),
    reason: z.string(),
    status: z.enum(REQUEST_STATUSES),
    requestedBy: z.string(),
    requestedByName: z.string().nullable().describe('Who asked: their display name, else their email'),
    decidedBy: z.string().nullable(),
    decidedAt: z.string().nullable(),
    decisionComment: z.string().nullable(),
    expectedAvailable: z
      .number()
      .int()
      .nullable()
      .meta({ description: 'The level when approved: what the push compares against' }),
    actualAvailable: z.number().int().nullable().meta({ description: 'The store’s quantity when the push found it moved' }),
    attempts: z.number().int(),
    nextAttemptAt: z.string().nullable(),
    lastError: z.string().nullable(),
    currentAvailable: z.number().int().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'InventoryRequest' });

const quantity = z.number().int().min(-1_000_000_000).max(1_000_000_000);
const createBody = z
  .object({
    variantId: z.uuid(),
    locationId: z.uuid(),
    delta: quantity.refine((value) => value !== 0, 'must not be 0').optional(),
    set: z.number().int().min(0).max(1_000_000_000).optional(),
    reason: z.string().trim().min(1).max(500),
  })
  .refine((body) => (body.delta === undefined) !== (body.set === undefined), {
    message: 'give exactly one of delta and set',
    path: ['delta'],
  })
  .meta({ id: 'CreateInventoryRequest' });
const requestsQuery = pageQuery
  .extend({ status: z.enum(REQUEST_STATUSES).optional(), store: z.uuid().optional() })
  .meta({ id: 'InventoryRequestsQuery' });
const requestKey = z.tuple([z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/), z.uuid()]);
const approveBody = z.object({ comment: z.string().trim().max(1000).optional() }).meta({ id: 'ApproveInventoryRequest' });
const rejectBody = z.object({ reason: z.string().trim().min(1).max(1000) }).meta({ id: 'RejectInventoryRequest' });
const idParams = z.object({ id: z.string() });

documentRoute({
  method: 'get',
  path: '/v1/inventory',
  summary: 'Stock levels per variant and location, now or as of an instant (`at`, from the ledger)',
  tags: ['inventory'],
  query: levelsQuery,
  response: pageOf(level),
});
documentRoute({
  method: 'get',
  path: '/v1/inventory/ledger',
  summary: 'Every stock movement, newest first: source, delta, resulting quantity, reason, actor, request',
  tags: ['inventory'],
  query: ledgerQuery,
  response: pageOf(movement),
});
documentRoute({
  method: 'put',
  path: '/v1/inventory/thresholds',
  summary: 'Set or clear low-stock thresholds (per variant, optionally per location)',
  tags: ['inventory'],
  body: thresholdsBody,
  response: dataOf(thresholdsResult),
  errors: { 403: 'Not for merchants', 404: 'A variant or location that is not there (or not in the variant’s store)' },
});
documentRoute({
  method: 'get',
  path: '/v1/inventory/requests',
  summary: 'Inventory requests, newest first (merchants: those of their stores)',
  tags: ['inventory'],
  query: requestsQuery,
  response: pageOf(request),
});
documentRoute({
  method: 'post',
  path: '/v1/inventory/requests',
  summary: 'Ask for a stock change (a delta, or a new quantity with `set`); it waits for an approval',
  tags: ['inventory'],
  body: createBody,
  response: dataOf(request),
  status: 201,
  errors: {
    400: 'Invalid input, or a change the level cannot take: past 1,000,000,000, or a decrease below 0',
    404: 'The variant or location is not there (or not in one of your stores)',
    409: 'You have 1000 requests waiting for an answer, the most one person can',
  },
});
documentRoute({
  method: 'get',
  path: '/v1/inventory/requests/:id',
  summary: 'One inventory request',
  tags: ['inventory'],
  params: idParams,
  response: dataOf(request),
});
documentRoute({
  method: 'post',
  path: '/v1/inventory/requests/:id/approve',
  summary: 'Approve a pending request (or a conflicted one afresh): it is pushed to the store',
  description:
    'Records the level Dockhand holds as the quantity seen at approval and queues the push, which ' +
    'compare-and-sets against it: `applied`, `conflict` (the store’s quantity moved; both numbers are kept ' +
    'and a fresh approval is needed) or, after its retries, `failed`.',
  tags: ['inventory'],
  params: idParams,
  body: approveBody,
  response: dataOf(request),
  errors: {
    403: 'Not for merchants or staff without the right',
    409: 'The request is not pending or in conflict, or the level has moved so that its result can no longer be held',
  },
});
documentRoute({
  method: 'post',
  path: '/v1/inventory/requests/:id/reject',
  summary: 'Reject a pending, conflicted or failed request',
  tags: ['inventory'],
  params: idParams,
  body: rejectBody,
  response: dataOf(request),
  errors: { 403: 'Not for merchants', 409: 'The request was already decided' },
});
documentRoute({
  method: 'post',
  path: '/v1/inventory/requests/:id/retry',
  summary: 'Queue a failed request’s push again (the same approval, a new round of tries)',
  tags: ['inventory'],
  params: idParams,
  response: dataOf(request),
  errors: { 403: 'Not for merchants', 409: 'The request has not failed' },
});

export function inventoryRoutes(ctx: AppContext): Router {
  const router = Router();

  router.get('/', authorize('GET /v1/inventory'), async (req, res) => {
    const query = parseInput(levelsQuery, req.query, 'query');
    const after = query.cursor ? decodeCursor(query.cursor, levelKey) : undefined;
    const rows = await listLevels(
      ctx.db,
      principalOf(res),
      {
        storeId: query.store,
        variantId: query.variant,
        locationId: query.location,
        q: query.q,
        low: query.low,
        at: query.at ? new Date(query.at) : undefined,
      },
      { limit: query.limit, after },
    );
    res.json(toPage(rows, query.limit, (row) => [row.variantId, row.locationId]));
  });

  router.get('/ledger', authorize('GET /v1/inventory/ledger'), async (req, res) => {
    const query = parseInput(ledgerQuery, req.query, 'query');
    const before = query.cursor ? decodeCursor(query.cursor, ledgerKey)[0] : undefined;
    const rows = await listLedger(
      ctx.db,
      principalOf(res),
      { storeId: query.store, variantId: query.variant, locationId: query.location },
      { limit: query.limit, before },
    );
    res.json(toPage(rows, query.limit, (row) => [row.id]));
  });

  router.put('/thresholds', authorize('PUT /v1/inventory/thresholds'), async (req, res) => {
    const body = parseInput(thresholdsBody, req.body);
    const principal = principalOf(res);
    const result = await withPrincipal(ctx.db, principal, (tx) =>
      setThresholds(tx, principal, body.thresholds, requestIdOf(res)),
    ).catch((error: unknown) => {
      throw error instanceof ThresholdTargetNotFoundError ? new NotFoundError(error.what) : error;
    });
    res.json({ data: result });
  });

  router.get('/requests', authorize('GET /v1/inventory/requests'), async (req, res) => {
    const query = parseInput(requestsQuery, req.query, 'query');
    const after = query.cursor ? decodeCursor(query.cursor, requestKey) : undefined;
    const rows = await listRequests(
      ctx.db,
      principalOf(res),
      { status: query.status, storeId: query.store },
      { limit: query.limit, after },
    );
    const hasMore = rows.length > query.limit;
    const data = rows.slice(0, query.limit);
    const last = data.at(-1);
    res.json({
      data: data.map(({ cursorKey: _key, ...view }) => view),
      page: { nextCursor: hasMore && last ? encodeCursor(last.cursorKey) : null },
    });
  });

  router.post('/requests', authorize('POST /v1/inventory/requests'), async (req, res) => {
    const body = parseInput(createBody, req.body);
    const principal = principalOf(res);
    // A request is attributed to the person who asked.
    if (!principal.userId) throw new ForbiddenError('Inventory requests are made by signed-in users');
    const created = await withPrincipal(ctx.db, principal, (tx) =>
      createRequest(
        tx,
        principal,
        {
          variantId: body.variantId,
          locationId: body.locationId,
          change: body.set === undefined ? { kind: 'delta', delta: body.delta! } : { kind: 'set', setTo: body.set },
          reason: body.reason,
        },
        requestIdOf(res),
      ),
    ).catch((error: unknown) => {
      if (error instanceof RequestQuantityError) {
        throw new BadRequestError(error.message, {
          field: body.set === undefined ? 'delta' : 'set',
          available: error.available,
          result: error.result,
        });
      }
      if (error instanceof TooManyPendingRequestsError) throw new ConflictError(error.message);
      throw error instanceof RequestTargetNotFoundError ? new NotFoundError(error.what) : error;
    });
    res.status(201).json({ data: created });
  });

  router.get('/requests/:id', authorize('GET /v1/inventory/requests/:id'), async (req, res) => {
    const id = uuidParam(req.params);
    const found = id ? await withPrincipal(ctx.db, principalOf(res), (tx) => getRequest(tx, id)) : undefined;
    if (!found) throw new NotFoundError('Inventory request');
    res.json({ data: found });
  });

  /**
   * Runs a transition; a request in the wrong state answers 409, and so does an approval whose
   * result the level can no longer hold (it moved since the request); one not there 404.
   */
  const transition = async <T>(work: () => Promise<T | undefined>): Promise<T> => {
    const result = await work().catch((error: unknown) => {
      if (error instanceof RequestStateError) throw new ConflictError(error.message, { status: error.status });
      if (error instanceof RequestQuantityError) {
        throw new ConflictError(error.message, { available: error.available, result: error.result });
      }
      throw error;
    });
    if (result === undefined) throw new NotFoundError('Inventory request');
    return result;
  };

  /**
   * Queues the push once the approval has committed. The approval stands if the queue cannot
   * be reached: the request keeps its due time and the runner's sweep queues it later.
   */
  const queuePush = async (job: PushJob) => {
    await ctx.sync.requestPush(job).catch((error: unknown) => {
      ctx.logger.warn({ err: error, requestId: job.requestId }, 'queueing the inventory push failed; the sweep will retry');
    });
  };

  router.post('/requests/:id/approve', authorize('POST /v1/inventory/requests/:id/approve'), async (req, res) => {
    const id = uuidParam(req.params);
    if (!id) throw new NotFoundError('Inventory request');
    const body = parseInput(approveBody, req.body ?? {});
    const principal = principalOf(res);
    const approved = await transition(() =>
      withPrincipal(ctx.db, principal, (tx) => approveRequest(tx, principal, id, body.comment, requestIdOf(res))),
    );
    await queuePush(approved.job);
    res.json({ data: approved.request });
  });

  router.post('/requests/:id/reject', authorize('POST /v1/inventory/requests/:id/reject'), async (req, res) => {
    const id = uuidParam(req.params);
    if (!id) throw new NotFoundError('Inventory request');
    const body = parseInput(rejectBody, req.body);
    const principal = principalOf(res);
    const rejected = await transition(() =>
      withPrincipal(ctx.db, principal, (tx) => rejectRequest(tx, principal, id, body.reason, requestIdOf(res))),
    );
    res.json({ data: rejected });
  });

  router.post('/requests/:id/retry', authorize('POST /v1/inventory/requests/:id/retry'), async (req, res) => {
    const id = uuidParam(req.params);
    if (!id) throw new NotFoundError('Inventory request');
    const principal = principalOf(res);
    const retried = await transition(() =>
      withPrincipal(ctx.db, principal, (tx) => retryRequest(tx, principal, id, requestIdOf(res))),
    );
    await queuePush(retried.job);
    res.json({ data: retried.request });
  });

  return router;
}
