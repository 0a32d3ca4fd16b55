import { z } from 'zod';
import type { AppContext } from '../../api/context.ts';
import { BadRequestError, NotFoundError, ServiceUnavailableError, UnauthorizedError } from '../../api/errors.ts';
import type { TenantSql } from '../../db/principal.ts';
import { recordAudit } from '../../domain/audit/audit-log.ts';
import { upsertCustomer, upsertProduct } from '../../domain/catalog/catalog-sync.ts';
import { markDeleted, type DeletableRecord } from '../../domain/catalog/tombstones.ts';
import { redactCustomer } from '../../domain/customers/redact-customer.ts';
import { applyInventoryLevel } from '../../domain/inventory/inventory-sync.ts';
import { upsertOrders } from '../../domain/orders/order-sync.ts';
import { purgeStore } from '../../domain/stores/purge-store.ts';
import { forgetStore } from '../../domain/stores/store-service.ts';
import type { StoreDirectory, StoreHome } from '../../ingest/store-directory.ts';
import { verifyBase64Hmac } from '../../ingest/webhook-signature.ts';
import { parsePlatformJson, parseWith, platformId } from '../model.ts';
import {
  ForeignPayloadError,
  deliveryKey,
  jsonBody,
  RetryLaterError,
  subscribed,
  subscribedInBatches,
  type PlatformWebhooks,
  type BatchTopicAction,
  type TopicAction,
  type WebhookTarget,
  type WebhookTopic,
} from '../webhooks.ts';
import {
  normalizeShopifyCustomer,
  normalizeShopifyInventoryLevel,
  normalizeShopifyOrder,
  normalizeShopifyProduct,
} from './normalize.ts';
import { isComplianceTopic, namesShop, SHOPIFY_UNINSTALL_TOPIC, shopMismatch, topicMismatch } from './webhook-identity.ts';

export interface ShopifyStoreHome extends StoreHome {
  shopDomain: string;
  /** The shop id the store's token answered for; null for stores connected before it was recorded. */
  platformShopId: string | null;
}

type ShopRow = { org_id: string; store_id: string; status: string; platform_shop_id: string | null };

function shopifyHome(row: ShopRow, shopDomain: string): ShopifyStoreHome {
  return {
    orgId: row.org_id,
    storeId: row.store_id,
    platform: 'shopify',
    status: row.status,
    shopDomain,
    platformShopId: row.platform_shop_id,
  };
}

/** The shop's active store: only an active store receives webhooks. */
function activeStoreOf(directory: StoreDirectory, domain: string): Promise<ShopifyStoreHome | undefined> {
  const key = domain.toLowerCase();
  return directory.find('shopify-domain', key, async () => {
    const [row] = await directory.db.app<ShopRow[]>`
      select org_id, store_id, status, platform_shop_id from dockhand.shopify_store_by_domain(${key})`;
    return row ? shopifyHome(row, key) : undefined;
  });
}

/**
 * The store a shop's compliance requests concern: its active store, else the one it was last
 * connected to (shop/redact arrives 48 hours after the uninstall). Not cached: rare, and the
 * answer changes with the store's status.
 */
async function complianceHomeOf(directory: StoreDirectory, domain: string): Promise<ShopifyStoreHome | undefined> {
  const key = domain.toLowerCase();
  const [row] = await directory.db.app<ShopRow[]>`
    select org_id, store_id, status, platform_shop_id from dockhand.shopify_shop_home(${key})`;
  return row ? shopifyHome(row, key) : undefined;
}

async function stillInstalled(ctx: AppContext, store: ShopifyStoreHome): Promise<boolean> {
  const shopify = ctx.shopify;
  if (!shopify) return false;
  try {
    return await shopify.tokens.stillInstalled(store, { shopBaseUrl: shopify.shopBaseUrl?.(store.shopDomain) });
  } catch (error) {
    // Unknown: answer so that Shopify retries rather than act on an unverified uninstall.
    ctx.logger.warn({ err: error, storeId: store.storeId }, 'could not ask Shopify whether the app is installed');
    throw new ServiceUnavailableError('Could not verify the uninstall with Shopify; retry later');
  }
}

type ShopifyIdKind = 'order' | 'product' | 'variant' | 'inventory_item' | 'customer' | 'location';

/**
 * Shopify's ids are unique across shops: a body whose resources are already known in another
 * Shopify store was captured there and re-sent under this shop's name.
 */
async function refuseForeignIds(
  tx: TenantSql,
  target: WebhookTarget,
  ids: Partial<Record<ShopifyIdKind, Array<string | null | undefined>>>,
): Promise<void> {
  // Only the kinds the body names are probed: each probe is a function call with its own plan.
  const probes = (Object.keys(ids) as ShopifyIdKind[])
    .map((kind) => ({ kind, ids: (ids[kind] ?? []).filter((id): id is string => !!id) }))
    .filter((probe) => probe.ids.length > 0);
  if (probes.length === 0) return;
  const [row] = await tx.unsafe<{ elsewhere: boolean | null }[]>(
    `select ${probes.map(({ kind }, i) => `dockhand.shopify_ids_elsewhere($1, '${kind}', $${i + 2}::text[])`).join(' or ')} as elsewhere`,
    [target.storeId, ...probes.map((probe) => probe.ids)],
  );
  if (row?.elsewhere) throw new ForeignPayloadError('the body names resources of another store');
}

const orders: BatchTopicAction = async (tx, target, deliveries) => {
  const normalized = deliveries.map(({ payload }) => normalizeShopifyOrder(payload));
  // Sent together (one round trip). A refusal throws once the upsert has settled (nothing of it
  // may still be running when the transaction rolls back), and the rollback undoes it.
  const [refused, upserted] = await Promise.allSettled([
    refuseForeignIds(tx, target, {
      order: normalized.map((order) => order.platformId),
      customer: normalized.map((order) => order.customerPlatformId),
      variant: normalized.flatMap((order) => order.lines.map((line) => line.variantPlatformId)),
    }),
    upsertOrders(
      tx,
      target,
      normalized.map((order, i) => ({ order, raw: { inboxId: deliveries[i]!.event.id } })),
    ),
  ]);
  if (refused.status === 'rejected') throw refused.reason;
  if (upserted.status === 'rejected') throw upserted.reason;
  return upserted.value.map((outcome) => outcome !== 'stale');
};

const product: TopicAction = async (tx, target, payload, event) => {
  const normalized = normalizeShopifyProduct(payload);
  await refuseForeignIds(tx, target, {
    product: [normalized.platformId],
    variant: normalized.variants.map((variant) => variant.platformId),
    inventory_item: normalized.variants.map((variant) => variant.inventoryItemId),
  });
  return (await upsertProduct(tx, target, normalized, event.body)) !== 'stale';
};

const customer: TopicAction = async (tx, target, payload, event) => {
  const normalized = normalizeShopifyCustomer(payload);
  await refuseForeignIds(tx, target, { customer: [normalized.platformId] });
  return (await upsertCustomer(tx, target, normalized, event.body)) !== 'stale';
};

/**
 * `orders/delete`, `products/delete` and `customers/delete` carry `{id}` only: the record is
 * kept as a tombstone. An id known in another Shopify store is a capture of that store's
 * deletion re-sent under this shop's name, refused like any other foreign body.
 */
const deleted =
  (record: DeletableRecord): TopicAction =>
  async (tx, target, payload, event) => {
    const { id } = parseWith(z.object({ id: platformId }), payload, event.topic);
    await refuseForeignIds(tx, target, { [record]: [id] });
    return markDeleted(tx, target, record, id);
  };

const inventoryLevel: TopicAction = async (tx, target, payload, event) => {
  const level = normalizeShopifyInventoryLevel(payload);
  await refuseForeignIds(tx, target, {
    inventory_item: ['inventoryItemId' in level.variant ? level.variant.inventoryItemId : null],
    variant: ['platformId' in level.variant ? level.variant.platformId : null],
    location: [level.locationPlatformId],
  });
  const outcome = await applyInventoryLevel(tx, target, level, { kind: 'platform', eventId: event.id });
  if (outcome.kind === 'unknown_variant') throw new RetryLaterError('inventory item not synced yet');
  return outcome.kind === 'changed';
};

const uninstalled: TopicAction = async (tx, target, _payload, event, principal) => {
  await forgetStore(tx, target.storeId, 'uninstalled');
  await recordAudit(tx, principal, {
    action: 'store.uninstalled',
    subjectType: 'store',
    subjectId: target.storeId,
    details: { eventId: event.id },
  });
  return true;
};

const dataRequest: TopicAction = async (tx, target, payload, event, principal) => {
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
};

const customerRedact: TopicAction = async (tx, target, payload, event, principal) => {
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
};

const shopRedact: TopicAction = async (tx, target, _payload, event, principal) => {
  await purgeStore(tx, target);
  await recordAudit(tx, principal, {
    action: 'compliance.shop_redacted',
    subjectType: 'store',
    subjectId: target.storeId,
    details: { eventId: event.id },
  });
  return true;
};

/** Shopify's mandatory compliance topics: declared in the app's configuration, sent whatever the store's status. */
const compliance = (action: TopicAction): WebhookTopic => ({ action, subscribedBy: 'app-config', evenWhenDisconnected: true });

/**
 * Every topic Dockhand acts on, as delivered in X-Shopify-Topic. Deletions are kept as
 * tombstones (a later create/update of the same id does not revive it). Not orders/edited: its body is
 * an `order_edit` (what changed), not the order; the orders/updated Shopify sends with it
 * carries the order.
 */
const topics: Record<string, WebhookTopic> = {
  'orders/create': subscribedInBatches(orders),
  'orders/updated': subscribedInBatches(orders),
  'orders/cancelled': subscribedInBatches(orders),
  'orders/fulfilled': subscribedInBatches(orders),
  'orders/paid': subscribedInBatches(orders),
  'orders/delete': subscribed(deleted('order')),
  'products/create': subscribed(product),
  'products/update': subscribed(product),
  'products/delete': subscribed(deleted('product')),
  'customers/create': subscribed(customer),
  'customers/update': subscribed(customer),
  'customers/delete': subscribed(deleted('customer')),
  'inventory_levels/update': subscribed(inventoryLevel),
  [SHOPIFY_UNINSTALL_TOPIC]: subscribed(uninstalled),
  'customers/data_request': compliance(dataRequest),
  'customers/redact': compliance(customerRedact),
  'shop/redact': compliance(shopRedact),
};

export const shopifyWebhooks: PlatformWebhooks = {
  platform: 'shopify',
  path: '/shopify',
  headerPrefix: 'x-shopify-',
  signatureHeader: 'x-shopify-hmac-sha256',
  topics,

  /** `orders/create` → `ORDERS_CREATE`, the API's WebhookSubscriptionTopic value. */
  subscriptionName: (topic) => topic.replaceAll('/', '_').toUpperCase(),

  async receive(ctx, delivery) {
    const secret = ctx.config.shopify?.apiSecret;
    if (!secret) throw new ServiceUnavailableError('Shopify is not configured on this server');
    if (!verifyBase64Hmac(delivery.body, secret, delivery.header('x-shopify-hmac-sha256'))) {
      throw new UnauthorizedError('The webhook signature does not match');
    }
    const topic = delivery.header('x-shopify-topic');
    const domain = delivery.header('x-shopify-shop-domain');
    if (!topic || !domain || !(delivery.header('x-shopify-event-id') ?? delivery.header('x-shopify-webhook-id'))) {
      throw new BadRequestError('X-Shopify-Topic, X-Shopify-Shop-Domain and X-Shopify-Event-Id are required');
    }
    const { text: body, payload } = jsonBody(delivery.body);
    const isCompliance = isComplianceTopic(topic);
    // Only an active store receives webhooks; a compliance request also reaches the store the
    // shop was last connected to (shop/redact comes 48 hours after the uninstall).
    const store = isCompliance
      ? await complianceHomeOf(ctx.ingest.directory, domain)
      : await activeStoreOf(ctx.ingest.directory, domain);
    if (!store) {
      // Nothing is kept for the shop: a compliance request has nothing to act on.
      if (isCompliance) return { kind: 'answered', answer: { received: true, stored: false } };
      throw new NotFoundError('Store');
    }
    // The headers are not signed: a body that names a shop must name this one, and the body must
    // be of the topic's shape.
    // Shop ids are compared exactly, so a shop-naming body is read again keeping ids above 2^53.
    const mismatch = namesShop(topic) ? shopMismatch(topic, parsePlatformJson(body), store) : null;
    if (mismatch) {
      ctx.logger.warn({ storeId: store.storeId, topic, reason: mismatch }, 'shopify webhook refused: addressed to another shop');
      throw new UnauthorizedError('The webhook body does not belong to the shop it is addressed to', { reason: mismatch });
    }
    const misfit = topicMismatch(topic, payload);
    if (misfit) {
      ctx.logger.warn({ storeId: store.storeId, topic, reason: misfit }, 'shopify webhook refused: the body is not of its topic');
      throw new UnauthorizedError('The webhook body is not of the topic it is sent under', { reason: misfit });
    }
    if (topic === 'shop/redact' && store.status === 'active') {
      // Shopify sends shop/redact 48 hours after an uninstall; an active store was not uninstalled
      // (or was installed again since), and its data stays.
      ctx.logger.warn({ storeId: store.storeId }, 'shopify shop/redact ignored: the store is installed');
      return { kind: 'answered', answer: { received: true, ignored: true } };
    }
    if (topic === SHOPIFY_UNINSTALL_TOPIC && (await stillInstalled(ctx, store))) {
      // Shopify revokes the app's tokens on uninstall; a token that still works means it was not.
      ctx.logger.warn({ storeId: store.storeId }, 'shopify app/uninstalled ignored: the store token still works');
      return { kind: 'answered', answer: { received: true, ignored: true } };
    }
    return { kind: 'event', store, eventId: deliveryKey(topic, delivery.body), topic, body };
  },

  checkOwnership(topic, payload, store) {
    const mismatch = shopMismatch(topic, payload, { shopDomain: store.shopDomain ?? '', platformShopId: store.platformShopId });
    if (mismatch) throw new ForeignPayloadError(mismatch);
  },
};
