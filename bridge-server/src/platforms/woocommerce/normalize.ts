import { z } from 'zod';
import {
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

/** WooCommerce keeps one stock figure per product; Dockhand files it under this location. */
export const WOO_LOCATION = { platformId: 'default', name: 'Store stock' } as const;

const nullableString = z
  .string()
  .nullish()
  .transform((value) => (value ? value : null));
/** `date_*_gmt` fields are UTC without a zone designator. */
const gmt = z
  .string()
  .refine((value) => !Number.isNaN(Date.parse(`${value}Z`)), 'not a timestamp')
  .transform((value) => new Date(`${value.replace(/Z$/, '')}Z`).toISOString());

const restOrder = z.object({
  id: platformId,
  number: z.union([z.string(), z.number()]).transform(String),
  status: z.string(),
  currency: z.string().length(3),
  total: money,
  customer_id: z.number().int(),
  date_created_gmt: gmt,
  date_modified_gmt: gmt,
  date_paid_gmt: nullableString,
  date_completed_gmt: nullableString,
  meta_data: z.array(z.object({ key: z.string(), value: z.unknown() }).passthrough()).default([]),
  billing: z.object({ email: nullableString }).partial().default({}),
  line_items: z.array(
    z.object({
      id: platformId,
      product_id: z.number().int(),
      variation_id: z.number().int(),
      sku: nullableString,
      name: z.string(),
      quantity: z.number().int(),
      price: money,
    }),
  ),
});

/** The order meta Dockhand writes with a shipment (the connector's TRACKING_META). */
export const DOCKHAND_TRACKING = {
  number: '_dockhand_tracking_number',
  company: '_dockhand_tracking_company',
  url: '_dockhand_tracking_url',
} as const;
/** What the WooCommerce Shipment Tracking extension keeps: a list of shipments. */
const SHIPMENT_TRACKING_ITEMS = '_wc_shipment_tracking_items';

const text = (value: unknown): string | null => (typeof value === 'string' && value.trim() !== '' ? value : null);

/**
 * WooCommerce has no fulfillment object: shipments live in order meta. Read Dockhand's own
 * tracking meta and the Shipment Tracking extension's list; each shipment is keyed
 * `{order id}:{tracking number}`, as the connector keys what it pushes, so one shipment
 * recorded both ways is one.
 */
function wooFulfillments(order: z.infer<typeof restOrder>): NormalizedFulfillment[] {
  const meta = new Map(order.meta_data.map((entry) => [entry.key, entry.value]));
  const shippedAt = order.date_completed_gmt ? new Date(`${order.date_completed_gmt.replace(/Z$/, '')}Z`).toISOString() : null;
  const found = new Map<string, NormalizedFulfillment>();
  const items = meta.get(SHIPMENT_TRACKING_ITEMS);
  for (const item of Array.isArray(items) ? items : []) {
    const entry = (item && typeof item === 'object' ? item : {}) as Record<string, unknown>;
    const number = text(entry['tracking_number']);
    if (!number) continue;
    const shipped = Number(entry['date_shipped']);
    found.set(`${order.id}:${number}`, {
      platformId: `${order.id}:${number}`,
      status: 'success',
      trackingNumber: number,
      carrier: text(entry['custom_tracking_provider']) ?? text(entry['tracking_provider']),
      trackingUrl: webUrl(text(entry['custom_tracking_link'])),
      createdAt: Number.isFinite(shipped) && shipped > 0 ? new Date(shipped * 1000).toISOString() : shippedAt,
    });
  }
  const number = text(meta.get(DOCKHAND_TRACKING.number));
  if (number && !found.has(`${order.id}:${number}`)) {
    found.set(`${order.id}:${number}`, {
      platformId: `${order.id}:${number}`,
      status: 'success',
      trackingNumber: number,
      carrier: text(meta.get(DOCKHAND_TRACKING.company)),
      trackingUrl: webUrl(text(meta.get(DOCKHAND_TRACKING.url))),
      createdAt: shippedAt,
    });
  }
  return [...found.values()];
}

const FINANCIAL: Record<string, string> = { refunded: 'refunded', failed: 'failed', cancelled: 'voided', pending: 'pending' };

export function normalizeWooOrder(payload: unknown): NormalizedOrder {
  const order = parseWith(restOrder, payload, 'WooCommerce order');
  return {
    platformId: order.id,
    number: `#${order.number}`,
    email: order.billing.email ?? null,
    customerPlatformId: order.customer_id > 0 ? String(order.customer_id) : null,
    status: order.status,
    financialStatus: FINANCIAL[order.status] ?? (order.date_paid_gmt ? 'paid' : 'pending'),
    fulfillmentStatus: order.status === 'completed' ? 'fulfilled' : null,
    currency: order.currency,
    total: order.total,
    placedAt: order.date_created_gmt,
    updatedAt: order.date_modified_gmt,
    lines: order.line_items.map((line) => ({
      platformId: line.id,
      variantPlatformId: String(line.variation_id > 0 ? line.variation_id : line.product_id),
      sku: line.sku,
      title: line.name,
      quantity: line.quantity,
      price: line.price,
    })),
    fulfillments: wooFulfillments(order),
  };
}

const restProduct = z.object({
  id: platformId,
  name: z.string(),
  status: nullableString,
  type: z.string().default('simple'),
  sku: nullableString,
  price: z.union([z.string(), z.number()]).nullish(),
  manage_stock: z.union([z.boolean(), z.literal('parent')]).default(false),
  stock_quantity: z.number().int().nullable().default(null),
  date_modified_gmt: gmt,
});

const restVariation = z.object({
  id: platformId,
  sku: nullableString,
  name: z.string().nullish(),
  price: z.union([z.string(), z.number()]).nullish(),
  attributes: z.array(z.object({ option: z.string().nullish() }).partial()).default([]),
  date_modified_gmt: gmt,
});

const priceOf = (price: string | number | null | undefined): string | null =>
  price === undefined || price === null || price === '' ? null : Number(price).toFixed(2);

/**
 * A simple product is its own single variant (the variant's platform id is the product's).
 * A variable product's variants are its variations: pass them (the REST payloads of
 * `products/{id}/variations`) and the product's `updatedAt` becomes the latest of the product
 * and its variations, so a changed variation is not taken for stale. Without them a
 * variable product carries no variants (its own id is never a variant).
 */
export function normalizeWooProduct(payload: unknown, variations?: readonly unknown[]): NormalizedProduct {
  const product = parseWith(restProduct, payload, 'WooCommerce product');
  if (product.type === 'variable') {
    const parsed = (variations ?? []).map((variation) => parseWith(restVariation, variation, 'WooCommerce variation'));
    const updatedAt = parsed.reduce(
      (latest, variation) => (variation.date_modified_gmt > latest ? variation.date_modified_gmt : latest),
      product.date_modified_gmt,
    );
    return {
      platformId: product.id,
      title: product.name,
      status: product.status,
      updatedAt,
      variants: parsed.map((variation) => {
        const options = variation.attributes.map((attribute) => attribute.option).filter((option): option is string => !!option);
        return {
          platformId: variation.id,
          inventoryItemId: null,
          sku: variation.sku,
          title: options.length ? options.join(' / ') : (variation.name ?? null),
          price: priceOf(variation.price),
        };
      }),
    };
  }
  return {
    platformId: product.id,
    title: product.name,
    status: product.status,
    updatedAt: product.date_modified_gmt,
    variants: [
      {
        platformId: product.id,
        inventoryItemId: null,
        sku: product.sku,
        title: null,
        price: priceOf(product.price),
      },
    ],
  };
}

/** The stock level a product payload carries, when WooCommerce manages its stock. */
export function wooStockLevel(payload: unknown): NormalizedInventoryLevel | undefined {
  const product = parseWith(restProduct, payload, 'WooCommerce product');
  if (product.manage_stock !== true || product.stock_quantity === null) return undefined;
  return {
    variant: { platformId: product.id },
    locationPlatformId: WOO_LOCATION.platformId,
    locationName: WOO_LOCATION.name,
    available: product.stock_quantity,
    updatedAt: product.date_modified_gmt,
  };
}

const restCustomer = z.object({
  id: platformId,
  email: nullableString,
  first_name: nullableString,
  last_name: nullableString,
  billing: z.object({ phone: nullableString }).partial().default({}),
  date_modified_gmt: gmt,
});

export function normalizeWooCustomer(payload: unknown): NormalizedCustomer {
  const customer = parseWith(restCustomer, payload, 'WooCommerce customer');
  return {
    platformId: customer.id,
    email: customer.email,
    firstName: customer.first_name,
    lastName: customer.last_name,
    phone: customer.billing.phone ?? null,
    updatedAt: customer.date_modified_gmt,
  };
}
