import { BadRequestError, NotFoundError, UnauthorizedError } from '../../api/errors.ts';
import { systemPrincipal, withPrincipal, isUuid } from '../../db/principal.ts';
import { z } from 'zod';
import { upsertCustomer, upsertProduct } from '../../domain/catalog/catalog-sync.ts';
import { markDeleted, markRestored, type DeletableRecord } from '../../domain/catalog/tombstones.ts';
import { applyInventoryLevel } from '../../domain/inventory/inventory-sync.ts';
import { upsertOrders } from '../../domain/orders/order-sync.ts';
import type { Platform } from '../../domain/stores/store-service.ts';
import type { StoreDirectory, StoreHome } from '../../ingest/store-directory.ts';
import { verifyBase64Hmac } from '../../ingest/webhook-signature.ts';
import { parseWith, platformId } from '../model.ts';
import {
  deliveryKey,
  jsonBody,
  objectKeys,
  recordMismatch,
  singly,
  subscribed,
  subscribedInBatches,
  type BatchTopicAction,
  type PlatformWebhooks,
  type RecordShapes,
  type TopicAction,
  type WebhookTopic,
} from '../webhooks.ts';
import { normalizeWooCustomer, normalizeWooOrder, normalizeWooProduct, wooStockLevel } from './normalize.ts';
import { topicSecret } from './topic-secrets.ts';

const PLATFORM: Platform = 'woocommerce';
/** WooCommerce pings a new webhook with a form body and no X-WC headers; it must get exactly 200. */
const PING = /^webhook_id=\d+$/;

interface WooStoreHome extends StoreHome {
  webhookSecret: string | undefined;
  /** Whether its webhooks were registered with each topic's own secret (topicSecret); if not, the store's secret also signs. */
  topicSecrets: boolean;
}

/** The store named in the delivery URL, with the secret its webhooks are signed with. */
function storeOf(directory: StoreDirectory, storeId: string): Promise<WooStoreHome | undefined> {
  if (!isUuid(storeId)) return Promise.resolve(undefined);
  return directory.find('woocommerce-store', storeId, async () => {
    const [home] = await directory.db.app<{ org_id: string; platform: Platform; status: string }[]>`
      select org_id, platform, status from dockhand.store_home(${storeId})`;
    if (!home || home.platform !== PLATFORM) return undefined;
    const { secret: webhookSecret, topicSecrets } = await withPrincipal(
      directory.db,
      systemPrincipal(home.org_id, 'ingest'),
      (tx) => directory.stores.readWebhookSigning(tx, storeId),
    );
    return { orgId: home.org_id, storeId, platform: PLATFORM, status: home.status, webhookSecret, topicSecrets };
  });
}

const product: TopicAction = async (tx, target, payload, event) => {
  // A variation's own product.updated carries its stock; the variant row belongs to its parent product.
  const isVariation = (payload as { type?: unknown } | null)?.type === 'variation';
  const outcome = isVariation ? 'stale' : await upsertProduct(tx, target, normalizeWooProduct(payload), event.body);
  const level = wooStockLevel(payload);
  const stock = level ? await applyInventoryLevel(tx, target, level, { kind: 'platform', eventId: event.id }) : undefined;
  return outcome !== 'stale' || stock?.kind === 'changed';
};
const orders: BatchTopicAction = async (tx, target, deliveries) =>
  (
    await upsertOrders(
      tx,
      target,
      deliveries.map(({ payload, event }) => ({ order: normalizeWooOrder(payload), raw: { inboxId: event.id } })),
    )
  ).map((outcome) => outcome !== 'stale');
const order = singly(orders);
const customer: TopicAction = async (tx, target, payload, event) =>
  (await upsertCustomer(tx, target, normalizeWooCustomer(payload), event.body)) !== 'stale';

/** WooCommerce's record topics, told apart by their bodies. */
const RECORD_SHAPES: RecordShapes = {
  resources: ['order', 'product', 'customer'],
  stamps: ['date_created', 'date_created_gmt', 'date_modified', 'date_modified_gmt'],
  isDeletion: (topic) => topic.endsWith('.deleted'),
  // An order carries its lines, a product its type.
  recordOf: (keys) => (keys.has('line_items') ? 'order' : keys.has('type') ? 'product' : 'customer'),
};

/** `*.deleted` sends `{id}` only, on a move to the trash as on a deletion for good. */
const deleted =
  (record: DeletableRecord): TopicAction =>
  async (tx, target, payload, event) =>
    markDeleted(tx, target, record, parseWith(z.object({ id: platformId }), payload, event.topic).id);

/** `*.restored` is the record taken out of the trash, sent whole: applied, and its tombstone goes. */
const restored =
  (record: DeletableRecord, upsert: TopicAction): TopicAction =>
  async (tx, target, payload, event, principal) => {
    const changed = await upsert(tx, target, payload, event, principal);
    const id = parseWith(z.object({ id: platformId }), payload, event.topic).id;
    return (await markRestored(tx, target, record, id)) || changed;
  };

/**
 * Every topic Dockhand acts on, as delivered in X-WC-Webhook-Topic. Deletions are kept as
 * tombstones. Not product.published: WooCommerce sends product.created or product.updated with it.
 */
const topics: Record<string, WebhookTopic> = {
  'order.created': subscribedInBatches(orders),
  'order.updated': subscribedInBatches(orders),
  'order.deleted': subscribed(deleted('order')),
  'order.restored': subscribed(restored('order', order)),
  'product.created': subscribed(product),
  'product.updated': subscribed(product),
  'product.deleted': subscribed(deleted('product')),
  'product.restored': subscribed(restored('product', product)),
  'customer.created': subscribed(customer),
  'customer.updated': subscribed(customer),
  'customer.deleted': subscribed(deleted('customer')),
};

export const wooCommerceWebhooks: PlatformWebhooks = {
  platform: PLATFORM,
  path: '/woocommerce/:storeId',
  headerPrefix: 'x-wc-',
  signatureHeader: 'x-wc-webhook-signature',
  topics,

  subscriptionName: (topic) => topic,

  async receive(ctx, delivery) {
    const store = await storeOf(ctx.ingest.directory, delivery.param('storeId') ?? '');
    if (!store) throw new NotFoundError('Store');
    const signature = delivery.header('x-wc-webhook-signature');
    if (!signature && !delivery.header('x-wc-webhook-topic') && PING.test(delivery.body.toString('utf8'))) {
      return { kind: 'answered', answer: { received: true, ping: true } };
    }
    // Only an active store receives webhooks (a disconnected store keeps no secret either).
    if (store.status !== 'active') throw new NotFoundError('Store');
    const secret = store.webhookSecret;
    if (!secret) throw new UnauthorizedError('The webhook signature does not match');
    const topic = delivery.header('x-wc-webhook-topic');
    if (!topic) throw new BadRequestError('X-WC-Webhook-Topic is required');
    // Signed with its topic's own secret: a delivery re-sent under another topic does not verify.
    const signedWith = (key: string) => verifyBase64Hmac(delivery.body, key, signature);
    if (!signedWith(topicSecret(secret, topic)) && (store.topicSecrets || !signedWith(secret))) {
      throw new UnauthorizedError('The webhook signature does not match');
    }
    const { text: body, payload } = jsonBody(delivery.body);
    // The topic is not signed: a whole record re-sent as a deletion would tombstone it, and one
    // re-sent under another resource's topic would overwrite that resource's record with it.
    const keys = objectKeys(payload);
    const misfit = keys ? recordMismatch(topic, keys, RECORD_SHAPES) : `the ${topic} body is not an object`;
    if (misfit) {
      throw new UnauthorizedError('The webhook body is not of the topic it is sent under', { reason: misfit });
    }
    // WooCommerce has no event id and fires the same change several times: the same body of the
    // same resource is the same delivery (deliveryKey), whatever topic it is sent under.
    return { kind: 'event', store, eventId: deliveryKey(topic, delivery.body), topic, body };
  },

  // The delivery URL names the store and the signature is under that store's own secret.
  checkOwnership() {},
};
