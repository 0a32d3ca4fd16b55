import { expect } from 'chai';
import { html, LitElement } from 'lit';
import { DockhandElement } from '../core/dockhand-element.ts';
import type { DockhandClient } from '../core/dockhand-client.ts';
import { ConsoleHost, REFRESH_MARGIN_SECONDS } from '../hosts/console-host.ts';
import '../index.ts';
import { axeViolations, cleanup, createFixture, mount, until, type Fixture } from '../testing/fixture.ts';
import type { DhProvider } from './provider.ts';

/** A nested element that shows what it was given. */
class ProbeElement extends DockhandElement {
  override render() {
    return html`<p>${this.l10n.t('orders.label')} ${this.principal ? 'signed-in' : 'anonymous'} ${this.theme}</p>`;
  }
}
customElements.define('dh-test-probe', ProbeElement);
void LitElement;

describe('<dh-provider>', () => {
  let fixture: Fixture;
  before(async () => {
    fixture = await createFixture();
  });
  afterEach(() => {
    cleanup();
    document.documentElement.lang = 'en';
    document.documentElement.dir = '';
  });

  it('gives nested elements the client and the signed-in principal, and announces dh-ready', async () => {
    const provider = await mount<DhProvider>(`<dh-provider><section><dh-test-probe></dh-test-probe></section></dh-provider>`);
    const ready = new Promise<CustomEvent>((resolve) =>
      provider.addEventListener('dh-ready', resolve as EventListener, { once: true }),
    );
    provider.token = fixture.token;
    const event = await ready;
    expect((event.detail.principal as { email: string }).email).to.equal(fixture.email);
    const probe = provider.querySelector('dh-test-probe') as ProbeElement;
    await until(() => probe.principal !== undefined, 5_000, 'principal');
    expect(probe.client).to.equal(provider.client);
    await probe.updateComplete;
    expect(probe.shadowRoot!.textContent).to.contain('signed-in');
  });

  it('answers a context request made with the plain string key, as a separately loaded copy would', async () => {
    const provider = await mount<DhProvider>(`<dh-provider token="${fixture.token}"><span></span></dh-provider>`);
    let received: DockhandClient | undefined;
    // The community context protocol's event, built by hand as any other implementation would.
    const request = Object.assign(new Event('context-request', { bubbles: true, composed: true }), {
      context: 'dh-client',
      contextTarget: provider.querySelector('span'),
      callback: (value: unknown) => (received = value as DockhandClient),
      subscribe: false,
    });
    provider.querySelector('span')!.dispatchEvent(request);
    expect(received).to.equal(provider.client);
  });

  it('gives a getToken() callback the first word and asks it again after a 401', async () => {
    let calls = 0;
    const provider = await mount<DhProvider>(`<dh-provider></dh-provider>`);
    provider.getToken = () => (++calls === 1 ? 'not-a-token' : fixture.token);
    await provider.updateComplete;
    const me = await provider.client!.api.get('/v1/auth/me');
    expect(me.data.email).to.equal(fixture.email);
    expect(calls).to.be.greaterThan(1);
  });

  it('follows the host page language and direction, right-to-left included, and their changes', async () => {
    document.documentElement.lang = 'ar';
    document.documentElement.dir = 'rtl';
    const provider = await mount<DhProvider>(
      `<dh-provider token="${fixture.token}"><dh-test-probe></dh-test-probe></dh-provider>`,
    );
    const probe = provider.querySelector('dh-test-probe') as ProbeElement;
    await probe.updateComplete;
    expect(probe.getAttribute('dir')).to.equal('rtl');
    expect(probe.shadowRoot!.textContent).to.contain('الطلبات');
    document.documentElement.lang = 'en';
    document.documentElement.dir = 'ltr';
    await until(() => probe.l10n.language === 'en', 2_000, 'the locale to follow the page');
    await probe.updateComplete;
    expect(probe.getAttribute('dir')).to.equal('ltr');
    expect(probe.shadowRoot!.textContent).to.contain('Orders');
  });

  it('sets the theme tokens of a preset for everything inside it', async () => {
    const provider = await mount<DhProvider>(`<dh-provider theme="wordpress"><dh-test-probe></dh-test-probe></dh-provider>`);
    const probe = provider.querySelector('dh-test-probe') as ProbeElement;
    await probe.updateComplete;
    expect(getComputedStyle(probe).getPropertyValue('--dh-color-accent').trim()).to.equal('#2271b1');
    expect(probe.theme).to.equal('wordpress');
    provider.theme = 'shopify';
    await provider.updateComplete;
    expect(getComputedStyle(probe).getPropertyValue('--dh-color-accent').trim()).to.equal('#303030');
    provider.removeAttribute('theme');
    await provider.updateComplete;
    expect(getComputedStyle(probe).getPropertyValue('--dh-color-accent').trim()).to.equal('#0969da');
  });

  it('has no axe violations', async () => {
    const provider = await mount<DhProvider>(
      `<dh-provider token="${fixture.token}"><dh-test-probe></dh-test-probe></dh-provider>`,
    );
    await (provider.querySelector('dh-test-probe') as ProbeElement).updateComplete;
    expect(await axeViolations(provider)).to.deep.equal([]);
  });
});

describe('loading Dockhand twice', () => {
  it('neither throws nor replaces the elements already defined', async () => {
    const first = customElements.get('dh-order-table');
    const warnings: unknown[] = [];
    const warn = console.warn;
    console.warn = (...args: unknown[]) => warnings.push(args);
    try {
      // Another URL is another module instance: everything evaluates and registers again.
      await import(/* @vite-ignore */ `../index.ts?copy=${Date.now()}`);
    } finally {
      console.warn = warn;
    }
    expect(customElements.get('dh-order-table')).to.equal(first);
    expect(warnings).to.deep.equal([]);
  });
});

describe('the console host adapter', () => {
  it('signs in, schedules the refresh before expiry, and refreshes through the cookie', async () => {
    const fixture = await createFixture();
    const tokens: Array<string | null> = [];
    const host = new ConsoleHost('', (token) => tokens.push(token));
    await host.signIn({ email: fixture.email, password: fixture.password });
    expect(host.refreshDueInMs).to.equal((900 - REFRESH_MARGIN_SECONDS) * 1000);
    expect(await host.getToken()).to.be.a('string');
    const second = await host.refresh();
    expect(second).to.be.a('string');
    const me = await fetch('/v1/auth/me', { headers: { authorization: `Bearer ${second}` } });
    expect(me.status).to.equal(200);
    expect(tokens).to.have.length(2);
    await host.signOut();
    expect(await host.getToken()).to.equal(null);
    // The cookie went with the sign-out: nothing left to refresh with.
    expect(await host.refresh()).to.equal(null);
  });
});
