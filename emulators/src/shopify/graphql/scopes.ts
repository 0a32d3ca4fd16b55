import { GraphQLError } from 'graphql';

/**
 * Access scopes each field needs (any one of them), checked against the token's granted
 * scopes: root fields by name, nested fields as `Type.field`. A `write_` scope implies its
 * `read_` scope, as on Shopify.
 */
const REQUIRED: Record<string, readonly string[]> = {
  customer: ['read_customers'],
  customers: ['read_customers'],
  'Order.customer': ['read_customers'],
  'Order.fulfillmentOrders': [
    'read_merchant_managed_fulfillment_orders',
    'read_assigned_fulfillment_orders',
    'read_fulfillments',
  ],
  'Order.returns': ['read_returns'],
  'ProductVariant.inventoryItem': ['read_inventory', 'read_products'],
  'InventoryItem.inventoryLevels': ['read_inventory'],
  'InventoryItem.inventoryLevel': ['read_inventory'],
  order: ['read_orders'],
  orders: ['read_orders'],
  product: ['read_products'],
  products: ['read_products'],
  productVariant: ['read_products'],
  productVariants: ['read_products'],
  inventoryItem: ['read_inventory', 'read_products'],
  inventoryItems: ['read_inventory', 'read_products'],
  inventoryLevel: ['read_inventory'],
  location: ['read_locations', 'read_inventory'],
  locations: ['read_locations', 'read_inventory'],
  fulfillmentOrder: ['read_merchant_managed_fulfillment_orders', 'read_assigned_fulfillment_orders', 'read_fulfillments'],
  fulfillment: ['read_fulfillments', 'read_orders'],
  return: ['read_returns'],
  fulfillmentCreate: ['write_merchant_managed_fulfillment_orders', 'write_assigned_fulfillment_orders', 'write_fulfillments'],
  fulfillmentTrackingInfoUpdate: [
    'write_merchant_managed_fulfillment_orders',
    'write_assigned_fulfillment_orders',
    'write_fulfillments',
  ],
  orderClose: ['write_orders'],
  orderOpen: ['write_orders'],
  returnRequest: ['write_returns'],
  returnApproveRequest: ['write_returns'],
  returnDeclineRequest: ['write_returns'],
  returnCreate: ['write_returns'],
  inventoryAdjustQuantities: ['write_inventory'],
  inventorySetQuantities: ['write_inventory'],
  orderDelete: ['write_orders'],
  productDelete: ['write_products'],
  customerDelete: ['write_customers'],
};

export function parseScopes(scope: string): Set<string> {
  return new Set(
    scope
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );
}

function granted(scopes: ReadonlySet<string>, scope: string): boolean {
  return scopes.has(scope) || (scope.startsWith('read_') && scopes.has(`write_${scope.slice('read_'.length)}`));
}

/** Whether the field (`name` at the root, `Type.name` below it) is guarded by a scope. */
export function isGuarded(field: string): boolean {
  return field in REQUIRED;
}

/** Throws Shopify's ACCESS_DENIED error when none of the field's scopes was granted. */
export function checkAccess(field: string, scopes: ReadonlySet<string> | null): void {
  const anyOf = REQUIRED[field];
  if (!scopes || !anyOf || anyOf.some((scope) => granted(scopes, scope))) return;
  field = field.slice(field.indexOf('.') + 1);
  const requiredAccess = `${anyOf.map((scope) => `\`${scope}\``).join(' or ')} access scope.`;
  throw new GraphQLError(`Access denied for ${field} field. Required access: ${requiredAccess}`, {
    extensions: { code: 'ACCESS_DENIED', documentation: 'https://shopify.dev/api/usage/access-scopes', requiredAccess },
  });
}

/** The scope a webhook topic needs (the topic's resource read scope), by WebhookSubscriptionTopic. */
const TOPIC_SCOPES: Record<string, readonly string[]> = {
  ORDERS_CREATE: ['read_orders'],
  ORDERS_UPDATED: ['read_orders'],
  ORDERS_CANCELLED: ['read_orders'],
  ORDERS_FULFILLED: ['read_orders'],
  ORDERS_PARTIALLY_FULFILLED: ['read_orders'],
  ORDERS_PAID: ['read_orders'],
  ORDERS_DELETE: ['read_orders'],
  PRODUCTS_CREATE: ['read_products'],
  PRODUCTS_UPDATE: ['read_products'],
  PRODUCTS_DELETE: ['read_products'],
  CUSTOMERS_CREATE: ['read_customers'],
  CUSTOMERS_UPDATE: ['read_customers'],
  CUSTOMERS_DELETE: ['read_customers'],
  INVENTORY_LEVELS_UPDATE: ['read_inventory'],
  FULFILLMENTS_CREATE: ['read_fulfillments', 'read_orders'],
  FULFILLMENTS_UPDATE: ['read_fulfillments', 'read_orders'],
  FULFILLMENT_ORDERS_FULFILLMENT_REQUEST_ACCEPTED: ['read_assigned_fulfillment_orders'],
  RETURNS_REQUEST: ['read_returns'],
  RETURNS_APPROVE: ['read_returns'],
  RETURNS_DECLINE: ['read_returns'],
  RETURNS_UPDATE: ['read_returns'],
};

/** webhookSubscriptionCreate for a topic whose data the token may not read: ACCESS_DENIED. */
export function checkTopicAccess(topic: string, scopes: ReadonlySet<string> | null): void {
  const anyOf = TOPIC_SCOPES[topic];
  if (!scopes || !anyOf || anyOf.some((scope) => granted(scopes, scope))) return;
  const requiredAccess = `${anyOf.map((scope) => `\`${scope}\``).join(' or ')} access scope.`;
  throw new GraphQLError(`Access denied for ${topic} webhook topic. Required access: ${requiredAccess}`, {
    extensions: { code: 'ACCESS_DENIED', documentation: 'https://shopify.dev/api/usage/access-scopes', requiredAccess },
  });
}
