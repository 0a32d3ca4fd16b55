import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import { request as httpRequest, type ClientRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createRandom, type Random } from '../shared/random.ts';
import { hmacSha256 } from './crypto.ts';
import { toJson } from './json.ts';

/**
 * Webhook delivery as Shopify does it: signed POSTs with every X-Shopify-* header, 5 s to
 * answer, 8 retries over about 4 hours with the original payload, and API-made
 * subscriptions removed once an event has exhausted its retries. Plus switchable faults.
 */

/** Delay before each retry (ms); 8 retries, ~3.9 h in all. Multiplied by `timeScale`. */
export const RETRY_SCHEDULE_MS = [10_000, 30_000, 60_000, 300_000, 900_000, 1_800_000, 3_600_000, 7_200_000] as const;

export const COMPLIANCE_TOPICS = ['customers/data_request', 'customers/redact', 'shop/redact'] as const;

export interface WebhookSubscription {
  id: bigint;
  shop: string;
  /** REST-style topic, e.g. `orders/create`. */
  topic: string;
  uri: string;
  apiVersion: string;
  includeFields: string[];
  /** `api` = made with webhookSubscriptionCreate (removed after exhausted retries); `control` = made through the emulator. */
  source: 'api' | 'control';
  createdAt: number;
}

export interface WebhookFaults {
  /** Probability (0–1, `true` = 1) that an event is delivered twice (same X-Shopify-Event-Id). */
  duplicate?: number | boolean;
  /** Probability that an event is never delivered (recorded as `dropped`). */
  drop?: number | boolean;
  /** When on, events are held for `reorderWindowMs` and then delivered newest first. */
  reorder?: boolean;
  reorderWindowMs?: number;
  /** Extra delay before the first attempt of every delivery (ms, not scaled). */
  delayMs?: number;
  /** Trickle each request body over this many ms (a slow, chunked sender). */
  slowMs?: number;
}

export type DeliveryOutcome = 'delivered' | 'failed' | 'dropped' | 'published';

export interface DeliveryRecord {
  eventId: string;
  webhookId: string;
  subscriptionId: string;
  shop: string;
  topic: string;
  url: string;
  /** 0 = first attempt, 1..8 = retries. */
  attempt: number;
  outcome: DeliveryOutcome;
  statusCode: number | null;
  error: string | null;
  duplicate: boolean;
  triggeredAt: string;
  sentAt: string;
  durationMs: number;
  /** Set when another attempt is scheduled. */
  nextRetryInMs: number | null;
}

interface PendingEvent {
  eventId: string;
  subscription: WebhookSubscription;
  topic: string;
  body: string;
  triggeredAt: string;
}

export interface WebhookDispatcherOptions {
  apiSecret: string;
  seed: number;
  timeScale: number;
  timeoutMs: number;
  /** Version stamped on compliance deliveries (they belong to the app, not a subscription). */
  apiVersion: string;
  log: (line: string) => void;
}

export class WebhookDispatcher extends EventEmitter {
  readonly subscriptions: WebhookSubscription[] = [];
  readonly deliveries: DeliveryRecord[] = [];
  private faults: Required<Pick<WebhookFaults, 'reorderWindowMs'>> & WebhookFaults = { reorderWindowMs: 100 };
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly requests = new Set<ClientRequest>();
  private readonly random: Random;
  private held: PendingEvent[] = [];
  private heldTimer: NodeJS.Timeout | null = null;
  private inFlight = 0;
  private closed = false;
  /** App-level (shopify.app.toml) compliance endpoint, if any. */
  complianceUri: string | null = null;

  constructor(private readonly options: WebhookDispatcherOptions) {
    super();
    this.setMaxListeners(0);
    this.random = createRandom(options.seed).fork('webhook-faults');
  }

  setFaults(faults: WebhookFaults): void {
    this.faults = { reorderWindowMs: 100, ...faults };
  }
  getFaults(): WebhookFaults {
    return { ...this.faults };
  }

  subscribe(subscription: WebhookSubscription): void {
    this.subscriptions.push(subscription);
  }

  unsubscribe(id: bigint): boolean {
    const at = this.subscriptions.findIndex((s) => s.id === id);
    if (at < 0) return false;
    this.subscriptions.splice(at, 1);
    return true;
  }

  /** Sends `payload` to every subscription of `shop` for `topic`. Returns the event id. */
  trigger(shop: string, topic: string, payload: Record<string, unknown>): string {
    const eventId = randomUUID();
    if (this.closed) return eventId;
    const triggeredAt = new Date().toISOString();
    const targets = this.subscriptions.filter((s) => s.shop === shop && s.topic === topic);
    if ((COMPLIANCE_TOPICS as readonly string[]).includes(topic) && this.complianceUri) {
      targets.push({
        id: 0n,
        shop,
        topic,
        uri: this.complianceUri,
        apiVersion: this.options.apiVersion,
        includeFields: [],
        source: 'control',
        createdAt: 0,
      });
    }
    for (const subscription of targets) {
      const body = toJson(subscription.includeFields.length ? pick(payload, subscription.includeFields) : payload);
      if (!/^https?:/i.test(subscription.uri)) {
        // Pub/Sub and EventBridge: Shopify publishes to the cloud; nothing to POST here.
        this.record({ eventId, subscription, topic, body, triggeredAt }, randomUUID(), 0, {
          outcome: 'published',
          statusCode: null,
          error: null,
          duplicate: false,
          durationMs: 0,
          nextRetryInMs: null,
        });
        continue;
      }
      this.enqueue({ eventId, subscription, topic, body, triggeredAt });
    }
    return eventId;
  }

  private chance(value: number | boolean | undefined): boolean {
    const p = value === true ? 1 : typeof value === 'number' ? value : 0;
    return p > 0 && this.random.next() < p;
  }

  private enqueue(event: PendingEvent): void {
    if (this.chance(this.faults.drop)) {
      this.record(event, randomUUID(), 0, {
        outcome: 'dropped',
        statusCode: null,
        error: 'dropped by fault injection',
        duplicate: false,
        durationMs: 0,
        nextRetryInMs: null,
      });
      return;
    }
    if (this.faults.reorder) {
      this.held.push(event);
      if (!this.heldTimer) {
        this.heldTimer = this.later(this.faults.reorderWindowMs, () => {
          this.heldTimer = null;
          const batch = this.held.reverse();
          this.held = [];
          // One after another, so the receiver sees exactly this (reversed) order.
          this.inFlight++;
          void (async () => {
            for (const held of batch) await this.dispatch(held);
            this.inFlight--;
            this.checkIdle();
          })();
        });
      }
      return;
    }
    void this.dispatch(event);
  }

  /** Resolves when the first attempt of every copy has finished. */
  private dispatch(event: PendingEvent): Promise<void> {
    const copies = this.chance(this.faults.duplicate) ? 2 : 1;
    const attempts: Array<Promise<void>> = [];
    for (let copy = 0; copy < copies; copy++) {
      const webhookId = randomUUID();
      const delay = (this.faults.delayMs ?? 0) + copy;
      if (delay > 0) {
        attempts.push(
          new Promise((resolve) => this.later(delay, () => void this.attempt(event, webhookId, 0, copy > 0).then(resolve))),
        );
      } else {
        attempts.push(this.attempt(event, webhookId, 0, copy > 0));
      }
    }
    return Promise.all(attempts).then(() => undefined);
  }

  private later(ms: number, fn: () => void): NodeJS.Timeout {
    this.inFlight++;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.inFlight--;
      fn();
      this.checkIdle();
    }, ms);
    this.timers.add(timer);
    return timer;
  }

  private async attempt(event: PendingEvent, webhookId: string, attempt: number, duplicate: boolean): Promise<void> {
    if (this.closed) return;
    this.inFlight++;
    const started = Date.now();
    let statusCode: number | null = null;
    let error: string | null = null;
    try {
      statusCode = await this.post(event, webhookId);
      if (statusCode < 200 || statusCode > 299) error = `HTTP ${statusCode}`;
    } catch (cause) {
      error = cause instanceof Error ? cause.message : String(cause);
    }
    const durationMs = Date.now() - started;
    const failed = error !== null;
    let nextRetryInMs: number | null = null;
    if (failed && attempt < RETRY_SCHEDULE_MS.length && !this.closed) {
      nextRetryInMs = Math.max(1, Math.round((RETRY_SCHEDULE_MS[attempt] as number) * this.options.timeScale));
      this.later(nextRetryInMs, () => void this.attempt(event, webhookId, attempt + 1, duplicate));
    }
    this.record(event, webhookId, attempt, {
      outcome: failed ? 'failed' : 'delivered',
      statusCode,
      error,
      duplicate,
      durationMs,
      nextRetryInMs,
    });
    if (failed && nextRetryInMs === null && event.subscription.source === 'api' && this.unsubscribe(event.subscription.id)) {
      this.options.log(
        `webhook subscription ${event.subscription.id} (${event.subscription.topic}) removed after ${attempt} failed retries`,
      );
      this.emit('subscriptionRemoved', event.subscription);
    }
    this.inFlight--;
    this.checkIdle();
  }

  private record(
    event: PendingEvent,
    webhookId: string,
    attempt: number,
    rest: Pick<DeliveryRecord, 'outcome' | 'statusCode' | 'error' | 'duplicate' | 'durationMs' | 'nextRetryInMs'>,
  ): void {
    const record: DeliveryRecord = {
      eventId: event.eventId,
      webhookId,
      subscriptionId: String(event.subscription.id),
      shop: event.subscription.shop,
      topic: event.topic,
      url: event.subscription.uri,
      attempt,
      triggeredAt: event.triggeredAt,
      sentAt: new Date().toISOString(),
      ...rest,
    };
    this.deliveries.push(record);
    if (this.deliveries.length > 10_000) this.deliveries.splice(0, this.deliveries.length - 10_000);
    this.emit('delivery', record);
  }

  private checkIdle(): void {
    if (this.inFlight <= 0 && this.held.length === 0) this.emit('idle', undefined);
  }

  /** Resolves once nothing is in flight, scheduled or held. */
  idle(): Promise<void> {
    if (this.inFlight <= 0 && this.held.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.once('idle', () => resolve()));
  }

  headersFor(event: PendingEvent, webhookId: string): Record<string, string> {
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      'User-Agent': 'Shopify-Captain-Hook',
      'X-Shopify-Topic': event.topic,
      'X-Shopify-Hmac-Sha256': hmacSha256(this.options.apiSecret, event.body, 'base64'),
      'X-Shopify-Shop-Domain': event.subscription.shop,
      'X-Shopify-Webhook-Id': webhookId,
      'X-Shopify-Event-Id': event.eventId,
      'X-Shopify-Triggered-At': event.triggeredAt,
    };
    if (event.subscription.apiVersion) headers['X-Shopify-API-Version'] = event.subscription.apiVersion;
    return headers;
  }

  private post(event: PendingEvent, webhookId: string): Promise<number> {
    return new Promise((resolve, reject) => {
      let url: URL;
      try {
        url = new URL(event.subscription.uri);
      } catch {
        reject(new Error(`invalid callback URL ${event.subscription.uri}`));
        return;
      }
      const body = Buffer.from(event.body);
      const headers = { ...this.headersFor(event, webhookId), 'Content-Length': String(body.length) };
      const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
      const req = send(url, { method: 'POST', headers, rejectUnauthorized: false });
      this.requests.add(req);
      const timer = setTimeout(
        () => req.destroy(new Error(`no response within ${this.options.timeoutMs} ms`)),
        this.options.timeoutMs,
      );
      req.on('response', (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.on('close', () => {
        clearTimeout(timer);
        this.requests.delete(req);
      });
      const slow = this.faults.slowMs ?? 0;
      if (slow > 0 && body.length > 1) {
        const chunks = 5;
        const size = Math.ceil(body.length / chunks);
        let sent = 0;
        const step = () => {
          if (req.destroyed) return;
          const end = Math.min(body.length, sent + size);
          req.write(body.subarray(sent, end));
          sent = end;
          if (sent >= body.length) req.end();
          else setTimeout(step, slow / chunks);
        };
        req.flushHeaders();
        setTimeout(step, slow / chunks);
      } else {
        req.end(body);
      }
    });
  }

  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    if (this.heldTimer) clearTimeout(this.heldTimer);
    for (const req of this.requests) req.destroy();
    this.requests.clear();
    this.inFlight = 0;
    this.held = [];
    this.checkIdle();
  }
}

function pick(payload: Record<string, unknown>, fields: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of fields) if (field in payload) out[field] = payload[field];
  return out;
}
