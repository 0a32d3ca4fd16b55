import { ApiError, type ApiClient } from './api-client.ts';

/** One event of /v1/stream. */
export interface StreamEvent {
  id: string;
  type: string;
  storeId?: string | null;
  subjectId?: string | null;
  data?: Record<string, unknown>;
  [field: string]: unknown;
}

export type StreamListener = (event: StreamEvent) => void;
export type StreamState = 'idle' | 'connecting' | 'open' | 'waiting';

export interface EventStreamOptions {
  path?: string;
  /** First retry delay; doubles up to `maxDelayMs`, with jitter. */
  minDelayMs?: number;
  maxDelayMs?: number;
  /** How long the connection stays open once nobody listens (default 1 s). */
  lingerMs?: number;
}

/**
 * Server-Sent Events over fetch (EventSource cannot send an Authorization header): resumes with
 * `Last-Event-ID` after a drop, backs off exponentially with jitter, and connects only while
 * someone listens. A `reset` event (the gap was older than the server keeps) tells listeners
 * to reload what they show. It closes a moment after the last listener leaves, and for good
 * with its client (dispose).
 */
export class EventStream {
  lastEventId: string | undefined;
  state: StreamState = 'idle';
  private readonly listeners = new Map<string, Set<StreamListener>>();
  private controller: AbortController | undefined;
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private serverRetryMs: number | undefined;
  private readonly stateListeners = new Set<(state: StreamState) => void>();
  /** Set by dispose(): the client it belongs to is gone, and no listener may open it again. */
  private disposed = false;
  private unusedTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly client: ApiClient,
    private readonly options: EventStreamOptions = {},
  ) {}

  /** Listens to one type (`order.updated`), a family (`inventory.request.*`), or everything (`*`). */
  on(type: string, listener: StreamListener): () => void {
    let set = this.listeners.get(type);
    if (!set) this.listeners.set(type, (set = new Set()));
    set.add(listener);
    clearTimeout(this.unusedTimer);
    if (this.state === 'idle' && !this.disposed) this.connect();
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(type);
      if (this.listeners.size === 0) this.closeWhenUnused();
    };
  }

  /**
   * Closes the connection once nobody has listened for `lingerMs`. An element that subscribes
   * again at once (handed the same client again, re-rendered) keeps the connection instead of
   * aborting it and opening another: Chromium was seen to keep the connection of an aborted
   * stream request busy until the page closed, and a page has six connections per server over
   * HTTP/1.1, after which its API calls wait.
   */
  private closeWhenUnused(): void {
    clearTimeout(this.unusedTimer);
    this.unusedTimer = setTimeout(() => {
      if (this.listeners.size === 0) this.close();
    }, this.options.lingerMs ?? 1_000);
  }

  onState(listener: (state: StreamState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  /**
   * Closes the stream for good: its client was replaced or its provider left the page. An element
   * that subscribes late (an update already scheduled when it was removed) would otherwise open a
   * connection nobody closes, and browsers give a page six connections per server over HTTP/1.1.
   */
  dispose(): void {
    this.disposed = true;
    this.close();
  }

  close(): void {
    clearTimeout(this.unusedTimer);
    clearTimeout(this.retryTimer);
    this.controller?.abort();
    this.controller = undefined;
    this.setState('idle');
  }

  private setState(state: StreamState): void {
    this.state = state;
    for (const listener of this.stateListeners) listener(state);
  }

  private connect(): void {
    const controller = new AbortController();
    this.controller = controller;
    this.setState('connecting');
    void this.run(controller).then(
      () => this.scheduleRetry(controller),
      (error: unknown) => this.scheduleRetry(controller, error),
    );
  }

  private scheduleRetry(controller: AbortController, refusal?: unknown): void {
    if (controller.signal.aborted || this.controller !== controller) return;
    this.setState('waiting');
    const delay = retryDelay({
      attempt: this.attempt,
      minDelayMs: this.options.minDelayMs ?? 500,
      maxDelayMs: this.options.maxDelayMs ?? 30_000,
      serverRetryMs: this.serverRetryMs,
      refusal,
      random: Math.random(),
    });
    this.attempt++;
    this.retryTimer = setTimeout(() => {
      if (this.controller === controller) this.connect();
    }, delay);
  }

  private async run(controller: AbortController): Promise<void> {
    const response = await this.client.fetch('GET', this.options.path ?? '/v1/stream', {
      signal: controller.signal,
      headers: { accept: 'text/event-stream', ...(this.lastEventId ? { 'last-event-id': this.lastEventId } : {}) },
    });
    if (!response.body) return;
    this.setState('open');
    this.attempt = 0;
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value.replace(/\r\n?/g, '\n');
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        this.dispatchBlock(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
      }
    }
  }

  private dispatchBlock(block: string): void {
    let type = 'message';
    let id: string | undefined;
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (!line || line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') type = value;
      else if (field === 'data') data.push(value);
      else if (field === 'id') id = value;
      else if (field === 'retry' && /^\d+$/.test(value)) this.serverRetryMs = Number(value);
    }
    if (id !== undefined) this.lastEventId = id;
    if (data.length === 0 && type === 'message') return;
    let payload: Record<string, unknown> = {};
    try {
      const parsed: unknown = data.length ? JSON.parse(data.join('\n')) : {};
      if (parsed && typeof parsed === 'object') payload = parsed as Record<string, unknown>;
    } catch {
      payload = { data: data.join('\n') };
    }
    const event: StreamEvent = { ...payload, id: id ?? String(payload['id'] ?? ''), type: String(payload['type'] ?? type) };
    this.emit(event);
  }

  private emit(event: StreamEvent): void {
    const family = event.type.includes('.') ? `${event.type.slice(0, event.type.lastIndexOf('.'))}.*` : undefined;
    for (const key of [event.type, family, '*']) {
      if (!key) continue;
      for (const listener of this.listeners.get(key) ?? []) listener(event);
    }
  }
}

/**
 * How long to wait before connecting again. A stream that ended waits what the server's `retry:`
 * asked for (or backs off, doubling from `minDelayMs` up to `maxDelayMs`); a stream that was
 * refused or failed to open backs off in any case, since `retry:` is for a stream that ended —
 * and never sooner than a `Retry-After` the refusal carried (429 when the user already holds as
 * many streams as the server allows, 503), even past `maxDelayMs`. Jittered, so that the clients
 * a server restart dropped together do not come back together.
 */
export function retryDelay(options: {
  attempt: number;
  minDelayMs: number;
  maxDelayMs: number;
  serverRetryMs: number | undefined;
  refusal?: unknown;
  /** A number in [0, 1). */
  random: number;
}): number {
  const backoff = options.minDelayMs * 2 ** Math.min(options.attempt, 10);
  const base = options.refusal === undefined ? (options.serverRetryMs ?? backoff) : backoff;
  const jittered = Math.min(options.maxDelayMs, base) * (0.5 + options.random / 2);
  const retryAfter = options.refusal instanceof ApiError ? Number(options.refusal.details['retryAfter']) : NaN;
  return Number.isFinite(retryAfter) && retryAfter > 0 ? Math.max(jittered, retryAfter * 1000) : jittered;
}
