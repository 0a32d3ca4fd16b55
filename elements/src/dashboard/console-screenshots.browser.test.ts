/**
 * Pictures of the fulfillment console (embed-demo/console) for the README: its dashboard, orders
 * and approvals, in the neutral, Shopify admin and WordPress admin themes, and once in Arabic,
 * right to left — signed in against the real bridge, with a fixed catalog and a merchant's stock
 * correction waiting for approval. Written to docs/screenshots/console-*.png.
 */
import { executeServerCommand, setViewport } from '@web/test-runner-commands';
import { expect } from 'chai';
import type { DhDashboard } from './dashboard.ts';
import type { DhInventoryApprovals, InventoryLevel } from '../inventory-approvals/inventory-approvals.ts';
import { closeConsole, consoleApp, openConsole, signInToConsole } from '../testing/console.ts';
import { callApi, createFixture, until, type Fixture } from '../testing/fixture.ts';

const WIDTH = 1280;
const HEIGHT = 800;

const app = consoleApp;

interface Shot {
  name: string;
  view: 'dashboard' | 'orders' | 'approvals';
  theme: 'neutral' | 'shopify' | 'wordpress';
  language: 'en' | 'ar';
}

const SHOTS: Shot[] = [
  { name: 'console-dashboard', view: 'dashboard', theme: 'neutral', language: 'en' },
  { name: 'console-orders-shopify', view: 'orders', theme: 'shopify', language: 'en' },
  { name: 'console-approvals-wordpress', view: 'approvals', theme: 'wordpress', language: 'en' },
  { name: 'console-orders-arabic-rtl', view: 'orders', theme: 'neutral', language: 'ar' },
];

/** Picks a value in one of the console's header selects (theme, then language), as a person would. */
function choose(index: number, value: string): void {
  const select = app().querySelectorAll<HTMLSelectElement>('header select')[index]!;
  if (select.value === value) return;
  select.value = value;
  select.dispatchEvent(new Event('change'));
}

/** Waits until the view's element has its data, so the picture shows it rather than a spinner. */
async function ready(view: Shot['view'], fixture: Fixture): Promise<void> {
  if (view === 'dashboard') {
    const dashboard = app().querySelector<DhDashboard>('dh-dashboard')!;
    await until(() => dashboard.stats !== undefined, 10_000, 'the dashboard numbers');
  } else if (view === 'orders') {
    const table = app().querySelector('dh-order-table')!;
    await until(() => table.source.complete && table.rows.length === fixture.orderCount, 15_000, 'the orders');
  } else {
    const panel = app().querySelector<DhInventoryApprovals>('dh-inventory-approvals')!;
    await until(() => (panel.shadowRoot?.querySelectorAll('[part~=request]').length ?? 0) > 0, 10_000, 'the approval queue');
  }
  // Fonts and the last layout settle before the picture is taken.
  await document.fonts.ready;
  await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
}

describe('the fulfillment console, pictured for the README', () => {
  let fixture: Fixture;

  before(async () => {
    await setViewport({ width: WIDTH, height: HEIGHT });
    fixture = await createFixture({ orders: 40, stores: 2, catalog: true });
    // A stock correction waiting for approval, so the approvals view has something to show.
    const stock = await callApi<{ data: InventoryLevel[] }>(
      fixture,
      'GET',
      `/v1/inventory?store=${fixture.storeIds[0]}&limit=50`,
    );
    const level = stock.body.data.find((candidate) => candidate.sku === 'DH-LAMP-M')!;
    expect(level, 'the seeded catalog').to.not.equal(undefined);
    // Asked by a merchant of the store (a fixed name: the picture stays the same from run to run).
    const merchant = { email: 'jordan@northwind.example', password: 'merchant gallops past the battery staple' };
    const created = await callApi(fixture, 'POST', '/v1/users', {
      ...merchant,
      role: 'merchant',
      storeIds: [fixture.storeIds[0]],
    });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    const login = await fetch('/v1/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(merchant),
    });
    const session = (await login.json()) as { data: { accessToken: string } };
    const made = await callApi({ token: session.data.accessToken } as Fixture, 'POST', '/v1/inventory/requests', {
      variantId: level.variantId,
      locationId: level.locationId,
      delta: -3,
      reason: 'Three damaged in the warehouse',
    });
    expect(made.status, JSON.stringify(made.body)).to.equal(201);
    await openConsole({ stylesheet: true });
    await signInToConsole(fixture);
  });

  after(async () => {
    choose(1, 'en');
    closeConsole();
    await fetch('/v1/auth/logout', { method: 'POST', credentials: 'include' });
  });

  it('writes docs/screenshots/console-*.png: dashboard, orders, approvals, three themes, right to left', async () => {
    const pictures: string[] = [];
    for (const shot of SHOTS) {
      choose(0, shot.theme);
      choose(1, shot.language);
      location.hash = `#/${shot.view}`;
      await until(() => app().querySelector('a[aria-current=page]')?.getAttribute('href') === `#/${shot.view}`, 2_000, shot.view);
      await until(() => document.documentElement.dir === (shot.language === 'ar' ? 'rtl' : 'ltr'), 2_000, 'the direction');
      expect(app().querySelector('dh-provider')!.getAttribute('theme')).to.equal(shot.theme);
      await ready(shot.view, fixture);
      const png = await executeServerCommand<string, Record<string, unknown>>('dockhand-screenshot', {
        x: 0,
        y: 0,
        width: WIDTH,
        height: HEIGHT,
        name: shot.name,
      });
      pictures.push(png!);
    }
    // Each picture shows something different (a blank or repeated page would not).
    expect(new Set(pictures).size).to.equal(SHOTS.length);
  });
});
