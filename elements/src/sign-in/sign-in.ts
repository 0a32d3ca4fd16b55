import { css, html, nothing, type TemplateResult } from 'lit';
import { ApiError } from '../core/api-client.ts';
import { emit } from '../core/define.ts';
import { DockhandElement } from '../core/dockhand-element.ts';
import { baseStyles } from '../core/theme.ts';
import { ConsoleHost } from '../hosts/console-host.ts';

export interface SignedInDetail {
  /** The console adapter, signed in: hand it to `<dh-provider>` as `tokenSource`. */
  host: ConsoleHost;
}

/**
 * The console host adapter's sign-in form: email and password, then a one-time code when the
 * account has two-factor sign-in on. The access token stays in memory; the refresh cookie renews it.
 *
 * @tagname dh-sign-in
 * @event dh-signed-in - Signed in (`detail.host` is the token source for `<dh-provider>`).
 * @csspart form - The form.
 * @csspart error - The error message.
 */
export class DhSignIn extends DockhandElement {
  static override styles = [
    baseStyles,
    css`
      form {
        display: grid;
        gap: var(--dh-space, 8px);
        max-width: 360px;
        padding: calc(var(--dh-space, 8px) * 2);
        border: 1px solid var(--dh-color-border, #d1d9e0);
        border-radius: var(--dh-radius, 6px);
        background: var(--dh-color-surface, #fff);
      }
      h2 {
        margin: 0;
        font-size: 1.25em;
      }
      label {
        display: grid;
        gap: 2px;
      }
      .error {
        color: var(--dh-color-critical, #d1242f);
      }
    `,
  ];
  static override properties = {
    baseUrl: { attribute: 'base-url' },
    needsCode: { state: true },
    error: { state: true },
    busy: { state: true },
  };

  /** Where the bridge server is; by default the page's own origin. */
  declare baseUrl: string;
  declare needsCode: boolean;
  declare error: string | undefined;
  declare busy: boolean;

  constructor() {
    super();
    this.baseUrl = '';
    this.needsCode = false;
    this.busy = false;
  }

  private async onSubmit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const host = new ConsoleHost(this.baseUrl);
    this.busy = true;
    this.error = undefined;
    try {
      const totp = String(form.get('totp') ?? '').trim();
      await host.signIn({
        email: String(form.get('email') ?? ''),
        password: String(form.get('password') ?? ''),
        ...(totp ? { totp } : {}),
      });
      emit<SignedInDetail>(this, 'dh-signed-in', { host });
    } catch (error) {
      if (error instanceof ApiError && error.details['totpRequired'] === true && !this.needsCode) {
        this.needsCode = true;
        await this.updateComplete;
        this.renderRoot.querySelector<HTMLInputElement>('input[name=totp]')?.focus();
      } else {
        this.error = this.l10n.t('signIn.failed', { message: error instanceof Error ? error.message : String(error) });
      }
    } finally {
      this.busy = false;
    }
  }

  override render(): TemplateResult {
    const t = this.l10n.t.bind(this.l10n);
    return html`<form part="form" aria-labelledby="title" @submit=${this.onSubmit}>
      <h2 id="title">${t('signIn.title')}</h2>
      <label>${t('signIn.email')} <input name="email" type="email" autocomplete="username" required /></label>
      <label>${t('signIn.password')} <input name="password" type="password" autocomplete="current-password" required /></label>
      ${
        this.needsCode
          ? html`<label
              >${t('signIn.totp')}
              <input
                name="totp"
                inputmode="numeric"
                autocomplete="one-time-code"
                pattern="[0-9]{6}"
                maxlength="6"
                required
                aria-describedby="hint"
              />
              <span id="hint">${t('signIn.totpHint')}</span></label
            >`
          : nothing
      }
      ${this.error ? html`<p class="error" part="error" role="alert">${this.error}</p>` : nothing}
      <button class="primary" type="submit" ?disabled=${this.busy}>${t('signIn.submit')}</button>
    </form>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'dh-sign-in': DhSignIn;
  }
  interface HTMLElementEventMap {
    'dh-signed-in': CustomEvent<SignedInDetail>;
  }
}
