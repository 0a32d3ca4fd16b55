import { ContextProvider } from '@lit/context';
import { html, LitElement, type PropertyValues } from 'lit';
import { clientContext, localeContext, principalContext, themeContext } from '../core/context.ts';
import { DockhandClient, type Principal } from '../core/dockhand-client.ts';
import { emit } from '../core/define.ts';
import { hostLocale, localizer, watchLocale, type Localizer } from '../core/i18n.ts';
import { THEMES, themePresets, type ThemeName } from '../core/theme.ts';
import type { TokenSource } from '../core/api-client.ts';
import { TokenHost } from '../hosts/token-host.ts';
import { css } from 'lit';

export interface ProviderReadyDetail {
  principal: Principal | undefined;
}

/**
 * Gives every nested Dockhand element its API client, the signed-in principal, the locale and the
 * theme. Without `locale`, it follows the host page's `lang` and `dir` (and their changes).
 *
 * @tagname dh-provider
 * @slot - The Dockhand elements (and anything else) it provides for.
 * @event dh-ready - The principal is known (`detail.principal`), or the token was refused (undefined).
 * @event dh-error - The principal could not be loaded (`detail.error`).
 * @cssprop --dh-font-family, --dh-color-accent, … - The theme tokens; a preset sets them all.
 */
export class DhProvider extends LitElement {
  static override properties = {
    baseUrl: { attribute: 'base-url' },
    token: {},
    locale: {},
    theme: { reflect: true },
    getToken: { attribute: false },
    tokenSource: { attribute: false },
  };

  static override styles = [
    themePresets,
    css`
      :host {
        display: contents;
      }
    `,
  ];

  /** Where the bridge server is; by default the page's own origin. */
  declare baseUrl: string;
  /** A fixed access token (the `token` host adapter). */
  declare token: string | null;
  /** A locale such as `ar` or `en-GB`; empty follows the host page. */
  declare locale: string;
  declare theme: ThemeName;
  /** A callback answering a fresh token (the `token` host adapter, for ERP pages). */
  declare getToken: (() => string | null | Promise<string | null>) | undefined;
  /** Any other token source (the console adapter). */
  declare tokenSource: TokenSource | undefined;

  private readonly clientProvider = new ContextProvider(this, { context: clientContext, initialValue: undefined });
  private readonly principalProvider = new ContextProvider(this, { context: principalContext, initialValue: undefined });
  private readonly localeProvider = new ContextProvider(this, { context: localeContext, initialValue: localizer('en') });
  private readonly themeProvider = new ContextProvider(this, { context: themeContext, initialValue: 'neutral' as ThemeName });

  /** The client nested elements use (undefined until a token source is given). */
  get client(): DockhandClient | undefined {
    return this.clientProvider.value;
  }
  private set client(value: DockhandClient | undefined) {
    this.clientProvider.setValue(value);
  }
  get principal(): Principal | undefined {
    return this.principalProvider.value;
  }
  private set principal(value: Principal | undefined) {
    this.principalProvider.setValue(value);
  }
  get localizer(): Localizer {
    return this.localeProvider.value;
  }
  private set localizer(value: Localizer) {
    this.localeProvider.setValue(value);
    // The provider's own box follows too, so slotted light-DOM content lays out in the same direction.
    this.setAttribute('dir', value.dir);
  }
  get themeName(): ThemeName {
    return this.themeProvider.value;
  }
  private set themeName(value: ThemeName) {
    this.themeProvider.setValue(value);
  }

  private stopWatchingLocale: (() => void) | undefined;

  constructor() {
    super();
    this.baseUrl = '';
    this.token = null;
    this.locale = '';
    this.theme = 'neutral';
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.followHost();
    // The host page may switch language or direction, or register a locale, at any time.
    this.stopWatchingLocale = watchLocale(() => this.followHost());
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.stopWatchingLocale?.();
    this.client?.close();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('locale')) this.followHost();
    if (changed.has('theme')) this.themeName = (THEMES as readonly string[]).includes(this.theme) ? this.theme : 'neutral';
    if (changed.has('baseUrl') || changed.has('token') || changed.has('getToken') || changed.has('tokenSource'))
      this.connectClient();
  }

  private followHost(): void {
    const host = hostLocale(this.parentElement ?? this);
    const next = this.locale ? localizer(this.locale) : localizer(host.locale, host.dir);
    if (next !== this.localizer) this.localizer = next;
  }

  private connectClient(): void {
    this.client?.close();
    const source =
      this.tokenSource ?? (this.getToken ? new TokenHost(this.getToken) : this.token ? TokenHost.fixed(this.token) : undefined);
    if (!source) {
      this.client = undefined;
      this.principal = undefined;
      return;
    }
    const client = new DockhandClient(this.baseUrl, source);
    this.client = client;
    client.principal().then(
      (principal) => {
        if (this.client !== client) return;
        this.principal = principal;
        emit<ProviderReadyDetail>(this, 'dh-ready', { principal });
      },
      (error: unknown) => {
        if (this.client !== client) return;
        this.principal = undefined;
        emit(this, 'dh-error', { error });
      },
    );
  }

  override render() {
    return html`<slot></slot>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'dh-provider': DhProvider;
  }
  interface HTMLElementEventMap {
    'dh-ready': CustomEvent<ProviderReadyDetail>;
    'dh-error': CustomEvent<{ error: unknown }>;
  }
}
