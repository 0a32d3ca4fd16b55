import { expect } from 'chai';
import { registerLocale, registeredLocales } from '../index.ts';
import type { DhDashboard } from '../dashboard/dashboard.ts';
import type { DhInventoryApprovals } from '../inventory-approvals/inventory-approvals.ts';
import type { DhOrderTable } from '../order-table/order-table.ts';
import type { DhProvider } from '../provider/provider.ts';
import type { DhSignIn } from '../sign-in/sign-in.ts';
import { axeViolations, cleanup, createFixture, mount, until, type Fixture } from '../testing/fixture.ts';

type Rendered = HTMLElement & { updateComplete: Promise<unknown> };

interface Page {
  signIn: DhSignIn;
  table: DhOrderTable;
  approvals: DhInventoryApprovals;
  dashboard: DhDashboard;
}

/** Every element on one page: the three data elements under a provider, the sign-in form on its own (as the console has it). */
async function mountEverything(fixture: Fixture): Promise<Page> {
  const container = await mount<HTMLElement>(`<div>
      <dh-sign-in></dh-sign-in>
      <dh-provider token="${fixture.token}">
        <dh-order-table></dh-order-table>
        <dh-inventory-approvals mode="admin"></dh-inventory-approvals>
        <dh-dashboard sections="counts"></dh-dashboard>
      </dh-provider>
    </div>`);
  const page: Page = {
    signIn: container.querySelector('dh-sign-in')!,
    table: container.querySelector('dh-order-table')!,
    approvals: container.querySelector('dh-inventory-approvals')!,
    dashboard: container.querySelector('dh-dashboard')!,
  };
  await until(() => container.querySelector<DhProvider>('dh-provider')!.principal !== undefined, 10_000, 'the principal');
  await Promise.all(Object.values(page).map((element: Rendered) => element.updateComplete));
  return page;
}

/** What an element shows, its attributes (aria-label) included. */
const shown = (element: Element) => element.shadowRoot!.innerHTML;

/** Resolves once every element shows its expected string (each renders on its own schedule). */
async function untilShown(page: Page, expected: Partial<Record<keyof Page, string>>, what: string): Promise<void> {
  await until(
    () => (Object.keys(expected) as (keyof Page)[]).every((name) => shown(page[name]).includes(expected[name]!)),
    10_000,
    what,
  );
}

const GERMAN = {
  'signIn.title': 'Anmelden',
  'signIn.email': 'E-Mail',
  'orders.label': 'Bestellungen',
  'orders.search': 'Bestellungen durchsuchen',
  'approvals.label': 'Bestandsanfragen',
  'dashboard.label': 'Übersicht',
  'dashboard.counts': 'Auf einen Blick',
};

describe('registerLocale: a locale a host page adds, for every element', () => {
  let fixture: Fixture;
  before(async () => {
    fixture = await createFixture({ orders: 3, stores: 1 });
  });
  afterEach(() => {
    cleanup();
    document.documentElement.lang = 'en';
    document.documentElement.dir = '';
  });

  it('renders every element again in a locale registered after they rendered; a missing key stays English', async () => {
    document.documentElement.lang = 'de-AT';
    const page = await mountEverything(fixture);
    // Nothing registered for German yet: English throughout.
    await untilShown(
      page,
      { signIn: 'Sign in', table: 'Search orders', approvals: 'Inventory requests', dashboard: 'At a glance' },
      'English before the registration',
    );

    registerLocale('de', GERMAN, { dir: 'ltr' });
    await untilShown(
      page,
      { signIn: 'Anmelden', table: 'Bestellungen durchsuchen', approvals: 'Bestandsanfragen', dashboard: 'Auf einen Blick' },
      'German in every element',
    );
    expect(registeredLocales()).to.include('de');
    for (const element of Object.values(page)) {
      expect(element.getAttribute('lang')).to.equal('de-AT');
      expect(element.getAttribute('dir')).to.equal('ltr');
    }
    // Keys the German locale lacks fall back to English one by one.
    expect(page.signIn.shadowRoot!.querySelector('button[type=submit]')!.textContent!.trim()).to.equal('Sign in');
    expect(page.signIn.shadowRoot!.querySelector('input[name=email]')!.closest('label')!.textContent).to.contain('E-Mail');
    expect(shown(page.table)).to.contain('Columns');
    // Numbers follow the locale too.
    expect(page.table.l10n.number(1234.5)).to.equal(new Intl.NumberFormat('de-AT').format(1234.5));
    // A tag written as some pages do (an underscore) is read as the language it means.
    document.documentElement.lang = 'de_DE';
    await until(() => page.signIn.getAttribute('lang') === 'de-DE', 5_000, 'de_DE read as de-DE');
    expect(shown(page.signIn)).to.contain('Anmelden');
  });

  it('switches every element, the sign-in form without a provider included, when the page takes a registered language', async () => {
    registerLocale('nl', {
      'signIn.title': 'Inloggen',
      'orders.search': 'Bestellingen zoeken',
      'approvals.label': 'Voorraadverzoeken',
      'dashboard.counts': 'In één oogopslag',
    });
    const page = await mountEverything(fixture);
    expect(shown(page.signIn)).to.contain('Sign in');
    document.documentElement.lang = 'nl';
    await untilShown(
      page,
      { signIn: 'Inloggen', table: 'Bestellingen zoeken', approvals: 'Voorraadverzoeken', dashboard: 'In één oogopslag' },
      'Dutch in every element',
    );
    expect(await axeViolations(page.signIn)).to.deep.equal([]);
    document.documentElement.lang = 'en';
    await untilShown(
      page,
      { signIn: 'Sign in', table: 'Search orders', approvals: 'Inventory requests', dashboard: 'At a glance' },
      'English again',
    );
  });

  it('lays every element out right-to-left for a locale registered with dir: rtl', async () => {
    // Central Kurdish is written right to left, but Dockhand does not know that by itself.
    registerLocale('ckb', { 'orders.label': 'داواکارییەکان', 'signIn.title': 'چوونەژوورەوە' }, { dir: 'rtl' });
    document.documentElement.lang = 'ckb';
    const page = await mountEverything(fixture);
    await untilShown(page, { signIn: 'چوونەژوورەوە', table: 'داواکارییەکان' }, 'Kurdish');
    for (const element of Object.values(page)) {
      expect(element.getAttribute('dir'), element.localName).to.equal('rtl');
      expect(getComputedStyle(element).direction, element.localName).to.equal('rtl');
    }
    // The grid's first column sits at the right: the layout flipped, not only the attribute.
    await until(() => page.table.shadowRoot!.querySelectorAll('[role=columnheader]').length > 1, 10_000, 'the headers');
    const [first, second] = page.table.shadowRoot!.querySelectorAll('[role=columnheader]');
    expect(first!.getBoundingClientRect().left).to.be.greaterThan(second!.getBoundingClientRect().left);
    // The sign-in form's title starts at its right edge too.
    const title = page.signIn.shadowRoot!.querySelector('h2')!;
    const text = document.createRange();
    text.selectNodeContents(title);
    const box = title.getBoundingClientRect();
    expect(box.right - text.getBoundingClientRect().right).to.be.lessThan(text.getBoundingClientRect().left - box.left);
    // A key the locale lacks is English, right-to-left or not.
    expect(shown(page.table)).to.contain('Search orders');
  });

  it('lets a host override Dockhand’s own strings, and keeps the rest', async () => {
    registerLocale('en', { 'orders.search': 'Search sales' });
    registerLocale('ar', { 'orders.search': 'ابحث في المبيعات' });
    const page = await mountEverything(fixture);
    await untilShown(
      page,
      { signIn: 'Sign in', table: 'Search sales', approvals: 'Inventory requests', dashboard: 'At a glance' },
      'the override',
    );
    document.documentElement.lang = 'ar';
    await untilShown(
      page,
      { signIn: 'تسجيل الدخول', table: 'ابحث في المبيعات', approvals: 'طلبات المخزون', dashboard: 'نظرة سريعة' },
      'Arabic with its override',
    );
    expect(page.table.getAttribute('dir')).to.equal('rtl');
  });

  it('takes only the keys Dockhand has (checked by TypeScript) and refuses what is not a language tag', () => {
    // @ts-expect-error: not a message key of any element.
    registerLocale('fr', { 'orders.nope': 'Non' });
    expect(() => registerLocale('not a tag!', {})).to.throw(RangeError);
  });
});
