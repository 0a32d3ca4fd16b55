import type { Database } from '../db/database.ts';
import { systemPrincipal, withPrincipal, type Principal, type TenantSql } from '../db/principal.ts';
import { recordAudit } from '../domain/audit/audit-log.ts';
import { upsertCustomer, upsertProduct } from '../domain/catalog/catalog-sync.ts';
import { applyInventoryLevel } from '../domain/inventory/inventory-sync.ts';
import { upsertOrder } from '../domain/orders/order-sync.ts';
import { forgetStore } from '../domain/stores/store-service.ts';
import { parsePlatformJson, parseWith, platformId, UnsupportedPayloadError } from '../platforms/model.ts';
import {
  normalizeShopifyCustomer,
  normalizeShopifyInventoryLevel,
  normalizeShopifyOrder,
  normalizeShopifyProduct,
} from '../platforms/shopify/normalize.ts';
import {
  normalizeWooCustomer,
  normalizeWooOrder,
  normalizeWooProduct,
  wooStockLevel,
} from '../platforms/woocommerce/normalize.ts';
import { isComplianceTopic, shopMismatch } from '../platforms/shopify/webhook-identity.ts';
import { z } from 'zod';

/**
 * applied: it changed something; unchanged: it was older than what we have, or a no-op;
 * ignored: a topic Dockhand does not handle, or a store that is not connected;
 * refused: the body belongs to another shop (its headers, which are not signed, were re-aimed).
 */
export type ApplyOutcome = 'applied' | 'unchanged' | 'ignored' | 'refused' | 'already_done' | 'missing';

/** The body does not belong to the store the delivery was addressed to: nothing is applied. */
export class ForeignPayloadError extends Error {
  constructor(reason: string) {
    super(`Refused: ${reason}`);
    this.name = 'ForeignPayloadError';
  }
}

/** The event cannot be applied yet (e.g. stock for a product not synced yet): retry later. */
export class RetryLaterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RetryLaterError';
  }
}

export const MAX_APPLY_ATTEMPTS = 10;

interface EventRow {
  id: string;
  org_id: string;
  store_id: string;
  platform: 'shopify' | 'woocommerce';
  topic: string;
  body: string;
  status: string;
  store_status: string;
  shop_domain: string | null;
  platform_shop_id: string | null;
}

type Target = { orgId: string; storeId: string };
type Handler = (tx: TenantSql, target: Target, payload: unknown, event: EventRow, principal: Principal) => Promise<boolean>;

// Not orders/edited: its body is an `order_edit` (what changed), not the order; the orders/updated
// Shopify sends with it carries the order.
const SHOPIFY_ORDER_TOPICS = ['orders/create', 'orders/updated', 'orders/cancelled', 'orders/fulfilled', 'orders/paid'];

type ShopifyIdKind = 'order' | 'product' | 'variant' | 'inventory_item' | 'customer' | 'location';

/**
 * Shopify's ids are unique across shops: a body whose resources are already known in another
 * Shopify store was captured there and re-sent under this shop's name.
 */
async function refuseForeignIds(
  tx: TenantSql,
  target: Target,
  ids: Partial<Record<ShopifyIdKind, Array<string | null | undefined>>>,
): Promise<void> {
  const of = (kind: ShopifyIdKind) => (ids[kind] ?? []).filter((id): id is string => !!id);
  const [row] = await tx<{ elsewhere: boolean | null }[]>`
    select dockhand.shopify_ids_elsewhere(${target.storeId}, 'order', ${of('order')}::text[])
        or dockhand.shopify_ids_elsewhere(${target.storeId}, 'product', ${of('product')}::text[])
        or dockhand.shopify_ids_elsewhere(${target.storeId}, 'variant', ${of('variant')}::text[])
        or dockhand.shopify_ids_elsewhere(${target.storeId}, 'inventory_item', ${of('inventory_item')}::text[])
        or dockhand.shopify_ids_elsewhere(${target.storeId}, 'customer', ${of('customer')}::text[])
        or dockhand.shopify_ids_elsewhere(${target.storeId}, 'location', ${of('location')}::text[]) as elsewhere`;
  if (row?.elsewhere) throw new ForeignPayloadError('the body names resources of another store');
}

const shopifyOrder: Handler = async (tx, target, payload, event) => {
  const order = normalizeShopifyOrder(payload);
  await refuseForeignIds(tx, target, {
    order: [order.platformId],
    customer: [order.customerPlatformId],
    variant: order.lines.map((line) => line.variantPlatformId),
  });
  return (await upsertOrder(tx, target, order, event.body)) !== 'stale';
};
const shopifyProduct: Handler = async (tx, target, payload, event) => {
  const product = normalizeShopifyProduct(payload);
  await refuseForeignIds(tx, target, {
    product: [product.platformId],
    variant: product.variants.map((variant) => variant.platformId),
    inventory_item: product.variants.map((variant) => variant.inventoryItemId),
  });
  return (await upsertProduct(tx, target, product, event.body)) !== 'stale';
};
const shopifyCustomer: Handler = async (tx, target, payload, event) => {
  const customer = normalizeShopifyCustomer(payload);
  await refuseForeignIds(tx, target, { customer: [customer.platformId] });
  return (await upsertCustomer(tx, target, customer, event.body)) !== 'stale';
};

const shopifyHandlers: Record<string, Handler> = {
  ...Object.fromEntries(SHOPIFY_ORDER_TOPICS.map((topic): [string, Handler] => [topic, shopifyOrder])),
  'products/create': shopifyProduct,
  'products/update': shopifyProduct,
  'customers/create': shopifyCustomer,
  'customers/update': shopifyCustomer,
  'inventory_levels/update': async (tx, target, payload, event) => {
    const level = normalizeShopifyInventoryLevel(payload);
    await refuseForeignIds(tx, target, {
      inventory_item: ['inventoryItemId' in level.variant ? level.variant.inventoryItemId : null],
      variant: ['platformId' in level.variant ? level.variant.platformId : null],
      location: [level.locationPlatformId],
    });
    const outcome = await applyInventoryLevel(tx, target, level, {
      kind: 'platform',
      eventId: event.id,
    });
    if (outcome.kind === 'unknown_variant') throw new RetryLaterError('inventory item not synced yet');
    return outcome.kind === 'changed';
  },
  'app/uninstalled': async (tx, target, _payload, event, principal) => {
    await forgetStore(tx, target.storeId, 'uninstalled');
    await recordAudit(tx, principal, {
      action: 'store.uninstalled',
      subjectType: 'store',
      subjectId: target.storeId,
      details: { eventId: event.id },
    });
    return true;
  },
  'customers/data_request': async (tx, target, payload, event, principal) => {
    const request = parseWith(
      z.object({
        customer: z.object({ id: platformId }),
        orders_requested: z.array(platformId).default([]),
        data_request: z.object({ id: platformId }).optional(),
      }),
      payload,
      'customers/data_request',
    );
    await recordAudit(tx, principal, {
      action: 'compliance.data_request',
      subjectType: 'customer',
      subjectId: request.customer.id,
      details: {
        storeId: target.storeId,
        ordersRequested: request.orders_requested,
        dataRequestId: request.data_request?.id,
        eventId: event.id,
      },
    });
    return true;
  },
  'customers/redact': async (tx, target, payload, event, principal) => {
    const request = parseWith(
      z.object({ customer: z.object({ id: platformId }), orders_to_redact: z.array(platformId).default([]) }),
      payload,
      'customers/redact',
    );
    await redactCustomer(tx, target, request.customer.id, request.orders_to_redact);
    await recordAudit(tx, principal, {
      action: 'compliance.customer_redacted',
      subjectType: 'customer',
      subjectId: request.customer.id,
      details: { eventId: event.id },
    });
    return true;
  },
  'shop/redact': async (tx, target, _payload, event, principal) => {
    await purgeStore(tx, target);
    await recordAudit(tx, principal, {
      action: 'compliance.shop_redacted',
      subjectType: 'store',
      subjectId: target.storeId,
      details: { eventId: event.id },
    });
    return true;
  },
};

const wooProduct: Handler = async (tx, target, payload, event) => {
  // A variation's own product.updated carries its stock; the variant row belongs to its parent product.
  const isVariation = (payload as { type?: unknown } | null)?.type === 'variation';
  const outcome = isVariation ? 'stale' : await upsertProduct(tx, target, normalizeWooProduct(payload), event.body);
  const level = wooStockLevel(payload);
  const stock = level ? await applyInventoryLevel(tx, target, level, { kind: 'platform', eventId: event.id }) : undefined;
  return outcome !== 'stale' || stock?.kind === 'changed';
};
const wooOrder: Handler = async (tx, target, payload, event) =>
  (await upsertOrder(tx, target, normalizeWooOrder(payload), event.body)) !== 'stale';
const wooCustomer: Handler = async (tx, target, payload, event) =>
  (await upsertCustomer(tx, target, normalizeWooCustomer(payload), event.body)) !== 'stale';

const wooHandlers: Record<string, Handler> = {
  'order.created': wooOrder,
  'order.updated': wooOrder,
  'order.restored': wooOrder,
  'product.created': wooProduct,
  'product.updated': wooProduct,
  'product.restored': wooProduct,
  'product.published': wooProduct,
  'customer.created': wooCustomer,
  'customer.updated': wooCustomer,
};

/** Every Shopify topic Dockhand acts on (tests walk this list, so a new topic cannot slip past them). */
export const SHOPIFY_HANDLED_TOPICS: readonly string[] = Object.keys(shopifyHandlers);

/** Erases a customer's personal data (and that of the listed orders); keeps the business facts. */
export async function redactCustomer(
  tx: TenantSql,
  target: Target,
  customerPlatformId: string,
  orderPlatformIds: string[],
): Promise<void> {
  const [customer] = await tx<{ id: string }[]>`
    update customers set email = null, first_name = null, last_name = null, phone = null, raw = '{}',
                         redacted_at = now(), updated_at = now()
    where org_id = ${target.orgId} and store_id = ${target.storeId} and platform_id = ${customerPlatformId}
    returning id`;
  await tx`
    update orders set email = null, raw = '{}', updated_at = now()
    where org_id = ${target.orgId} and store_id = ${target.storeId}
      and (platform_id = any(${orderPlatformIds}::text[]) or customer_id = ${customer?.id ?? null})`;
}

/** shop/redact: everything the store brought is deleted; the store row stays, uninstalled, as the record. */
export async function purgeStore(tx: TenantSql, target: Target): Promise<void> {
  await tx`delete from orders where org_id = ${target.orgId} and store_id = ${target.storeId}`;
  await tx`delete from products where org_id = ${target.orgId} and store_id = ${target.storeId}`;
  await tx`delete from customers where org_id = ${target.orgId} and store_id = ${target.storeId}`;
  await tx`delete from locations where org_id = ${target.orgId} and store_id = ${target.storeId}`;
  await tx`update webhook_events set body = '{}', headers = '{}' where org_id = ${target.orgId} and store_id = ${target.storeId}`;
  await forgetStore(tx, target.storeId, 'uninstalled');
}

/**
 * Applies one inbox row. Idempotent: a row already applied is left alone, so a job that runs
 * twice (a retry, the sweeper, a duplicate enqueue) changes nothing the second time.
 */
export async function applyWebhookEvent(db: Database, job: { orgId: string; eventId: string }): Promise<ApplyOutcome> {
  const principal = systemPrincipal(job.orgId, 'apply');
  try {
    return await withPrincipal(db, principal, async (tx) => {
      const [event] = await tx<EventRow[]>`
        select e.id, e.org_id, e.store_id, e.platform, e.topic, e.body, e.status,
               s.status as store_status, s.shop_domain, s.platform_shop_id
        from webhook_events e join stores s on s.org_id = e.org_id and s.id = e.store_id
        where e.id = ${job.eventId} for update of e`;
      if (!event) return 'missing';
      if (event.status !== 'received') return 'already_done';
      const payload = parsePlatformJson(event.body);
      const shopifyCompliance = event.platform === 'shopify' && isComplianceTopic(event.topic);
      // A store that is not connected receives no webhooks (a delivery stored just before a
      // disconnect is dropped here); compliance requests concern its data whatever its status.
      const connected = event.store_status === 'active' || shopifyCompliance;
      if (event.platform === 'shopify' && connected) {
        const mismatch = shopMismatch(event.topic, payload, {
          shopDomain: event.shop_domain ?? '',
          platformShopId: event.platform_shop_id,
        });
        if (mismatch) throw new ForeignPayloadError(mismatch);
      }
      const handler = connected ? (event.platform === 'shopify' ? shopifyHandlers : wooHandlers)[event.topic] : undefined;
      const changed = handler
        ? await handler(tx, { orgId: event.org_id, storeId: event.store_id }, payload, event, principal)
        : false;
      const status = handler ? 'applied' : 'ignored';
      await tx`
        update webhook_events set status = ${status}, applied_at = now(), attempts = attempts + 1,
          last_error = ${connected ? null : `the store is ${event.store_status}`}
        where id = ${event.id}`;
      if (!handler) return 'ignored';
      return changed ? 'applied' : 'unchanged';
    });
  } catch (error) {
    if (error instanceof ForeignPayloadError) {
      // Kept as the record of the attempt, and never applied.
      await withPrincipal(
        db,
        principal,
        (tx) => tx`
        update webhook_events set status = 'ignored', applied_at = now(), attempts = attempts + 1, last_error = ${error.message}
        where id = ${job.eventId} and status = 'received'`,
      );
      return 'refused';
    }
    const permanent = error instanceof UnsupportedPayloadError;
    // Exponential backoff with jitter before the sweeper offers the row again: ~2 s, 4 s, 8 s, … (at most an hour).
    await withPrincipal(
      db,
      principal,
      (tx) => tx`
      update webhook_events set attempts = attempts + 1, last_error = ${String((error as Error).message).slice(0, 1000)},
        status = case when ${permanent} or attempts + 1 >= ${MAX_APPLY_ATTEMPTS} then 'failed' else status end,
        next_attempt_at = now() + least(interval '1 hour', interval '1 second' * power(2, attempts + 1) * (0.5 + random() / 2))
      where id = ${job.eventId} and status = 'received'`,
    );
    throw error;
  }
}
