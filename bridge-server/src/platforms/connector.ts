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
}

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
  /** Creates (or repairs) the store's webhook subscriptions pointing at `callbackUrl`. */
  registerWebhooks(callbackUrl: string): Promise<{ created: number; existing: number }>;
  pushInventoryChange(change: InventoryChange): Promise<InventoryPushResult>;
  pushFulfillment(push: FulfillmentPush): Promise<{ fulfillmentPlatformId: string }>;
  pushReturnDecision(push: ReturnDecisionPush): Promise<void>;
}
