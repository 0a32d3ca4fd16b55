import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import type { ResponseOf } from '../core/api-client.ts';
import type { components } from '../core/api-types.ts';
import type { DockhandClient } from '../core/dockhand-client.ts';
import { DockhandElement } from '../core/dockhand-element.ts';
import { emit } from '../core/define.ts';
import { DEFAULT_COLUMNS, ORDER_COLUMNS, type OrderColumn, type OrderSummary } from './columns.ts';
import { csvLine, saveTarget } from './csv.ts';
import { orderTableStyles } from './order-table.styles.ts';
import { OrdersSource, searchable, type OrderQuery } from './orders-source.ts';

type OrderDetail = ResponseOf<'/v1/orders/{id}', 'get'>['data'];
type BulkResult = ResponseOf<'/v1/orders/bulk', 'post'>['data'][number];

export type SavedView = components['schemas']['SavedView'];
type CreateSavedView = components['schemas']['CreateSavedView'];
type BulkAction = components['schemas']['BulkOrderAction'];
type BulkStatus = Extract<BulkAction, { action: 'changeStatus' }>['status'];

/** What a bulk status change may set (a platform refuses the ones it lacks, per row). Checked against the API's enum. */
const BULK_STATUSES = [
  'open',
  'closed',
  'pending',
  'processing',
  'on-hold',
  'completed',
  'cancelled',
  'refunded',
  'failed',
] as const satisfies readonly BulkStatus[];

const FILTERS = {
  status: ['open', 'closed', 'cancelled'],
  financialStatus: ['paid', 'pending', 'authorized', 'refunded', 'partially_refunded', 'voided'],
  fulfillmentStatus: ['unfulfilled', 'partial', 'fulfilled'],
} as const;
type FilterName = keyof typeof FILTERS | 'store';

/** Rows drawn beyond the visible ones on each side, so fast scrolling shows no gap. */
const OVERSCAN = 8;

export interface OrderOpenDetail {
  order: OrderSummary;
}
export interface BulkDoneDetail {
  action: string;
  results: BulkResult[];
}
export interface SelectionDetail {
  ids: string[];
}

/**
 * The order table: keyset pages of GET /v1/orders in a virtualized WAI-ARIA grid (one tab stop,
 * arrows, Home/End, PageUp/PageDown, Enter opens, Space selects), with search, filters, sort,
 * a column chooser, saved views, bulk actions with per-row results, a detail drawer, CSV export
 * of the current view, and live updates from /v1/stream.
 *
 * @tagname dh-order-table
 * @event dh-order-open - An order's drawer opened (`detail.order`).
 * @event dh-selection-change - The selection changed (`detail.ids`).
 * @event dh-bulk-done - A bulk action answered (`detail.results`, one per id).
 * @csspart toolbar - Search, filters, views, columns and export.
 * @csspart grid - The scrolling grid.
 * @csspart row - Each body row.
 * @csspart header - The header row.
 * @csspart bulk-bar - The bar shown while rows are selected.
 * @csspart drawer - The order detail panel.
 * @csspart footer - Counts and the live status.
 * @cssprop --dh-row-height - Row height (the virtualizer reads it once, when it first lays out).
 */
export class DhOrderTable extends DockhandElement {
  static override styles = orderTableStyles;
  static override properties = {
    columns: { type: Array },
    sort: {},
    label: {},
    query: { state: true },
    scrollTop: { state: true },
    viewportHeight: { state: true },
    active: { state: true },
    selected: { state: true },
    detail: { state: true },
    bulkResults: { state: true },
    views: { state: true },
    stores: { state: true },
    exportProgress: { state: true },
    streamState: { state: true },
  };

  /** The visible columns, in order (ids of ORDER_COLUMNS). */
  declare columns: string[];
  /** The initial sort, e.g. `-placed`. */
  declare sort: string;
  /** The grid's accessible name; by default "Orders". */
  declare label: string;
  declare query: OrderQuery;
  declare scrollTop: number;
  declare viewportHeight: number;
  /** The active cell: row -1 is the header row. */
  declare active: { row: number; col: number };
  declare selected: ReadonlySet<string>;
  declare detail: { order: OrderSummary; data?: OrderDetail; error?: string } | undefined;
  declare bulkResults: ReadonlyMap<string, BulkResult>;
  declare views: SavedView[];
  declare stores: ReadonlyMap<string, string>;
  declare exportProgress: { count: number; done: boolean } | undefined;
  declare streamState: string;

  readonly source = new OrdersSource(this);
  private rowHeight = 40;
  private headerHeight = 40;
  private resizeObserver: ResizeObserver | undefined;
  private searchTimer: ReturnType<typeof setTimeout> | undefined;
  private stopStreamState: (() => void) | undefined;

  constructor() {
    super();
    this.columns = [...DEFAULT_COLUMNS];
    this.sort = '-placed';
    this.label = '';
    this.query = { sort: '-placed' };
    this.scrollTop = 0;
    this.viewportHeight = 400;
    this.active = { row: 0, col: 0 };
    this.selected = new Set();
    this.bulkResults = new Map();
    this.views = [];
    this.stores = new Map();
    this.streamState = 'idle';
  }

  /** Every loaded row, in order. */
  get rows(): readonly OrderSummary[] {
    return this.source.rows;
  }

  private get visibleColumns(): OrderColumn[] {
    return this.columns.map((id) => ORDER_COLUMNS.find((column) => column.id === id)).filter((column) => column !== undefined);
  }

  /** Columns of the grid: the selection checkbox, then the visible ones. */
  private get colCount(): number {
    return this.visibleColumns.length + 1;
  }

  private get grid(): HTMLElement | null {
    return this.renderRoot.querySelector<HTMLElement>('.grid');
  }

  protected override clientChanged(client: DockhandClient | undefined): void {
    this.stopStreamState?.();
    this.stopStreamState = client?.events.onState((state) => (this.streamState = state));
    this.source.use(client, this.query);
    if (client) void this.loadSideData(client);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.resizeObserver?.disconnect();
    this.stopStreamState?.();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    if (changed.has('sort') && this.sort !== this.query.sort) this.setQuery({ ...this.query, sort: this.sort });
  }

  protected override firstUpdated(): void {
    const grid = this.grid!;
    const height = parseFloat(getComputedStyle(this).getPropertyValue('--dh-row-height'));
    if (height > 0) this.rowHeight = height;
    this.resizeObserver = new ResizeObserver(() => {
      this.viewportHeight = grid.clientHeight;
      this.headerHeight = grid.querySelector<HTMLElement>('.head')?.offsetHeight ?? this.rowHeight;
    });
    this.resizeObserver.observe(grid);
  }

  private async loadSideData(client: DockhandClient): Promise<void> {
    const [stores, views] = await Promise.allSettled([
      client.api.get('/v1/stores', { query: { limit: 200 } }),
      client.api.get('/v1/views'),
    ]);
    if (stores.status === 'fulfilled') this.stores = new Map(stores.value.data.map((store) => [store.id, store.name]));
    if (views.status === 'fulfilled') this.views = views.value.data;
  }

  /** Replaces filters/search/sort and reloads from the first page (scrolled to the top). */
  setQuery(query: OrderQuery): void {
    this.query = query;
    this.scrollTop = 0;
    const grid = this.grid;
    if (grid) grid.scrollTop = 0;
    this.active = { row: 0, col: this.active.col };
    this.bulkResults = new Map();
    this.source.use(this.client, query);
  }

  // ---- windowing ----------------------------------------------------------------------------

  private window(): { first: number; last: number } {
    const count = this.rows.length;
    const bodyHeight = Math.max(0, this.viewportHeight - this.headerHeight);
    const first = Math.max(0, Math.floor(this.scrollTop / this.rowHeight) - OVERSCAN);
    const last = Math.min(count - 1, Math.ceil((this.scrollTop + bodyHeight) / this.rowHeight) + OVERSCAN);
    return { first, last };
  }

  private onScroll(event: Event): void {
    this.scrollTop = (event.currentTarget as HTMLElement).scrollTop;
  }

  protected override updated(): void {
    const { last } = this.window();
    // After this update, not inside it: a page request re-renders (busy state) on its own.
    queueMicrotask(() => this.source.ensure(last));
  }

  /** Scrolls so the row is fully visible below the sticky header. */
  private revealRow(row: number): void {
    const grid = this.grid;
    if (!grid || row < 0) return;
    const top = row * this.rowHeight;
    const bodyHeight = grid.clientHeight - this.headerHeight;
    if (top < grid.scrollTop) grid.scrollTop = top;
    else if (top + this.rowHeight > grid.scrollTop + bodyHeight) grid.scrollTop = top + this.rowHeight - bodyHeight;
    this.scrollTop = grid.scrollTop;
  }

  // ---- keyboard (WAI-ARIA grid) ---------------------------------------------------------------

  private onKeyDown(event: KeyboardEvent): void {
    const last = this.rows.length - 1;
    const page = Math.max(1, Math.floor((this.viewportHeight - this.headerHeight) / this.rowHeight) - 1);
    const rtl = this.l10n.dir === 'rtl';
    let { row, col } = this.active;
    switch (event.key) {
      case 'ArrowDown':
        row = Math.min(last, row + 1);
        break;
      case 'ArrowUp':
        row = Math.max(-1, row - 1);
        break;
      case 'ArrowRight':
        col = rtl ? Math.max(0, col - 1) : Math.min(this.colCount - 1, col + 1);
        break;
      case 'ArrowLeft':
        col = rtl ? Math.min(this.colCount - 1, col + 1) : Math.max(0, col - 1);
        break;
      case 'Home':
        if (event.ctrlKey) row = Math.min(0, last);
        col = 0;
        break;
      case 'End':
        if (event.ctrlKey) row = last;
        col = this.colCount - 1;
        break;
      case 'PageDown':
        row = Math.min(last, row + page);
        break;
      case 'PageUp':
        row = Math.max(row < 0 ? -1 : 0, row - page);
        break;
      case 'Enter':
        event.preventDefault();
        if (row < 0) this.sortBy(this.visibleColumns[col - 1]);
        else if (this.rows[row]) void this.openDetail(this.rows[row]!);
        return;
      case ' ':
        event.preventDefault();
        if (row < 0) this.toggleAll();
        else if (this.rows[row]) this.toggle(this.rows[row]!.id);
        return;
      case 'a':
        if (!(event.ctrlKey || event.metaKey)) return;
        event.preventDefault();
        this.toggleAll(true);
        return;
      default:
        return;
    }
    event.preventDefault();
    this.active = { row, col };
    this.revealRow(row);
  }

  private cellId(row: number, col: number): string {
    return row < 0 ? `h-${col}` : `c-${row}-${col}`;
  }

  // ---- selection and bulk actions ---------------------------------------------------------------

  toggle(id: string): void {
    const next = new Set(this.selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    this.setSelection(next);
  }

  private toggleAll(on = this.selected.size < this.rows.length): void {
    this.setSelection(on ? new Set(this.rows.map((row) => row.id)) : new Set());
  }

  private setSelection(next: Set<string>): void {
    this.selected = next;
    emit<SelectionDetail>(this, 'dh-selection-change', { ids: [...next] });
  }

  /** Runs a bulk action over the selection and shows each row's result. */
  async runBulk(
    body:
      | { action: 'changeStatus'; status: BulkStatus }
      | { action: 'addTracking'; tracking: { carrier: string; trackingNumber: string } },
  ): Promise<BulkResult[]> {
    const client = this.client;
    if (!client || this.selected.size === 0) return [];
    const ids = [...this.selected];
    const { data } = await client.api.post('/v1/orders/bulk', { ...body, ids });
    this.bulkResults = new Map(data.map((result) => [result.id, result]));
    emit<BulkDoneDetail>(this, 'dh-bulk-done', { action: body.action, results: data });
    return data;
  }

  private onBulkSubmit(event: SubmitEvent): void {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const action = form.get('action');
    const run =
      action === 'addTracking'
        ? this.runBulk({
            action,
            tracking: { carrier: String(form.get('carrier') ?? ''), trackingNumber: String(form.get('trackingNumber') ?? '') },
          })
        : this.runBulk({ action: 'changeStatus', status: String(form.get('status') ?? '') as BulkStatus });
    run.catch((error: unknown) => {
      this.source.error = error instanceof Error ? error : new Error(String(error));
      this.requestUpdate();
    });
  }

  // ---- sort, filters, search, views, columns ---------------------------------------------------

  private sortBy(column: OrderColumn | undefined): void {
    if (!column?.sort) return;
    const current = this.query.sort;
    const next = current === `-${column.sort}` ? column.sort : `-${column.sort}`;
    this.setQuery({ ...this.query, sort: next });
  }

  private sortOf(column: OrderColumn): 'ascending' | 'descending' | undefined {
    if (!column.sort) return undefined;
    if (this.query.sort === column.sort) return 'ascending';
    if (this.query.sort === `-${column.sort}`) return 'descending';
    return undefined;
  }

  private onFilter(name: FilterName, value: string): void {
    this.setQuery({ ...this.query, [name]: value || undefined });
  }

  private onSearch(event: InputEvent): void {
    const value = (event.currentTarget as HTMLInputElement).value;
    clearTimeout(this.searchTimer);
    this.searchTimer = setTimeout(() => {
      const q = value.trim();
      const effective = searchable(q) ? q : undefined;
      if (effective !== (this.query.q?.trim() || undefined)) this.setQuery({ ...this.query, q: effective });
    }, 250);
  }

  private toggleColumn(id: string, on: boolean): void {
    const order = ORDER_COLUMNS.map((column) => column.id);
    const next = on ? [...new Set([...this.columns, id])] : this.columns.filter((column) => column !== id);
    this.columns = next.sort((a, b) => order.indexOf(a) - order.indexOf(b));
    this.active = { ...this.active, col: Math.min(this.active.col, this.colCount - 1) };
  }

  applyView(view: SavedView | undefined): void {
    if (!view) {
      this.columns = [...DEFAULT_COLUMNS];
      this.setQuery({ sort: this.sort });
      return;
    }
    const filters = view.filters ?? {};
    const first = (value: unknown) =>
      Array.isArray(value) ? String(value[0] ?? '') || undefined : typeof value === 'string' ? value : undefined;
    if (view.columns.length) this.columns = view.columns.filter((id) => ORDER_COLUMNS.some((column) => column.id === id));
    this.setQuery({
      sort: view.sort || this.sort,
      q: first(filters['q']),
      status: first(filters['status']),
      financialStatus: first(filters['financialStatus']),
      fulfillmentStatus: first(filters['fulfillmentStatus']),
      store: first(filters['store']),
    });
  }

  /** Saves the current filters, sort and columns as a view of the signed-in user. */
  async saveView(name: string): Promise<SavedView | undefined> {
    const client = this.client;
    if (!client || !name.trim()) return undefined;
    const { sort, ...rest } = this.query;
    const filters: CreateSavedView['filters'] = {};
    for (const [key, value] of Object.entries(rest) as Array<[keyof typeof rest, string | undefined]>)
      if (value) filters[key] = value;
    const columns = this.columns as CreateSavedView['columns'];
    const { data } = await client.api.post('/v1/views', { name: name.trim(), filters, sort, columns });
    this.views = [...this.views, data];
    return data;
  }

  private onSaveView(event: SubmitEvent): void {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const name = String(new FormData(form).get('name') ?? '');
    void this.saveView(name).then(() => form.reset());
  }

  // ---- detail drawer --------------------------------------------------------------------------

  async openDetail(order: OrderSummary): Promise<void> {
    this.detail = { order };
    emit<OrderOpenDetail>(this, 'dh-order-open', { order });
    const client = this.client;
    if (!client) return;
    try {
      const { data } = await client.api.get('/v1/orders/{id}', { params: { id: order.id } });
      if (this.detail?.order.id === order.id) this.detail = { order, data };
    } catch (error) {
      if (this.detail?.order.id === order.id) this.detail = { order, error: String((error as Error).message ?? error) };
    }
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('.drawer button.close')?.focus();
  }

  closeDetail(): void {
    this.detail = undefined;
    void this.updateComplete.then(() => this.grid?.focus());
  }

  // ---- export ---------------------------------------------------------------------------------

  /**
   * Writes the current view (every page of it, not only the loaded rows) as CSV into `target`, a
   * page at a time: at most one page is ever held. Without a target, asks where to save.
   */
  async exportCsv(target?: WritableStream<Uint8Array>): Promise<number> {
    const stream = target ?? (await saveTarget(`orders-${new Date().toISOString().slice(0, 10)}.csv`));
    const writer = stream.getWriter();
    const encoder = new TextEncoder();
    const columns = this.visibleColumns;
    let count = 0;
    this.exportProgress = { count, done: false };
    try {
      await writer.write(encoder.encode(csvLine(columns.map((column) => this.l10n.t(column.label)))));
      for await (const page of this.source.pages()) {
        let chunk = '';
        for (const order of page)
          chunk += csvLine(
            columns.map((column) => (column.csv ?? ((row, stores) => column.text(row, this.l10n, stores)))(order, this.stores)),
          );
        await writer.write(encoder.encode(chunk));
        count += page.length;
        this.exportProgress = { count, done: false };
      }
      await writer.close();
    } catch (error) {
      await writer.abort(error).catch(() => undefined);
      throw error;
    } finally {
      this.exportProgress = { count, done: true };
    }
    return count;
  }

  // ---- rendering ------------------------------------------------------------------------------

  override render(): TemplateResult {
    const t = this.l10n.t.bind(this.l10n);
    return html`<div class="frame" part="frame">
      ${this.renderToolbar()} ${this.selected.size > 0 ? this.renderBulkBar() : nothing}
      ${
        this.source.newOrders > 0
          ? html`<div class="notice" role="status">
              <button @click=${() => this.source.reload()}>${t('orders.count', { count: this.source.newOrders })} ↻</button>
            </div>`
          : nothing
      }
      ${this.renderGrid()} ${this.renderFooter()} ${this.detail ? this.renderDrawer(this.detail) : nothing}
    </div>`;
  }

  private renderToolbar(): TemplateResult {
    const t = this.l10n.t.bind(this.l10n);
    const select = (name: FilterName, label: string, values: readonly string[], text: (value: string) => string) => html`
      <select
        aria-label=${label}
        .value=${this.query[name] ?? ''}
        @change=${(event: Event) => this.onFilter(name, (event.currentTarget as HTMLSelectElement).value)}
      >
        <option value="">${label}: ${t('orders.filter.any')}</option>
        ${values.map((value) => html`<option value=${value} ?selected=${this.query[name] === value}>${text(value)}</option>`)}
      </select>
    `;
    return html`
      <div class="toolbar" part="toolbar">
        <input
          type="search"
          aria-label=${t('orders.search')}
          placeholder=${t('orders.searchPlaceholder')}
          @input=${this.onSearch}
        />
        ${select('status', t('orders.col.status'), FILTERS.status, (value) => this.l10n.status(value))}
        ${select('financialStatus', t('orders.col.financialStatus'), FILTERS.financialStatus, (value) => this.l10n.status(value))}
        ${select('fulfillmentStatus', t('orders.col.fulfillmentStatus'), FILTERS.fulfillmentStatus, (value) => this.l10n.status(value))}
        ${this.stores.size > 1 ? select('store', t('orders.col.store'), [...this.stores.keys()], (id) => this.stores.get(id) ?? id) : nothing}
        <select
          aria-label=${t('orders.views')}
          @change=${(event: Event) => this.applyView(this.views.find((view) => view.id === (event.currentTarget as HTMLSelectElement).value))}
        >
          <option value="">${t('orders.allOrders')}</option>
          ${this.views.map((view) => html`<option value=${view.id}>${view.name}</option>`)}
        </select>
        <details class="save-view">
          <summary>${t('orders.saveView')}</summary>
          <form class="menu" @submit=${this.onSaveView}>
            <label>${t('orders.viewName')} <input name="name" required maxlength="100" /></label>
            <button class="primary" type="submit">${t('common.save')}</button>
          </form>
        </details>
        <details class="columns">
          <summary>${t('orders.columns')}</summary>
          <div class="menu" role="group" aria-label=${t('orders.columns')}>
            ${ORDER_COLUMNS.map(
              (column) =>
                html`<label
                  ><input
                    type="checkbox"
                    .checked=${this.columns.includes(column.id)}
                    @change=${(event: Event) => this.toggleColumn(column.id, (event.currentTarget as HTMLInputElement).checked)}
                  />
                  ${t(column.label)}</label
                >`,
            )}
          </div>
        </details>
        <button
          class="export"
          ?disabled=${this.exportProgress !== undefined && !this.exportProgress.done}
          @click=${() => void this.exportCsv().catch(() => undefined)}
        >
          ${t('orders.export')}
        </button>
      </div>
    `;
  }

  private renderBulkBar(): TemplateResult {
    const t = this.l10n.t.bind(this.l10n);
    const results = [...this.bulkResults.values()];
    const ok = results.filter((result) => result.ok).length;
    return html`
      <div class="bulk" part="bulk-bar" role="region" aria-label=${t('orders.selected', { count: this.selected.size })}>
        <span>${t('orders.selected', { count: this.selected.size })}</span>
        <form class="bulk-status" @submit=${this.onBulkSubmit}>
          <input type="hidden" name="action" value="changeStatus" />
          <select name="status" aria-label=${t('orders.bulk.newStatus')}>
            ${BULK_STATUSES.map((status) => html`<option value=${status}>${this.l10n.status(status)}</option>`)}
          </select>
          <button type="submit">${t('orders.bulk.status')}</button>
        </form>
        <form class="bulk-tracking" @submit=${this.onBulkSubmit}>
          <input type="hidden" name="action" value="addTracking" />
          <input name="carrier" required aria-label=${t('orders.bulk.carrier')} placeholder=${t('orders.bulk.carrier')} />
          <input
            name="trackingNumber"
            required
            aria-label=${t('orders.bulk.trackingNumber')}
            placeholder=${t('orders.bulk.trackingNumber')}
          />
          <button type="submit" class="primary">${t('orders.bulk.tracking')}</button>
        </form>
        <button @click=${() => this.setSelection(new Set())}>${t('orders.clearSelection')}</button>
        ${results.length ? html`<span role="status" class="bulk-summary">${t('orders.bulk.results', { ok, failed: results.length - ok })}</span>` : nothing}
      </div>
    `;
  }

  private renderGrid(): TemplateResult {
    const t = this.l10n.t.bind(this.l10n);
    const columns = this.visibleColumns;
    const count = this.rows.length;
    const { first, last } = this.window();
    const template = `44px ${columns.map((column) => column.width).join(' ')}`;
    const rowWidth = columns.reduce((sum, column) => sum + parseFloat(column.width), 44);
    const allSelected = count > 0 && this.selected.size >= count && this.rows.every((row) => this.selected.has(row.id));
    const active = this.active;
    // Keyed by order: a row that stays in view keeps its DOM as it is while the table scrolls;
    // only the rows coming into view are made.
    const indexes: number[] = [];
    for (let index = first; index <= last; index++) indexes.push(index);
    const body = repeat(
      indexes,
      (index) => this.rows[index]!.id,
      (index) => this.renderRow(this.rows[index]!, index, columns),
    );
    return html`
      <div
        class="grid"
        part="grid"
        role="grid"
        tabindex="0"
        aria-label=${this.label || t('orders.label')}
        aria-multiselectable="true"
        aria-rowcount=${this.source.complete ? count + 1 : -1}
        aria-colcount=${columns.length + 1}
        aria-activedescendant=${count > 0 || active.row < 0 ? this.cellId(active.row, active.col) : nothing}
        aria-busy=${this.source.loading ? 'true' : 'false'}
        style=${`--columns: ${template}; --row-width: ${rowWidth}px`}
        @scroll=${this.onScroll}
        @keydown=${this.onKeyDown}
      >
        <div role="rowgroup">
          <div class="row head" role="row" part="header" aria-rowindex="1">
            <div
              class="cell"
              role="columnheader"
              aria-colindex="1"
              id=${this.cellId(-1, 0)}
              class=${active.row < 0 && active.col === 0 ? 'cell active' : 'cell'}
            >
              <input
                type="checkbox"
                tabindex="-1"
                aria-label=${t('orders.selectAll')}
                .checked=${allSelected}
                @change=${() => this.toggleAll()}
              />
            </div>
            ${columns.map((column, index) => {
              const sort = this.sortOf(column);
              return html`<div
                role="columnheader"
                aria-colindex=${index + 2}
                aria-sort=${sort ?? nothing}
                id=${this.cellId(-1, index + 1)}
                class=${`cell${column.align === 'end' ? ' end' : ''}${active.row < 0 && active.col === index + 1 ? ' active' : ''}`}
              >
                ${
                  column.sort
                    ? html`<button tabindex="-1" @click=${() => this.sortBy(column)}>
                        ${t(column.label)} ${sort === 'ascending' ? '▲' : sort === 'descending' ? '▼' : ''}
                      </button>`
                    : t(column.label)
                }
              </div>`;
            })}
          </div>
        </div>
        <div class="body" role="rowgroup" style=${`height: ${count * this.rowHeight}px`}>${body}</div>
        ${this.renderState(count)}
      </div>
    `;
  }

  private renderRow(order: OrderSummary, index: number, columns: OrderColumn[]): TemplateResult {
    const t = this.l10n.t.bind(this.l10n);
    const selected = this.selected.has(order.id);
    const result = this.bulkResults.get(order.id);
    const active = this.active.row === index ? this.active.col : -1;
    return html`<div
      class="row"
      role="row"
      part="row"
      aria-rowindex=${index + 2}
      aria-selected=${selected ? 'true' : 'false'}
      data-id=${order.id}
      style=${`transform: translateY(${index * this.rowHeight}px)`}
      @click=${(event: MouseEvent) => this.onRowClick(event, index)}
      @dblclick=${() => void this.openDetail(order)}
    >
      <div
        role="gridcell"
        aria-colindex="1"
        id=${active === 0 ? this.cellId(index, 0) : nothing}
        class=${active === 0 ? 'cell active' : 'cell'}
      >
        <input
          type="checkbox"
          tabindex="-1"
          aria-label=${t('orders.selectRow', { number: order.number })}
          .checked=${selected}
          @change=${() => this.toggle(order.id)}
        />
      </div>
      ${columns.map(
        (column, col) =>
          html`<div
            role="gridcell"
            aria-colindex=${col + 2}
            id=${active === col + 1 ? this.cellId(index, col + 1) : nothing}
            class=${`cell${column.align === 'end' ? ' end' : ''}${active === col + 1 ? ' active' : ''}`}
          >
            ${column.text(order, this.l10n, this.stores)}${
              col === 0 && result
                ? html` <span class=${result.ok ? 'result-ok' : 'result-failed'} title=${result.error?.message ?? ''}
                    >${result.ok ? '✓' : `✗ ${result.error?.message ?? ''}`}</span
                  >`
                : nothing
            }
          </div>`,
      )}
    </div>`;
  }

  private onRowClick(event: MouseEvent, index: number): void {
    const cell = (event.target as HTMLElement).closest<HTMLElement>('[role=gridcell]');
    const col = Number(cell?.getAttribute('aria-colindex') ?? 1) - 1;
    this.active = { row: index, col };
    this.grid?.focus({ preventScroll: true });
  }

  private renderState(count: number): TemplateResult | typeof nothing {
    const t = this.l10n.t.bind(this.l10n);
    if (this.source.error) {
      return html`<div class="state" role="alert" part="error">
        ${t('common.error', { message: this.source.error.message })}
        <button @click=${() => this.source.reload()}>${t('common.retry')}</button>
      </div>`;
    }
    if (count === 0 && (this.source.loading || !this.client))
      return html`<div class="state" role="status" part="loading">${t('common.loading')}</div>`;
    if (count === 0 && this.source.complete)
      return html`<div class="state" role="status" part="empty">${t('orders.empty')}</div>`;
    return nothing;
  }

  private renderFooter(): TemplateResult {
    const t = this.l10n.t.bind(this.l10n);
    const count = this.rows.length;
    const live = this.streamState === 'open' ? t('common.live') : this.streamState === 'waiting' ? t('common.reconnecting') : '';
    return html`<div class="footer" part="footer">
      <span>${t('orders.count', { count })}${this.source.complete ? '' : '+'}</span>
      ${this.exportProgress ? html`<span role="status">${t(this.exportProgress.done ? 'orders.exported' : 'orders.exporting', { count: this.exportProgress.count })}</span>` : nothing}
      <span>${live}</span>
    </div>`;
  }

  private renderDrawer(detail: NonNullable<DhOrderTable['detail']>): TemplateResult {
    const t = this.l10n.t.bind(this.l10n);
    const data = detail.data;
    const none = html`<p>${t('orders.detail.none')}</p>`;
    return html`<div
      class="drawer"
      part="drawer"
      role="dialog"
      aria-labelledby="drawer-title"
      @keydown=${(event: KeyboardEvent) => event.key === 'Escape' && this.closeDetail()}
    >
      <header>
        <h2 id="drawer-title">${t('orders.detail', { number: detail.order.number })}</h2>
        <button class="close" @click=${() => this.closeDetail()}>${t('common.close')}</button>
      </header>
      ${detail.error ? html`<p role="alert">${t('common.error', { message: detail.error })}</p>` : nothing}
      ${!data && !detail.error ? html`<p role="status">${t('common.loading')}</p>` : nothing}
      ${
        data
          ? html`
              <p>
                ${this.l10n.money(data.total, data.currency)} · ${this.l10n.status(data.financialStatus)} ·
                ${this.l10n.status(data.fulfillmentStatus ?? 'unfulfilled')}
              </p>
              <h3>${t('orders.detail.customer')}</h3>
              <p>
                ${[data.customer?.firstName, data.customer?.lastName].filter(Boolean).join(' ') || data.customerName || '—'}
                ${data.email ? html`<br />${data.email}` : nothing}
              </p>
              <h3>${t('orders.detail.lines')}</h3>
              ${
                data.lines.length
                  ? html`<table>
                      <thead>
                        <tr>
                          <th scope="col">${t('orders.detail.sku')}</th>
                          <th scope="col">${t('orders.col.number')}</th>
                          <th scope="col">${t('orders.detail.quantity')}</th>
                          <th scope="col">${t('orders.detail.price')}</th>
                        </tr>
                      </thead>
                      <tbody>
                        ${data.lines.map(
                          (line) =>
                            html`<tr>
                              <td>${line.sku ?? '—'}</td>
                              <td>${line.title}</td>
                              <td>${this.l10n.number(line.quantity)}</td>
                              <td>${this.l10n.money(line.price, data.currency)}</td>
                            </tr>`,
                        )}
                      </tbody>
                    </table>`
                  : none
              }
              <h3>${t('orders.detail.fulfillments')}</h3>
              ${
                data.fulfillments.length
                  ? html`<ul>
                      ${data.fulfillments.map((fulfillment) => html`<li>${this.fulfillmentText(fulfillment)}</li>`)}
                    </ul>`
                  : none
              }
              <h3>${t('orders.detail.timeline')}</h3>
              ${
                data.timeline.length
                  ? html`<ol>
                      ${data.timeline.map((entry) => html`<li><time datetime=${entry.at}>${this.l10n.date(entry.at)}</time> · ${entry.type}${entry.actor ? ` · ${entry.actor}` : ''}</li>`)}
                    </ol>`
                  : none
              }
            `
          : nothing
      }
    </div>`;
  }

  private fulfillmentText(fulfillment: OrderDetail['fulfillments'][number]): string {
    const record = fulfillment as Record<string, unknown>;
    const parts = [record['status'], record['carrier'] ?? record['trackingCompany'], record['trackingNumber']].filter(
      (part) => typeof part === 'string' && part,
    );
    return parts.join(' · ') || String(record['id'] ?? '');
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'dh-order-table': DhOrderTable;
  }
  interface HTMLElementEventMap {
    'dh-order-open': CustomEvent<OrderOpenDetail>;
    'dh-selection-change': CustomEvent<SelectionDetail>;
    'dh-bulk-done': CustomEvent<BulkDoneDetail>;
  }
}
