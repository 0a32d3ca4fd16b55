import { Router, type Request } from 'express';
import { z } from 'zod';
import { BULK_MAX_IDS, runBulkAction } from '../../domain/orders/bulk-actions.ts';
import {
  createFulfillment,
  fulfillmentLine,
  fulfillmentView,
  FulfillmentRefusedError,
  type ConnectorSource,
} from '../../domain/orders/fulfillments.ts';
import { openConnector } from '../../platforms/registry.ts';
import { SETTABLE_ORDER_STATUSES } from '../../platforms/connector.ts';
import { principalOf, requestIdOf, type AppContext } from '../context.ts';
import { ApiError, BadRequestError, ConflictError, NotFoundError } from '../errors.ts';
import { dataOf, documentRoute } from '../openapi.ts';
import { authorize } from '../policy.ts';
import { parseInput, uuidParam } from '../validate.ts';

const IDEMPOTENCY_HEADER = 'idempotency-key';
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

const tracking = {
  trackingNumber: z.string().trim().min(1).max(200),
  carrier: z.string().trim().min(1).max(200),
  trackingUrl: z
    .url({ protocol: /^https?$/ })
    .max(2000)
    .optional(),
};

const createFulfillmentBody = z
  .object({
    lines: z.array(fulfillmentLine).min(1).max(250).optional(),
    ...tracking,
    notify: z.boolean().optional(),
  })
  .meta({ id: 'CreateFulfillment' });

const trackingInput = z.object(tracking).meta({ id: 'TrackingInput' });
const bulkIds = z
  // Lowercase, as the single routes take any case: one order in two cases is one order named twice.
  .array(z.uuid().transform((id) => id.toLowerCase()))
  .min(1)
  .max(BULK_MAX_IDS)
  .refine((ids) => new Set(ids).size === ids.length, 'must not name an order twice');

const bulkBody = z
  .discriminatedUnion('action', [
    z.object({
      action: z.literal('addTracking'),
      ids: bulkIds,
      tracking: z.union([trackingInput, z.array(trackingInput).min(1).max(BULK_MAX_IDS)]),
      notify: z.boolean().optional(),
    }),
    z.object({
      action: z.literal('changeStatus'),
      ids: bulkIds,
      status: z.enum([...new Set([...SETTABLE_ORDER_STATUSES.shopify, ...SETTABLE_ORDER_STATUSES.woocommerce])]),
    }),
  ])
  .refine((body) => body.action !== 'addTracking' || !Array.isArray(body.tracking) || body.tracking.length === body.ids.length, {
    message: 'a tracking list must have one entry per id, in the same order',
    path: ['tracking'],
  })
  .meta({ id: 'BulkOrderAction' });

const bulkResult = z
  .object({
    id: z.string(),
    ok: z.boolean(),
    status: z.string().optional(),
    fulfillmentId: z.uuid().optional(),
    error: z.object({ code: z.enum(['NOT_FOUND', 'BAD_REQUEST', 'CONFLICT', 'PLATFORM_ERROR']), message: z.string() }).optional(),
  })
  .meta({ id: 'BulkOrderResult' });

const idParams = z.object({ id: z.string() });

const IDEMPOTENCY_DOC =
  'Send an `Idempotency-Key` header (1–200 visible ASCII characters, unique per organization) to make a retry safe: ' +
  'the same key with the same request answers what the first answered (201 with the fulfillment, or 409 with the ' +
  'platform’s reason; `Idempotent-Replayed: true`), and never pushes twice; the same key with a different request ' +
  'answers 409. Without the header every request is a new fulfillment.';

documentRoute({
  method: 'post',
  path: '/v1/orders/:id/fulfillments',
  summary: 'Ship an order (or some of its lines) with tracking, pushed to the platform',
  description:
    'Pushed synchronously: Shopify `fulfillmentCreate` on the order’s open fulfillment orders (with `lines`, only ' +
    'those line items and quantities); WooCommerce: status `completed` (not for a shipment of only some lines), the ' +
    'tracking in order meta and as an order note (a customer note when `notify`). When the platform refuses or does ' +
    'not answer in time the fulfillment is kept as `failed` and the answer is 409 with `details.reason`. ' +
    IDEMPOTENCY_DOC,
  tags: ['orders'],
  params: idParams,
  body: createFulfillmentBody,
  response: dataOf(fulfillmentView),
  status: 201,
  errors: {
    403: 'Merchants cannot fulfil orders',
    409: 'The platform refused the fulfillment (`details.reason`, `details.fulfillment`), the order is cancelled or deleted, or the Idempotency-Key was used with another request or is still in progress',
  },
});

documentRoute({
  method: 'post',
  path: '/v1/orders/bulk',
  summary: 'One action over many orders: add tracking, or change status; one result per id',
  description:
    `At most ${BULK_MAX_IDS} ids. \`addTracking\` creates a fulfillment per order (as POST /v1/orders/{id}/fulfillments) ` +
    'with one tracking for all or one per id. `changeStatus` sets the order status on the platform: Shopify ' +
    '`open` | `closed` (orderOpen / orderClose); WooCommerce `pending` | `processing` | `on-hold` | `completed` | ' +
    '`cancelled` | `refunded` | `failed`; a status the order’s platform does not have fails that id. Results come in ' +
    'input order; a failure on one id never stops the others. With an `Idempotency-Key`, each order’s fulfillment is ' +
    'keyed by it, so a replayed bulk request replays each item.',
  tags: ['orders'],
  body: bulkBody,
  response: dataOf(z.array(bulkResult)),
  errors: { 403: 'Merchants cannot change orders' },
});

function idempotencyKeyOf(req: Request): string | undefined {
  const value = req.get(IDEMPOTENCY_HEADER);
  if (value === undefined) return undefined;
  if (!IDEMPOTENCY_KEY.test(value)) {
    throw new BadRequestError('Invalid Idempotency-Key: 1–200 visible ASCII characters', {
      issues: [{ path: 'headers.idempotency-key', message: 'must be 1–200 visible ASCII characters' }],
    });
  }
  return value;
}

function refusal(error: FulfillmentRefusedError): ApiError {
  if (error.kind === 'NOT_FOUND') return new NotFoundError('Order');
  if (error.kind === 'BAD_REQUEST') return new BadRequestError(error.message, error.details);
  return new ConflictError(error.message, error.details);
}

export function fulfillmentRoutes(ctx: AppContext): Router {
  const router = Router();
  const connectorFor: ConnectorSource = (target) =>
    openConnector(
      {
        db: ctx.db,
        stores: ctx.stores,
        outbound: ctx.outbound,
        shopify: ctx.shopify?.tokens.connectorFactory({ shopBaseUrl: ctx.shopify.shopBaseUrl }),
      },
      target,
    );

  router.post('/bulk', authorize('POST /v1/orders/bulk'), async (req, res) => {
    const body = parseInput(bulkBody, req.body);
    const clientKey = idempotencyKeyOf(req);
    const results = await runBulkAction({ db: ctx.db, connectorFor }, principalOf(res), body, {
      clientKey,
      requestId: requestIdOf(res),
    });
    res.json({ data: results });
  });

  router.post('/:id/fulfillments', authorize('POST /v1/orders/:id/fulfillments'), async (req, res) => {
    const id = uuidParam(req.params);
    if (!id) throw new NotFoundError('Order');
    const body = parseInput(createFulfillmentBody, req.body);
    const clientKey = idempotencyKeyOf(req);
    const result = await createFulfillment({ db: ctx.db, connectorFor }, principalOf(res), id, body, {
      clientKey,
      requestId: requestIdOf(res),
    }).catch((error: unknown) => {
      throw error instanceof FulfillmentRefusedError ? refusal(error) : error;
    });
    if (result.replayed) res.set('Idempotent-Replayed', 'true');
    if (!result.ok) {
      throw new ConflictError(`The platform did not take the fulfillment: ${result.reason}`, {
        reason: result.reason,
        fulfillment: result.fulfillment,
      });
    }
    res.status(201).json({ data: result.fulfillment });
  });

  return router;
}
