import { expect } from 'chai';
import { cleanup, createFixture, mount, until } from '../testing/fixture.ts';

type Dockhand = typeof import('../index.ts');

/** Imports a copy of the script-tag bundle, as a host page's module script does (another URL, another copy). */
async function loadBundle(copy: string): Promise<Dockhand> {
  const url = `/__dockhand/dockhand.js?copy=${copy}`;
  return (await import(/* @vite-ignore */ url)) as Dockhand;
}

describe('registerLocale from dockhand.js, the script-tag bundle', () => {
  afterEach(() => {
    cleanup();
    document.documentElement.lang = 'en';
  });

  it('reaches every copy when the script is loaded twice, whichever copy registers', async () => {
    const first = await loadBundle('i18n-1');
    first.registerLocale('pl', { 'orders.search': 'Szukaj zamówień' });
    // A second copy of the script: another module instance, but the same page and the same locales.
    const second = await loadBundle('i18n-2');
    expect(second.registerLocale).to.not.equal(first.registerLocale);
    expect(second.registeredLocales()).to.include('pl');
    second.registerLocale('sv', { 'orders.search': 'Sök ordrar' });
    expect(first.registeredLocales()).to.include.members(['pl', 'sv']);

    const fixture = await createFixture({ orders: 2, stores: 1 });
    document.documentElement.lang = 'pl';
    // The elements on the page are the first copy's (the second one defined nothing).
    const provider = await mount<HTMLElement>(
      `<dh-provider token="${fixture.token}"><dh-order-table></dh-order-table></dh-provider>`,
    );
    const table = provider.querySelector('dh-order-table')!;
    const search = () => table.shadowRoot?.querySelector('input[type=search]')?.getAttribute('aria-label');
    await until(() => search() === 'Szukaj zamówień', 10_000, 'the Polish string registered with the first copy');
    document.documentElement.lang = 'sv';
    await until(() => search() === 'Sök ordrar', 10_000, 'the Swedish string registered with the second copy');
    // Registered after the elements rendered, through the copy that defined none of them.
    second.registerLocale('sv', { 'orders.search': 'Sök bland ordrar' });
    await until(() => search() === 'Sök bland ordrar', 10_000, 'the string registered again');
  });
});
