import { GraphQLError } from 'graphql';
import {
  fulfillmentStatus,
  gid,
  isoSeconds,
  money,
  parseGid,
  subtotalCents,
  totalCents,
  type Customer,
  type Fulfillment,
  type FulfillmentOrder,
  type IdKind,
  type LineItem,
  type Location,
  type Order,
  type Product,
  type Return,
  type ShopStore,
  type Variant,
} from '../store.ts';
import { type WebhookSubscription } from '../webhooks.ts';
import { listConnection } from './connections.ts';
import { type Args, type RequestContext, type View } from './context.ts';

/**
 * GraphQL views: plain objects that graphql-js's default resolver reads (a function field is
 * called with the field's arguments), built on demand from the store, plus node lookup by GID.
 */

export const bag = (cents: number, currency: string): View => {
  const amount = { amount: money(cents), currencyCode: currency };
  return { shopMoney: amount, presentmentMoney: amount };
};

export function legacy(id: bigint): string {
  return id.toString();
}

export function customerView(customer: Customer): View {
  return {
    __typename: 'Customer',
    id: gid('customer', customer.id),
    legacyResourceId: legacy(customer.id),
    firstName: customer.firstName,
    lastName: customer.lastName,
    displayName: `${customer.firstName} ${customer.lastName}`,
    email: customer.email,
    phone: customer.phone,
    createdAt: isoSeconds(customer.createdAt),
    updatedAt: isoSeconds(customer.updatedAt),
  };
}

export function orderView(ctx: RequestContext, order: Order): View {
  const shop = ctx.shop;
  const fulfilled = fulfillmentStatus(order);
  return {
    __typename: 'Order',
    id: gid('order', order.id),
    legacyResourceId: legacy(order.id),
    name: order.name,
    email: order.email,
    phone: order.phone,
    note: order.note,
    test: order.test,
    tags: order.tags,
    createdAt: isoSeconds(order.createdAt),
    updatedAt: isoSeconds(order.updatedAt),
    processedAt: isoSeconds(order.processedAt),
    cancelledAt: order.cancelledAt === null ? null : isoSeconds(order.cancelledAt),
    cancelReason: order.cancelReason?.toUpperCase() ?? null,
    closed: order.closedAt !== null,
    closedAt: order.closedAt === null ? null : isoSeconds(order.closedAt),
    currencyCode: order.currency,
    displayFinancialStatus: order.financialStatus.toUpperCase(),
    displayFulfillmentStatus:
      fulfilled === 'fulfilled' ? 'FULFILLED' : fulfilled === 'partial' ? 'PARTIALLY_FULFILLED' : 'UNFULFILLED',
    totalPriceSet: () => bag(totalCents(order), order.currency),
    subtotalPriceSet: () => bag(subtotalCents(order) - order.discountCents, order.currency),
    totalTaxSet: () => bag(order.taxCents, order.currency),
    totalDiscountsSet: () => bag(order.discountCents, order.currency),
    totalShippingPriceSet: () => bag(order.shippingCents, order.currency),
    customer: () => customerView(order.customer),
    shippingAddress: () => ({
      ...order.shippingAddress,
      name: `${order.shippingAddress.firstName} ${order.shippingAddress.lastName}`,
      countryCodeV2: order.shippingAddress.countryCode,
    }),
    lineItems: (args: Args) =>
      listConnection(
        order.lineItems,
        args,
        (line) => line.id,
        (line) => lineItemView(ctx, order, line),
      ),
    fulfillmentOrders: (args: Args) =>
      listConnection(
        order.fulfillmentOrders,
        args,
        (fo) => fo.id,
        (fo) => fulfillmentOrderView(ctx, order, fo),
      ),
    fulfillments: (args: Args) =>
      order.fulfillments.slice(0, (args.first as number | undefined) ?? undefined).map((f) => fulfillmentView(ctx, order, f)),
    returns: (args: Args) =>
      listConnection(
        order.returnIds.map((id) => shop.returns.get(id)).filter((r): r is Return => Boolean(r)),
        args,
        (r) => r.id,
        (r) => returnView(ctx, r),
      ),
  };
}

export function lineItemView(ctx: RequestContext, order: Order, line: LineItem): View {
  let remaining = 0;
  for (const fo of order.fulfillmentOrders) {
    if (fo.status === 'CANCELLED') continue;
    for (const foLine of fo.lines) if (foLine.lineItemId === line.id) remaining += foLine.remainingQuantity;
  }
  return {
    __typename: 'LineItem',
    id: gid('lineItem', line.id),
    name: line.variantTitle === 'Default Title' ? line.title : `${line.title} - ${line.variantTitle}`,
    title: line.title,
    variantTitle: line.variantTitle === 'Default Title' ? null : line.variantTitle,
    sku: line.sku,
    quantity: line.quantity,
    currentQuantity: order.cancelledAt === null ? line.quantity : 0,
    unfulfilledQuantity: remaining,
    originalUnitPriceSet: () => bag(line.priceCents, order.currency),
    variant: () => {
      const variant = ctx.shop.variantsById.get(line.variantId);
      return variant ? variantView(ctx, variant) : null;
    },
    product: () => {
      const product = ctx.shop.products.find((p) => p.id === line.productId);
      return product ? productView(ctx, product) : null;
    },
  };
}

export function productView(ctx: RequestContext, product: Product): View {
  return {
    __typename: 'Product',
    id: gid('product', product.id),
    legacyResourceId: legacy(product.id),
    title: product.title,
    handle: product.handle,
    vendor: product.vendor,
    productType: product.productType,
    status: product.status,
    createdAt: isoSeconds(product.createdAt),
    updatedAt: isoSeconds(product.updatedAt),
    totalInventory: () => product.variants.reduce((sum, v) => sum + totalAvailable(ctx.shop, v), 0),
    variants: (args: Args) =>
      listConnection(
        product.variants,
        args,
        (v) => v.id,
        (v) => variantView(ctx, v),
      ),
  };
}

export function totalAvailable(shop: ShopStore, variant: Variant): number {
  return shop.locations.reduce((sum, location) => sum + (shop.level(variant.inventoryItemId, location.id) ?? 0), 0);
}

export function variantView(ctx: RequestContext, variant: Variant): View {
  const product = ctx.shop.products.find((p) => p.id === variant.productId) as Product;
  return {
    __typename: 'ProductVariant',
    id: gid('variant', variant.id),
    legacyResourceId: legacy(variant.id),
    title: variant.title,
    displayName: `${product.title} - ${variant.title}`,
    sku: variant.sku,
    price: money(variant.priceCents),
    inventoryQuantity: () => totalAvailable(ctx.shop, variant),
    createdAt: isoSeconds(variant.createdAt),
    updatedAt: isoSeconds(variant.updatedAt),
    product: () => productView(ctx, product),
    inventoryItem: () => inventoryItemView(ctx, variant),
  };
}

export function inventoryItemView(ctx: RequestContext, variant: Variant): View {
  return {
    __typename: 'InventoryItem',
    id: gid('inventoryItem', variant.inventoryItemId),
    legacyResourceId: legacy(variant.inventoryItemId),
    sku: variant.sku,
    tracked: true,
    createdAt: isoSeconds(variant.createdAt),
    updatedAt: isoSeconds(variant.updatedAt),
    variant: () => variantView(ctx, variant),
    inventoryLevel: (args: Args) => {
      const locationId = parseGid(String(args.locationId), 'location');
      const location = ctx.shop.locations.find((l) => l.id === locationId);
      return location ? inventoryLevelView(ctx, variant, location) : null;
    },
    inventoryLevels: (args: Args) =>
      listConnection(
        ctx.shop.locations,
        args,
        (l) => l.id,
        (location) => inventoryLevelView(ctx, variant, location),
      ),
  };
}

export function inventoryLevelGid(inventoryItemId: bigint, locationId: bigint): string {
  return `gid://shopify/InventoryLevel/${locationId}?inventory_item_id=${inventoryItemId}`;
}

export function inventoryLevelView(ctx: RequestContext, variant: Variant, location: Location): View {
  const key = `${variant.inventoryItemId}:${location.id}`;
  const updatedAt = ctx.shop.inventoryUpdatedAt.get(key) ?? variant.createdAt;
  return {
    __typename: 'InventoryLevel',
    id: inventoryLevelGid(variant.inventoryItemId, location.id),
    item: () => inventoryItemView(ctx, variant),
    location: () => locationView(ctx, location),
    createdAt: isoSeconds(variant.createdAt),
    updatedAt: isoSeconds(updatedAt),
    quantities: (args: Args) =>
      (args.names as string[]).map((name) => {
        const available = ctx.shop.inventory.get(key) ?? 0;
        const quantity = name === 'available' || name === 'on_hand' ? available : 0;
        return {
          id: `gid://shopify/InventoryQuantity/${location.id}?inventory_item_id=${variant.inventoryItemId}&name=${name}`,
          name,
          quantity,
          updatedAt: isoSeconds(updatedAt),
        };
      }),
  };
}

export function locationView(ctx: RequestContext, location: Location): View {
  return {
    __typename: 'Location',
    id: gid('location', location.id),
    legacyResourceId: legacy(location.id),
    name: location.name,
    isActive: true,
    fulfillsOnlineOrders: true,
    address: { address1: location.address1, city: location.city, countryCode: location.countryCode },
    inventoryLevel: (args: Args) => {
      const itemId = parseGid(String(args.inventoryItemId), 'inventoryItem');
      const variant = itemId === null ? undefined : ctx.shop.variantByInventoryItem.get(itemId);
      return variant ? inventoryLevelView(ctx, variant, location) : null;
    },
    inventoryLevels: (args: Args) =>
      listConnection(
        ctx.shop.allVariants,
        args,
        (v) => v.inventoryItemId,
        (variant) => inventoryLevelView(ctx, variant, location),
      ),
  };
}

export function fulfillmentOrderView(ctx: RequestContext, order: Order, fo: FulfillmentOrder): View {
  const location = ctx.shop.locations.find((l) => l.id === fo.locationId) as Location;
  return {
    __typename: 'FulfillmentOrder',
    id: gid('fulfillmentOrder', fo.id),
    status: fo.status,
    createdAt: isoSeconds(fo.createdAt),
    updatedAt: isoSeconds(fo.updatedAt),
    orderId: gid('order', order.id),
    orderName: order.name,
    order: () => orderView(ctx, order),
    assignedLocation: { name: location.name, location: () => locationView(ctx, location) },
    lineItems: (args: Args) =>
      listConnection(
        fo.lines,
        args,
        (line) => line.id,
        (line) => {
          const item = order.lineItems.find((l) => l.id === line.lineItemId) as LineItem;
          return {
            __typename: 'FulfillmentOrderLineItem',
            id: gid('fulfillmentOrderLineItem', line.id),
            sku: item.sku,
            totalQuantity: line.totalQuantity,
            remainingQuantity: line.remainingQuantity,
            lineItem: () => lineItemView(ctx, order, item),
          };
        },
      ),
  };
}

export function fulfillmentView(ctx: RequestContext, order: Order, fulfillment: Fulfillment): View {
  const location = ctx.shop.locations.find((l) => l.id === fulfillment.locationId) ?? null;
  return {
    __typename: 'Fulfillment',
    id: gid('fulfillment', fulfillment.id),
    legacyResourceId: legacy(fulfillment.id),
    name: `${order.name}-F${order.fulfillments.indexOf(fulfillment) + 1}`,
    status: fulfillment.status,
    createdAt: isoSeconds(fulfillment.createdAt),
    updatedAt: isoSeconds(fulfillment.updatedAt),
    order: () => orderView(ctx, order),
    location: () => (location ? locationView(ctx, location) : null),
    trackingInfo: (args: Args) => fulfillment.tracking.slice(0, (args.first as number | undefined) ?? undefined),
    fulfillmentLineItems: (args: Args) =>
      listConnection(
        fulfillment.lines,
        args,
        (line) => line.id,
        (line) => fulfillmentLineItemView(ctx, order, line),
      ),
  };
}

export function fulfillmentLineItemView(ctx: RequestContext, order: Order, line: Fulfillment['lines'][number]): View {
  const item = order.lineItems.find((l) => l.id === line.lineItemId) as LineItem;
  return {
    __typename: 'FulfillmentLineItem',
    id: gid('fulfillmentLineItem', line.id),
    quantity: line.quantity,
    lineItem: () => lineItemView(ctx, order, item),
  };
}

export function returnView(ctx: RequestContext, ret: Return): View {
  const order = ctx.shop.order(ret.orderIndex) as Order;
  return {
    __typename: 'Return',
    id: gid('return', ret.id),
    name: ret.name,
    status: ret.status,
    createdAt: isoSeconds(ret.createdAt),
    totalQuantity: ret.lines.reduce((sum, line) => sum + line.quantity, 0),
    order: () => orderView(ctx, order),
    returnLineItems: (args: Args) =>
      listConnection(
        ret.lines,
        args,
        (line) => line.id,
        (line) => ({
          __typename: 'ReturnLineItem',
          id: gid('returnLineItem', line.id),
          quantity: line.quantity,
          returnReason: line.returnReason,
          customerNote: line.customerNote,
          fulfillmentLineItem: () => {
            const fulfillmentLine = order.fulfillments.flatMap((f) => f.lines).find((l) => l.id === line.fulfillmentLineItemId);
            return fulfillmentLine ? fulfillmentLineItemView(ctx, order, fulfillmentLine) : null;
          },
        }),
      ),
  };
}

export const TOPIC_BY_ENUM: Record<string, string> = {
  APP_UNINSTALLED: 'app/uninstalled',
  ORDERS_CREATE: 'orders/create',
  ORDERS_UPDATED: 'orders/updated',
  ORDERS_CANCELLED: 'orders/cancelled',
  ORDERS_FULFILLED: 'orders/fulfilled',
  ORDERS_PARTIALLY_FULFILLED: 'orders/partially_fulfilled',
  ORDERS_PAID: 'orders/paid',
  ORDERS_DELETE: 'orders/delete',
  PRODUCTS_CREATE: 'products/create',
  PRODUCTS_UPDATE: 'products/update',
  PRODUCTS_DELETE: 'products/delete',
  CUSTOMERS_CREATE: 'customers/create',
  CUSTOMERS_UPDATE: 'customers/update',
  CUSTOMERS_DELETE: 'customers/delete',
  INVENTORY_LEVELS_UPDATE: 'inventory_levels/update',
  FULFILLMENTS_CREATE: 'fulfillments/create',
  FULFILLMENTS_UPDATE: 'fulfillments/update',
  FULFILLMENT_ORDERS_FULFILLMENT_REQUEST_ACCEPTED: 'fulfillment_orders/fulfillment_request_accepted',
  RETURNS_REQUEST: 'returns/request',
  RETURNS_APPROVE: 'returns/approve',
  RETURNS_DECLINE: 'returns/decline',
  RETURNS_UPDATE: 'returns/update',
};
export const WEBHOOK_TOPICS: readonly string[] = Object.values(TOPIC_BY_ENUM);
export const ENUM_BY_TOPIC = Object.fromEntries(Object.entries(TOPIC_BY_ENUM).map(([key, value]) => [value, key]));

export function webhookSubscriptionView(subscription: WebhookSubscription): View {
  return {
    __typename: 'WebhookSubscription',
    id: gid('webhookSubscription', subscription.id),
    legacyResourceId: legacy(subscription.id),
    topic: ENUM_BY_TOPIC[subscription.topic] ?? subscription.topic.toUpperCase().replace(/\//g, '_'),
    format: 'JSON',
    uri: subscription.uri,
    callbackUrl: subscription.uri,
    endpoint: { __typename: 'WebhookHttpEndpoint', callbackUrl: subscription.uri },
    includeFields: subscription.includeFields,
    filter: null,
    apiVersion: subscription.apiVersion,
    createdAt: isoSeconds(subscription.createdAt),
    updatedAt: isoSeconds(subscription.createdAt),
  };
}

/** Shopify's answer to an ID argument that is not a global id. */
export function invalidGlobalId(value: string): GraphQLError {
  return new GraphQLError(`Invalid global id \`${value}\``, {
    extensions: { code: 'argumentLiteralsIncompatible', typeName: 'CoercionError' },
  });
}

export function nodeByGid(ctx: RequestContext, value: string): View | null {
  const type = /^gid:\/\/shopify\/([A-Za-z]+)\/[^/?]+(\?.*)?$/.exec(value)?.[1];
  // Shopify refuses a malformed id before running the query (a well-formed unknown id is null).
  if (!type) throw invalidGlobalId(value);
  const shop = ctx.shop;
  const idOf = (kind: IdKind) => parseGid(value, kind);
  switch (type) {
    case 'Order': {
      const order = shop.orderById(idOf('order') ?? -1n);
      return order ? orderView(ctx, order) : null;
    }
    case 'Customer': {
      const customer = shop.customerById(idOf('customer') ?? -1n);
      return customer ? customerView(customer) : null;
    }
    case 'Product': {
      const product = shop.products.find((p) => p.id === idOf('product'));
      return product ? productView(ctx, product) : null;
    }
    case 'ProductVariant': {
      const variant = shop.variantsById.get(idOf('variant') ?? -1n);
      return variant ? variantView(ctx, variant) : null;
    }
    case 'InventoryItem': {
      const variant = shop.variantByInventoryItem.get(idOf('inventoryItem') ?? -1n);
      return variant ? inventoryItemView(ctx, variant) : null;
    }
    case 'InventoryLevel': {
      const match = /^gid:\/\/shopify\/InventoryLevel\/(\d+)\?inventory_item_id=(\d+)$/.exec(value);
      if (!match) return null;
      const location = shop.locations.find((l) => l.id === BigInt(match[1] as string));
      const variant = shop.variantByInventoryItem.get(BigInt(match[2] as string));
      return location && variant ? inventoryLevelView(ctx, variant, location) : null;
    }
    case 'Location': {
      const location = shop.locations.find((l) => l.id === idOf('location'));
      return location ? locationView(ctx, location) : null;
    }
    case 'FulfillmentOrder': {
      const id = idOf('fulfillmentOrder') ?? -1n;
      const order = shop.orderOfFulfillmentOrder(id);
      const fo = order?.fulfillmentOrders.find((f) => f.id === id);
      return order && fo ? fulfillmentOrderView(ctx, order, fo) : null;
    }
    case 'Fulfillment': {
      const id = idOf('fulfillment') ?? -1n;
      const order = shop.orderOfFulfillment(id);
      const fulfillment = order?.fulfillments.find((f) => f.id === id);
      return order && fulfillment ? fulfillmentView(ctx, order, fulfillment) : null;
    }
    case 'Return': {
      const ret = shop.returns.get(idOf('return') ?? -1n);
      return ret ? returnView(ctx, ret) : null;
    }
    case 'WebhookSubscription': {
      const subscription = ctx.webhooks.subscriptions.find((s) => s.shop === shop.domain && s.id === idOf('webhookSubscription'));
      return subscription ? webhookSubscriptionView(subscription) : null;
    }
    case 'Shop':
      return shopView(ctx);
    default:
      return null;
  }
}

export function shopView(ctx: RequestContext): View {
  return {
    __typename: 'Shop',
    id: gid('shop', ctx.shop.id),
    name: ctx.shop.name,
    myshopifyDomain: ctx.shop.domain,
    email: ctx.shop.owner.email,
    currencyCode: ctx.shop.currency,
    ianaTimezone: 'UTC',
    plan: { displayName: 'Basic', partnerDevelopment: true, shopifyPlus: false },
  };
}
