import { css, html, nothing, type TemplateResult } from 'lit';
import { ApiError } from '../core/api-client.ts';
import { emit } from '../core/define.ts';
import { DockhandElement } from '../core/dockhand-element.ts';
import { baseStyles } from '../core/theme.ts';
import { ConsoleHost, type OrganizationOption } from '../hosts/console-host.ts';

export interface SignedInDetail {
  /** The console adapter, signed in: hand it to `<dh-provider>` as `tokenSource`. */
  host: ConsoleHost;
  /** The organization chosen, when the email opened several. */
  organization?: OrganizationOption;
}

/**
 * The console host adapter's sign-in form: email and password, then a one-time code when the
 * account has two-factor sign-in on, then, when the email opened memberships in several
 * organizations, the list of them to choose from. The access token stays in memory; the refresh
 * cookie renews it.
 *
 * @tagname dh-sign-in
 * @event dh-signed-in - Signed in (`detail.host` is the token source for `<dh-provider>`;
 *   `detail.organization` the one chosen, when there was a choice).
 * @csspart form - The form.
 * @csspart error - The error message.
 * @csspart organizations - The choice of organizations (a list of buttons).
 * @csspart organization - One organization's button.
 */
export class DhSignIn extends DockhandElement {
  static override styles = [
    baseStyles,
    css`
      form,
      section {
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
      [hidden] {
        display: none !important;
      }
      .organizations {
        display: grid;
        gap: calc(var(--dh-space, 8px) / 2);
        margin: 0;
        padding: 0;
        list-style: none;
      }
      .organizations button {
        display: flex;
        width: 100%;
        justify-content: space-between;
        gap: var(--dh-space, 8px);
        text-align: start;
      }
      .role {
        color: var(--dh-color-text-subdued, #59636e);
      }
      p {
        margin: 0;
      }
    `,
  ];
  static override properties = {
    baseUrl: { attribute: 'base-url' },
    needsCode: { state: true },
    error: { state: true },
    busy: { state: true },
    organizations: { state: true },
  };

  /** Where the bridge server is; by default the page's own origin. */
  declare baseUrl: string;
  declare needsCode: boolean;
  declare error: string | undefined;
  declare busy: boolean;
  /** The organizations to choose from, while the email's credentials opened several. */
  declare organizations: OrganizationOption[] | undefined;
  /** The adapter that asked, kept while a choice is pending (it holds the server's selection token). */
  private pending: ConsoleHost | undefined;

  constructor() {
    super();
    this.baseUrl = '';
    this.needsCode = false;
    this.busy = false;
  }

  private async onSubmit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    if (this.busy) return;
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const host = new ConsoleHost(this.baseUrl);
    this.busy = true;
    this.error = undefined;
    try {
      const totp = String(form.get('totp') ?? '').trim();
      const result = await host.signIn({
        email: String(form.get('email') ?? ''),
        password: String(form.get('password') ?? ''),
        ...(totp ? { totp } : {}),
      });
      if (result.kind === 'choose') {
        this.pending = host;
        this.organizations = result.organizations;
        await this.updateComplete;
        this.renderRoot.querySelector<HTMLButtonElement>('[part=organization]')?.focus();
        return;
      }
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

  /** Enters the organization chosen; an expired choice goes back to the form with a word why. */
  private async choose(organization: OrganizationOption): Promise<void> {
    const host = this.pending;
    if (this.busy || !host) return;
    this.busy = true;
    this.error = undefined;
    try {
      await host.chooseOrganization(organization.id);
      this.pending = undefined;
      emit<SignedInDetail>(this, 'dh-signed-in', { host, organization });
    } catch (error) {
      const expired = error instanceof ApiError && error.status === 401;
      if (expired) await this.back();
      this.error = expired
        ? this.l10n.t('signIn.choiceExpired')
        : this.l10n.t('signIn.failed', { message: error instanceof Error ? error.message : String(error) });
    } finally {
      this.busy = false;
    }
  }

  /** Back to the form (its fields kept), focused where the person goes on typing. */
  private async back(): Promise<void> {
    this.pending = undefined;
    this.organizations = undefined;
    this.error = undefined;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLInputElement>('input[name=password]')?.focus();
  }

  /** Arrow keys, Home and End move between the organizations (Tab works as well). */
  private onChoiceKeyDown(event: KeyboardEvent): void {
    const buttons = [...this.renderRoot.querySelectorAll<HTMLButtonElement>('[part=organization]')];
    const current = buttons.indexOf(event.target as HTMLButtonElement);
    if (current < 0) return;
    const next =
      event.key === 'ArrowDown'
        ? Math.min(buttons.length - 1, current + 1)
        : event.key === 'ArrowUp'
          ? Math.max(0, current - 1)
          : event.key === 'Home'
            ? 0
            : event.key === 'End'
              ? buttons.length - 1
              : undefined;
    if (next === undefined) return;
    event.preventDefault();
    buttons[next]!.focus();
  }

  private renderChoice(organizations: OrganizationOption[]): TemplateResult {
    const t = this.l10n.t.bind(this.l10n);
    return html`<section
      part="organizations"
      aria-labelledby="choose-title"
      aria-describedby="choose-hint"
      aria-busy=${this.busy}
    >
      <h2 id="choose-title">${t('signIn.chooseTitle')}</h2>
      <p id="choose-hint">${t('signIn.chooseHint')}</p>
      <ul class="organizations" aria-labelledby="choose-title" @keydown=${this.onChoiceKeyDown}>
        ${organizations.map(
          (organization) =>
            html`<li>
              <button
                type="button"
                part="organization"
                data-org-id=${organization.id}
                @click=${() => void this.choose(organization)}
              >
                <span class="name">${organization.name}</span>
                <span class="role">${t(`signIn.role.${organization.role}`)}</span>
              </button>
            </li>`,
        )}
      </ul>
      ${this.error ? html`<p class="error" part="error" role="alert">${this.error}</p>` : nothing}
      <button type="button" @click=${() => void this.back()}>${t('signIn.back')}</button>
    </section>`;
  }

  override render(): TemplateResult {
    const t = this.l10n.t.bind(this.l10n);
    const organizations = this.organizations;
    return html`${organizations ? this.renderChoice(organizations) : nothing}
      <form part="form" aria-labelledby="title" ?hidden=${organizations !== undefined} @submit=${this.onSubmit}>
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
        ${this.error && !organizations ? html`<p class="error" part="error" role="alert">${this.error}</p>` : nothing}
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
