/**
 * Live activity: changes a test or the demo makes on purpose. Each goes through the same
 * code paths as the REST API, so it bumps `date_modified` and emits its webhooks.
 */
import type { ApiKey, KeyPermissions } from './auth.ts';
import { WpError } from './errors.ts';
import type { OrderRecord } from './model.ts';
import { createOrder, createRefund, updateOrder } from './orders.ts';
import { renderOrder, renderProduct, renderVariation } from './render.ts';
import { ORDER_STATUSES, type OrderStatus } from './seed-data.ts';
import { orderTotalCents, setStockQuantity, type Site } from './site.ts';
import { money } from './format.ts';
import type { DeliveryRecord, WebhookDispatcher } from './webhooks.ts';

export interface CreateOrderInput {
  status?: OrderStatus;
  customerId?: number;
  lineItems?: Array<{ productId: number; variationId?: number; quantity?: number }>;
  setPaid?: boolean;
  paymentMethod?: string;
}

export interface ApiKeyInfo {
  keyId: number;
  userId: number;
  permissions: KeyPermissions;
  consumerKey: string;
  consumerSecret: string;
}

export interface WebhookInfo {
  id: number;
  name: string;
  topic: string;
  status: string;
  deliveryUrl: string;
  failureCount: number;
  pingStatus: number | null;
}

/**
 * REST requests that fail on purpose, as a store's host does now and then: 503 is WordPress's
 * maintenance mode (an HTML page with Retry-After, before WordPress even loads), any other
 * status WordPress's fatal-error answer (`internal_server_error`, "critical error").
 */
export interface RestFault {
  /** Only this method (GET, PUT, …); any when absent. */
  method?: string;
  /** Only routes under /wp-json/wc/v3 that start with this, e.g. `/products/`; any when absent. */
  route?: string;
  /** How many matching requests fail; default 1. */
  count?: number;
  /** Default 503. */
  status?: number;
  /** Retry-After of a 503, in seconds; default 600, as WordPress's maintenance page. */
  retryAfterSeconds?: number;
}

/** The first fault matching the request, its count spent by one; undefined when none does. */
export function takeRestFault(faults: RestFault[], method: string, route: string): RestFault | undefined {
  const index = faults.findIndex(
    (fault) => (!fault.method || fault.method.toUpperCase() === method) && (!fault.route || route.startsWith(fault.route)),
  );
  if (index === -1) return undefined;
  const fault = faults[index]!;
  const left = (fault.count ?? 1) - 1;
  if (left <= 0) faults.splice(index, 1);
  else faults[index] = { ...fault, count: left };
  return fault;
}

export interface WooCommerceControl {
  /** Creates an order (default: 1–3 random in-stock items, paid, `processing`) and emits `order.created`. */
  createOrder(siteId: string, input?: CreateOrderInput): Record<string, unknown>;
  updateOrderStatus(siteId: string, orderId: number, status: OrderStatus): Record<string, unknown>;
  cancelOrder(siteId: string, orderId: number): Record<string, unknown>;
  /** Refunds `amount` (default: what is left) without asking the gateway. */
  refundOrder(siteId: string, orderId: number, amount?: string, reason?: string): Record<string, unknown>;
  /** Sets managed stock of a product or variation and emits `product.updated`. */
  setStock(siteId: string, productId: number, quantity: number): Record<string, unknown>;
  getOrder(siteId: string, orderId: number): Record<string, unknown> | undefined;
  /** One random change (new order, status move or stock change) per step. */
  simulateActivity(siteId: string, steps?: number): Array<{ kind: string; id: number }>;
  createApiKey(siteId: string, permissions: KeyPermissions): ApiKeyInfo;
  revokeApiKey(siteId: string, keyId: number): boolean;
  listApiKeys(siteId: string): ApiKeyInfo[];
  listWebhooks(siteId: string): WebhookInfo[];
  deliveries(siteId?: string): DeliveryRecord[];
  setDuplicateOrderUpdated(on: boolean): void;
  /**
   * Delivers webhooks inside the REST request that caused them, before its response (as a store
   * with asynchronous delivery turned off), or, when off, in the background (the default).
   */
  setSynchronousWebhooks(on: boolean): void;
  synchronousWebhooks(): boolean;
  /** Resolves once every queued webhook delivery has been attempted. */
  flushWebhooks(): Promise<void>;
  /** Makes the site's next matching REST requests fail (see RestFault). */
  failRestRequests(siteId: string, fault: RestFault): void;
  /** Drops the site's pending faults. */
  clearRestFaults(siteId: string): void;
}

export interface ControlContext {
  site(siteId: string): Site;
  siteUrl(siteId: string): string;
  dispatchers(): WebhookDispatcher[];
  deliveries: DeliveryRecord[];
  setDuplicateOrderUpdated(on: boolean): void;
  /** The site's pending REST faults (the server takes them as requests match). */
  restFaults(siteId: string): RestFault[];
}

function keyInfo(key: ApiKey): ApiKeyInfo {
  return {
    keyId: key.keyId,
    userId: key.userId,
    permissions: key.permissions,
    consumerKey: key.consumerKey,
    consumerSecret: key.consumerSecret,
  };
}

export function createControl(ctx: ControlContext): WooCommerceControl {
  const restBase = (siteId: string): string => `${ctx.siteUrl(siteId)}/wp-json/wc/v3`;
  const rendered = (siteId: string, order: OrderRecord): Record<string, unknown> =>
    renderOrder(ctx.site(siteId), order, restBase(siteId));

  const control: WooCommerceControl = {
    createOrder(siteId, input = {}) {
      const site = ctx.site(siteId);
      let lineItems = input.lineItems?.map((li) => ({
        product_id: li.productId,
        variation_id: li.variationId ?? 0,
        quantity: li.quantity ?? 1,
      }));
      if (!lineItems) {
        const sellable = [...site.products.values()].filter(
          (p) => p.type !== 'variable' && p.status === 'publish' && p.stockStatus === 'instock',
        );
        lineItems = [];
        for (let i = site.runtimeRandom.int(1, 3); i > 0 && sellable.length; i--) {
          const pick = site.runtimeRandom.pick(sellable);
          lineItems.push({
            product_id: pick.parentId || pick.id,
            variation_id: pick.parentId ? pick.id : 0,
            quantity: site.runtimeRandom.int(1, 2),
          });
        }
      }
      const customerId =
        input.customerId ?? (site.runtimeRandom.next() < 0.7 ? site.runtimeRandom.pick([...site.customers.keys()]) : 0);
      const order = createOrder(site, {
        status: input.status ?? 'pending',
        customer_id: customerId,
        line_items: lineItems,
        set_paid: input.setPaid ?? input.status === undefined,
        payment_method: input.paymentMethod ?? 'stripe',
        created_via: 'checkout',
      });
      return rendered(siteId, order);
    },
    updateOrderStatus(siteId, orderId, status) {
      if (!(ORDER_STATUSES as readonly string[]).includes(status))
        throw new WpError('rest_invalid_param', `Invalid status ${status}`, 400);
      return rendered(siteId, updateOrder(ctx.site(siteId), orderId, { status }));
    },
    cancelOrder(siteId, orderId) {
      return control.updateOrderStatus(siteId, orderId, 'cancelled');
    },
    refundOrder(siteId, orderId, amount, reason = '') {
      const site = ctx.site(siteId);
      const order = site.getOrder(orderId);
      if (!order) throw new WpError('woocommerce_rest_shop_order_invalid_id', 'Invalid ID.', 404);
      const remaining = orderTotalCents(order) - site.refundedCents(orderId);
      createRefund(site, orderId, { amount: amount ?? money(remaining), reason, api_refund: false });
      return rendered(siteId, site.getOrder(orderId) as OrderRecord);
    },
    setStock(siteId, productId, quantity) {
      const site = ctx.site(siteId);
      const product = site.products.get(productId);
      if (!product) throw new WpError('woocommerce_rest_product_invalid_id', 'Invalid ID.', 404);
      product.manageStock = true;
      setStockQuantity(product, quantity);
      site.touchProduct(productId);
      return product.type === 'variation'
        ? renderVariation(product, restBase(siteId))
        : renderProduct(site, product, restBase(siteId));
    },
    getOrder(siteId, orderId) {
      const order = ctx.site(siteId).getOrder(orderId);
      return order ? rendered(siteId, order) : undefined;
    },
    simulateActivity(siteId, steps = 1) {
      const site = ctx.site(siteId);
      const changes: Array<{ kind: string; id: number }> = [];
      for (let i = 0; i < steps; i++) {
        const roll = site.runtimeRandom.next();
        if (roll < 0.5) {
          changes.push({ kind: 'order.created', id: Number(control.createOrder(siteId)['id']) });
          continue;
        }
        if (roll < 0.8) {
          const open = site
            .orderIds()
            .slice(-200)
            .filter((id) => site.orderSummary(id)?.status === 'processing');
          const id = open.length ? site.runtimeRandom.pick(open) : undefined;
          if (id !== undefined) {
            control.updateOrderStatus(siteId, id, 'completed');
            changes.push({ kind: 'order.completed', id });
            continue;
          }
        }
        const managed = [...site.products.values()].filter((p) => p.manageStock && p.stockQuantity !== null);
        if (managed.length === 0) continue;
        const product = site.runtimeRandom.pick(managed);
        control.setStock(siteId, product.id, Math.max(0, (product.stockQuantity ?? 0) + site.runtimeRandom.int(-3, 10)));
        changes.push({ kind: 'product.stock', id: product.id });
      }
      return changes;
    },
    createApiKey(siteId, permissions) {
      return keyInfo(ctx.site(siteId).addKey({ permissions, description: `Emulator key (${permissions})` }));
    },
    revokeApiKey(siteId, keyId) {
      return ctx.site(siteId).deleteKey(keyId);
    },
    listApiKeys(siteId) {
      return [...ctx.site(siteId).keys.values()].map(keyInfo);
    },
    listWebhooks(siteId) {
      return [...ctx.site(siteId).webhooks.values()].map((w) => ({
        id: w.id,
        name: w.name,
        topic: w.topic,
        status: w.status,
        deliveryUrl: w.deliveryUrl,
        failureCount: w.failureCount,
        pingStatus: w.pingStatus,
      }));
    },
    deliveries(siteId) {
      return ctx.deliveries.filter((d) => siteId === undefined || d.siteId === siteId);
    },
    setDuplicateOrderUpdated(on) {
      ctx.setDuplicateOrderUpdated(on);
    },
    setSynchronousWebhooks(on) {
      for (const dispatcher of ctx.dispatchers()) dispatcher.synchronous = on;
    },
    synchronousWebhooks() {
      return ctx.dispatchers().some((dispatcher) => dispatcher.synchronous);
    },
    async flushWebhooks() {
      await Promise.all(ctx.dispatchers().map((d) => d.idle()));
    },
    failRestRequests(siteId, fault) {
      ctx.site(siteId);
      ctx.restFaults(siteId).push({ ...fault });
    },
    clearRestFaults(siteId) {
      ctx.restFaults(siteId).length = 0;
    },
  };
  return control;
}
