import pLimit from 'p-limit';
import type { Database } from '../../db/database.ts';
import { withPrincipal, type Principal } from '../../db/principal.ts';
import { SETTABLE_ORDER_STATUSES, type StoreConnector } from '../../platforms/connector.ts';
import { recordAudit } from '../audit/audit-log.ts';
import { createFulfillment, FulfillmentRefusedError, type ConnectorSource, type FulfillmentDeps } from './fulfillments.ts';

/** Most ids one bulk request may name. */
export const BULK_MAX_IDS = 500;
/** Platform calls in flight at once per store (the platforms pace per store), and overall. */
export const BULK_STORE_CONCURRENCY = 4;
export const BULK_TOTAL_CONCURRENCY = 8;

export interface Tracking {
  trackingNumber: string;
  carrier: string;
  trackingUrl?: string | undefined;
}

export type BulkAction =
  | {
      action: 'addTracking';
      ids: string[];
      /** One tracking for every id, or one per id (same length and order as `ids`). */
      tracking: Tracking | Tracking[];
      notify?: boolean | undefined;
    }
  | { action: 'changeStatus'; ids: string[]; status: string };

export type BulkErrorCode = 'NOT_FOUND' | 'BAD_REQUEST' | 'CONFLICT' | 'PLATFORM_ERROR';

export interface BulkResult {
  id: string;
  ok: boolean;
  /** addTracking: the fulfillment's status; changeStatus: the order's status on the platform now. */
  status?: string | undefined;
  fulfillmentId?: string | undefined;
  error?: { code: BulkErrorCode; message: string } | undefined;
}

interface OrderRef {
  id: string;
  store_id: string;
  platform_id: string;
  platform: 'shopify' | 'woocommerce';
}

/**
 * Runs one action over many orders and answers one result per id, in input order. Each id
 * succeeds or fails on its own (a failure never stops the others); ids this principal cannot
 * see are NOT_FOUND like everywhere else. Platform calls run a few at a time per store, the
 * store's connector opened once for the whole request.
 */
export async function runBulkAction(
  deps: { db: Database; connectorFor: ConnectorSource; pushTimeoutMs?: number | undefined },
  principal: Principal,
  action: BulkAction,
  options: { clientKey?: string | undefined; requestId?: string | undefined } = {},
): Promise<BulkResult[]> {
  const orders = await withPrincipal(
    deps.db,
    principal,
    (tx) => tx<OrderRef[]>`
      select o.id, o.store_id, o.platform_id, s.platform
      from orders o join stores s on s.id = o.store_id
      where o.id = any(${action.ids}::uuid[])`,
  );
  const byId = new Map(orders.map((order) => [order.id, order]));

  const connectors = new Map<string, Promise<StoreConnector>>();
  const connectorFor: ConnectorSource = (target) => {
    let opened = connectors.get(target.storeId);
    if (!opened) {
      opened = deps.connectorFor(target);
      connectors.set(target.storeId, opened);
    }
    return opened;
  };
  const shared: FulfillmentDeps = { db: deps.db, connectorFor, pushTimeoutMs: deps.pushTimeoutMs };
  const overall = pLimit(BULK_TOTAL_CONCURRENCY);
  const perStore = new Map<string, ReturnType<typeof pLimit>>();
  const limitFor = (storeId: string) => {
    let limit = perStore.get(storeId);
    if (!limit) {
      limit = pLimit(BULK_STORE_CONCURRENCY);
      perStore.set(storeId, limit);
    }
    return limit;
  };

  return Promise.all(
    action.ids.map(async (id, index): Promise<BulkResult> => {
      const order = byId.get(id);
      if (!order) return { id, ok: false, error: { code: 'NOT_FOUND', message: 'Order not found' } };
      return limitFor(order.store_id)(() =>
        overall(async () => {
          try {
            return action.action === 'addTracking'
              ? await addTracking(shared, principal, order, action, index, options)
              : await changeStatus(shared, principal, order, action.status, options.requestId);
          } catch (error) {
            if (error instanceof FulfillmentRefusedError)
              return { id, ok: false, error: { code: error.kind, message: error.message } };
            return {
              id,
              ok: false,
              error: { code: 'PLATFORM_ERROR', message: error instanceof Error ? error.message : String(error) },
            };
          }
        }),
      );
    }),
  );
}

async function addTracking(
  deps: FulfillmentDeps,
  principal: Principal,
  order: OrderRef,
  action: Extract<BulkAction, { action: 'addTracking' }>,
  index: number,
  options: { clientKey?: string | undefined; requestId?: string | undefined },
): Promise<BulkResult> {
  const tracking = Array.isArray(action.tracking) ? action.tracking[index]! : action.tracking;
  const result = await createFulfillment(
    deps,
    principal,
    order.id,
    { ...tracking, notify: action.notify },
    // One key per order under the request's key: replaying the bulk request replays each item.
    { clientKey: options.clientKey ? `${options.clientKey}:${order.id}` : undefined, requestId: options.requestId },
  );
  if (result.ok) return { id: order.id, ok: true, status: result.fulfillment.status, fulfillmentId: result.fulfillment.id };
  return {
    id: order.id,
    ok: false,
    status: result.fulfillment.status,
    fulfillmentId: result.fulfillment.id,
    error: { code: 'PLATFORM_ERROR', message: result.reason },
  };
}

/**
 * Sets the order's status on the platform. Dockhand's copy follows when the platform's
 * webhook (or the next reconcile) brings the order back, as for any change made on the store.
 */
async function changeStatus(
  deps: FulfillmentDeps,
  principal: Principal,
  order: OrderRef,
  status: string,
  requestId: string | undefined,
): Promise<BulkResult> {
  const allowed: readonly string[] = SETTABLE_ORDER_STATUSES[order.platform];
  if (!allowed.includes(status)) {
    throw new FulfillmentRefusedError('BAD_REQUEST', `A ${order.platform} order can be set to ${allowed.join(', ')}`);
  }
  const connector = await deps.connectorFor({ orgId: principal.orgId, storeId: order.store_id });
  const answered = await connector.pushOrderStatus(order.platform_id, status);
  await withPrincipal(deps.db, principal, (tx) =>
    recordAudit(tx, principal, {
      action: 'order.status_changed',
      subjectType: 'order',
      subjectId: order.id,
      details: { status: answered.status, requested: status },
      requestId,
    }),
  );
  return { id: order.id, ok: true, status: answered.status };
}
