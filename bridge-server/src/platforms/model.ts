import { isSafeNumber, parse } from 'lossless-json';
import { z } from 'zod';

/**
 * Dockhand's own shape of platform data. Connectors normalize into it; the raw payload is
 * kept beside it, as the platform sent it. Platform ids are strings (Shopify's exceed 2^53).
 */
export interface NormalizedOrderLine {
  platformId: string;
  variantPlatformId: string | null;
  sku: string | null;
  title: string;
  quantity: number;
  price: string;
}

/**
 * A link a platform gave, kept only when it is an http(s) URL. A store's data is written by whoever
 * runs the store (or a plugin there); a `javascript:` or `data:` tracking link would become script
 * in any page that makes it clickable.
 */
export function webUrl(value: string | null | undefined): string | null {
  if (!value || !URL.canParse(value)) return null;
  const { protocol } = new URL(value);
  return protocol === 'https:' || protocol === 'http:' ? value : null;
}

/** A shipment of the order as the platform holds it (made there, or pushed by Dockhand). */
export interface NormalizedFulfillment {
  /** Shopify's fulfillment id; WooCommerce: `{order id}:{tracking number}`. */
  platformId: string;
  /** The platform's word, lowercase: `success`, `cancelled`, `error`, `failure`, … */
  status: string;
  trackingNumber: string | null;
  carrier: string | null;
  /** http(s) only (`webUrl`). */
  trackingUrl: string | null;
  createdAt: string | null;
}

export interface NormalizedOrder {
  platformId: string;
  number: string;
  email: string | null;
  customerPlatformId: string | null;
  status: string;
  financialStatus: string | null;
  fulfillmentStatus: string | null;
  currency: string;
  total: string;
  placedAt: string;
  updatedAt: string;
  lines: NormalizedOrderLine[];
  /** The order's fulfillments with tracking; absent when the source does not say (then none are touched). */
  fulfillments?: NormalizedFulfillment[] | undefined;
}

export interface NormalizedVariant {
  platformId: string;
  inventoryItemId: string | null;
  sku: string | null;
  title: string | null;
  price: string | null;
}

export interface NormalizedProduct {
  platformId: string;
  title: string;
  status: string | null;
  updatedAt: string;
  variants: NormalizedVariant[];
}

export interface NormalizedCustomer {
  platformId: string;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  phone: string | null;
  updatedAt: string;
}

/** A stock level: which variant (by its platform id or its inventory item), where, how many. */
export interface NormalizedInventoryLevel {
  variant: { platformId: string } | { inventoryItemId: string };
  locationPlatformId: string;
  locationName?: string;
  available: number;
  updatedAt: string;
}

/** Parses platform JSON without losing integers above 2^53: those become decimal strings. */
export function parsePlatformJson(text: string): unknown {
  return parse(text, null, (value) => (isSafeNumber(value) ? Number(value) : value));
}

/** An id that may arrive as a number, a big-number string or a Shopify GID. */
export const platformId = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const text = String(value);
  const id = text.startsWith('gid://') ? text.slice(text.lastIndexOf('/') + 1).split('?')[0]! : text;
  if (!/^\d+$/.test(id)) {
    ctx.addIssue({ code: 'custom', message: `not a platform id: ${text}` });
    return z.NEVER;
  }
  return id;
});

export const money = z.union([z.string(), z.number()]).transform((value) => {
  const amount = Number(value);
  return Number.isFinite(amount) ? amount.toFixed(2) : '0.00';
});

export const isoTimestamp = z.string().refine((value) => !Number.isNaN(Date.parse(value)), 'not a timestamp');

export class UnsupportedPayloadError extends Error {
  constructor(what: string, cause?: unknown) {
    super(`Cannot read ${what}`, { cause });
    this.name = 'UnsupportedPayloadError';
  }
}

export function parseWith<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new UnsupportedPayloadError(`${what}: ${z.prettifyError(result.error)}`);
  return result.data;
}
