import { z } from 'zod';
import { platformId } from '../model.ts';
import { objectKeys, recordMismatch, type RecordShapes } from '../webhooks.ts';

/**
 * Shopify signs a webhook's body only: `X-Shopify-Shop-Domain` and `X-Shopify-Topic` are not
 * covered, so a captured body and signature can be re-sent under another shop's name. Topics
 * that destroy or disclose (uninstall, compliance) carry the shop's identity in the signed body;
 * it must name the shop the delivery is addressed to.
 */

/** The shop a delivery is addressed to, as Dockhand knows it. */
export interface ShopIdentity {
  shopDomain: string;
  /** The shop id the store's token answered for; null for stores connected before it was recorded. */
  platformShopId: string | null;
}

/** app/uninstalled carries the shop resource: `id`, `domain` (the primary domain) and `myshopify_domain`. */
const shopResource = z.object({
  id: platformId,
  domain: z.string().nullish(),
  myshopify_domain: z.string().nullish(),
});

/** The compliance topics carry `shop_id` and `shop_domain` (the myshopify domain). */
const complianceBody = z.object({ shop_id: platformId, shop_domain: z.string() });

export const SHOPIFY_COMPLIANCE_TOPICS = ['customers/data_request', 'customers/redact', 'shop/redact'] as const;
export const SHOPIFY_UNINSTALL_TOPIC = 'app/uninstalled';

/** Topics whose body names the shop; every other topic's body names only its resources. */
export const SHOP_NAMING_TOPICS: readonly string[] = [SHOPIFY_UNINSTALL_TOPIC, ...SHOPIFY_COMPLIANCE_TOPICS];

export const isComplianceTopic = (topic: string): boolean => (SHOPIFY_COMPLIANCE_TOPICS as readonly string[]).includes(topic);

/** Whether the topic's body names its shop (and so must be checked against the shop addressed). */
export const namesShop = (topic: string): boolean => SHOP_NAMING_TOPICS.includes(topic);

const sameDomain = (a: string | null | undefined, b: string) => !!a && a.trim().toLowerCase() === b.trim().toLowerCase();

/** The shop id and domain a shop-naming body names, or null when it names none (or is not such a topic). */
export function shopNamedBy(topic: string, payload: unknown): { id: string; domain: string | null } | null {
  if (topic === SHOPIFY_UNINSTALL_TOPIC) {
    const parsed = shopResource.safeParse(payload);
    if (!parsed.success) return null;
    return { id: parsed.data.id, domain: parsed.data.myshopify_domain ?? parsed.data.domain ?? null };
  }
  if (isComplianceTopic(topic)) {
    const parsed = complianceBody.safeParse(payload);
    return parsed.success ? { id: parsed.data.shop_id, domain: parsed.data.shop_domain } : null;
  }
  return null;
}

/**
 * Why a delivery's body does not belong to `shop`, or null when it does (or when the topic's
 * body does not name a shop). The id is compared when Dockhand knows the shop's id; the
 * domain always.
 */
export function shopMismatch(topic: string, payload: unknown, shop: ShopIdentity): string | null {
  if (!namesShop(topic)) return null;
  const named = shopNamedBy(topic, payload);
  if (!named) return `the ${topic} body does not name its shop`;
  if (!sameDomain(named.domain, shop.shopDomain)) return `the ${topic} body names another shop's domain`;
  if (shop.platformShopId !== null && named.id !== shop.platformShopId) return `the ${topic} body names another shop's id`;
  return null;
}

/** Shopify's record topics, told apart by their bodies. */
const RECORD_SHAPES: RecordShapes = {
  resources: ['orders', 'products', 'customers', 'inventory_levels'],
  stamps: ['created_at', 'updated_at'],
  isDeletion: (topic) => topic.endsWith('/delete'),
  // An order carries its lines, a product its variants, a level its item and location.
  recordOf: (keys) =>
    keys.has('line_items')
      ? 'orders'
      : keys.has('variants')
        ? 'products'
        : keys.has('inventory_item_id') && keys.has('location_id')
          ? 'inventory_levels'
          : 'customers',
};

/**
 * Why a delivery's body cannot be of its topic, or null when it can. The topic is not signed: a
 * captured body re-sent under another topic must not turn an update into a deletion, a product
 * into a customer, or a customer's data request into its erasure or the shop's. The compliance
 * payloads each have a shape of their own, as Shopify documents them; the record topics are
 * checked by recordMismatch.
 */
export function topicMismatch(topic: string, payload: unknown): string | null {
  const keys = objectKeys(payload);
  if (!keys) return `the ${topic} body is not an object`;
  const request = keys.has('data_request') || keys.has('orders_requested');
  switch (topic) {
    case 'customers/data_request':
      return request && keys.has('customer') && !keys.has('orders_to_redact') ? null : 'the body is not a data request';
    case 'customers/redact':
      return keys.has('customer') && !request ? null : 'the body is not a customer redaction';
    case 'shop/redact':
      return keys.has('customer') || keys.has('orders_to_redact') || request ? 'the body is not a shop redaction' : null;
    default:
      return recordMismatch(topic, keys, RECORD_SHAPES);
  }
}
