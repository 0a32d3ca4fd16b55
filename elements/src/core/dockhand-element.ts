import { ContextConsumer } from '@lit/context';
import { LitElement, type PropertyValues } from 'lit';
import { clientContext, localeContext, principalContext, themeContext } from './context.ts';
import type { DockhandClient, Principal } from './dockhand-client.ts';
import { hostLocale, localizer, watchLocale, type Localizer } from './i18n.ts';
import type { ThemeName } from './theme.ts';

/**
 * The base of every Dockhand element: takes the client, principal, locale and theme from the
 * nearest `<dh-provider>` (any copy of Dockhand's), and without one follows the host page's
 * `lang`/`dir` on its own (and their changes, and locales registered later).
 */
export class DockhandElement extends LitElement {
  private readonly clientConsumer = new ContextConsumer(this, {
    context: clientContext,
    subscribe: true,
    callback: (client) => this.clientChanged(client),
  });
  private readonly principalConsumer = new ContextConsumer(this, { context: principalContext, subscribe: true });
  private readonly localeConsumer = new ContextConsumer(this, { context: localeContext, subscribe: true });
  private readonly themeConsumer = new ContextConsumer(this, { context: themeContext, subscribe: true });
  private ownLocalizer: Localizer | undefined;
  private stopWatchingLocale: (() => void) | undefined;

  get client(): DockhandClient | undefined {
    return this.clientConsumer.value;
  }

  get principal(): Principal | undefined {
    return this.principalConsumer.value;
  }

  get l10n(): Localizer {
    return this.localeConsumer.value ?? (this.ownLocalizer ??= this.hostLocalizer());
  }

  get theme(): ThemeName {
    return this.themeConsumer.value ?? 'neutral';
  }

  private hostLocalizer(): Localizer {
    // From the parent: the element's own lang/dir attributes are set from this answer.
    const host = hostLocale(this.parentElement ?? document.documentElement);
    return localizer(host.locale, host.dir);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.stopWatchingLocale = watchLocale(() => this.followHostLocale());
    this.followHostLocale();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.stopWatchingLocale?.();
  }

  /** Without a provider, renders again when the host page's locale (or its registered strings) changed. */
  private followHostLocale(): void {
    if (this.localeConsumer.value || !this.ownLocalizer) return;
    const next = this.hostLocalizer();
    if (next === this.ownLocalizer) return;
    this.ownLocalizer = next;
    this.requestUpdate();
  }

  /** Called when the provider's client arrives or changes (a new token source): reload here. */
  protected clientChanged(_client: DockhandClient | undefined): void {}

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    const dir = this.l10n.dir;
    if (this.getAttribute('dir') !== dir) this.setAttribute('dir', dir);
    const lang = this.l10n.locale;
    if (this.getAttribute('lang') !== lang) this.setAttribute('lang', lang);
  }
}
