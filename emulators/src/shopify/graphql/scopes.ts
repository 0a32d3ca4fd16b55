import { GraphQLError } from 'graphql';

/**
 * Access scopes each root field needs (any one of them), checked against the token's
 * granted scopes. A `write_` scope implies its `read_` scope, as on Shopify. Nested fields
 * are not checked.
 */
const REQUIRED: Record<string, readonly string[]> = {
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
  returnRequest: ['write_returns'],
  returnApproveRequest: ['write_returns'],
  returnCreate: ['write_returns'],
  inventoryAdjustQuantities: ['write_inventory'],
  inventorySetQuantities: ['write_inventory'],
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

/** Throws Shopify's ACCESS_DENIED error when none of the field's scopes was granted. */
export function checkAccess(field: string, scopes: ReadonlySet<string> | null): void {
  const anyOf = REQUIRED[field];
  if (!scopes || !anyOf || anyOf.some((scope) => granted(scopes, scope))) return;
  const requiredAccess = `${anyOf.map((scope) => `\`${scope}\``).join(' or ')} access scope.`;
  throw new GraphQLError(`Access denied for ${field} field. Required access: ${requiredAccess}`, {
    extensions: { code: 'ACCESS_DENIED', documentation: 'https://shopify.dev/api/usage/access-scopes', requiredAccess },
  });
}
