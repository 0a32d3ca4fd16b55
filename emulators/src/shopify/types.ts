import type { MintSessionTokenOptions } from './auth.ts';
import type { ThrottleStatus } from './cost.ts';
import type { CreateOrderInput } from './operations.ts';
import type { Order } from './store.ts';
import type { COMPLIANCE_TOPICS, DeliveryRecord, WebhookFaults } from './webhooks.ts';

/** The public surface of the Shopify emulator: options, handle, control API. */

export const DEFAULT_API_VERSION = '2026-04';
/** Stable versions the emulated Shopify supports, oldest first (each is supported for 12 months). */
export const SUPPORTED_API_VERSIONS: readonly string[] = ['2025-10', '2026-01', '2026-04', '2026-07'];
/** The release candidate (the next stable version), served but not supported. */
export const RELEASE_CANDIDATE_API_VERSION = '2026-10';

/**
 * The version Shopify serves for a requested one: a supported version, the release candidate
 * or `unstable` as asked; any other (retired, unknown) falls forward to the oldest supported.
 */
export function servedApiVersion(requested: string): string {
  if (requested === 'unstable' || requested === RELEASE_CANDIDATE_API_VERSION || SUPPORTED_API_VERSIONS.includes(requested))
    return requested;
  return SUPPORTED_API_VERSIONS[0] as string;
}
export const DEFAULT_SCOPES =
  'read_orders,write_orders,read_all_orders,read_products,write_products,read_inventory,write_inventory,read_locations,read_fulfillments,write_fulfillments,read_assigned_fulfillment_orders,write_assigned_fulfillment_orders,read_merchant_managed_fulfillment_orders,write_merchant_managed_fulfillment_orders,read_returns,write_returns,read_customers';

export interface ShopifyEmulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  seed?: number;
  /** Shop domains, or how many to make (`dockhand-demo-1.myshopify.com`, …). Default 1. */
  shops?: string[] | number;
  ordersPerShop?: number;
  /** Derived from the seed when absent. */
  apiKey?: string;
  apiSecret?: string;
  /** Scopes granted when an install asks for none (token exchange always grants these). */
  scopes?: string;
  /** Authorize requests are approved at once (302 to redirect_uri). Default true. */
  autoApprove?: boolean;
  /** Alias of autoApprove. */
  testMode?: boolean;
  /** If set, redirect_uri must start with one of these. */
  redirectUrls?: string[];
  /** Multiplies the webhook retry schedule (0.0001 runs the 4 h schedule in ~1.4 s). Default 1. */
  timeScale?: number;
  /** How long a webhook endpoint has to answer (ms). Default 5000. */
  webhookTimeoutMs?: number;
  bucket?: { maximumAvailable?: number; restoreRate?: number };
  /** Version reported on webhooks made through the control API. Default 2026-04. */
  apiVersion?: string;
  /** Seeded orders are spread over `historyDays` (default 120) before this instant (default 2026-01-01T00:00:00Z). */
  dataEndsAt?: string | number | Date;
  historyDays?: number;
  /** Where compliance webhooks go (the app's `[webhooks.privacy_compliance]` URL). */
  complianceUri?: string;
  /** Start live activity at this many changes per second. */
  liveRatePerSecond?: number;
  log?: (line: string) => void;
}

export interface ShopInfo {
  domain: string;
  /** Connect here with any client: `${baseUrl}/admin/api/{version}/graphql.json`. */
  baseUrl: string;
  name: string;
  id: string;
  /** The emulated admin page for this shop (append `&app=<url>` to frame an app). */
  adminUrl: string;
  locations: Array<{ id: string; name: string }>;
  owner: { id: number; email: string };
}

export type OrderRef = string | bigint | number;

export interface OrderSummary {
  id: string;
  legacyResourceId: string;
  name: string;
  updatedAt: string;
  cancelledAt: string | null;
  lineItems: Array<{ id: string; variantId: string; sku: string; quantity: number }>;
  fulfillmentOrderIds: string[];
}

export interface InventoryRow {
  inventoryItemId: string;
  locationId: string;
  variantId: string;
  sku: string;
  available: number;
}

export interface ShopifyControl {
  createOrder(shop: string, input?: CreateOrderInput): OrderSummary;
  updateOrder(
    shop: string,
    order: OrderRef,
    patch: { tags?: string[]; note?: string | null; email?: string; financialStatus?: Order['financialStatus'] },
  ): OrderSummary;
  cancelOrder(shop: string, order: OrderRef, reason?: string): OrderSummary;
  /** A merchant deletes an order for good: orders/delete (`{id}`). Answers the deleted order's GID. */
  deleteOrder(shop: string, order: OrderRef): string;
  /** Deletes a product (GID or numeric id) with its variants and stock: products/delete (`{id}`). */
  deleteProduct(shop: string, product: string | bigint): string;
  /** Deletes a customer who has no orders (else refused, as on Shopify): customers/delete (`{id}`). */
  deleteCustomer(shop: string, customer: string | bigint): string;
  fulfillOrder(shop: string, order: OrderRef, tracking?: { number?: string; url?: string; company?: string }): OrderSummary;
  /**
   * A merchant edits a product (GID, numeric string or bigint): Shopify sends products/update
   * with the whole product. Answers the product in the REST shape, as a JSON string.
   */
  updateProduct(shop: string, product: string | bigint, patch: { title?: string; status?: 'ACTIVE' | 'DRAFT' }): string;
  /** Sets `available` (no compare). */
  setInventory(shop: string, change: { inventoryItemId: string; locationId: string; available: number }): InventoryRow;
  adjustStock(shop: string, change: { inventoryItemId: string; locationId: string; delta: number }): InventoryRow;
  inventory(shop: string): InventoryRow[];
  /** The order in Shopify's REST shape, as a JSON string (ids as raw 64-bit numbers). */
  orderJson(shop: string, order: OrderRef): string;
  /** Orders that exist (deleted ones not counted). */
  orderCount(shop: string): number;
  /** Revokes the shop's tokens and sends app/uninstalled. */
  uninstall(shop: string): void;
  triggerCompliance(shop: string, topic: (typeof COMPLIANCE_TOPICS)[number], payload?: Record<string, unknown>): string;
  throttleStatus(shop: string): ThrottleStatus;
  /** Sets the bucket level (e.g. 0 to drain it) and/or its size and restore rate. */
  setBucket(
    shop: string,
    bucket: { currentlyAvailable?: number; maximumAvailable?: number; restoreRate?: number },
  ): ThrottleStatus;
  /** Deterministic dump of the shop (catalog, stock, the first `orders` orders) for comparing seeds. */
  snapshot(shop: string, options?: { orders?: number }): string;
}

export interface WebhookControl {
  /** Subscribes `uri` to `topic` for one shop, or every shop. Returns the subscription ids (GIDs). */
  subscribe(input: { topic: string; uri: string; shop?: string; includeFields?: string[]; apiVersion?: string }): string[];
  unsubscribe(id: string): boolean;
  subscriptions(shop?: string): Array<{ id: string; shop: string; topic: string; uri: string; source: 'api' | 'control' }>;
  setFaults(faults: WebhookFaults): void;
  clearFaults(): void;
  faults(): WebhookFaults;
  setComplianceUri(uri: string | null): void;
  deliveries(): DeliveryRecord[];
  onDelivery(listener: (delivery: DeliveryRecord) => void): () => void;
  /** Resolves with the first delivery (past or future) matching `predicate`. */
  waitFor(predicate: (delivery: DeliveryRecord) => boolean, timeoutMs?: number): Promise<DeliveryRecord>;
  /** Resolves when nothing is in flight, held or scheduled for retry. */
  idle(): Promise<void>;
}

export interface ShopifyEmulator {
  /** Root URL; tell shops apart with the Host / X-Forwarded-Host header. */
  url: string;
  port: number;
  apiKey: string;
  apiSecret: string;
  apiVersion: string;
  shops: ShopInfo[];
  /** A fetch that sends `https://{shop}/…` to the emulator (keeps the shop in X-Forwarded-Host). */
  fetch: typeof fetch;
  mintSessionToken(shop: string, options?: MintSessionTokenOptions): string;
  /** Issues an access token without the install flow (same bodies as /admin/oauth/access_token). */
  issueAccessToken(
    shop: string,
    options?: { online?: boolean; expiring?: boolean; scope?: string },
  ): { access_token: string; scope: string; [key: string]: unknown };
  /** The query Shopify adds when it loads an embedded app (signed with the app secret). */
  appLoadQuery(shop: string, options?: { embedded?: boolean }): URLSearchParams;
  control: ShopifyControl;
  webhooks: WebhookControl;
  startLive(ratePerSecond: number): void;
  stopLive(): void;
  close(): Promise<void>;
}
