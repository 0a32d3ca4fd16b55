import type { RequestHandler } from 'express';
import type { Principal, Role } from '../db/principal.ts';
import { principalOf } from './context.ts';
import { ForbiddenError } from './errors.ts';

/**
 * The one permission policy: what each role may do. Every authenticated route names its action
 * in ROUTE_ACTIONS and checks it with `authorize`; the store scope comes from the principal and
 * is enforced by row-level security (a merchant's other store is simply not there: 404).
 */
export const ACTIONS = [
  'orders.read',
  'orders.fulfill',
  'orders.update',
  'products.read',
  'customers.read',
  'inventory.read',
  'inventory.thresholds.write',
  'inventory.requests.read',
  'inventory.requests.create',
  'inventory.requests.decide',
  'views.manage',
  'stats.read',
  'stream.read',
  'stores.read',
  'stores.manage',
  'users.manage',
  'account.self',
] as const;
export type Action = (typeof ACTIONS)[number];

const EVERYTHING: readonly Action[] = ACTIONS;

/** role → the actions it may take (inside its organization, and for a merchant inside its stores). */
export const PERMISSIONS: Readonly<Record<Role, readonly Action[]>> = {
  owner: EVERYTHING,
  admin: EVERYTHING,
  // Everything in the organization except managing people and stores.
  staff: EVERYTHING.filter((action) => action !== 'users.manage' && action !== 'stores.manage'),
  // Reads its own stores; changes stock only by asking (inventory requests), sees its own requests.
  merchant: [
    'orders.read',
    'products.read',
    'customers.read',
    'inventory.read',
    'inventory.requests.read',
    'inventory.requests.create',
    'views.manage',
    'stats.read',
    'stream.read',
    'stores.read',
    'account.self',
  ],
};

export function can(principal: Pick<Principal, 'role'>, action: Action): boolean {
  return PERMISSIONS[principal.role].includes(action);
}

/**
 * Every route a Dockhand access token opens, as `METHOD /path` (Express style, as documented in
 * the OpenAPI document), and the action it takes. A test walks this table against /v1/openapi.json: a
 * route without an entry here fails it.
 */
export const ROUTE_ACTIONS: Readonly<Record<string, Action>> = {
  'GET /v1/auth/me': 'account.self',
  'POST /v1/auth/password': 'account.self',
  'POST /v1/auth/totp/enroll': 'account.self',
  'POST /v1/auth/totp/verify': 'account.self',

  'GET /v1/users': 'users.manage',
  'POST /v1/users': 'users.manage',
  'GET /v1/users/:id': 'users.manage',
  'PATCH /v1/users/:id': 'users.manage',

  'GET /v1/stores': 'stores.read',
  'POST /v1/stores': 'stores.manage',
  'GET /v1/stores/:id': 'stores.read',
  'PATCH /v1/stores/:id': 'stores.manage',
  'DELETE /v1/stores/:id': 'stores.manage',
  'GET /v1/stores/:id/sync': 'stores.read',
  'POST /v1/stores/:id/sync': 'stores.manage',
  'POST /shopify/connect-token': 'stores.manage',
  'POST /woocommerce/connect-token': 'stores.manage',
  'GET /woocommerce/connect': 'stores.manage',

  'GET /v1/orders': 'orders.read',
  'GET /v1/orders/:id': 'orders.read',
  'POST /v1/orders/:id/fulfillments': 'orders.fulfill',
  'POST /v1/orders/bulk': 'orders.update',

  'GET /v1/views': 'views.manage',
  'POST /v1/views': 'views.manage',
  'GET /v1/views/:id': 'views.manage',
  'PATCH /v1/views/:id': 'views.manage',
  'DELETE /v1/views/:id': 'views.manage',

  'GET /v1/products': 'products.read',
  'GET /v1/products/:id': 'products.read',
  'GET /v1/customers': 'customers.read',
  'GET /v1/customers/:id': 'customers.read',

  'GET /v1/inventory': 'inventory.read',
  'GET /v1/inventory/ledger': 'inventory.read',
  'PUT /v1/inventory/thresholds': 'inventory.thresholds.write',
  'GET /v1/inventory/requests': 'inventory.requests.read',
  'POST /v1/inventory/requests': 'inventory.requests.create',
  'GET /v1/inventory/requests/:id': 'inventory.requests.read',
  'POST /v1/inventory/requests/:id/approve': 'inventory.requests.decide',
  'POST /v1/inventory/requests/:id/reject': 'inventory.requests.decide',
  'POST /v1/inventory/requests/:id/retry': 'inventory.requests.decide',

  'GET /v1/stats': 'stats.read',
  'GET /v1/stream': 'stream.read',
};

/** Refuses (403) a principal whose role may not take the route's action. */
export function authorize(route: keyof typeof ROUTE_ACTIONS & string): RequestHandler {
  const action = ROUTE_ACTIONS[route];
  if (!action) throw new Error(`${route} has no entry in ROUTE_ACTIONS (api/policy.ts)`);
  return (_req, res, next) => {
    if (!can(principalOf(res), action)) throw new ForbiddenError(`Your role may not ${action}`, { action });
    next();
  };
}
