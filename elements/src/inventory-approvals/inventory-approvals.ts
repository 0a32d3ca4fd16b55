import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { ApiError } from '../core/api-client.ts';
import type { components } from '../core/api-types.ts';
import { emit } from '../core/define.ts';
import type { DockhandClient } from '../core/dockhand-client.ts';
import { DockhandElement } from '../core/dockhand-element.ts';
import type { StreamEvent } from '../core/event-stream.ts';
import type { ApprovalsMessageKey } from './approvals-messages.ts';
import './approvals-messages.ts';
import { ApprovalsSource, type InventoryRequest, type RequestFilter, type RequestStatus } from './approvals-source.ts';
import { inventoryApprovalsStyles } from './inventory-approvals.styles.ts';

export type InventoryLevel = components['schemas']['InventoryLevel'];
export type ApprovalsMode = 'merchant' | 'admin';
export type DecisionAction = 'approve' | 'reject' | 'retry';

export interface RequestCreatedDetail {
  request: InventoryRequest;
}
export interface RequestDecidedDetail {
  request: InventoryRequest;
  action: DecisionAction;
}
export interface RequestStatusDetail {
  request: InventoryRequest;
  previousStatus: RequestStatus | undefined;
}

interface RequestForm {
  variantId: string;
  locationId: string;
  kind: 'delta' | 'set';
  quantity: string;
  reason: string;
}
type FormField = 'variantId' | 'locationId' | 'quantity' | 'reason';

interface OpenDecision {
  id: string;
  action: 'approve' | 'reject';
  text: string;
  error?: string;
}

const EMPTY_FORM: RequestForm = { variantId: '', locationId: '', kind: 'delta', quantity: '', reason: '' };
/** Variants offered in the picker per search (the API's page size). */
const PICKER_LIMIT = 200;

/**
 * Inventory change requests on the ledger. In merchant mode (the default): a form to ask for a
 * change (a variant and location picked from GET /v1/inventory, a delta or a new quantity, and a
 * reason), and the requests made, whose status follows the stream. In admin mode
 * (`mode="admin"`): the queue of requests to decide — approve with a comment, reject with a
 * reason, the conflict view with the quantity the approval expected beside the store's actual
 * one, and a retry for a push that failed.
 *
 * @tagname dh-inventory-approvals
 * @event dh-request-created - A request was sent (`detail.request`).
 * @event dh-request-decided - This panel approved, rejected or retried a request (`detail.request`, `detail.action`).
 * @event dh-request-status - A shown request changed status, here or elsewhere (`detail.request`, `detail.previousStatus`).
 * @csspart form - The request form (merchant mode).
 * @csspart queue - The list of requests.
 * @csspart request - One request.
 * @csspart status - A request's status badge.
 * @csspart conflict - The conflict view (expected against actual quantity).
 * @csspart actions - A request's decision buttons (admin mode).
 * @csspart decision - The approve or reject form of one request.
 * @csspart error - An error message.
 * @cssprop --dh-color-critical - Conflicts, failures and invalid fields.
 * @cssprop --dh-color-success - Applied requests.
 */
export class DhInventoryApprovals extends DockhandElement {
  static override styles = inventoryApprovalsStyles;
  static override properties = {
    mode: { reflect: true },
    store: {},
    label: {},
    filter: { state: true },
    levels: { state: true },
    levelsError: { state: true },
    search: { state: true },
    form: { state: true },
    formErrors: { state: true },
    formMessage: { state: true },
    sending: { state: true },
    decision: { state: true },
    busy: { state: true },
    announcement: { state: true },
    streamState: { state: true },
  };

  /** `merchant` (ask and follow) or `admin` (decide). */
  declare mode: ApprovalsMode;
  /** Only this store's requests and stock (a store id); empty: every store the principal sees. */
  declare store: string;
  /** The panel's accessible name. */
  declare label: string;
  declare filter: RequestFilter;
  declare levels: InventoryLevel[];
  declare levelsError: string | undefined;
  declare search: string;
  declare form: RequestForm;
  declare formErrors: Partial<Record<FormField, ApprovalsMessageKey>>;
  declare formMessage: { text: string; error: boolean } | undefined;
  declare sending: boolean;
  declare decision: OpenDecision | undefined;
  declare busy: ReadonlySet<string>;
  declare announcement: string;
  declare streamState: string;

  readonly source = new ApprovalsSource(this, (request, previous) => this.statusChanged(request, previous));
  private stopStream: Array<() => void> = [];
  private searchTimer: ReturnType<typeof setTimeout> | undefined;
  private levelsGeneration = 0;

  constructor() {
    super();
    this.mode = 'merchant';
    this.store = '';
    this.label = '';
    this.filter = 'attention';
    this.levels = [];
    this.search = '';
    this.form = { ...EMPTY_FORM };
    this.formErrors = {};
    this.sending = false;
    this.busy = new Set();
    this.announcement = '';
    this.streamState = 'idle';
  }

  private t(key: ApprovalsMessageKey, params?: Record<string, string | number>): string {
    return this.l10n.t(key, params);
  }

  /** The requests shown: in merchant mode those the signed-in person asked for. */
  get requests(): readonly InventoryRequest[] {
    const me = this.principal?.id;
    const all = this.source.requests;
    return this.mode === 'admin' || !me ? all : all.filter((request) => request.requestedBy === me);
  }

  protected override clientChanged(client: DockhandClient | undefined): void {
    for (const stop of this.stopStream) stop();
    this.stopStream = [];
    this.source.use(client, this.listFilter(), this.store);
    if (!client) return;
    this.stopStream = [
      client.events.onState((state) => (this.streamState = state)),
      client.events.on('inventory.level.updated', (event) => this.onLevel(event)),
    ];
    if (this.mode !== 'admin') void this.loadLevels();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.client) this.clientChanged(this.client);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    for (const stop of this.stopStream) stop();
    this.stopStream = [];
    clearTimeout(this.searchTimer);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    const reload =
      (changed.has('mode') && changed.get('mode') !== undefined) || (changed.has('store') && changed.get('store') !== undefined);
    if (reload && this.client) this.clientChanged(this.client);
  }

  /** Merchants follow every request of theirs; admins start from what needs them. */
  private listFilter(): RequestFilter {
    return this.mode === 'admin' ? this.filter : 'all';
  }

  // ---- stock levels (the pickers) -----------------------------------------------------------

  private async loadLevels(): Promise<void> {
    const client = this.client;
    if (!client) return;
    const generation = ++this.levelsGeneration;
    try {
      const page = await client.api.get('/v1/inventory', {
        query: { limit: PICKER_LIMIT, store: this.store || undefined, q: this.search.trim() || undefined },
      });
      if (generation !== this.levelsGeneration) return;
      this.levels = page.data;
      this.levelsError = undefined;
      // A chosen variant the new search no longer lists stays chosen only while it is there.
      if (this.form.variantId && !this.levels.some((level) => level.variantId === this.form.variantId)) {
        this.form = { ...this.form, variantId: '', locationId: '' };
      }
    } catch (error) {
      if (generation === this.levelsGeneration) this.levelsError = messageOf(error);
    }
  }

  private onLevel(event: StreamEvent): void {
    const data = event.data ?? {};
    const available = data['available'];
    if (typeof available !== 'number') return;
    const index = this.levels.findIndex(
      (level) => level.variantId === data['variantId'] && level.locationId === data['locationId'],
    );
    if (index >= 0) this.levels = this.levels.with(index, { ...this.levels[index]!, available });
  }

  private get variants(): InventoryLevel[] {
    const seen = new Map<string, InventoryLevel>();
    for (const level of this.levels) if (!seen.has(level.variantId)) seen.set(level.variantId, level);
    return [...seen.values()];
  }

  private get chosenLevel(): InventoryLevel | undefined {
    return this.levels.find((level) => level.variantId === this.form.variantId && level.locationId === this.form.locationId);
  }

  private onSearch(event: Event): void {
    this.search = (event.target as HTMLInputElement).value;
    clearTimeout(this.searchTimer);
    this.searchTimer = setTimeout(() => void this.loadLevels(), 250);
  }

  // ---- the request form ---------------------------------------------------------------------

  private setField<K extends keyof RequestForm>(field: K, value: RequestForm[K]): void {
    const next = { ...this.form, [field]: value };
    if (field === 'variantId') {
      // The first (often the only) location of the variant is the likely one.
      const locations = this.levels.filter((level) => level.variantId === value);
      next.locationId = locations.length === 1 ? locations[0]!.locationId : '';
    }
    this.form = next;
    if (field in this.formErrors) {
      const { [field as FormField]: _cleared, ...rest } = this.formErrors;
      this.formErrors = rest;
    }
    this.formMessage = undefined;
  }

  /** Checks the form as the server will, so most mistakes are named before a round trip. */
  validate(): Partial<Record<FormField, ApprovalsMessageKey>> {
    const errors: Partial<Record<FormField, ApprovalsMessageKey>> = {};
    const form = this.form;
    if (!form.variantId) errors.variantId = 'approvals.invalid.variant';
    if (!form.locationId) errors.locationId = 'approvals.invalid.location';
    const quantity = form.quantity.trim();
    if (!/^[-+]?\d{1,10}$/.test(quantity)) errors.quantity = 'approvals.invalid.integer';
    else if (form.kind === 'delta' && Number(quantity) === 0) errors.quantity = 'approvals.invalid.zero';
    else if (form.kind === 'set' && Number(quantity) < 0) errors.quantity = 'approvals.invalid.negative';
    if (!form.reason.trim()) errors.reason = 'approvals.invalid.reason';
    return errors;
  }

  private async onSubmit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const client = this.client;
    if (!client || this.sending) return;
    this.formErrors = this.validate();
    const invalid = (['variantId', 'locationId', 'quantity', 'reason'] as const).find((field) => this.formErrors[field]);
    if (invalid) {
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>(`[name=${invalid}]`)?.focus();
      return;
    }
    const form = this.form;
    const quantity = Number(form.quantity.trim());
    this.sending = true;
    this.formMessage = undefined;
    try {
      const { data } = await client.api.post('/v1/inventory/requests', {
        variantId: form.variantId,
        locationId: form.locationId,
        reason: form.reason.trim(),
        ...(form.kind === 'delta' ? { delta: quantity } : { set: quantity }),
      });
      const request = this.source.accept(data);
      this.form = { ...EMPTY_FORM, variantId: form.variantId, locationId: form.locationId };
      this.formMessage = { text: this.t('approvals.created'), error: false };
      emit<RequestCreatedDetail>(this, 'dh-request-created', { request });
    } catch (error) {
      this.formMessage = { text: this.l10n.t('common.error', { message: messageOf(error) }), error: true };
    } finally {
      this.sending = false;
    }
  }

  // ---- decisions ----------------------------------------------------------------------------

  private async openDecision(request: InventoryRequest, action: 'approve' | 'reject'): Promise<void> {
    this.decision = { id: request.id, action, text: '' };
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLTextAreaElement>(`#decision-${request.id}`)?.focus();
  }

  private async closeDecision(restoreFocus = true): Promise<void> {
    const open = this.decision;
    this.decision = undefined;
    if (!open || !restoreFocus) return;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>(`[data-id="${open.id}"] [data-action="${open.action}"]`)?.focus();
  }

  private async onDecisionSubmit(event: SubmitEvent, request: InventoryRequest): Promise<void> {
    event.preventDefault();
    const open = this.decision;
    if (!open || open.id !== request.id) return;
    const text = open.text.trim();
    if (open.action === 'reject' && !text) {
      this.decision = { ...open, error: this.t('approvals.invalid.reason') };
      return;
    }
    await this.decide(request, open.action, text);
  }

  /** Approves, rejects or retries; the answer replaces the row, the stream brings what follows. */
  async decide(request: InventoryRequest, action: DecisionAction, text = ''): Promise<InventoryRequest | undefined> {
    const client = this.client;
    if (!client || this.busy.has(request.id)) return undefined;
    this.busy = new Set([...this.busy, request.id]);
    const params = { params: { id: request.id } };
    try {
      const { data } =
        action === 'approve'
          ? await client.api.post('/v1/inventory/requests/{id}/approve', text ? { comment: text } : {}, params)
          : action === 'reject'
            ? await client.api.post('/v1/inventory/requests/{id}/reject', { reason: text }, params)
            : await client.api.post('/v1/inventory/requests/{id}/retry', undefined as never, params);
      const decided = this.source.accept(data);
      this.announcement = this.t(`approvals.decided.${action}`);
      if (this.decision?.id === request.id) this.decision = undefined;
      emit<RequestDecidedDetail>(this, 'dh-request-decided', { request: decided, action });
      await this.updateComplete;
      // The buttons that were used may be gone: keep the keyboard on the request.
      const item = this.renderRoot.querySelector<HTMLElement>(`[data-id="${request.id}"]`);
      if (item && !item.contains(this.shadowRoot?.activeElement ?? null)) item.focus();
      return decided;
    } catch (error) {
      const message = this.l10n.t('common.error', { message: messageOf(error) });
      if (this.decision?.id === request.id) this.decision = { ...this.decision, error: message };
      else this.announcement = message;
      // Someone else may have decided first (409): show the row as it is now.
      if (error instanceof ApiError && error.status === 409) void this.refreshOne(request.id);
      return undefined;
    } finally {
      const busy = new Set(this.busy);
      busy.delete(request.id);
      this.busy = busy;
    }
  }

  private async refreshOne(id: string): Promise<void> {
    const client = this.client;
    if (!client) return;
    const { data } = await client.api.get('/v1/inventory/requests/{id}', { params: { id } });
    this.source.accept(data);
  }

  private statusChanged(request: InventoryRequest, previous: RequestStatus | undefined): void {
    if (previous !== undefined) this.announcement = `${titleOf(request)}: ${this.t(`approvals.status.${request.status}`)}`;
    emit<RequestStatusDetail>(this, 'dh-request-status', { request, previousStatus: previous });
  }

  private onFilter(event: Event): void {
    this.filter = (event.target as HTMLSelectElement).value as RequestFilter;
    this.source.use(this.client, this.listFilter(), this.store);
  }

  // ---- rendering ----------------------------------------------------------------------------

  override render(): TemplateResult {
    const admin = this.mode === 'admin';
    return html`
      <section class="panel" aria-label=${this.label || this.t('approvals.label')}>
        ${admin ? nothing : this.renderForm()}
        <div class="list-head">
          <h2 id="list-title">${this.t(admin ? 'approvals.queue' : 'approvals.mine')}</h2>
          ${
            admin
              ? html`<label class="filter"
                  >${this.t('approvals.filter')}
                  <select @change=${this.onFilter} .value=${this.filter}>
                    <option value="attention">${this.t('approvals.filter.attention')}</option>
                    <option value="all">${this.t('approvals.filter.all')}</option>
                  </select></label
                >`
              : nothing
          }
          <span class="live"
            >${this.streamState === 'open' ? this.l10n.t('common.live') : this.streamState === 'waiting' ? this.l10n.t('common.reconnecting') : ''}</span
          >
        </div>
        ${this.renderList()}
        <div class="visually-hidden" role="status" aria-live="polite">${this.announcement}</div>
      </section>
    `;
  }

  private renderForm(): TemplateResult {
    const form = this.form;
    const errors = this.formErrors;
    const locations = this.levels.filter((level) => level.variantId === form.variantId);
    const chosen = this.chosenLevel;
    const field = (name: FormField) =>
      errors[name] ? { invalid: 'true', describedBy: `${name}-error` } : { invalid: 'false', describedBy: undefined };
    const errorOf = (name: FormField) =>
      errors[name] ? html`<span class="field-error" id=${`${name}-error`} part="error">${this.t(errors[name])}</span>` : nothing;
    return html`
      <form part="form" class="request-form" novalidate aria-labelledby="form-title" @submit=${this.onSubmit}>
        <h2 id="form-title">${this.t('approvals.new')}</h2>
        <div class="field">
          <label>
            <span>${this.t('approvals.search')}</span>
            <input
              type="search"
              name="search"
              .value=${this.search}
              placeholder=${this.t('approvals.searchPlaceholder')}
              @input=${this.onSearch}
            />
          </label>
          ${this.levelsError ? html`<p class="error" role="alert" part="error">${this.l10n.t('common.error', { message: this.levelsError })}</p>` : nothing}
          <label class="field">
            <span>${this.t('approvals.variant')}</span>
            <select
              name="variantId"
              required
              aria-invalid=${field('variantId').invalid}
              aria-describedby=${field('variantId').describedBy ?? nothing}
              .value=${form.variantId}
              @change=${(event: Event) => this.setField('variantId', (event.target as HTMLSelectElement).value)}
            >
              <option value="">${this.t('approvals.variantChoose')}</option>
              ${this.variants.map(
                (level) =>
                  html`<option value=${level.variantId} ?selected=${level.variantId === form.variantId}>
                    ${variantLabel(level)}
                  </option>`,
              )}
            </select>
          </label>
          ${errorOf('variantId')}
        </div>
        <div class="field">
          <label>
            <span>${this.t('approvals.location')}</span>
            <select
              name="locationId"
              required
              aria-invalid=${field('locationId').invalid}
              aria-describedby=${field('locationId').describedBy ?? nothing}
              .value=${form.locationId}
              @change=${(event: Event) => this.setField('locationId', (event.target as HTMLSelectElement).value)}
            >
              <option value="">${this.t('approvals.locationChoose')}</option>
              ${locations.map(
                (level) =>
                  html`<option value=${level.locationId} ?selected=${level.locationId === form.locationId}>
                    ${level.locationName}
                  </option>`,
              )}
            </select>
          </label>
          ${errorOf('locationId')}
        </div>
        ${chosen ? html`<p class="available" part="available">${this.t('approvals.available', { count: chosen.available })}</p>` : nothing}
        <fieldset class="kind">
          <legend>${this.t('approvals.kind')}</legend>
          ${(['delta', 'set'] as const).map(
            (kind) =>
              html`<label
                ><input
                  type="radio"
                  name="kind"
                  value=${kind}
                  .checked=${form.kind === kind}
                  @change=${() => this.setField('kind', kind)}
                />
                ${this.t(`approvals.kind.${kind}`)}</label
              >`,
          )}
        </fieldset>
        <div class="field">
          <label>
            <span>${this.t(form.kind === 'delta' ? 'approvals.quantity.delta' : 'approvals.quantity.set')}</span>
            <input
              name="quantity"
              inputmode="numeric"
              required
              autocomplete="off"
              aria-invalid=${field('quantity').invalid}
              aria-describedby=${field('quantity').describedBy ?? nothing}
              .value=${form.quantity}
              @input=${(event: Event) => this.setField('quantity', (event.target as HTMLInputElement).value)}
            />
          </label>
          ${errorOf('quantity')}
        </div>
        <div class="field wide">
          <label>
            <span>${this.t('approvals.reason')}</span>
            <textarea
              name="reason"
              required
              maxlength="500"
              rows="2"
              aria-invalid=${field('reason').invalid}
              aria-describedby=${field('reason').describedBy ?? nothing}
              .value=${form.reason}
              @input=${(event: Event) => this.setField('reason', (event.target as HTMLTextAreaElement).value)}
            ></textarea>
          </label>
          ${errorOf('reason')}
        </div>
        <div class="form-actions">
          <button type="submit" class="primary" ?disabled=${this.sending || !this.client}>
            ${this.t(this.sending ? 'approvals.sending' : 'approvals.submit')}
          </button>
          ${
            this.formMessage
              ? html`<span class=${this.formMessage.error ? 'error' : 'ok'} role=${this.formMessage.error ? 'alert' : 'status'}
                  >${this.formMessage.text}</span
                >`
              : nothing
          }
        </div>
      </form>
    `;
  }

  private renderList(): TemplateResult {
    const source = this.source;
    if (source.error) {
      return html`<div class="state" role="alert" part="error">
        ${this.l10n.t('common.error', { message: source.error.message })}
        <button @click=${() => void source.reload()}>${this.l10n.t('common.retry')}</button>
      </div>`;
    }
    const requests = this.requests;
    if (requests.length === 0) {
      const loading = source.loading || !this.client;
      return html`<p class="state" role="status" part=${loading ? 'loading' : 'empty'}>
        ${loading ? this.l10n.t('common.loading') : this.t('approvals.empty')}
      </p>`;
    }
    return html`<ul class="queue" part="queue" aria-labelledby="list-title" aria-busy=${source.loading ? 'true' : 'false'}>
      ${requests.map((request) => this.renderRequest(request))}
    </ul>`;
  }

  private renderRequest(request: InventoryRequest): TemplateResult {
    const l10n = this.l10n;
    const titleId = `title-${request.id}`;
    const change =
      request.kind === 'set'
        ? this.t('approvals.change.set', { count: request.setTo ?? 0 })
        : this.t('approvals.change.delta', { delta: signed(l10n.number(request.delta ?? 0), request.delta ?? 0) });
    const who =
      request.requestedBy === this.principal?.id
        ? (this.principal?.displayName ?? this.principal?.email ?? '')
        : (request.requestedByName ?? shortId(request.requestedBy));
    return html`<li
      class=${`request status-${request.status}`}
      part="request"
      data-id=${request.id}
      tabindex="-1"
      aria-labelledby=${titleId}
    >
      <div class="request-head">
        <h3 class="title" id=${titleId}>${titleOf(request)}</h3>
        <span class=${`badge ${request.status}`} part="status">${this.t(`approvals.status.${request.status}`)}</span>
      </div>
      <p class="meta">${[request.sku, request.locationName].filter(Boolean).join(' · ')}</p>
      <p class="change">
        <strong>${change}</strong>
        ${request.currentAvailable !== null ? html`<span>${this.t('approvals.current', { count: request.currentAvailable })}</span>` : nothing}
      </p>
      <p class="reason">${request.reason}</p>
      <p class="by">${this.t('approvals.requestedBy', { who, when: l10n.date(request.createdAt) })}</p>
      ${request.status === 'conflict' ? this.renderConflict(request) : nothing}
      ${
        request.status === 'failed'
          ? html`<p class="error" part="error">
              ${this.t('approvals.failed', { count: request.attempts, error: request.lastError ?? '' })}
            </p>`
          : nothing
      }
      ${request.status === 'approved' ? html`<p class="pushing">${this.t('approvals.pushing')}</p>` : nothing}
      ${
        request.decisionComment
          ? html`<p class="decided">
              ${this.t('approvals.decidedBy', { who: shortId(request.decidedBy ?? ''), comment: request.decisionComment })}
            </p>`
          : nothing
      }
      ${this.mode === 'admin' ? this.renderActions(request) : nothing}
    </li>`;
  }

  private renderConflict(request: InventoryRequest): TemplateResult {
    const number = (value: number | null) => (value === null ? '—' : this.l10n.number(value));
    return html`<div class="conflict" part="conflict" role="group" aria-label=${this.t('approvals.status.conflict')}>
      <p>${this.t('approvals.conflict')}</p>
      <dl>
        <div>
          <dt>${this.t('approvals.expected')}</dt>
          <dd data-quantity="expected">${number(request.expectedAvailable)}</dd>
        </div>
        <div>
          <dt>${this.t('approvals.actual')}</dt>
          <dd data-quantity="actual">${number(request.actualAvailable)}</dd>
        </div>
      </dl>
      ${this.mode === 'admin' ? html`<p class="help">${this.t('approvals.conflictHelp')}</p>` : nothing}
    </div>`;
  }

  private renderActions(request: InventoryRequest): TemplateResult | typeof nothing {
    const status = request.status;
    const busy = this.busy.has(request.id);
    const canApprove = status === 'pending' || status === 'conflict';
    const canReject = status === 'pending' || status === 'conflict' || status === 'failed';
    const canRetry = status === 'failed';
    if (!canApprove && !canReject && !canRetry) return nothing;
    const open = this.decision?.id === request.id ? this.decision : undefined;
    const described = `title-${request.id}`;
    return html`
      <div class="actions" part="actions">
        ${
          canApprove
            ? html`<button
                class="primary"
                data-action="approve"
                aria-describedby=${described}
                aria-expanded=${open?.action === 'approve' ? 'true' : 'false'}
                ?disabled=${busy}
                @click=${() => void this.openDecision(request, 'approve')}
              >
                ${this.t(status === 'conflict' ? 'approvals.approveAgain' : 'approvals.approve')}
              </button>`
            : nothing
        }
        ${
          canRetry
            ? html`<button
                data-action="retry"
                aria-describedby=${described}
                ?disabled=${busy}
                @click=${() => void this.decide(request, 'retry')}
              >
                ${this.t('approvals.retryPush')}
              </button>`
            : nothing
        }
        ${
          canReject
            ? html`<button
                data-action="reject"
                aria-describedby=${described}
                aria-expanded=${open?.action === 'reject' ? 'true' : 'false'}
                ?disabled=${busy}
                @click=${() => void this.openDecision(request, 'reject')}
              >
                ${this.t('approvals.reject')}
              </button>`
            : nothing
        }
      </div>
      ${open ? this.renderDecision(request, open, busy) : nothing}
    `;
  }

  private renderDecision(request: InventoryRequest, open: OpenDecision, busy: boolean): TemplateResult {
    const approve = open.action === 'approve';
    const inputId = `decision-${request.id}`;
    return html`<form
      class="decision"
      part="decision"
      novalidate
      @submit=${(event: SubmitEvent) => void this.onDecisionSubmit(event, request)}
      @keydown=${(event: KeyboardEvent) => {
        if (event.key === 'Escape') {
          event.preventDefault();
          void this.closeDecision();
        }
      }}
    >
      <label for=${inputId}>${this.t(approve ? 'approvals.comment' : 'approvals.rejectReason')}</label>
      <textarea
        id=${inputId}
        rows="2"
        maxlength="1000"
        ?required=${!approve}
        aria-invalid=${open.error && !approve ? 'true' : 'false'}
        aria-describedby=${open.error ? `${inputId}-error` : nothing}
        .value=${open.text}
        @input=${(event: Event) => (this.decision = { ...open, text: (event.target as HTMLTextAreaElement).value, error: undefined })}
      ></textarea>
      ${open.error ? html`<p class="error" id=${`${inputId}-error`} role="alert" part="error">${open.error}</p>` : nothing}
      <div class="form-actions">
        <button type="submit" class=${approve ? 'primary' : 'danger'} ?disabled=${busy}>
          ${this.t(approve ? 'approvals.confirmApprove' : 'approvals.confirmReject')}
        </button>
        <button type="button" @click=${() => void this.closeDecision()}>${this.l10n.t('common.cancel')}</button>
      </div>
    </form>`;
  }
}

function titleOf(request: Pick<InventoryRequest, 'productTitle' | 'variantTitle'>): string {
  return request.variantTitle ? `${request.productTitle} — ${request.variantTitle}` : request.productTitle;
}

function variantLabel(level: InventoryLevel): string {
  const title = titleOf(level);
  return level.sku ? `${title} (${level.sku})` : title;
}

function signed(formatted: string, value: number): string {
  return value > 0 ? `+${formatted}` : formatted;
}

function shortId(id: string): string {
  return id.length > 12 ? id.slice(0, 8) : id;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

declare global {
  interface HTMLElementTagNameMap {
    'dh-inventory-approvals': DhInventoryApprovals;
  }
  interface HTMLElementEventMap {
    'dh-request-created': CustomEvent<RequestCreatedDetail>;
    'dh-request-decided': CustomEvent<RequestDecidedDetail>;
    'dh-request-status': CustomEvent<RequestStatusDetail>;
  }
}
