import { z } from 'zod';
import {
  isoTimestamp,
  money,
  parseWith,
  platformId,
  webUrl,
  type NormalizedCustomer,
  type NormalizedFulfillment,
  type NormalizedInventoryLevel,
  type NormalizedOrder,
  type NormalizedProduct,
} from '../model.ts';

/** Shopify's REST shapes, as webhooks deliver them. Only what Dockhand reads is checked. */
const nullableString = z
  .string()
  .nullish()
  .transform((value) => value ?? null);

const restOrder = z.object({
  id: platformId,
  name: z.string(),
  email: nullableString,
  created_at: isoTimestamp,
  updated_at: isoTimestamp,
  cancelled_at: nullableString,
  closed_at: nullableString,
  currency: z.string().length(3),
  financial_status: nullableString,
  fulfillment_status: nullableString,
  total_price: money,
  customer: z.object({ id: platformId }).nullish(),
  fulfillments: z
    .array(
      z.object({
        id: platformId,
        status: nullableString,
        created_at: nullableString,
        tracking_number: nullableString,
        tracking_company: nullableString,
        tracking_url: nullableString,
      }),
    )
    .optional(),
  line_items: z.array(
    z.object({
      id: platformId,
      variant_id: platformId.nullish(),
      sku: nullableString,
      title: z.string(),
      quantity: z.number().int(),
      price: money,
    }),
  ),
});

export function shopifyOrderStatus(order: { cancelled_at: string | null; closed_at: string | null }): string {
  if (order.cancelled_at) return 'cancelled';
  if (order.closed_at) return 'closed';
  return 'open';
}

const isoOrNull = (value: string | null): string | null => (value ? new Date(value).toISOString() : null);

export function normalizeShopifyOrder(payload: unknown): NormalizedOrder {
  const order = parseWith(restOrder, payload, 'Shopify order');
  const fulfillments = order.fulfillments?.map((fulfillment): NormalizedFulfillment => ({
    platformId: fulfillment.id,
    status: fulfillment.status?.toLowerCase() ?? 'success',
    trackingNumber: fulfillment.tracking_number,
    carrier: fulfillment.tracking_company,
    trackingUrl: webUrl(fulfillment.tracking_url),
    createdAt: isoOrNull(fulfillment.created_at),
  }));
  return {
    platformId: order.id,
    number: order.name,
    email: order.email,
    customerPlatformId: order.customer?.id ?? null,
    status: shopifyOrderStatus(order),
    financialStatus: order.financial_status,
    fulfillmentStatus: order.fulfillment_status,
    currency: order.currency,
    total: order.total_price,
    placedAt: order.created_at,
    updatedAt: order.updated_at,
    lines: order.line_items.map((line) => ({
      platformId: line.id,
      variantPlatformId: line.variant_id ?? null,
      sku: line.sku,
      title: line.title,
      quantity: line.quantity,
      price: line.price,
    })),
    ...(fulfillments ? { fulfillments } : {}),
  };
}

const restProduct = z.object({
  id: platformId,
  title: z.string(),
  status: nullableString,
  updated_at: isoTimestamp,
  variants: z
    .array(
      z.object({
        id: platformId,
        inventory_item_id: platformId.nullish(),
        sku: nullableString,
        title: nullableString,
        price: money.nullish(),
      }),
    )
    .default([]),
});

export function normalizeShopifyProduct(payload: unknown): NormalizedProduct {
  const product = parseWith(restProduct, payload, 'Shopify product');
  return {
    platformId: product.id,
    title: product.title,
    status: product.status,
    updatedAt: product.updated_at,
    variants: product.variants.map((variant) => ({
      platformId: variant.id,
      inventoryItemId: variant.inventory_item_id ?? null,
      sku: variant.sku,
      title: variant.title,
      price: variant.price ?? null,
    })),
  };
}

const restCustomer = z.object({
  id: platformId,
  email: nullableString,
  first_name: nullableString,
  last_name: nullableString,
  phone: nullableString,
  updated_at: isoTimestamp,
});

export function normalizeShopifyCustomer(payload: unknown): NormalizedCustomer {
  const customer = parseWith(restCustomer, payload, 'Shopify customer');
  return {
    platformId: customer.id,
    email: customer.email,
    firstName: customer.first_name,
    lastName: customer.last_name,
    phone: customer.phone,
    updatedAt: customer.updated_at,
  };
}

const restInventoryLevel = z.object({
  inventory_item_id: platformId,
  location_id: platformId,
  available: z.number().int().nullable(),
  updated_at: isoTimestamp,
});

export function normalizeShopifyInventoryLevel(payload: unknown): NormalizedInventoryLevel {
  const level = parseWith(restInventoryLevel, payload, 'Shopify inventory level');
  return {
    variant: { inventoryItemId: level.inventory_item_id },
    locationPlatformId: level.location_id,
    available: level.available ?? 0,
    updatedAt: level.updated_at,
  };
}

/*
 * The Admin GraphQL shapes backfill reads. They normalize to exactly what the REST webhook
 * bodies above give for the same record, so a webhook and a backfill page agree:
 * GIDs → their numeric id, enums → REST's lowercase words, money → "25.50".
 */

const gqlMoneyBag = z.object({ shopMoney: z.object({ amount: money }) });

const gqlOrder = z.object({
  id: platformId,
  name: z.string(),
  email: nullableString,
  createdAt: isoTimestamp,
  updatedAt: isoTimestamp,
  cancelledAt: nullableString,
  closedAt: nullableString,
  currencyCode: z.string().length(3),
  displayFinancialStatus: nullableString,
  displayFulfillmentStatus: nullableString,
  totalPriceSet: gqlMoneyBag,
  customer: z.object({ id: platformId }).nullish(),
  fulfillments: z
    .array(
      z.object({
        id: platformId,
        status: nullableString,
        createdAt: nullableString,
        trackingInfo: z.array(z.object({ number: nullableString, company: nullableString, url: nullableString })).default([]),
      }),
    )
    .optional(),
  lineItems: z.object({
    nodes: z.array(
      z.object({
        id: platformId,
        sku: nullableString,
        title: z.string(),
        quantity: z.number().int(),
        originalUnitPriceSet: gqlMoneyBag,
        variant: z.object({ id: platformId }).nullish(),
      }),
    ),
  }),
});

/** GraphQL's displayFulfillmentStatus in REST's words (`fulfilled`, `partial`, or null when unfulfilled). */
export function restFulfillmentStatus(display: string | null): string | null {
  if (display === null) return null;
  switch (display) {
    case 'FULFILLED':
      return 'fulfilled';
    case 'PARTIALLY_FULFILLED':
      return 'partial';
    case 'UNFULFILLED':
      return null;
    default:
      return display.toLowerCase();
  }
}

export function normalizeShopifyGraphqlOrder(node: unknown): NormalizedOrder {
  const order = parseWith(gqlOrder, node, 'Shopify GraphQL order');
  return {
    platformId: order.id,
    number: order.name,
    email: order.email,
    customerPlatformId: order.customer?.id ?? null,
    status: shopifyOrderStatus({ cancelled_at: order.cancelledAt, closed_at: order.closedAt }),
    financialStatus: order.displayFinancialStatus?.toLowerCase() ?? null,
    fulfillmentStatus: restFulfillmentStatus(order.displayFulfillmentStatus),
    currency: order.currencyCode,
    total: order.totalPriceSet.shopMoney.amount,
    placedAt: order.createdAt,
    updatedAt: order.updatedAt,
    lines: order.lineItems.nodes.map((line) => ({
      platformId: line.id,
      variantPlatformId: line.variant?.id ?? null,
      sku: line.sku,
      title: line.title,
      quantity: line.quantity,
      price: line.originalUnitPriceSet.shopMoney.amount,
    })),
    ...(order.fulfillments
      ? {
          fulfillments: order.fulfillments.map((fulfillment): NormalizedFulfillment => ({
            platformId: fulfillment.id,
            status: fulfillment.status?.toLowerCase() ?? 'success',
            trackingNumber: fulfillment.trackingInfo[0]?.number ?? null,
            carrier: fulfillment.trackingInfo[0]?.company ?? null,
            trackingUrl: webUrl(fulfillment.trackingInfo[0]?.url),
            createdAt: isoOrNull(fulfillment.createdAt),
          })),
        }
      : {}),
  };
}

const gqlProduct = z.object({
  id: platformId,
  title: z.string(),
  status: nullableString,
  updatedAt: isoTimestamp,
  variants: z.object({
    nodes: z.array(
      z.object({
        id: platformId,
        sku: nullableString,
        title: nullableString,
        price: money.nullish(),
        inventoryItem: z.object({ id: platformId }).nullish(),
      }),
    ),
  }),
});

export function normalizeShopifyGraphqlProduct(node: unknown): NormalizedProduct {
  const product = parseWith(gqlProduct, node, 'Shopify GraphQL product');
  return {
    platformId: product.id,
    title: product.title,
    status: product.status?.toLowerCase() ?? null,
    updatedAt: product.updatedAt,
    variants: product.variants.nodes.map((variant) => ({
      platformId: variant.id,
      inventoryItemId: variant.inventoryItem?.id ?? null,
      sku: variant.sku,
      title: variant.title,
      price: variant.price ?? null,
    })),
  };
}

const gqlCustomer = z.object({
  id: platformId,
  email: nullableString,
  firstName: nullableString,
  lastName: nullableString,
  phone: nullableString,
  updatedAt: isoTimestamp,
});

/** `updatedAt` may be given separately (a customer read through its order carries none). */
export function normalizeShopifyGraphqlCustomer(node: unknown): NormalizedCustomer {
  const customer = parseWith(gqlCustomer, node, 'Shopify GraphQL customer');
  return {
    platformId: customer.id,
    email: customer.email,
    firstName: customer.firstName,
    lastName: customer.lastName,
    phone: customer.phone,
    updatedAt: customer.updatedAt,
  };
}

const gqlInventoryLevel = z.object({
  updatedAt: isoTimestamp,
  location: z.object({ id: platformId, name: z.string().nullish() }),
  quantities: z.array(z.object({ name: z.string(), quantity: z.number().int() })),
});

/** One InventoryLevel node of an inventory item (`inventoryItemId` may be a GID). */
export function normalizeShopifyGraphqlInventoryLevel(inventoryItemId: string, node: unknown): NormalizedInventoryLevel {
  const level = parseWith(gqlInventoryLevel, node, 'Shopify GraphQL inventory level');
  const item = parseWith(platformId, inventoryItemId, 'Shopify inventory item id');
  const available = level.quantities.find((quantity) => quantity.name === 'available')?.quantity ?? 0;
  return {
    variant: { inventoryItemId: item },
    locationPlatformId: level.location.id,
    ...(level.location.name ? { locationName: level.location.name } : {}),
    available,
    updatedAt: level.updatedAt,
  };
}
