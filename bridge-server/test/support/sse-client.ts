/** One Server-Sent Event as a client parses it. */
export interface SseMessage {
  id: string | undefined;
  event: string;
  data: string;
  /** `data` parsed, when it is JSON. */
  json: any;
  /** When it was parsed (performance.now()). */
  receivedAt: number;
}

interface Waiter {
  predicate: (message: SseMessage) => boolean;
  resolve: (message: SseMessage) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * A fetch-based SSE client, as a browser app uses one (EventSource cannot send a bearer
 * header): it parses the stream as the SSE spec says and lets a test await messages.
 */
export class SseClient {
  readonly messages: SseMessage[] = [];
  comments = 0;
  /** Resolves when the server ends the stream (or the client aborts it). */
  readonly ended: Promise<void>;
  private readonly waiters = new Set<Waiter>();
  private readonly commentWaiters = new Set<{ at: number; resolve: () => void }>();
  private seen = 0;

  private constructor(
    readonly response: Response,
    private readonly abort: AbortController,
    onMessage?: (message: SseMessage) => void,
  ) {
    this.ended = this.read(onMessage).catch(() => {});
  }

  /** Opens a stream; answers the client once the headers are in (any status). */
  static async open(
    baseUrl: string,
    options: { token: string; lastEventId?: string; query?: string; onMessage?: (message: SseMessage) => void },
  ): Promise<SseClient> {
    const abort = new AbortController();
    const headers: Record<string, string> = { authorization: `Bearer ${options.token}`, accept: 'text/event-stream' };
    if (options.lastEventId !== undefined) headers['last-event-id'] = options.lastEventId;
    const response = await fetch(`${baseUrl}/v1/stream${options.query ?? ''}`, { headers, signal: abort.signal });
    return new SseClient(response, abort, options.onMessage);
  }

  /** The next message (after those already taken by next()) matching `predicate`. */
  next(predicate: (message: SseMessage) => boolean = () => true, timeoutMs = 10_000): Promise<SseMessage> {
    while (this.seen < this.messages.length) {
      const message = this.messages[this.seen++]!;
      if (predicate(message)) return Promise.resolve(message);
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        predicate,
        resolve: (message) => {
          clearTimeout(waiter.timer);
          this.waiters.delete(waiter);
          resolve(message);
        },
        reject,
        timer: setTimeout(() => {
          this.waiters.delete(waiter);
          reject(new Error(`no matching event within ${timeoutMs} ms; got ${JSON.stringify(this.messages.map((m) => m.event))}`));
        }, timeoutMs),
      };
      this.waiters.add(waiter);
    });
  }

  /** Resolves once `count` more heartbeat comments have come (each follows a token re-check). */
  heartbeats(count: number): Promise<void> {
    const at = this.comments + count;
    return new Promise((resolve) => this.commentWaiters.add({ at, resolve }));
  }

  /** The event messages (not ready/reset/error) received so far. */
  events(): SseMessage[] {
    return this.messages.filter((message) => !['ready', 'reset', 'error'].includes(message.event));
  }

  close(): void {
    this.abort.abort();
  }

  private async read(onMessage?: (message: SseMessage) => void): Promise<void> {
    if (!this.response.body) return;
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of this.response.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) !== -1) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const message = this.parse(block);
        if (!message) continue;
        this.messages.push(message);
        onMessage?.(message);
        this.dispatch();
      }
    }
  }

  private parse(block: string): SseMessage | undefined {
    let id: string | undefined;
    let event = 'message';
    const data: string[] = [];
    let fields = 0;
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) {
        this.comments++;
        for (const waiter of [...this.commentWaiters]) {
          if (this.comments >= waiter.at) {
            this.commentWaiters.delete(waiter);
            waiter.resolve();
          }
        }
        continue;
      }
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'id') id = value;
      else if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
      else continue;
      fields++;
    }
    if (fields === 0 || data.length === 0) return undefined;
    const text = data.join('\n');
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { id, event, data: text, json, receivedAt: performance.now() };
  }

  private dispatch(): void {
    for (const waiter of [...this.waiters]) {
      while (this.seen < this.messages.length) {
        const message = this.messages[this.seen++]!;
        if (waiter.predicate(message)) {
          waiter.resolve(message);
          break;
        }
      }
    }
  }
}
