import { describe, expect, it } from 'vitest';
import './app.ts'; // every route module registers its documentation on import
import { buildOpenApiDocument } from './openapi.ts';
import { ACTIONS, PERMISSIONS, ROUTE_ACTIONS } from './policy.ts';

/** The authenticated operations of /v1/openapi.json, as `METHOD /express/path`. */
function securedOperations(): string[] {
  const document = buildOpenApiDocument('test', 'http://localhost') as {
    paths?: Record<string, Record<string, { security?: unknown[] }>>;
  };
  return Object.entries(document.paths ?? {}).flatMap(([path, methods]) =>
    Object.entries(methods)
      .filter(([, operation]) => operation.security?.some((scheme) => 'bearer' in (scheme as object)))
      .map(([method]) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
  );
}

describe('the permission policy table', () => {
  it('names an action for every authenticated route the API documents', () => {
    const missing = securedOperations().filter((operation) => !(operation in ROUTE_ACTIONS));
    expect(missing, 'add these to ROUTE_ACTIONS in api/policy.ts').toEqual([]);
  });

  it('names no route the API does not document', () => {
    const documented = new Set(securedOperations());
    expect(Object.keys(ROUTE_ACTIONS).filter((route) => !documented.has(route))).toEqual([]);
  });

  it('gives every action to some role, and everything to owners', () => {
    for (const action of ACTIONS)
      expect(
        Object.values(PERMISSIONS).some((actions) => actions.includes(action)),
        action,
      ).toBe(true);
    expect([...PERMISSIONS.owner].sort()).toEqual([...ACTIONS].sort());
  });

  it('keeps managing people and stores from staff and merchants, and stock changes from merchants', () => {
    for (const role of ['staff', 'merchant'] as const) {
      expect(PERMISSIONS[role]).not.toContain('users.manage');
      expect(PERMISSIONS[role]).not.toContain('stores.manage');
    }
    expect(PERMISSIONS.merchant).not.toContain('inventory.requests.decide');
    expect(PERMISSIONS.merchant).not.toContain('orders.fulfill');
    expect(PERMISSIONS.merchant).not.toContain('inventory.thresholds.write');
  });
});
