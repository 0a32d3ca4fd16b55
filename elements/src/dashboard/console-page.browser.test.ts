/**
 * The fulfillment console page of the demo (embed-demo/console), driven in the browser against the
 * real bridge: it lives beside the dashboard's tests because the test runner serves the repository
 * and runs the elements' browser tests.
 */
import { expect } from 'chai';
import type { DhDashboard } from './dashboard.ts';
import { closeConsole, consoleApp, openConsole, signInToConsole } from '../testing/console.ts';
import { axeViolations, createFixture, until, type Fixture } from '../testing/fixture.ts';

const app = consoleApp;
/** What the console page puts on window for diagnostics. */
const consolePage = () =>
  (window as unknown as { dockhandConsole: { host(): { refresh(): Promise<string | null> } } }).dockhandConsole;

async function show(view: string): Promise<void> {
  location.hash = `#/${view}`;
  await until(() => app().querySelector('a[aria-current=page]')?.getAttribute('href') === `#/${view}`, 2_000, `the ${view} view`);
}

describe('the fulfillment console page', () => {
  let fixture: Fixture;

  before(async () => {
    fixture = await createFixture({ orders: 30 });
    await openConsole();
  });
  after(() => closeConsole());

  it('signs in with <dh-sign-in> and opens on the live dashboard', async () => {
    await signInToConsole(fixture);
    const dashboard = app().querySelector<DhDashboard>('dh-dashboard')!;
    await until(() => dashboard.stats !== undefined, 10_000, 'the numbers');
    expect(app().querySelector('a[aria-current=page]')!.textContent).to.equal('Dashboard');
    expect([...app().querySelectorAll('nav a')].map((link) => link.textContent)).to.deep.equal([
      'Dashboard',
      'Orders',
      'Approvals',
      'Sync health',
    ]);
    // The session is kept by the refresh cookie, on the page's own origin.
    expect(await consolePage().host().refresh()).to.be.a('string');
  });

  it('shows the orders, the approval queue and the sync health of every store', async () => {
    await show('orders');
    const table = app().querySelector('dh-order-table')!;
    await until(() => table.rows.length === fixture.orderCount, 10_000, 'the orders');
    await show('approvals');
    const approvals = app().querySelector('dh-inventory-approvals')!;
    expect(approvals.mode).to.equal('admin');
    await until(() => approvals.shadowRoot?.querySelector('[part=empty]') != null, 10_000, 'the (empty) queue');
    await show('sync');
    const sync = app().querySelector<DhDashboard>('dh-dashboard')!;
    expect(sync.sections).to.equal('sync');
    await until(
      () => (sync.shadowRoot?.querySelectorAll('[part=sync] tbody tr').length ?? 0) === fixture.storeIds.length,
      10_000,
      'a row per store',
    );
  });

  it('switches to Arabic, right to left, and to the Shopify admin theme', async () => {
    await show('dashboard');
    const [theme, language] = [...app().querySelectorAll<HTMLSelectElement>('header select')];
    language!.value = 'ar';
    language!.dispatchEvent(new Event('change'));
    theme!.value = 'shopify';
    theme!.dispatchEvent(new Event('change'));
    await until(() => document.documentElement.dir === 'rtl', 2_000, 'right to left');
    const dashboard = app().querySelector<DhDashboard>('dh-dashboard')!;
    await until(() => dashboard.getAttribute('dir') === 'rtl', 2_000, 'the dashboard to follow');
    expect(app().querySelector('dh-provider')!.getAttribute('theme')).to.equal('shopify');
    expect(app().querySelector('a[aria-current=page]')!.textContent).to.equal('لوحة المعلومات');
    language!.value = 'en';
    language!.dispatchEvent(new Event('change'));
  });

  it('has no axe violations', async () => {
    await show('dashboard');
    await until(() => app().querySelector<DhDashboard>('dh-dashboard')!.stats !== undefined, 10_000, 'the numbers');
    expect((await axeViolations(app())).map((violation) => `${violation.id}: ${violation.help}`)).to.deep.equal([]);
  });

  it('signs out back to the sign-in form', async () => {
    [...app().querySelectorAll('header button')]
      .find((button) => button.textContent === 'Sign out')!
      .dispatchEvent(new MouseEvent('click'));
    await until(() => app().querySelector('dh-sign-in') !== null, 5_000, 'the sign-in form');
    expect(await consolePage().host().refresh()).to.equal(null);
  });
});
