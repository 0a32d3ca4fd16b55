import type { NormalizedCustomer, NormalizedInventoryLevel, NormalizedOrder, NormalizedProduct } from './model.ts';

export type SyncEntity = 'orders' | 'products' | 'customers' | 'inventory';

export interface EntityTypes {
  orders: NormalizedOrder;
  products: NormalizedProduct;
  customers: NormalizedCustomer;
  inventory: NormalizedInventoryLevel;
}

/** One item of a page: Dockhand's shape and the platform's JSON text of it, kept as sent. */
export interface PageItem<T> {
  item: T;
  raw: string;
}

export interface Page<T> {
  items: PageItem<T>[];
  /** Opaque; pass it back for the next page. Null when this was the last page. */
  nextCursor: string | null;
  /** How many items in all, when the platform says (drives progress). */
  total?: number | undefined;
}

export interface PageRequest {
  /** Only items the platform changed at or after this instant; null for everything. */
  since: string | null;
  cursor: string | null;
  /** Items per page; the connector may cap it at the platform's maximum. */
  pageSize?: number;
}

/** The records a store can delete that Dockhand keeps (as tombstones once gone). */
export type DeletableEntity = 'orders' | 'products' | 'customers';

/** One page of a store's record ids, ascending by their numeric value. */
export interface IdPage {
  /** Decimal ids, ascending; every record that exists through the whole listing appears in exactly one page. */
  ids: string[];
  /** Opaque; pass it back for the next page. Null when this was the last page. */
  nextCursor: string | null;
  /**
   * ISO instant: the listing holds only records created at or after it (Shopify shows an app
   * without read_all_orders the last 60 days of orders). Absent: the whole history. The same
   * on every page of one listing.
   */
  coversFrom?: string | undefined;
}

/** Orders two decimal ids by their value (they exceed 2^53: compared as text, shorter first). */
export function compareIds(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

export interface InventoryChange {
  /** The variant, by its platform id. */
  variantPlatformId: string;
  /** Shopify's inventory item id, when the platform needs it. */
  inventoryItemId?: string | null | undefined;
  locationPlatformId: string;
  delta: number;
  /** What Dockhand believes the platform has now: the change is refused when it differs (compare-and-set). */
  expectedAvailable: number;
  /** The same key twice is one change (the inventory request id). */
  idempotencyKey: string;
  reason: string;
}

export type InventoryPushResult = { kind: 'applied'; available: number } | { kind: 'conflict'; actual: number | null };

export interface FulfillmentPush {
  orderPlatformId: string;
  tracking: { number: string; company?: string | undefined; url?: string | undefined };
  notifyCustomer: boolean;
  /** Only these order lines (platform line ids) and quantities; everything unshipped when absent. */
  lines?: Array<{ lineItemPlatformId: string; quantity: number }> | undefined;
  /**
   * With `lines`: whether this shipment, with the ones Dockhand pushed before, ships every unit
   * (for platforms without partial fulfilment, which complete the order only then).
   */
  completesOrder?: boolean | undefined;
}

/**
 * Order statuses a connector can set, in the platform's own words (as `orders.status` holds them):
 * Shopify open | closed (orderOpen / orderClose: archiving); WooCommerce its order statuses.
 * Shopify cancellation is left out on purpose: it is irreversible, runs as an asynchronous job
 * and needs the staff's cancel_orders permission, which a bulk action cannot promise.
 */
export const SETTABLE_ORDER_STATUSES = {
  shopify: ['open', 'closed'],
  woocommerce: ['pending', 'processing', 'on-hold', 'completed', 'cancelled', 'refunded', 'failed'],
} as const satisfies Record<'shopify' | 'woocommerce', readonly string[]>;

export interface ReturnDecisionPush {
  orderPlatformId: string;
  returnPlatformId: string | null;
  decision: 'approve' | 'decline';
  reason?: string | undefined;
}

/** Thrown when the platform asks us to slow down; `retryAfterMs` says for how long. */
export class PlatformBusyError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs: number,
  ) {
    super(message);
    this.name = 'PlatformBusyError';
  }
}

/** The credentials are no longer accepted (uninstalled, revoked): stop syncing the store. */
export class PlatformAuthError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlatformAuthError';
  }
}

/**
 * One per platform, same interface: everything the sync engine needs from a store.
 * Connectors normalize into Dockhand's model and keep the raw JSON; they pace themselves
 * (Shopify's cost bucket, WooCommerce's 429/5xx) rather than fail on throttling.
 */
export interface StoreConnector {
  readonly platform: 'shopify' | 'woocommerce';
  fetchPage<E extends SyncEntity>(entity: E, request: PageRequest): Promise<Page<EntityTypes[E]>>;
  /**
   * The ids of every record of `entity` the store has now, ascending, a page at a time: the
   * deletion reconcile compares them with Dockhand's to find what was deleted unannounced.
   */
  listIds(entity: DeletableEntity, cursor: string | null): Promise<IdPage>;
  /** Creates (or repairs) the store's webhook subscriptions pointing at `callbackUrl`. */
  registerWebhooks(callbackUrl: string): Promise<{ created: number; existing: number }>;
  pushInventoryChange(change: InventoryChange): Promise<InventoryPushResult>;
  pushFulfillment(push: FulfillmentPush): Promise<{ fulfillmentPlatformId: string }>;
  /** Sets an order's status (one of SETTABLE_ORDER_STATUSES of the platform); answers the status it has then. */
  pushOrderStatus(orderPlatformId: string, status: string): Promise<{ status: string }>;
  pushReturnDecision(push: ReturnDecisionPush): Promise<void>;
}
