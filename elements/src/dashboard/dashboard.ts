import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import type { components } from '../core/api-types.ts';
import { emit } from '../core/define.ts';
import type { DockhandClient } from '../core/dockhand-client.ts';
import { DockhandElement } from '../core/dockhand-element.ts';
import type { StreamEvent } from '../core/event-stream.ts';
import type { DashboardMessageKey } from './dashboard-messages.ts';
import './dashboard-messages.ts';
import { dashboardStyles } from './dashboard.styles.ts';

export type Stats = components['schemas']['Stats'];
export type StoreHealth = Stats['sync'][number];
export type InventoryLevel = components['schemas']['InventoryLevel'];

/** The parts of the dashboard; `sections` picks which are shown. */
export const DASHBOARD_SECTIONS = ['counts', 'low-stock', 'sync'] as const;
export type DashboardSection = (typeof DASHBOARD_SECTIONS)[number];

/** What a count card leads to, for the page to navigate (`dh-dashboard-select`). */
export type DashboardTarget = 'orders-today' | 'orders-week' | 'unfulfilled' | 'pending-approvals' | 'low-stock';

export interface DashboardSelectDetail {
  target: DashboardTarget;
  storeId?: string;
}

type Part = 'stats' | 'low';

/** Which numbers an event can change: only those are read again. */
const AFFECTS: ReadonlyArray<[string, readonly Part[]]> = [
  ['order.*', ['stats']],
  ['fulfillment.created', ['stats']],
  ['inventory.request.*', ['stats']],
  ['inventory.level.updated', ['stats', 'low']],
  ['sync.status', ['stats']],
  ['reset', ['stats', 'low']],
];

/** Events arriving within this window become one refresh (a webhook burst is one read, not fifty). */
export const REFRESH_DEBOUNCE_MS = 120;
const LOW_STOCK_SHOWN = 10;

const COUNTS: ReadonlyArray<{ target: DashboardTarget; label: DashboardMessageKey; value: (stats: Stats) => number }> = [
  { target: 'orders-today', label: 'dashboard.ordersToday', value: (stats) => stats.orders.today },
  { target: 'orders-week', label: 'dashboard.ordersWeek', value: (stats) => stats.orders.week },
  { target: 'unfulfilled', label: 'dashboard.unfulfilled', value: (stats) => stats.orders.unfulfilled },
  { target: 'pending-approvals', label: 'dashboard.pendingApprovals', value: (stats) => stats.inventory.pendingApprovals },
  { target: 'low-stock', label: 'dashboard.lowStock', value: (stats) => stats.inventory.lowStock },
];

/**
 * The operator's overview: orders today and this week, unfulfilled orders, pending approvals,
 * low-stock alerts and the sync health of each store, from GET /v1/stats and
 * GET /v1/inventory?low=true. Live: a stream event marks the numbers it can change, and those
 * are read again once the burst settles ({@link REFRESH_DEBOUNCE_MS}).
 *
 * @tagname dh-dashboard
 * @event dh-dashboard-select - A count was chosen (`detail.target`), for the page to show that list.
 * @event dh-dashboard-refreshed - New numbers arrived (`detail.stats`).
 * @csspart counts - The row of counts.
 * @csspart count - One count (a button).
 * @csspart low-stock - The low-stock alerts.
 * @csspart sync - The sync health table.
 * @csspart health - A store's health badge.
 * @csspart error - An error message.
 * @cssprop --dh-color-critical - Failing stores and low stock.
 * @cssprop --dh-color-success - Healthy stores.
 */
export class DhDashboard extends DockhandElement {
  static override styles = dashboardStyles;
  static override properties = {
    store: {},
    label: {},
    sections: {},
    stats: { state: true },
    low: { state: true },
    error: { state: true },
    loading: { state: true },
    updatedAt: { state: true },
    streamState: { state: true },
  };

  /** Only this store's numbers (a store id); empty: every store the principal sees. */
  declare store: string;
  declare label: string;
  /** Space-separated parts to show (`counts low-stock sync`); empty shows them all. */
  declare sections: string;
  declare stats: Stats | undefined;
  declare low: InventoryLevel[] | undefined;
  declare error: string | undefined;
  declare loading: boolean;
  declare updatedAt: Date | undefined;
  declare streamState: string;

  /** How many refreshes have been read (for tests and diagnostics). */
  refreshes = 0;
  private readonly dirty = new Set<Part>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running: Promise<void> | undefined;
  /** Resolves when the due refresh starts (or is called off). */
  private scheduled: { promise: Promise<void>; resolve: () => void } | undefined;
  private unsubscribe: Array<() => void> = [];
  private generation = 0;

  constructor() {
    super();
    this.store = '';
    this.label = '';
    this.sections = '';
    this.loading = false;
    this.streamState = 'idle';
  }

  private t(key: DashboardMessageKey, params?: Record<string, string | number>): string {
    return this.l10n.t(key, params);
  }

  private shows(section: DashboardSection): boolean {
    const wanted = this.sections.split(/[\s,]+/).filter(Boolean);
    return wanted.length === 0 || wanted.includes(section);
  }

  protected override clientChanged(client: DockhandClient | undefined): void {
    this.detach();
    if (!client) return;
    this.unsubscribe = [
      client.events.onState((state) => (this.streamState = state)),
      ...AFFECTS.map(([type, parts]) => client.events.on(type, (event) => this.onEvent(event, parts))),
    ];
    this.generation++;
    this.stats = undefined;
    this.low = undefined;
    this.markDirty(['stats', 'low'], 0);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.client) this.clientChanged(this.client);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.detach();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    if (changed.has('store') && changed.get('store') !== undefined && this.client) this.clientChanged(this.client);
    // The low-stock list is read only while it is shown.
    else if (changed.has('sections') && this.client && this.shows('low-stock') && this.low === undefined)
      this.markDirty(['low'], 0);
  }

  /** Reads every number again now. */
  refresh(): Promise<void> {
    this.markDirty(['stats', 'low'], 0);
    return this.settled();
  }

  /** Resolves once no refresh is due or running. */
  async settled(): Promise<void> {
    while (this.scheduled || this.running) await (this.scheduled?.promise ?? this.running);
  }

  private onEvent(event: StreamEvent, parts: readonly Part[]): void {
    // A store-scoped dashboard ignores other stores (organization-wide events still count).
    if (this.store && event.storeId && event.storeId !== this.store) return;
    this.markDirty(parts, REFRESH_DEBOUNCE_MS);
  }

  private markDirty(parts: readonly Part[], delay: number): void {
    for (const part of parts) this.dirty.add(part);
    if (this.timer !== undefined) return;
    let resolve!: () => void;
    const scheduled = (this.scheduled = { promise: new Promise<void>((done) => (resolve = done)), resolve });
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.scheduled = undefined;
      // One read at a time; what turns dirty meanwhile is read right after.
      this.running ??= this.flush().finally(() => {
        this.running = undefined;
        if (this.dirty.size > 0) this.markDirty([], 0);
      });
      scheduled.resolve();
    }, delay);
  }

  private async flush(): Promise<void> {
    const client = this.client;
    if (!client) return;
    const generation = this.generation;
    const parts = new Set(this.dirty);
    this.dirty.clear();
    this.loading = true;
    const store = this.store || undefined;
    try {
      const [stats, low] = await Promise.all([
        parts.has('stats') ? client.api.get('/v1/stats', { query: { store } }) : undefined,
        parts.has('low') && this.shows('low-stock')
          ? client.api.get('/v1/inventory', { query: { low: 'true', store, limit: LOW_STOCK_SHOWN } })
          : undefined,
      ]);
      if (generation !== this.generation) return;
      if (stats) this.stats = stats.data;
      if (low) this.low = low.data;
      this.error = undefined;
      this.updatedAt = new Date();
      this.refreshes++;
      if (stats) emit(this, 'dh-dashboard-refreshed', { stats: stats.data });
    } catch (error) {
      if (generation === this.generation) this.error = error instanceof Error ? error.message : String(error);
    } finally {
      if (generation === this.generation) this.loading = false;
    }
  }

  private detach(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.scheduled?.resolve();
    this.scheduled = undefined;
    this.dirty.clear();
    for (const stop of this.unsubscribe) stop();
    this.unsubscribe = [];
  }

  private select(target: DashboardTarget): void {
    emit<DashboardSelectDetail>(this, 'dh-dashboard-select', { target, ...(this.store ? { storeId: this.store } : {}) });
  }

  // ---- rendering ----------------------------------------------------------------------------

  override render(): TemplateResult {
    const stats = this.stats;
    return html`<section
      class="dashboard"
      aria-label=${this.label || this.t('dashboard.label')}
      aria-busy=${this.loading ? 'true' : 'false'}
    >
      <div class="head">
        <span class="updated">
          ${this.updatedAt ? this.t('dashboard.updated', { time: this.l10n.date(this.updatedAt) }) : ''}
          ${this.streamState === 'open' ? html` · ${this.l10n.t('common.live')}` : this.streamState === 'waiting' ? html` · ${this.l10n.t('common.reconnecting')}` : nothing}
        </span>
        <button @click=${() => void this.refresh()} ?disabled=${!this.client}>${this.t('dashboard.refresh')}</button>
      </div>
      ${
        this.error
          ? html`<p class="error" role="alert" part="error">${this.l10n.t('common.error', { message: this.error })}</p>`
          : nothing
      }
      ${!stats && !this.error ? html`<p class="state" role="status">${this.l10n.t('common.loading')}</p>` : nothing}
      ${stats && this.shows('counts') ? this.renderCounts(stats) : nothing}
      ${this.shows('low-stock') && this.low ? this.renderLowStock(this.low) : nothing}
      ${stats && this.shows('sync') ? this.renderSync(stats.sync) : nothing}
    </section>`;
  }

  private renderCounts(stats: Stats): TemplateResult {
    return html`<h2 class="visually-hidden" id="counts-title">${this.t('dashboard.counts')}</h2>
      <ul class="counts" part="counts" aria-labelledby="counts-title">
        ${COUNTS.map((count) => {
          const value = count.value(stats);
          const alert = (count.target === 'low-stock' || count.target === 'pending-approvals') && value > 0;
          return html`<li>
            <button
              class=${`count${alert ? ' alert' : ''}`}
              part="count"
              data-target=${count.target}
              @click=${() => this.select(count.target)}
            >
              <span class="value" data-count=${count.target}>${this.l10n.number(value)}</span>
              <span class="name">${this.t(count.label)}</span>
            </button>
          </li>`;
        })}
      </ul>`;
  }

  private renderLowStock(levels: InventoryLevel[]): TemplateResult {
    return html`<section class="low-stock" part="low-stock" aria-labelledby="low-title">
      <h2 id="low-title">${this.t('dashboard.lowStockAlerts')}</h2>
      ${
        levels.length === 0
          ? html`<p class="state">${this.t('dashboard.noLowStock')}</p>`
          : html`<table>
              <thead>
                <tr>
                  <th scope="col">${this.t('dashboard.product')}</th>
                  <th scope="col">${this.t('dashboard.location')}</th>
                  <th scope="col" class="end">${this.t('dashboard.available')}</th>
                </tr>
              </thead>
              <tbody>
                ${levels.map(
                  (level) =>
                    html`<tr data-variant=${level.variantId}>
                      <td>
                        ${level.variantTitle ? `${level.productTitle} — ${level.variantTitle}` : level.productTitle}
                        ${level.sku ? html`<span class="subdued">${level.sku}</span>` : nothing}
                      </td>
                      <td>${level.locationName}</td>
                      <td class="end">
                        <strong class="low">${this.l10n.number(level.available)}</strong>
                        ${level.threshold !== null ? html`<span class="subdued">${this.t('dashboard.threshold', { count: level.threshold })}</span>` : nothing}
                      </td>
                    </tr>`,
                )}
              </tbody>
            </table>`
      }
    </section>`;
  }

  private renderSync(stores: StoreHealth[]): TemplateResult {
    return html`<section class="sync" part="sync" aria-labelledby="sync-title">
      <h2 id="sync-title">${this.t('dashboard.sync')}</h2>
      ${
        stores.length === 0
          ? html`<p class="state">${this.t('dashboard.noStores')}</p>`
          : html`<table>
              <thead>
                <tr>
                  <th scope="col">${this.t('dashboard.store')}</th>
                  <th scope="col">${this.t('dashboard.health')}</th>
                  <th scope="col">${this.t('dashboard.entities')}</th>
                  <th scope="col">${this.t('dashboard.inbox')}</th>
                </tr>
              </thead>
              <tbody>
                ${stores.map(
                  (store) =>
                    html`<tr data-store=${store.storeId}>
                      <th scope="row">${store.name}</th>
                      <td>
                        <span class=${`health ${store.health}`} part="health">${this.t(`dashboard.health.${store.health}`)}</span>
                      </td>
                      <td>
                        <ul class="entities">
                          ${store.entities.map(
                            (entity) =>
                              html`<li class=${entity.status} title=${entity.lastError ?? ''}>
                                ${this.t(`dashboard.entity.${entity.entity}`)}:
                                ${this.t(`dashboard.entityStatus.${entity.status}`)}${
                                  entity.lagSeconds !== null && entity.lagSeconds > 60
                                    ? this.t('dashboard.lag', { duration: this.duration(entity.lagSeconds) })
                                    : nothing
                                }${entity.lastError ? html` <span class="error">${entity.lastError}</span>` : nothing}
                              </li>`,
                          )}
                        </ul>
                      </td>
                      <td>${this.t('dashboard.inboxCounts', { pending: store.inbox.pending, failed: store.inbox.failed })}</td>
                    </tr>`,
                )}
              </tbody>
            </table>`
      }
    </section>`;
  }

  private duration(seconds: number): string {
    if (seconds < 120) return this.t('dashboard.seconds', { count: Math.round(seconds) });
    if (seconds < 7200) return this.t('dashboard.minutes', { count: Math.round(seconds / 60) });
    return this.t('dashboard.hours', { count: Math.round(seconds / 3600) });
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'dh-dashboard': DhDashboard;
  }
  interface HTMLElementEventMap {
    'dh-dashboard-select': CustomEvent<DashboardSelectDetail>;
    'dh-dashboard-refreshed': CustomEvent<{ stats: Stats }>;
  }
}
