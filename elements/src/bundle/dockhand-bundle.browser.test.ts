import { expect } from 'chai';
import { cleanup, createFixture, until } from '../testing/fixture.ts';

/** Adds a module script tag, as a host page does, and resolves once it has run. */
function addScript(src: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const script = Object.assign(document.createElement('script'), { type: 'module', src });
    script.addEventListener('load', () => resolve(), { once: true });
    script.addEventListener('error', () => reject(new Error(`${src} did not load`)), { once: true });
    document.head.append(script);
  });
}

describe('dockhand.js, the script-tag bundle', () => {
  afterEach(cleanup);

  it('loaded twice on one page neither throws nor defines or renders anything twice', async () => {
    const errors: unknown[] = [];
    const warnings: unknown[] = [];
    const onError = (event: ErrorEvent) => errors.push(event.error ?? event.message);
    window.addEventListener('error', onError);
    const warn = console.warn;
    console.warn = (...args: unknown[]) => warnings.push(args);
    try {
      await addScript('/__dockhand/dockhand.js?copy=1');
      const first = customElements.get('dh-order-table');
      expect(first).to.not.equal(undefined);
      // A second copy: another URL is another module, so every definition runs again.
      await addScript('/__dockhand/dockhand.js?copy=2');
      expect(customElements.get('dh-order-table')).to.equal(first);
    } finally {
      console.warn = warn;
      window.removeEventListener('error', onError);
    }
    expect(errors).to.deep.equal([]);
    expect(warnings).to.deep.equal([]);

    const fixture = await createFixture({ orders: 5, stores: 1 });
    document.body.innerHTML = `<dh-provider token="${fixture.token}"><dh-order-table></dh-order-table></dh-provider>`;
    const table = document.querySelector('dh-order-table') as HTMLElement & { updateComplete: Promise<unknown> };
    await until(() => (table.shadowRoot?.querySelectorAll('.body [role=row]').length ?? 0) === 5, 10_000, 'five rows');
    // One toolbar, one grid: nothing rendered twice.
    expect(table.shadowRoot!.querySelectorAll('[role=grid]')).to.have.length(1);
    expect(table.shadowRoot!.querySelectorAll('[part=toolbar]')).to.have.length(1);
  });
});
