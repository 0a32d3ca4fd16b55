import {
  compareIds,
  type DeletableEntity,
  type EntityTypes,
  type FulfillmentPush,
  type IdPage,
  type InventoryChange,
  type InventoryPushResult,
  type Page,
  type PageItem,
  type PageRequest,
  type ReturnDecisionPush,
  type StoreConnector,
  type SyncEntity,
} from '../connector.ts';
import { Mutex } from 'async-mutex';
import pLimit from 'p-limit';
import type { NormalizedInventoryLevel } from '../model.ts';
import type { OutboundGuard } from '../../security/outbound-guard.ts';
import { DOCKHAND_TRACKING, normalizeWooCustomer, normalizeWooOrder, normalizeWooProduct, WOO_LOCATION } from './normalize.ts';
import { createWooRestClient, WooCommerceApiError, type RawItem, type RetryPolicy, type WooRestClient } from './rest-client.ts';
import { wooCommerceWebhooks } from './webhooks.ts';
import { topicSecret } from './topic-secrets.ts';
import { subscriptionNames } from '../webhooks.ts';

/** The topics Dockhand subscribes every store to: those the webhook module handles. */
export const WOO_WEBHOOK_TOPICS: readonly string[] = subscriptionNames(wooCommerceWebhooks);

/** Product meta that remembers which inventory changes were applied (WooCommerce has no idempotency keys). */
export const APPLIED_CHANGES_META = '_dockhand_inventory_changes';
/** How many applied change keys a product remembers. */
export const APPLIED_CHANGES_KEPT = 100;

export const TRACKING_META = DOCKHAND_TRACKING;
export const RETURN_DECISION_META = '_dockhand_return_decision';

export interface WooCommerceConnectorOptions {
  siteUrl: string;
  consumerKey: string;
  consumerSecret: string;
  /** The per-store secret each topic's webhook secret is derived from (topicSecret); required by registerWebhooks. */
  webhookSecret?: string | undefined;
  /** Whether the store's webhooks were registered before each topic had a secret of its own (migration 0025). */
  webhooksOnStoreSecret?: boolean | undefined;
  guard: OutboundGuard;
  retry?: Partial<RetryPolicy>;
  sleep?: (ms: number) => Promise<void>;
  /** Requests in flight at once when fetching variations. Default 4. */
  concurrency?: number;
}

export interface WooCommerceConnector extends StoreConnector {
  readonly platform: 'woocommerce';
  readonly client: WooRestClient;
  /** Whether the store's webhooks are still signed with its own secret, not their topics' (renewTopicSecrets). */
  readonly webhooksOnStoreSecret: boolean;
  /**
   * Proves the keys work against this store: one authenticated read that needs a valid key
   * and a user who may manage WooCommerce behind it (what registering webhooks needs next).
   * Rejects with PlatformAuthError (401) or WooCommerceApiError (e.g. 403) when they do not.
   */
  verifyCredentials(): Promise<void>;
}

const MAX_PAGE = 100;

/**
 * Cursor of a paged read. Orders and products are read ordered by `date_modified` ascending
 * and paged by time, not by offset: after each page the window restarts just before the last
 * item's second (`modified_after` is exclusive and has one-second resolution), skipping the
 * ids already delivered from that second. Items changed while a backfill runs move to the end
 * instead of shifting later pages onto earlier ones, so nothing is skipped.
 */
interface Cursor {
  phase: 'main' | 'variable';
  page: number;
  /** `modified_after` of the current window, epoch seconds. */
  after: number | null;
  /** Ids already delivered whose `date_modified` is `after + 1`. */
  skip: string[];
  /** Epoch seconds the run started from (`since` − 1 s); drives the variations pass. */
  base: number | null;
  total: number | null;
}

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function decodeCursor(text: string): Cursor {
  try {
    const value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Cursor;
    if (typeof value.page !== 'number' || (value.phase !== 'main' && value.phase !== 'variable')) throw new Error('shape');
    return value;
  } catch {
    throw new Error('Not a WooCommerce page cursor');
  }
}

/** Cursor of an id listing: how many ids the store had up to the last one seen, and that id. */
interface IdCursor {
  seen: number;
  lastId: string | null;
}

function encodeIdCursor(cursor: IdCursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function decodeIdCursor(text: string): IdCursor {
  try {
    const value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as IdCursor;
    if (typeof value.seen !== 'number' || !(value.lastId === null || typeof value.lastId === 'string')) throw new Error('shape');
    return value;
  } catch {
    throw new Error('Not a WooCommerce id cursor');
  }
}

const isoSeconds = (seconds: number): string => new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

function record(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** `date_modified_gmt` (UTC, no zone designator) as epoch seconds. */
function modifiedSeconds(value: unknown): number {
  const text = record(value)['date_modified_gmt'];
  const ms = typeof text === 'string' ? Date.parse(`${text.replace(/Z$/, '')}Z`) : NaN;
  return Number.isNaN(ms) ? 0 : Math.floor(ms / 1000);
}

const idOf = (value: unknown): string => String(record(value)['id']);

interface AppliedChange {
  key: string;
  delta: number;
  to: number;
  at: string;
}

export function createWooCommerceConnector(options: WooCommerceConnectorOptions): WooCommerceConnector {
  const client = createWooRestClient({
    siteUrl: options.siteUrl,
    consumerKey: options.consumerKey,
    consumerSecret: options.consumerSecret,
    guard: options.guard,
    ...(options.retry ? { retry: options.retry } : {}),
    ...(options.sleep ? { sleep: options.sleep } : {}),
  });
  /** Bounds the requests in flight to the store when reading variations, across every read of this connector. */
  const limit = pLimit(options.concurrency ?? 4);
  /** variation id → parent product id, learnt while reading the catalogue. */
  const variationParents = new Map<string, string>();
  /** Serialises read-compare-write per variant inside this process; a variant's mutex lives while it is held or awaited. */
  const locks = new Map<string, Mutex>();

  async function listAll(path: string, query: Record<string, string | number> = {}): Promise<RawItem[]> {
    const items: RawItem[] = [];
    for (let page = 1; ; page++) {
      const list = await client.list(path, { per_page: MAX_PAGE, page, ...query });
      items.push(...list.items);
      if (list.items.length < MAX_PAGE || (list.totalPages !== null && page >= list.totalPages)) return items;
    }
  }

  async function variationsOf(productId: string, modifiedAfter?: number): Promise<RawItem[]> {
    const variations = await listAll(`products/${productId}/variations`, {
      orderby: 'id',
      order: 'asc',
      ...(modifiedAfter !== undefined ? { modified_after: isoSeconds(modifiedAfter), dates_are_gmt: 'true' } : {}),
    });
    for (const variation of variations) variationParents.set(idOf(variation.value), productId);
    return variations;
  }

  const isVariable = (value: unknown): boolean => record(value)['type'] === 'variable';

  function productItem(product: RawItem, variations: RawItem[]): PageItem<EntityTypes['products']> {
    return {
      item: normalizeWooProduct(
        product.value,
        variations.map((variation) => variation.value),
      ),
      raw: product.raw,
    };
  }

  function level(raw: RawItem): PageItem<NormalizedInventoryLevel> | undefined {
    const value = record(raw.value);
    if (value['manage_stock'] !== true || typeof value['stock_quantity'] !== 'number') return undefined;
    const updatedAt = new Date(modifiedSeconds(value) * 1000).toISOString();
    return {
      item: {
        variant: { platformId: idOf(value) },
        locationPlatformId: WOO_LOCATION.platformId,
        locationName: WOO_LOCATION.name,
        available: value['stock_quantity'],
        updatedAt,
      },
      raw: raw.raw,
    };
  }

  /** Products → product items or stock levels, reading variations of variable products. */
  async function catalogItems(
    entity: 'products' | 'inventory',
    products: RawItem[],
    variationsAfter?: number,
  ): Promise<PageItem<EntityTypes['products'] | EntityTypes['inventory']>[]> {
    const expanded = await limit.map(products, async (product) => {
      if (!isVariable(product.value)) {
        if (entity === 'products') return [productItem(product, [])];
        const stock = level(product);
        return stock ? [stock] : [];
      }
      const productId = idOf(product.value);
      const changed = await variationsOf(productId, variationsAfter);
      if (variationsAfter !== undefined && changed.length === 0) return [];
      if (entity === 'inventory') return changed.map(level).filter((item) => item !== undefined);
      const all = variationsAfter === undefined ? changed : await variationsOf(productId);
      return [productItem(product, all)];
    });
    return expanded.flat();
  }

  async function fetchCustomers(request: PageRequest, cursor: Cursor, perPage: number): Promise<Page<EntityTypes['customers']>> {
    const sinceSeconds = request.since === null ? null : Math.floor(Date.parse(request.since) / 1000);
    // WooCommerce's customers endpoint has no modified filter of its own (extra arguments are
    // ignored), so the window is also applied here; ordering by id keeps pages stable.
    const list = await client.list('customers', {
      orderby: 'id',
      order: 'asc',
      per_page: perPage,
      page: cursor.page,
      ...(sinceSeconds !== null ? { modified_after: isoSeconds(sinceSeconds - 1), dates_are_gmt: 'true' } : {}),
    });
    const items = list.items
      .filter((item) => sinceSeconds === null || modifiedSeconds(item.value) >= sinceSeconds)
      .map((item) => ({ item: normalizeWooCustomer(item.value), raw: item.raw }));
    const last = list.items.length < perPage || (list.totalPages !== null && cursor.page >= list.totalPages);
    const total = cursor.total ?? list.total;
    return {
      items,
      nextCursor: last ? null : encodeCursor({ ...cursor, page: cursor.page + 1, total }),
      total: total ?? undefined,
    };
  }

  async function fetchTimeWindow<E extends 'orders' | 'products' | 'inventory'>(
    entity: E,
    cursor: Cursor,
    perPage: number,
  ): Promise<Page<EntityTypes[E]>> {
    if (cursor.phase === 'variable') {
      // Variations changed without their parent: WooCommerce does not bump the parent's date.
      const list = await client.list('products', {
        type: 'variable',
        orderby: 'id',
        order: 'asc',
        per_page: perPage,
        page: cursor.page,
      });
      const items = await catalogItems(entity === 'inventory' ? 'inventory' : 'products', list.items, cursor.base ?? 0);
      const last = list.items.length < perPage || (list.totalPages !== null && cursor.page >= list.totalPages);
      return {
        items: items as PageItem<EntityTypes[E]>[],
        nextCursor: last ? null : encodeCursor({ ...cursor, page: cursor.page + 1 }),
        total: entity === 'inventory' ? undefined : (cursor.total ?? undefined),
      };
    }
    const path = entity === 'orders' ? 'orders' : 'products';
    const list = await client.list(path, {
      orderby: 'modified',
      order: 'asc',
      per_page: perPage,
      page: cursor.page,
      dates_are_gmt: 'true',
      ...(cursor.after !== null ? { modified_after: isoSeconds(cursor.after) } : {}),
    });
    const skip = new Set(cursor.skip);
    const fresh = list.items.filter(
      (item) => !(cursor.after !== null && skip.has(idOf(item.value)) && modifiedSeconds(item.value) === cursor.after + 1),
    );
    const total = cursor.total ?? list.total;
    let items: PageItem<EntityTypes[E]>[];
    if (entity === 'orders') {
      items = fresh.map((item) => ({ item: normalizeWooOrder(item.value), raw: item.raw })) as PageItem<EntityTypes[E]>[];
    } else {
      items = (await catalogItems(entity === 'inventory' ? 'inventory' : 'products', fresh)) as PageItem<EntityTypes[E]>[];
    }
    const lastPage = list.items.length < perPage || (list.totalPages !== null && cursor.page >= list.totalPages);
    let next: Cursor | null;
    if (lastPage) {
      next = entity !== 'orders' && cursor.base !== null ? { ...cursor, phase: 'variable', page: 1, total } : null;
    } else {
      const newest = modifiedSeconds(list.items[list.items.length - 1]!.value);
      next =
        cursor.after === null || newest - 1 > cursor.after
          ? {
              ...cursor,
              after: newest - 1,
              page: 1,
              skip: list.items.filter((item) => modifiedSeconds(item.value) === newest).map((item) => idOf(item.value)),
              total,
            }
          : { ...cursor, page: cursor.page + 1, total };
    }
    // For inventory the total counts products, not levels, so it would mislead progress.
    return {
      items,
      nextCursor: next ? encodeCursor(next) : null,
      total: entity === 'inventory' ? undefined : (total ?? undefined),
    };
  }

  // ---------------------------------------------------------------- id listing

  /**
   * Ids ascending, `_fields=id`. WooCommerce pages by offset, so a record deleted before the
   * offset would slide the next page past ids never seen: each page re-reads the last id seen
   * and, when it no longer starts at or before it, steps back until it does.
   */
  async function listIds(entity: DeletableEntity, cursorText: string | null): Promise<IdPage> {
    const cursor = cursorText ? decodeIdCursor(cursorText) : { seen: 0, lastId: null };
    let offset = Math.max(0, cursor.seen - 1);
    for (;;) {
      const list = await client.list(entity, { _fields: 'id', orderby: 'id', order: 'asc', per_page: MAX_PAGE, offset });
      const ids = list.items.map((item) => idOf(item.value));
      const slid = cursor.lastId !== null && offset > 0 && (ids.length === 0 || compareIds(ids[0]!, cursor.lastId) > 0);
      if (slid) {
        offset = Math.max(0, offset - MAX_PAGE);
        continue;
      }
      const fresh = cursor.lastId === null ? ids : ids.filter((id) => compareIds(id, cursor.lastId!) > 0);
      const lastId = fresh.length ? fresh[fresh.length - 1]! : cursor.lastId;
      const last = ids.length < MAX_PAGE;
      return { ids: fresh, nextCursor: last ? null : encodeIdCursor({ seen: offset + ids.length, lastId }) };
    }
  }

  // ---------------------------------------------------------------- inventory push

  async function withLock<T>(key: string, work: () => Promise<T>): Promise<T> {
    let mutex = locks.get(key);
    if (!mutex) locks.set(key, (mutex = new Mutex()));
    try {
      return await mutex.runExclusive(work);
    } finally {
      // Unlocked here means nobody waits for it: a later caller starts a fresh mutex.
      if (!mutex.isLocked() && locks.get(key) === mutex) locks.delete(key);
    }
  }

  /** The REST path of a variant's stock: the product itself, or `products/{parent}/variations/{id}`. */
  async function stockPath(variantId: string): Promise<{ path: string; value: Record<string, unknown> }> {
    const known = variationParents.get(variantId);
    if (known) {
      const path = `products/${known}/variations/${variantId}`;
      return { path, value: record((await client.request('GET', path)).value) };
    }
    try {
      const found = record((await client.request('GET', `products/${variantId}`)).value);
      const parent = found['parent_id'];
      if (found['type'] === 'variation' && (typeof parent === 'number' || typeof parent === 'string') && String(parent) !== '0') {
        variationParents.set(variantId, String(parent));
        return stockPath(variantId);
      }
      return { path: `products/${variantId}`, value: found };
    } catch (error) {
      if (!(error instanceof WooCommerceApiError) || error.status !== 404) throw error;
    }
    // Not a product: look for the variable product that owns it.
    for (const product of await listAll('products', { type: 'variable', orderby: 'id', order: 'asc' })) {
      const variations = record(product.value)['variations'];
      if (Array.isArray(variations) && variations.map(String).includes(variantId)) {
        variationParents.set(variantId, idOf(product.value));
        return stockPath(variantId);
      }
    }
    throw new WooCommerceApiError(404, 'woocommerce_rest_product_invalid_id', `No product or variation ${variantId}`);
  }

  function appliedChanges(value: Record<string, unknown>): AppliedChange[] {
    const meta = Array.isArray(value['meta_data']) ? value['meta_data'] : [];
    const entry = meta.map(record).find((m) => m['key'] === APPLIED_CHANGES_META);
    const list = entry?.['value'];
    return Array.isArray(list)
      ? (list.map(record).filter((c) => typeof c['key'] === 'string') as unknown as AppliedChange[])
      : [];
  }

  async function pushInventoryChange(change: InventoryChange): Promise<InventoryPushResult> {
    return withLock(change.variantPlatformId, async () => {
      const { path, value } = await stockPath(change.variantPlatformId);
      const current = typeof value['stock_quantity'] === 'number' ? value['stock_quantity'] : null;
      const applied = appliedChanges(value);
      if (applied.some((entry) => entry.key === change.idempotencyKey)) {
        return { kind: 'applied', available: current ?? 0 };
      }
      if (value['manage_stock'] !== true || current === null || current !== change.expectedAvailable) {
        return { kind: 'conflict', actual: current };
      }
      const target = change.expectedAvailable + change.delta;
      const entry: AppliedChange = { key: change.idempotencyKey, delta: change.delta, to: target, at: new Date().toISOString() };
      const updated = record(
        (
          await client.request('PUT', path, {
            body: {
              stock_quantity: target,
              meta_data: [{ key: APPLIED_CHANGES_META, value: [...applied, entry].slice(-APPLIED_CHANGES_KEPT) }],
            },
          })
        ).value,
      );
      return { kind: 'applied', available: typeof updated['stock_quantity'] === 'number' ? updated['stock_quantity'] : target };
    });
  }

  // ---------------------------------------------------------------- orders

  /** Order notes are a core endpoint, but not every store (nor the emulator) serves it: best effort. */
  async function addOrderNote(orderId: string, note: string, customerNote: boolean): Promise<boolean> {
    try {
      await client.request('POST', `orders/${orderId}/notes`, { body: { note, customer_note: customerNote } });
      return true;
    } catch (error) {
      if (error instanceof WooCommerceApiError && (error.status === 404 || error.status === 400)) return false;
      throw error;
    }
  }

  const metaValue = (order: Record<string, unknown>, key: string): unknown =>
    (Array.isArray(order['meta_data']) ? order['meta_data'] : []).map(record).find((m) => m['key'] === key)?.['value'];

  /** Whether `lines` ship every unit of the order (WooCommerce has no partial fulfillment). */
  function shipsEverything(order: Record<string, unknown>, lines: FulfillmentPush['lines']): boolean {
    if (!lines?.length) return true;
    const shipped = new Map<string, number>();
    for (const line of lines) shipped.set(line.lineItemPlatformId, (shipped.get(line.lineItemPlatformId) ?? 0) + line.quantity);
    const items = (Array.isArray(order['line_items']) ? order['line_items'] : []).map(record);
    return items.every((item) => (shipped.get(String(item['id'])) ?? 0) >= Number(item['quantity'] ?? 0));
  }

  /**
   * Status `completed` with the tracking in order meta (merged by key, the latest shipment's)
   * and an order note (every shipment's; a customer note when the customer is to be told).
   * A shipment of only some lines leaves the status alone: WooCommerce has no partial fulfilment.
   */
  async function pushFulfillment(push: FulfillmentPush): Promise<{ fulfillmentPlatformId: string }> {
    const orderId = push.orderPlatformId;
    const fulfillmentPlatformId = `${orderId}:${push.tracking.number}`;
    const order = record((await client.request('GET', `orders/${orderId}`)).value);
    const complete = push.completesOrder === true || shipsEverything(order, push.lines);
    if ((order['status'] === 'completed' || !complete) && metaValue(order, TRACKING_META.number) === push.tracking.number) {
      return { fulfillmentPlatformId }; // already pushed
    }
    await client.request('PUT', `orders/${orderId}`, {
      body: {
        ...(complete ? { status: 'completed' } : {}),
        meta_data: [
          { key: TRACKING_META.number, value: push.tracking.number },
          { key: TRACKING_META.company, value: push.tracking.company ?? '' },
          { key: TRACKING_META.url, value: push.tracking.url ?? '' },
        ],
      },
    });
    const carrier = push.tracking.company ? `${push.tracking.company} ` : '';
    const link = push.tracking.url ? ` ${push.tracking.url}` : '';
    await addOrderNote(orderId, `Shipped: ${carrier}tracking number ${push.tracking.number}.${link}`, push.notifyCustomer);
    return { fulfillmentPlatformId };
  }

  async function pushOrderStatus(orderPlatformId: string, status: string): Promise<{ status: string }> {
    const updated = record((await client.request('PUT', `orders/${orderPlatformId}`, { body: { status } })).value);
    return { status: String(updated['status'] ?? status) };
  }

  async function pushReturnDecision(push: ReturnDecisionPush): Promise<void> {
    const orderId = push.orderPlatformId;
    const returnKey = push.returnPlatformId ?? orderId;
    const order = record((await client.request('GET', `orders/${orderId}`)).value);
    if (push.decision === 'approve') {
      const total = Number(order['total'] ?? 0);
      const refunded = (Array.isArray(order['refunds']) ? order['refunds'] : [])
        .map(record)
        .reduce((sum, refund) => sum + Math.abs(Number(refund['total'] ?? 0)), 0);
      const remaining = Math.round((total - refunded) * 100) / 100;
      if (remaining > 0) {
        // api_refund false: the refund is recorded in WooCommerce (order → refunded) without
        // asking the payment gateway to move money; bacs/cheque/cod cannot, and returning the
        // money stays the merchant's decision in their gateway.
        await client.request('POST', `orders/${orderId}/refunds`, {
          body: {
            amount: remaining.toFixed(2),
            reason: push.reason ? `Return approved: ${push.reason}` : 'Return approved',
            api_refund: false,
          },
        });
      }
    }
    await client.request('PUT', `orders/${orderId}`, {
      body: {
        meta_data: [
          {
            key: RETURN_DECISION_META,
            value: { return: returnKey, decision: push.decision, reason: push.reason ?? '', at: new Date().toISOString() },
          },
        ],
      },
    });
    if (push.decision === 'decline') {
      await addOrderNote(orderId, `Return declined${push.reason ? `: ${push.reason}` : '.'}`, true);
    }
  }

  // ---------------------------------------------------------------- webhooks

  async function verifyCredentials(): Promise<void> {
    await client.list('webhooks', { per_page: 1 });
  }

  async function registerWebhooks(callbackUrl: string): Promise<{ created: number; existing: number }> {
    const secret = options.webhookSecret;
    if (!secret) throw new Error('registerWebhooks needs the store webhook secret');
    const hooks = (await listAll('webhooks', { orderby: 'id', order: 'asc' })).map((item) => record(item.value));
    let created = 0;
    let existing = 0;
    for (const topic of WOO_WEBHOOK_TOPICS) {
      const matching = hooks.filter((hook) => hook['topic'] === topic && hook['delivery_url'] === callbackUrl);
      const [keep, ...duplicates] = matching;
      if (!keep) {
        await client.request('POST', 'webhooks', {
          body: {
            name: `Dockhand ${topic}`,
            topic,
            delivery_url: callbackUrl,
            secret: topicSecret(secret, topic),
            status: 'active',
          },
        });
        created++;
        continue;
      }
      // The secret cannot be read back, so it is always re-set; a disabled hook is re-enabled.
      await client.request('PUT', `webhooks/${String(keep['id'])}`, {
        body: { secret: topicSecret(secret, topic), status: 'active' },
      });
      for (const duplicate of duplicates) {
        await client.request('DELETE', `webhooks/${String(duplicate['id'])}`, { query: { force: 'true' } });
      }
      existing++;
    }
    return { created, existing };
  }

  return {
    platform: 'woocommerce',
    webhooksOnStoreSecret: options.webhooksOnStoreSecret ?? false,
    client,
    async fetchPage<E extends SyncEntity>(entity: E, request: PageRequest): Promise<Page<EntityTypes[E]>> {
      const perPage = Math.max(1, Math.min(MAX_PAGE, request.pageSize ?? MAX_PAGE));
      const sinceMs = request.since === null ? null : Date.parse(request.since);
      if (sinceMs !== null && Number.isNaN(sinceMs)) throw new Error(`since is not a timestamp: ${request.since}`);
      // modified_after is exclusive and whole seconds: start one second early, de-duplicate by id.
      const base = sinceMs === null ? null : Math.floor(sinceMs / 1000) - 1;
      const cursor: Cursor = request.cursor
        ? decodeCursor(request.cursor)
        : { phase: 'main', page: 1, after: base, skip: [], base, total: null };
      switch (entity) {
        case 'customers':
          return (await fetchCustomers(request, cursor, perPage)) as Page<EntityTypes[E]>;
        case 'orders':
        case 'products':
        case 'inventory':
          return (await fetchTimeWindow(entity as 'orders' | 'products' | 'inventory', cursor, perPage)) as Page<EntityTypes[E]>;
        default:
          throw new Error(`unknown entity ${String(entity)}`);
      }
    },
    listIds,
    verifyCredentials,
    registerWebhooks,
    pushInventoryChange,
    pushFulfillment,
    pushOrderStatus,
    pushReturnDecision,
  };
}
