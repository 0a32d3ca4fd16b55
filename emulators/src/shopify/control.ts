import type { AuthServer } from './auth.ts';
import type { ShopContext } from './graphql/context.ts';
import { WEBHOOK_TOPICS } from './graphql/views.ts';
import { toJson } from './json.ts';
import { OperationError } from './operations.ts';
import { orderPayload, productPayload } from './rest-payloads.ts';
import { gid, isoSeconds, parseGid, type Order } from './store.ts';
import type { InventoryRow, OrderRef, OrderSummary, ShopifyControl, WebhookControl } from './types.ts';
import { COMPLIANCE_TOPICS, type DeliveryRecord, type WebhookDispatcher, type WebhookSubscription } from './webhooks.ts';

/** The control API behind `emulator.control` and `emulator.webhooks` (and their HTTP routes). */

export interface ControlDeps {
  stores: Map<string, ShopContext>;
  auth: AuthServer;
  webhooks: WebhookDispatcher;
  apiKey: string;
  apiSecret: string;
  apiVersion: string;
}

/** A numeric id from a string; -1 (matches nothing) when it is not one. */
function numericId(value: string): bigint {
  return /^\d+$/.test(value) ? BigInt(value) : -1n;
}

export function shopContextOf(stores: Map<string, ShopContext>, domain: string): ShopContext {
  const context = stores.get(domain.toLowerCase());
  if (!context) throw new OperationError(`Unknown shop ${domain}`, null, 'NOT_FOUND');
  return context;
}

export function createControl({ stores, auth, webhooks, apiKey, apiSecret }: ControlDeps): ShopifyControl {
  const shopContext = (domain: string): ShopContext => shopContextOf(stores, domain);
  const orderIdOf = (ref: OrderRef): bigint => {
    if (typeof ref === 'bigint') return ref;
    if (typeof ref === 'number') return BigInt(ref);
    return ref.startsWith('gid://') ? (parseGid(ref, 'order') ?? -1n) : numericId(ref);
  };
  const summary = (order: Order): OrderSummary => ({
    id: gid('order', order.id),
    legacyResourceId: order.id.toString(),
    name: order.name,
    updatedAt: isoSeconds(order.updatedAt),
    cancelledAt: order.cancelledAt === null ? null : isoSeconds(order.cancelledAt),
    lineItems: order.lineItems.map((line) => ({
      id: gid('lineItem', line.id),
      variantId: gid('variant', line.variantId),
      sku: line.sku,
      quantity: line.quantity,
    })),
    fulfillmentOrderIds: order.fulfillmentOrders.map((fo) => gid('fulfillmentOrder', fo.id)),
  });
  const inventoryRow = (context: ShopContext, itemId: bigint, locationId: bigint): InventoryRow => {
    const variant = context.shop.variantByInventoryItem.get(itemId);
    if (!variant) throw new OperationError('The specified inventory item could not be found.');
    return {
      inventoryItemId: gid('inventoryItem', itemId),
      locationId: gid('location', locationId),
      variantId: gid('variant', variant.id),
      sku: variant.sku,
      available: context.shop.level(itemId, locationId) ?? 0,
    };
  };
  const idFrom = (value: string, kind: 'inventoryItem' | 'location' | 'product' | 'customer'): bigint =>
    value.startsWith('gid://') ? (parseGid(value, kind) ?? -1n) : numericId(value);

  return {
    createOrder: (shop, input) => summary(shopContext(shop).ops.createOrder(input)),
    updateOrder: (shop, order, patch) => summary(shopContext(shop).ops.updateOrder(orderIdOf(order), patch)),
    updateProduct: (shop, productRef, patch) => {
      const context = shopContext(shop);
      const id = idFrom(String(productRef), 'product');
      const product = context.shop.products.find((candidate) => candidate.id === id);
      if (!product) throw new OperationError('Product does not exist', ['id'], 'NOT_FOUND');
      if (patch.title !== undefined) product.title = patch.title;
      if (patch.status !== undefined) product.status = patch.status;
      product.updatedAt = context.shop.stamp();
      // As Shopify does: any change to a product is a products/update with the whole product.
      webhooks.trigger(context.shop.domain, 'products/update', productPayload(context.shop, product));
      return toJson(productPayload(context.shop, product));
    },
    cancelOrder: (shop, order, reason) => summary(shopContext(shop).ops.cancelOrder(orderIdOf(order), reason)),
    deleteOrder: (shop, order) => gid('order', shopContext(shop).ops.deleteOrder(orderIdOf(order)).id),
    deleteProduct: (shop, product) => gid('product', shopContext(shop).ops.deleteProduct(idFrom(String(product), 'product')).id),
    deleteCustomer: (shop, customer) =>
      gid('customer', shopContext(shop).ops.deleteCustomer(idFrom(String(customer), 'customer')).id),
    fulfillOrder: (shop, order, tracking) => {
      const context = shopContext(shop);
      const found = context.ops.requireOrder(orderIdOf(order));
      const open = found.fulfillmentOrders.filter((fo) => fo.status === 'OPEN' || fo.status === 'IN_PROGRESS');
      const result = context.ops.createFulfillment(
        open.map((fo) => ({ fulfillmentOrderId: fo.id })),
        tracking ? { number: tracking.number ?? null, url: tracking.url ?? null, company: tracking.company ?? null } : null,
      );
      return summary(result.order);
    },
    setInventory: (shop, change) => {
      const context = shopContext(shop);
      const itemId = idFrom(change.inventoryItemId, 'inventoryItem');
      const locationId = idFrom(change.locationId, 'location');
      context.ops.applyInventory([{ inventoryItemId: itemId, locationId, delta: 0 }], 'set', [change.available]);
      return inventoryRow(context, itemId, locationId);
    },
    adjustStock: (shop, change) => {
      const context = shopContext(shop);
      const itemId = idFrom(change.inventoryItemId, 'inventoryItem');
      const locationId = idFrom(change.locationId, 'location');
      context.ops.applyInventory([{ inventoryItemId: itemId, locationId, delta: change.delta }]);
      return inventoryRow(context, itemId, locationId);
    },
    inventory: (shop) => {
      const context = shopContext(shop);
      return context.shop.allVariants.flatMap((variant) =>
        context.shop.locations.map((location) => inventoryRow(context, variant.inventoryItemId, location.id)),
      );
    },
    orderJson: (shop, order) => {
      const context = shopContext(shop);
      const found = context.shop.orderById(orderIdOf(order));
      if (!found) throw new OperationError('Order does not exist', ['id'], 'NOT_FOUND');
      return toJson(orderPayload(context.shop, found));
    },
    orderCount: (shop) => shopContext(shop).shop.liveOrderCount,
    uninstall: (shop) => {
      const context = shopContext(shop);
      auth.revokeShop(context.shop.domain);
      webhooks.trigger(context.shop.domain, 'app/uninstalled', {
        id: context.shop.id,
        name: context.shop.name,
        email: context.shop.owner.email,
        domain: context.shop.domain,
        myshopify_domain: context.shop.domain,
        currency: context.shop.currency,
        plan_name: 'partner_test',
        updated_at: isoSeconds(Date.now()),
      });
    },
    triggerCompliance: (shop, topic, payload) => {
      const context = shopContext(shop);
      const base = { shop_id: context.shop.id, shop_domain: context.shop.domain };
      const firstOrder = context.shop.order(0);
      const customer = firstOrder
        ? { id: firstOrder.customer.id, email: firstOrder.customer.email, phone: firstOrder.customer.phone }
        : { id: 0n, email: null, phone: null };
      const defaults: Record<string, Record<string, unknown>> = {
        'customers/data_request': {
          ...base,
          orders_requested: firstOrder ? [firstOrder.id] : [],
          customer,
          data_request: { id: context.shop.nextId('customer') },
        },
        'customers/redact': { ...base, customer, orders_to_redact: firstOrder ? [firstOrder.id] : [] },
        'shop/redact': base,
      };
      if (!(COMPLIANCE_TOPICS as readonly string[]).includes(topic)) throw new OperationError(`Not a compliance topic: ${topic}`);
      return webhooks.trigger(context.shop.domain, topic, { ...defaults[topic], ...payload });
    },
    throttleStatus: (shop) => shopContext(shop).bucket.status(),
    setBucket: (shop, bucket) => {
      const context = shopContext(shop);
      if (bucket.maximumAvailable !== undefined) context.bucket.maximumAvailable = bucket.maximumAvailable;
      if (bucket.restoreRate !== undefined) context.bucket.restoreRate = bucket.restoreRate;
      if (bucket.currentlyAvailable !== undefined) context.bucket.set(bucket.currentlyAvailable);
      return context.bucket.status();
    },
    snapshot: (shop, snapshotOptions) => {
      const context = shopContext(shop);
      const count = Math.min(snapshotOptions?.orders ?? context.shop.orderCount, context.shop.orderCount);
      const orders: string[] = [];
      for (let i = 0; i < count; i++) {
        const order = context.shop.order(i);
        if (order) orders.push(toJson(orderPayload(context.shop, order)));
      }
      return (
        toJson({
          shop: context.shop.domain,
          apiKey,
          apiSecret,
          locations: context.shop.locations,
          products: context.shop.products,
          inventory: [...context.shop.inventory.entries()],
        }).slice(0, -1) + `,"orders":[${orders.join(',')}]}`
      );
    },
  };
}

export function createWebhookControl({ stores, webhooks, apiVersion }: ControlDeps): WebhookControl {
  const shopContext = (domain: string): ShopContext => shopContextOf(stores, domain);
  return {
    subscribe: (input) => {
      const targets = input.shop ? [shopContext(input.shop).shop] : [...stores.values()].map((c) => c.shop);
      if (!WEBHOOK_TOPICS.includes(input.topic) && !(COMPLIANCE_TOPICS as readonly string[]).includes(input.topic)) {
        throw new OperationError(`Unknown webhook topic ${input.topic}`);
      }
      return targets.map((shop) => {
        const subscription: WebhookSubscription = {
          id: shop.nextId('webhookSubscription'),
          shop: shop.domain,
          topic: input.topic,
          uri: input.uri,
          apiVersion: input.apiVersion ?? apiVersion,
          includeFields: input.includeFields ?? [],
          source: 'control',
          createdAt: Date.now(),
        };
        webhooks.subscribe(subscription);
        return gid('webhookSubscription', subscription.id);
      });
    },
    unsubscribe: (id) => webhooks.unsubscribe(parseGid(id, 'webhookSubscription') ?? -1n),
    subscriptions: (shop) =>
      webhooks.subscriptions
        .filter((s) => !shop || s.shop === shop)
        .map((s) => ({ id: gid('webhookSubscription', s.id), shop: s.shop, topic: s.topic, uri: s.uri, source: s.source })),
    setFaults: (faults) => webhooks.setFaults(faults),
    clearFaults: () => webhooks.setFaults({}),
    faults: () => webhooks.getFaults(),
    setComplianceUri: (uri) => {
      webhooks.complianceUri = uri;
    },
    deliveries: () => [...webhooks.deliveries],
    onDelivery: (listener) => {
      webhooks.on('delivery', listener);
      return () => webhooks.off('delivery', listener);
    },
    waitFor: (predicate, timeoutMs = 10_000) =>
      new Promise((resolve, reject) => {
        const past = webhooks.deliveries.find(predicate);
        if (past) return resolve(past);
        const listener = (delivery: DeliveryRecord) => {
          if (!predicate(delivery)) return;
          clearTimeout(timer);
          webhooks.off('delivery', listener);
          resolve(delivery);
        };
        const timer = setTimeout(() => {
          webhooks.off('delivery', listener);
          reject(new Error(`no matching webhook delivery within ${timeoutMs} ms`));
        }, timeoutMs);
        webhooks.on('delivery', listener);
      }),
    idle: () => webhooks.idle(),
  };
}
