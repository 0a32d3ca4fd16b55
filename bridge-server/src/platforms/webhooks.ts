import { createHash } from 'node:crypto';
import type { AppContext } from '../api/context.ts';
import { BadRequestError } from '../api/errors.ts';
import type { Principal, TenantSql } from '../db/principal.ts';
import type { Platform } from '../domain/stores/store-service.ts';
import type { StoreHome } from '../ingest/store-directory.ts';

/**
 * What a platform provides so that webhooks can be received and applied without the rest of
 * the server knowing which platform sent them: how a delivery is verified and identified, the
 * topics the store is subscribed to, and what each topic does. `ingest/` and `sync/` reach it
 * through `platforms/registry.ts`.
 */

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

export interface WebhookTarget {
  orgId: string;
  storeId: string;
}

/** The inbox row being applied. */
export interface StoredWebhook {
  id: string;
  topic: string;
  /** The platform's JSON text, as delivered. */
  body: string;
}

/** The store an inbox row belongs to, as the apply step reads it. */
export interface WebhookStore {
  status: string;
  shopDomain: string | null;
  platformShopId: string | null;
}

/** Applies one delivery of a topic; answers whether it changed anything. */
export type TopicAction = (
  tx: TenantSql,
  target: WebhookTarget,
  payload: unknown,
  event: StoredWebhook,
  principal: Principal,
) => Promise<boolean>;

/**
 * Applies deliveries of one store together (a batch of webhooks applied in one transaction): the
 * same effects as applying each in turn, in the order given (a resource may come more than
 * once), in a few statements. Answers whether each changed anything, in order.
 */
export type BatchTopicAction = (
  tx: TenantSql,
  target: WebhookTarget,
  deliveries: ReadonlyArray<{ payload: unknown; event: StoredWebhook }>,
  principal: Principal,
) => Promise<boolean[]>;

/** A batch action applied to one delivery. */
export const singly =
  (batchAction: BatchTopicAction): TopicAction =>
  async (tx, target, payload, event, principal) =>
    (await batchAction(tx, target, [{ payload, event }], principal))[0]!;

/** A topic the connector subscribes through the platform's API. */
export const subscribed = (action: TopicAction): WebhookTopic => ({ action, subscribedBy: 'api' });

/** A subscribed topic whose deliveries are applied in batches (by `batchAction`, shared by the topics that pass the same one). */
export const subscribedInBatches = (batchAction: BatchTopicAction): WebhookTopic => ({
  action: singly(batchAction),
  batchAction,
  subscribedBy: 'api',
});

export interface WebhookTopic {
  action: TopicAction;
  /** `action` for several deliveries at once; topics that share one are batched together. */
  batchAction?: BatchTopicAction;
  /**
   * How the store comes to send it: `api` topics are subscribed by the connector's
   * `registerWebhooks`; `app-config` topics are declared in the app's configuration (Shopify's
   * mandatory compliance topics) and cannot be subscribed through the API.
   */
  subscribedBy: 'api' | 'app-config';
  /** Applied whatever the store's status (a compliance request concerns its data after the uninstall too). */
  evenWhenDisconnected?: boolean;
}

/** One received HTTP delivery, as the webhook route hands it over. */
export interface WebhookDelivery {
  /** The raw bytes the signature covers. */
  body: Buffer;
  header(name: string): string | undefined;
  param(name: string): string | undefined;
}

export type WebhookReception =
  /** A verified event for a store: stored in the inbox, then applied. */
  | { kind: 'event'; store: StoreHome; eventId: string; topic: string; body: string }
  /** Answered 200 with this body and not stored (a ping, an uninstall that did not happen, …). */
  | { kind: 'answered'; answer: Record<string, unknown> };

export interface PlatformWebhooks {
  readonly platform: Platform;
  /** The route under `/webhooks` deliveries arrive at (Express path syntax). */
  readonly path: string;
  /** Headers kept with the inbox row start with this; */
  readonly headerPrefix: string;
  /** except the signature: once checked it proves nothing, and a stored one is a capture waiting to be re-sent. */
  readonly signatureHeader: string;
  /** Every topic Dockhand acts on: the single source of both subscription and handling. */
  readonly topics: Readonly<Record<string, WebhookTopic>>;
  /** The platform's name of the subscription that delivers `topic` (Shopify: `orders/create` → `ORDERS_CREATE`). */
  subscriptionName(topic: string): string;
  /** Verifies a delivery and finds its store; throws the HTTP error to answer otherwise. */
  receive(ctx: AppContext, delivery: WebhookDelivery): Promise<WebhookReception>;
  /** Throws ForeignPayloadError when the body does not belong to the store it was stored for. */
  checkOwnership(topic: string, payload: unknown, store: WebhookStore): void;
}

/** The subscription names `registerWebhooks` creates, in the order of the topic table. */
export function subscriptionNames(webhooks: PlatformWebhooks): string[] {
  return Object.entries(webhooks.topics)
    .filter(([, topic]) => topic.subscribedBy === 'api')
    .map(([name]) => webhooks.subscriptionName(name));
}

/**
 * The body as text and as parsed, refused unless it is JSON. The parse is `JSON.parse`'s: enough
 * to tell the body's shape, not for ids above 2^53 (parsePlatformJson keeps those).
 */
export function jsonBody(body: Buffer): { text: string; payload: unknown } {
  const text = body.toString('utf8');
  try {
    return { text, payload: JSON.parse(text) as unknown };
  } catch {
    throw new BadRequestError('The webhook body is not valid JSON');
  }
}

/**
 * What identifies a delivery in the inbox: its resource (`orders` of `orders/updated`, `order` of
 * `order.updated`) and its signed body. The platforms sign the body only, so the topic and any
 * event id beside it are the sender's word: a captured delivery re-sent under a new event id or
 * another topic of its resource is the same delivery, stored once. The resource is part of the
 * key because a `{"id":…}` body of one resource's deletion can be byte for byte another's. A
 * platform's own repeats (Shopify's retries, WooCommerce's same change fired twice) are the same
 * body, so they are stored once as before; two topics of one resource sent with the same body
 * (orders/create and orders/updated of a new order) carry the same record, applied once.
 */
export function deliveryKey(topic: string, body: Buffer): string {
  return `${topicResource(topic)}:${createHash('sha256').update(body).digest('hex')}`;
}

/** The resource a topic is about: `orders` of `orders/updated`, `order` of `order.updated`. */
export const topicResource = (topic: string): string => topic.split(/[/.]/, 1)[0]!;

/** How a platform's record topics are told apart by their bodies (the topic header is not signed). */
export interface RecordShapes {
  /** The resources whose topics carry whole records, as their topics name them. */
  resources: readonly string[];
  /** What a whole record carries and a deletion's `{id}` never does. */
  stamps: readonly string[];
  isDeletion(topic: string): boolean;
  /** Which resource a whole record is, by what only it carries. */
  recordOf(keys: ReadonlySet<string>): string;
}

/**
 * Why a body cannot be of its record topic, or null when it can: a deletion is an id, never a
 * whole record, so an update cannot be re-sent as a deletion; a whole record is of its topic's
 * resource, so a product cannot be re-sent as a customer's update.
 */
export function recordMismatch(topic: string, keys: ReadonlySet<string>, shapes: RecordShapes): string | null {
  if (shapes.isDeletion(topic)) {
    return shapes.stamps.some((key) => keys.has(key)) ? `the ${topic} body is a whole record, not a deletion` : null;
  }
  const resource = topicResource(topic);
  if (!shapes.resources.includes(resource)) return null;
  return shapes.recordOf(keys) === resource ? null : `the ${topic} body is not a record of ${resource}`;
}

/** Keys of `payload` when it is a JSON object, else undefined. */
export function objectKeys(payload: unknown): Set<string> | undefined {
  return typeof payload === 'object' && payload !== null && !Array.isArray(payload) ? new Set(Object.keys(payload)) : undefined;
}
