import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { QueryValue } from '../core/api-client.ts';
import type { DockhandClient } from '../core/dockhand-client.ts';
import type { StreamEvent } from '../core/event-stream.ts';
import type { OrderSummary } from './columns.ts';

/** The filters, search and sort of the table: the query of GET /v1/orders (and what a saved view keeps). */
export interface OrderQuery {
  q?: string;
  status?: string;
  financialStatus?: string;
  fulfillmentStatus?: string;
  store?: string;
  /** `placed`, `-placed`, `total`, … */
  sort: string;
}

export const PAGE_SIZE = 200;
/** Start fetching the next page when the window comes this close to the end of what is loaded. */
const PREFETCH_ROWS = 300;

/**
 * Whether the server searches `q`: it needs a word of three characters or more (its indexes are
 * keyed by three-character runs), and answers 400 to a text without one, such as `a b`.
 */
export const searchable = (q: string | undefined): q is string => q !== undefined && /\S{3}/.test(q);

export function apiQuery(query: OrderQuery): Record<string, QueryValue> {
  const q = query.q?.trim();
  return {
    sort: query.sort,
    status: query.status,
    financialStatus: query.financialStatus,
    fulfillmentStatus: query.fulfillmentStatus,
    store: query.store,
    q: searchable(q) ? q : undefined,
  };
}

/**
 * The rows of the table: keyset pages of GET /v1/orders fetched as the window nears the end, kept
 * in the client's shared row store, and kept current from /v1/stream (a changed order is re-read
 * and updated in place, so the scroll position and the selection stay as they are).
 */
export class OrdersSource implements ReactiveController {
  rows: OrderSummary[] = [];
  loading = false;
  error: Error | undefined;
  /** Orders created since the rows were loaded (shown as a notice, not inserted under the reader). */
  newOrders = 0;
  private cursor: string | null | undefined;
  private query: OrderQuery = { sort: '-placed' };
  private client: DockhandClient | undefined;
  private abort: AbortController | undefined;
  private unsubscribe: Array<() => void> = [];
  private readonly pendingRefresh = new Set<string>();
  /** The rows shown, made when the second page comes (the first needs no check). */
  private shown: Set<OrderSummary> | undefined;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  /**
   * The rows with a new page after them. An order can come again on a later page (it changed while
   * the pages were read, and the sort put it further on): it keeps its place, with the new fields
   * the row store merged into it, so every order shows once (rows are keyed by order id).
   */
  private append(page: OrderSummary[]): OrderSummary[] {
    if (this.rows.length === 0) return page;
    const shown = (this.shown ??= new Set(this.rows));
    const fresh = page.filter((row) => !shown.has(row));
    for (const row of fresh) shown.add(row);
    return this.rows.concat(fresh);
  }

  /** Every row of the query is loaded. */
  get complete(): boolean {
    return this.cursor === null;
  }

  hostDisconnected(): void {
    this.detach();
  }

  use(client: DockhandClient | undefined, query: OrderQuery): void {
    this.detach();
    this.client = client;
    this.query = query;
    if (!client) return;
    this.unsubscribe = [
      client.events.on('order.*', (event) => this.onEvent(event)),
      client.events.on('fulfillment.created', (event) => this.onEvent(event)),
      client.events.on('reset', () => this.reload()),
      client.rows.subscribe('order', '*', () => this.host.requestUpdate()),
    ];
    this.reload();
  }

  reload(): void {
    this.abort?.abort();
    this.rows = [];
    this.shown = undefined;
    this.cursor = undefined;
    this.error = undefined;
    this.newOrders = 0;
    this.loading = false;
    void this.loadMore();
  }

  /** The rows `first..last` are about to show: fetch ahead when they near the end. */
  ensure(last: number): void {
    if (last + PREFETCH_ROWS >= this.rows.length) void this.loadMore();
  }

  async loadMore(): Promise<void> {
    const client = this.client;
    if (!client || this.loading || this.complete || this.error) return;
    this.loading = true;
    const abort = (this.abort = new AbortController());
    this.host.requestUpdate();
    try {
      const page = await client.api.get('/v1/orders', {
        query: { ...apiQuery(this.query), limit: PAGE_SIZE, cursor: this.cursor ?? undefined },
        signal: abort.signal,
      });
      if (abort.signal.aborted) return;
      this.rows = this.append(client.rows.remember('order', page.data));
      this.cursor = page.page.nextCursor;
    } catch (error) {
      if (abort.signal.aborted) return;
      this.error = error instanceof Error ? error : new Error(String(error));
    } finally {
      if (this.abort === abort) this.loading = false;
      this.host.requestUpdate();
    }
  }

  /** Every page of the current query, one at a time (for export): never more than one page in memory. */
  async *pages(): AsyncGenerator<OrderSummary[]> {
    const client = this.client;
    if (!client) return;
    let cursor: string | null | undefined;
    do {
      const page = await client.api.get('/v1/orders', {
        query: { ...apiQuery(this.query), limit: PAGE_SIZE, cursor: cursor ?? undefined },
      });
      yield page.data;
      cursor = page.page.nextCursor;
    } while (cursor);
  }

  private onEvent(event: StreamEvent): void {
    const id = event.type === 'fulfillment.created' ? String(event.data?.['orderId'] ?? '') : String(event.subjectId ?? '');
    if (event.type === 'order.created') {
      this.newOrders++;
      this.host.requestUpdate();
      return;
    }
    if (!id || !this.client?.rows.get('order', id)) return;
    // Several events for one order in a burst become one read.
    this.pendingRefresh.add(id);
    this.refreshTimer ??= setTimeout(() => void this.refreshPending(), 30);
  }

  private async refreshPending(): Promise<void> {
    this.refreshTimer = undefined;
    const client = this.client;
    const ids = [...this.pendingRefresh];
    this.pendingRefresh.clear();
    if (!client) return;
    await Promise.all(
      ids.map(async (id) => {
        try {
          const { data } = await client.api.get('/v1/orders/{id}', { params: { id } });
          const summary: Record<string, unknown> = {};
          // The detail carries every summary field; keep only those (lines etc. stay in the drawer).
          const current = client.rows.get('order', id);
          for (const key of Object.keys(current ?? {})) if (key in data) summary[key] = (data as Record<string, unknown>)[key];
          client.rows.merge('order', id, summary);
        } catch {
          // Gone or out of scope now: the next reload drops it.
        }
      }),
    );
  }

  private detach(): void {
    this.abort?.abort();
    clearTimeout(this.refreshTimer);
    this.refreshTimer = undefined;
    for (const stop of this.unsubscribe) stop();
    this.unsubscribe = [];
  }
}
