import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { components } from '../core/api-types.ts';
import type { DockhandClient } from '../core/dockhand-client.ts';
import type { StreamEvent } from '../core/event-stream.ts';

export type InventoryRequest = components['schemas']['InventoryRequest'];
export type RequestStatus = InventoryRequest['status'];

/** The row-store kind requests are kept under, so every element showing one sees one copy. */
export const REQUEST_KIND = 'inventory.request';

/** What an admin still has to act on (or watch until the store answers). */
export const ATTENTION_STATUSES: readonly RequestStatus[] = ['pending', 'conflict', 'failed', 'approved'];

export type RequestFilter = 'attention' | 'all';

const PAGE = 100;

/**
 * The requests a panel shows, kept live: loaded from GET /v1/inventory/requests, then every
 * `inventory.request.*` event patches the row at once (its status travels in the event) and
 * re-reads it, so the panel never needs a reload. A `reset` from the stream reloads.
 */
export class ApprovalsSource implements ReactiveController {
  requests: InventoryRequest[] = [];
  loading = false;
  error: Error | undefined;
  private client: DockhandClient | undefined;
  private filter: RequestFilter = 'attention';
  private store: string | undefined;
  private generation = 0;
  private unsubscribe: Array<() => void> = [];
  private readonly pendingReads = new Set<string>();
  /** The status each row had when last shown (rows are shared objects, changed in place by the store). */
  private readonly shownStatus = new Map<string, RequestStatus>();
  /** The status the stream announced last, per request, until a read of the row confirms it. */
  private readonly streamStatus = new Map<string, RequestStatus>();
  /** Events seen per request: a read that an event overtook does not clear what the event said. */
  private readonly eventCount = new Map<string, number>();
  /** Requests whose creation the stream announced while this panel was open. */
  private readonly madeWhileOpen = new Set<string>();
  private readTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly host: ReactiveControllerHost,
    /** Told when a row changed status under the reader (for the element's announcement and event). */
    private readonly onChange: (request: InventoryRequest, previous: RequestStatus | undefined) => void = () => {},
  ) {
    host.addController(this);
  }

  hostDisconnected(): void {
    this.detach();
  }

  use(client: DockhandClient | undefined, filter: RequestFilter, store: string | undefined): void {
    this.detach();
    this.client = client;
    this.filter = filter;
    this.store = store || undefined;
    if (!client) return;
    this.unsubscribe = [
      client.events.on('inventory.request.*', (event) => this.onEvent(event)),
      client.events.on('reset', () => void this.reload()),
      client.rows.subscribe(REQUEST_KIND, '*', (row) => this.upsert(row as unknown as InventoryRequest)),
    ];
    void this.reload();
  }

  async reload(): Promise<void> {
    const client = this.client;
    if (!client) return;
    const generation = ++this.generation;
    this.loading = true;
    this.error = undefined;
    this.host.requestUpdate();
    try {
      const statuses = this.filter === 'attention' ? ATTENTION_STATUSES : [undefined];
      const pages = await Promise.all(
        statuses.map((status) => client.api.get('/v1/inventory/requests', { query: { status, store: this.store, limit: PAGE } })),
      );
      if (generation !== this.generation) return;
      const rows = pages.flatMap((page) => page.data).sort(newestFirst);
      this.requests = client.rows.remember(REQUEST_KIND, rows);
      this.shownStatus.clear();
      for (const row of this.requests) this.shownStatus.set(row.id, row.status);
    } catch (error) {
      if (generation !== this.generation) return;
      this.error = error instanceof Error ? error : new Error(String(error));
    } finally {
      if (generation === this.generation) this.loading = false;
      this.host.requestUpdate();
    }
  }

  /** Puts a row the element itself received (a create or a decision answer) where it belongs. */
  accept(request: InventoryRequest): InventoryRequest {
    const client = this.client;
    if (!client) return request;
    const known = client.rows.get<InventoryRequest & { id: string }>(REQUEST_KIND, request.id);
    if (known && known.updatedAt > request.updatedAt) return known;
    // The stream can be ahead of an answer (the retried push already failed again when the
    // retry's answer arrives): its status stands until the row is read again.
    const told = this.streamStatus.get(request.id);
    if (told && told !== request.status) {
      this.scheduleRead(request.id);
      return client.rows.merge(REQUEST_KIND, request.id, { ...request, status: told }) as unknown as InventoryRequest;
    }
    return client.rows.merge(REQUEST_KIND, request.id, request) as unknown as InventoryRequest;
  }

  private upsert(request: InventoryRequest): void {
    if (this.store && request.storeId !== this.store) return;
    const index = this.requests.findIndex((row) => row.id === request.id);
    const previous = this.shownStatus.get(request.id);
    if (index >= 0) {
      this.requests = this.requests.with(index, request);
    } else {
      // New to this panel: only when the filter wants it (a decided one stays where it was seen),
      // or when it was made while the panel was open: one approved and applied in the moment
      // before its first read is shown with the status it reached, not left out.
      if (this.filter === 'attention' && !ATTENTION_STATUSES.includes(request.status) && !this.madeWhileOpen.has(request.id))
        return;
      this.requests = [request, ...this.requests].sort(newestFirst);
    }
    this.shownStatus.set(request.id, request.status);
    if (previous !== request.status) this.onChange(request, previous);
    this.host.requestUpdate();
  }

  private onEvent(event: StreamEvent): void {
    const id = typeof event.subjectId === 'string' ? event.subjectId : undefined;
    const client = this.client;
    if (!id || !client) return;
    if (this.store && event.storeId && event.storeId !== this.store) return;
    // The status travels in the event: show it now, then read the whole row (numbers, errors).
    const status = event.data?.['status'];
    this.eventCount.set(id, (this.eventCount.get(id) ?? 0) + 1);
    if (event.type === 'inventory.request.created') this.madeWhileOpen.add(id);
    if (typeof status === 'string') this.streamStatus.set(id, status as RequestStatus);
    if (typeof status === 'string' && client.rows.get(REQUEST_KIND, id)) {
      const patch: Record<string, unknown> = { status };
      for (const field of ['expectedAvailable', 'actualAvailable', 'attempts'] as const) {
        if (typeof event.data?.[field] === 'number') patch[field] = event.data[field];
      }
      if (typeof event.data?.['error'] === 'string') patch['lastError'] = event.data['error'];
      client.rows.merge(REQUEST_KIND, id, patch);
    }
    this.scheduleRead(id);
  }

  private scheduleRead(id: string): void {
    this.pendingReads.add(id);
    // A burst (approved, then applied a moment later) becomes one read per request.
    this.readTimer ??= setTimeout(() => void this.readPending(), 20);
  }

  private async readPending(): Promise<void> {
    this.readTimer = undefined;
    const client = this.client;
    const ids = [...this.pendingReads];
    this.pendingReads.clear();
    if (!client) return;
    await Promise.all(
      ids.map(async (id) => {
        const events = this.eventCount.get(id);
        try {
          const { data } = await client.api.get('/v1/inventory/requests/{id}', { params: { id } });
          if (this.client !== client) return;
          // The read is newer than every event before it (not than one that arrived meanwhile).
          if (this.eventCount.get(id) === events) this.streamStatus.delete(id);
          this.accept(data);
        } catch {
          // Out of scope now (a store taken from the merchant): the next reload drops it.
        }
      }),
    );
  }

  private detach(): void {
    this.generation++;
    clearTimeout(this.readTimer);
    this.readTimer = undefined;
    this.pendingReads.clear();
    this.streamStatus.clear();
    this.eventCount.clear();
    this.madeWhileOpen.clear();
    for (const stop of this.unsubscribe) stop();
    this.unsubscribe = [];
  }
}

function newestFirst(a: InventoryRequest, b: InventoryRequest): number {
  return a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : a.id < b.id ? 1 : -1;
}
