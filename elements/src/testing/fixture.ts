/**
 * Browser-test helpers. The test runner's dev server starts a real bridge server and answers
 * `POST /__dockhand/fixture` with a fresh organization (see test/support/bridge-fixture.ts);
 * `/v1/*` on the page's own origin reaches that server.
 */
export interface Fixture {
  orgId: string;
  email: string;
  password: string;
  token: string;
  storeIds: string[];
  orderCount: number;
  woo?: { storeId: string; siteId: string; orders: number };
}

export async function createFixture(
  request: { orders?: number; stores?: number; woo?: boolean; catalog?: boolean } = {},
): Promise<Fixture> {
  const response = await fetch('/__dockhand/fixture', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(request),
  });
  if (!response.ok) throw new Error(`fixture: ${response.status} ${await response.text()}`);
  return (await response.json()) as Fixture;
}

/** Changes an order's status on the emulated WooCommerce site, whose webhook then reaches the server. */
export async function changeWooOrder(change: { siteId: string; orderId: number; status: string }): Promise<void> {
  const response = await fetch('/__dockhand/woo-change', { method: 'POST', body: JSON.stringify(change) });
  if (!response.ok) throw new Error(`woo change: ${response.status} ${await response.text()}`);
}

/** Calls the bridge server as the fixture's owner, outside any element (to make changes under test). */
export async function callApi<T = unknown>(
  fixture: Fixture,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const response = await fetch(path, {
    method,
    headers: { authorization: `Bearer ${fixture.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
}

/** Mounts markup in a fresh container and answers its first element once it has rendered. */
export async function mount<T extends HTMLElement>(html: string): Promise<T> {
  const container = document.createElement('div');
  container.innerHTML = html;
  document.body.append(container);
  const element = container.firstElementChild as T & { updateComplete?: Promise<unknown> };
  await element.updateComplete;
  return element;
}

export function cleanup(): void {
  document.body.replaceChildren();
}

/** Resolves when `predicate` is true, checked after every animation frame; rejects after `timeoutMs`. */
export async function until(predicate: () => boolean, timeoutMs = 5_000, what = 'condition'): Promise<void> {
  const started = performance.now();
  while (!predicate()) {
    if (performance.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => requestAnimationFrame(resolve));
  }
}

/** Runs axe-core on an element (shadow roots included) and answers its violations. */
export async function axeViolations(element: Element): Promise<Array<{ id: string; help: string; nodes: unknown[] }>> {
  // axe-core is a UMD script: loaded as a module it installs itself on window.
  await import('axe-core');
  const axe = (window as unknown as { axe: typeof import('axe-core') }).axe;
  const result = await axe.run(element, { resultTypes: ['violations'] });
  return result.violations.map((violation) => ({
    id: violation.id,
    help: violation.help,
    nodes: violation.nodes.map((node) => node.target),
  }));
}
