/**
 * Webhooks: the `/webhooks` REST resource and delivery the way `WC_Webhook` does it.
 * - creation pings the URL: form-encoded `webhook_id=N`, no `X-WC-*` headers; over REST
 *   WooCommerce ignores the ping's outcome (only the admin screen refuses a non-200), so
 *   the outcome is recorded (`pingStatus`) and creation still answers 201;
 * - deliveries are JSON with every `X-WC-Webhook-*` header, signed with base64
 *   HMAC-SHA256 of the raw body; no retries; a 2xx/301/302 resets the failure count,
 *   anything else adds one, and a failure while the count is already above 5 disables
 *   the webhook (`failed_delivery()`), i.e. the 7th consecutive failure;
 * - `order.updated` is delivered 2–4 times per change while `duplicateOrderUpdated` is on,
 *   as real stores do;
 * - deliveries run in the background (Action Scheduler, WooCommerce's default), or, with
 *   synchronous delivery on (`woocommerce_webhook_deliver_async` filtered to false), at the end
 *   of the request that caused them: WooCommerce delivers its queue on PHP's `shutdown`, so
 *   the client of a REST call waits for the deliveries before its response completes.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { createHmac } from 'node:crypto';
import { EventEmitter } from 'node:events';
import http from 'node:http';
import https from 'node:https';
import { WpError } from './errors.ts';
import { phpJson } from './format.ts';
import type { WebhookRecord, WebhookStatus } from './model.ts';
import { renderCustomer, renderOrder, renderProduct, renderVariation, renderWebhook } from './render.ts';
import { POST_ORDERBY, editable, filterAndSort, listArgs, paginate, toInt, type RestRequest, type Route } from './rest.ts';
import { USER_AGENT } from './seed-data.ts';
import type { Site, SiteChange } from './site.ts';

export interface DeliveryRecord {
  siteId: string;
  webhookId: number;
  topic: string;
  deliveryId: string;
  /** HTTP status; 0 when the receiver could not be reached. */
  status: number;
  ping: boolean;
  body: string;
  at: number;
}

export interface DeliveryEvents {
  delivery: [DeliveryRecord];
}

const WEBHOOK_STATUSES: readonly WebhookStatus[] = ['active', 'paused', 'disabled'];
const RESOURCES = ['coupon', 'customer', 'order', 'product'];
const EVENTS = ['created', 'updated', 'deleted', 'restored'];
const MAX_FAILURES = 5;
const TIMEOUT_MS = 60_000;

export function isValidTopic(topic: string): boolean {
  const [resource, event, ...rest] = topic.split('.');
  if (rest.length || !resource || !event) return false;
  if (resource === 'action') return true;
  if (topic === 'product.published') return true;
  return RESOURCES.includes(resource) && EVENTS.includes(event);
}

function isValidUrl(url: string): boolean {
  if (!/^https?:\/\//i.test(url)) return false;
  try {
    new URL(url);
    return true;
  } catch {
    return false;
  }
}

/** POSTs `body` and resolves with the status code (0 when unreachable). Never follows redirects. */
/** How the site reaches receivers: the agent for https targets, and a signal that aborts everything on close. */
export interface Outbound {
  agent?: https.Agent;
  signal?: AbortSignal;
}

export function post(url: string, body: string, headers: Record<string, string>, outbound: Outbound = {}): Promise<number> {
  return new Promise((resolve) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      resolve(0);
      return;
    }
    const client = target.protocol === 'https:' ? https : http;
    const request = client.request(
      target,
      {
        method: 'POST',
        headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) },
        timeout: TIMEOUT_MS,
        ...(outbound.signal ? { signal: outbound.signal } : {}),
        ...(target.protocol === 'https:' && outbound.agent ? { agent: outbound.agent } : {}),
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
        response.on('error', () => resolve(response.statusCode ?? 0));
      },
    );
    request.on('timeout', () => request.destroy(new Error('timeout')));
    request.on('error', () => resolve(0));
    request.end(body);
  });
}

export interface DispatcherOptions {
  siteId: string;
  site: Site;
  /** Home URL of the site without trailing slash, e.g. `http://127.0.0.1:8080/sites/1`. */
  siteUrl: () => string;
  duplicateOrderUpdated: () => boolean;
  events: EventEmitter<DeliveryEvents>;
  deliveries: DeliveryRecord[];
  salt: string;
  outbound: Outbound;
  /** Deliver at the end of the request that caused the change (see `duringRequest`). Default false. */
  synchronous?: boolean;
}

/** The deliveries caused by the REST request being handled, when there is one. */
const requestDeliveries = new AsyncLocalStorage<Promise<void>[]>();

export class WebhookDispatcher {
  private readonly queues = new Map<number, Promise<void>>();
  private readonly pending = new Set<Promise<void>>();
  /** Deliver at the end of the causing request rather than in the background. */
  synchronous: boolean;

  constructor(private readonly opts: DispatcherOptions) {
    this.synchronous = opts.synchronous ?? false;
    opts.site.on('change', (change) => this.onChange(change));
  }

  /**
   * Runs the work of one REST request. With synchronous delivery on, it settles only once
   * every delivery its changes caused has been attempted, so the response leaves after them,
   * as on a store whose webhooks are not delivered asynchronously. Changes made outside a
   * request (the control API) are delivered in the background either way.
   */
  async duringRequest<T>(work: () => Promise<T>): Promise<T> {
    const caused: Promise<void>[] = [];
    try {
      return await requestDeliveries.run(caused, work);
    } finally {
      if (this.synchronous) await Promise.allSettled(caused);
    }
  }

  private get restBase(): string {
    return `${this.opts.siteUrl()}/wp-json/wc/v3`;
  }

  /** The payload WooCommerce builds: the v3 REST shape, or `{id}` for `deleted`. */
  private payload(change: SiteChange): unknown {
    const { site } = this.opts;
    if (change.event === 'deleted') return { id: change.id };
    switch (change.resource) {
      case 'order': {
        const order = site.getOrder(change.id);
        return order ? renderOrder(site, order, this.restBase) : { id: change.id };
      }
      case 'product': {
        const product = site.products.get(change.id);
        if (!product) return { id: change.id };
        return product.type === 'variation'
          ? renderVariation(product, this.restBase)
          : renderProduct(site, product, this.restBase);
      }
      case 'customer': {
        const customer = site.customers.get(change.id);
        return customer ? renderCustomer(customer, this.restBase) : { id: change.id };
      }
      default:
        return { id: change.id };
    }
  }

  private onChange(change: SiteChange): void {
    const topic = `${change.resource}.${change.event}`;
    const targets = [...this.opts.site.webhooks.values()].filter((w) => w.status === 'active' && w.topic === topic);
    if (targets.length === 0) return;
    const body = phpJson(this.payload(change));
    for (const webhook of targets) {
      const times = topic === 'order.updated' && this.opts.duplicateOrderUpdated() ? this.opts.site.runtimeRandom.int(2, 4) : 1;
      for (let i = 0; i < times; i++) this.enqueue(webhook, () => this.deliver(webhook, body));
    }
  }

  private enqueue(webhook: WebhookRecord, job: () => Promise<void>): void {
    const previous = this.queues.get(webhook.id) ?? Promise.resolve();
    const next = previous.then(job);
    this.queues.set(webhook.id, next);
    this.pending.add(next);
    requestDeliveries.getStore()?.push(next);
    void next.finally(() => this.pending.delete(next));
  }

  private deliveryId(webhookId: number): string {
    // `wp_hash( $id . strtotime( 'now' ) )`: deliveries of one webhook in the same second share an id.
    return createHmac('md5', this.opts.salt).update(`${webhookId}${this.opts.site.now()}`).digest('hex');
  }

  private async deliver(webhook: WebhookRecord, body: string): Promise<void> {
    const [resource, event] = webhook.topic.split('.');
    const deliveryId = this.deliveryId(webhook.id);
    const headers: Record<string, string> = {
      'User-Agent': USER_AGENT,
      'Content-Type': 'application/json',
      'X-WC-Webhook-Source': `${this.opts.siteUrl()}/`,
      'X-WC-Webhook-Topic': webhook.topic,
      'X-WC-Webhook-Resource': resource ?? '',
      'X-WC-Webhook-Event': event ?? '',
      'X-WC-Webhook-Signature': createHmac('sha256', specialcharsDecode(webhook.secret)).update(body).digest('base64'),
      'X-WC-Webhook-ID': String(webhook.id),
      'X-WC-Webhook-Delivery-ID': deliveryId,
    };
    const status = await post(webhook.deliveryUrl, body, headers, this.opts.outbound);
    if (status >= 200 && status < 303) webhook.failureCount = 0;
    else if (webhook.failureCount > MAX_FAILURES) webhook.status = 'disabled';
    else webhook.failureCount += 1;
    this.record({ webhookId: webhook.id, topic: webhook.topic, deliveryId, status, ping: false, body });
  }

  /** `WC_Webhook::deliver_ping()`. */
  async ping(webhook: WebhookRecord): Promise<number> {
    const body = `webhook_id=${webhook.id}`;
    const status = await post(
      webhook.deliveryUrl,
      body,
      { 'User-Agent': USER_AGENT, 'Content-Type': 'application/x-www-form-urlencoded' },
      this.opts.outbound,
    );
    webhook.pingStatus = status;
    if (status === 200) webhook.pendingDelivery = false;
    this.record({ webhookId: webhook.id, topic: webhook.topic, deliveryId: '', status, ping: true, body });
    return status;
  }

  private record(entry: Omit<DeliveryRecord, 'siteId' | 'at'>): void {
    const record: DeliveryRecord = { siteId: this.opts.siteId, at: Date.now(), ...entry };
    this.opts.deliveries.push(record);
    this.opts.events.emit('delivery', record);
  }

  /** Resolves when every queued delivery has been attempted. */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }
}

/**
 * `rejectOnFailedPing` is an emulator mode, off by default: it makes the REST API behave like
 * WooCommerce's admin screen, which refuses a webhook whose ping did not get exactly 200
 * (`deliver_ping()`'s `WP_Error` code `error`, answered here as 400, webhook removed).
 */
export function webhookRoutes(dispatcherOf: (site: Site) => WebhookDispatcher, rejectOnFailedPing: () => boolean): Route[] {
  const listSpec = listArgs(
    POST_ORDERBY.filter((o) => o === 'date' || o === 'id' || o === 'title'),
    { orderby: 'date', order: 'desc' },
    {
      status: { type: 'string', enum: ['all', ...WEBHOOK_STATUSES], default: 'all' },
    },
  );
  const webhookOf = (req: RestRequest, status: number): WebhookRecord => {
    const webhook = req.site.webhooks.get(toInt(req.routeParams['id']));
    if (!webhook)
      throw new WpError('woocommerce_rest_webhook_invalid_id', status === 404 ? 'Invalid ID.' : 'ID is invalid.', { status });
    return webhook;
  };

  const create = (req: RestRequest): WebhookRecord => {
    const body = req.body;
    if (body['id'] !== undefined && toInt(body['id']) !== 0) {
      throw new WpError('woocommerce_rest_webhook_exists', 'Cannot create existing webhook.', { status: 400 });
    }
    const topic = typeof body['topic'] === 'string' ? body['topic'].toLowerCase() : '';
    if (!topic || !isValidTopic(topic)) {
      throw new WpError('woocommerce_rest_webhook_invalid_topic', 'Webhook topic is required and must be valid.', {
        status: 400,
      });
    }
    const deliveryUrl = typeof body['delivery_url'] === 'string' ? body['delivery_url'] : '';
    if (!deliveryUrl || !isValidUrl(deliveryUrl)) {
      throw new WpError(
        'woocommerce_rest_webhook_invalid_delivery_url',
        'Webhook delivery URL must be a valid URL starting with http:// or https://.',
        { status: 400 },
      );
    }
    const now = req.site.now();
    const status =
      typeof body['status'] === 'string' && WEBHOOK_STATUSES.includes(body['status'] as WebhookStatus)
        ? (body['status'] as WebhookStatus)
        : 'active';
    const webhook: WebhookRecord = {
      id: req.site.newWebhookId(),
      name:
        typeof body['name'] === 'string' && body['name'] !== ''
          ? body['name']
          : `Webhook created on ${new Date(now * 1000).toUTCString()}`,
      status,
      topic,
      deliveryUrl,
      secret: typeof body['secret'] === 'string' && body['secret'] !== '' ? body['secret'] : generatePassword(req.site),
      created: now,
      modified: now,
      failureCount: 0,
      pendingDelivery: true,
      userId: 1,
      apiVersion: 'wp_api_v3',
      pingStatus: null,
    };
    req.site.webhooks.set(webhook.id, webhook);
    return webhook;
  };

  return [
    {
      pattern: /^\/webhooks\/?$/,
      handlers: {
        GET: {
          op: 'list',
          args: listSpec,
          handle(req, args) {
            const search = typeof args['search'] === 'string' ? args['search'].toLowerCase() : '';
            const items = [...req.site.webhooks.values()]
              .filter(
                (w) =>
                  (args['status'] === 'all' || w.status === args['status']) &&
                  (search === '' || w.name.toLowerCase().includes(search)),
              )
              .map((w) => ({ id: w.id, created: w.created, modified: w.modified, title: w.name, slug: w.name }));
            const { page, headers } = paginate(filterAndSort(items, args), args, req, 'webhooks');
            return { body: page.map((item) => renderWebhook(req.site.webhooks.get(item.id)!, req.restBase)), headers };
          },
        },
        POST: {
          op: 'create',
          handle(req) {
            const webhook = create(req);
            const rendered = renderWebhook(webhook, req.restBase);
            return {
              status: 201,
              body: rendered,
              headers: { Location: `${req.restBase}/webhooks/${webhook.id}` },
              // WooCommerce pings inside the create request, so the 201 leaves after the ping.
              beforeSend: async () => {
                const pinged = await dispatcherOf(req.site).ping(webhook);
                if (pinged === 200 || !rejectOnFailedPing()) return;
                req.site.webhooks.delete(webhook.id);
                throw new WpError(
                  'error',
                  pinged === 0
                    ? 'Error: Delivery URL cannot be reached.'
                    : `Error: Delivery URL returned response code: ${pinged}`,
                  { status: 400 },
                );
              },
            };
          },
        },
      },
    },
    {
      pattern: /^\/webhooks\/(?<id>\d+)\/?$/,
      handlers: {
        GET: { op: 'view', handle: (req) => ({ body: renderWebhook(webhookOf(req, 404), req.restBase) }) },
        ...editable({
          op: 'edit',
          handle(req) {
            const webhook = webhookOf(req, 400);
            const body = req.body;
            if (typeof body['topic'] === 'string' && body['topic'] !== '') {
              if (!isValidTopic(body['topic'].toLowerCase())) {
                throw new WpError('woocommerce_rest_webhook_invalid_topic', 'Webhook topic must be valid.', { status: 400 });
              }
              webhook.topic = body['topic'].toLowerCase();
            }
            if (typeof body['delivery_url'] === 'string' && body['delivery_url'] !== '') {
              if (!isValidUrl(body['delivery_url'])) {
                throw new WpError(
                  'woocommerce_rest_webhook_invalid_delivery_url',
                  'Webhook delivery URL must be a valid URL starting with http:// or https://.',
                  { status: 400 },
                );
              }
              webhook.deliveryUrl = body['delivery_url'];
            }
            if (typeof body['secret'] === 'string' && body['secret'] !== '') webhook.secret = body['secret'];
            if (typeof body['status'] === 'string' && body['status'] !== '') {
              if (!WEBHOOK_STATUSES.includes(body['status'].toLowerCase() as WebhookStatus)) {
                throw new WpError('woocommerce_rest_webhook_invalid_status', 'Webhook status must be valid.', { status: 400 });
              }
              webhook.status = body['status'].toLowerCase() as WebhookStatus;
            }
            if (typeof body['name'] === 'string' && body['name'] !== '') webhook.name = body['name'];
            webhook.modified = req.site.now();
            return { body: renderWebhook(webhook, req.restBase) };
          },
        }),
        DELETE: {
          op: 'delete',
          args: { force: { type: 'boolean', default: false } },
          handle(req, args) {
            if (args['force'] !== true) {
              throw new WpError('woocommerce_rest_trash_not_supported', 'Webhooks do not support trashing.', { status: 501 });
            }
            const webhook = webhookOf(req, 404);
            const body = renderWebhook(webhook, req.restBase);
            req.site.webhooks.delete(webhook.id);
            return { body };
          },
        },
      },
    },
  ];
}

/** `wp_specialchars_decode( $secret, ENT_QUOTES )`, which `generate_signature()` applies to the secret. */
function specialcharsDecode(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;|&#0*34;|&#x0*22;/gi, '"')
    .replace(/&#0*39;|&#x0*27;/gi, "'")
    .replace(/&amp;|&#0*38;|&#x0*26;/gi, '&');
}

/** `wp_generate_password( 50, true, true )`. */
function generatePassword(site: Site): string {
  const chars = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!@#$%^&*()-_ []{}<>~`+=,.;:/?|';
  let out = '';
  for (let i = 0; i < 50; i++) out += chars[site.runtimeRandom.int(0, chars.length - 1)];
  return out;
}
