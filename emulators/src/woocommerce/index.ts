/**
 * WooCommerce emulator: several WooCommerce 10 sites behind one HTTP(S) server, told apart
 * by path prefix. Site `n` (1-based) lives at `{url}/sites/{n}`:
 *   {url}/sites/{n}/wp-json/wc/v3/…         REST API v3
 *   {url}/sites/{n}/wc-auth/v1/authorize    app-key flow
 *   {url}/_emulator/…                        control API (no auth; local use only)
 */
import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { authenticate, checkKeyPermissions, type KeyPermissions } from './auth.ts';
import { catalogRoutes } from './catalog.ts';
import { createControl, takeRestFault, type RestFault, type WooCommerceControl } from './control.ts';
import { WpError } from './errors.ts';
import { phpJson } from './format.ts';
import { orderRoutes } from './orders.ts';
import { parsePhpQuery, phpArrayToRecord, type PhpArray } from './php-query.ts';
import { dispatch, type HttpMethod, type RestResult, type Route } from './rest.ts';
import { filterResponseFields } from './fields.ts';
import { WC_VERSION } from './seed-data.ts';
import { Site } from './site.ts';
import { systemStatusRoutes } from './system-status.ts';
import { createSelfSignedCertificate } from './tls.ts';
import { handleWcAuth } from './wc-auth.ts';
import { WebhookDispatcher, webhookRoutes, type DeliveryEvents, type DeliveryRecord } from './webhooks.ts';

export type { WooCommerceControl, CreateOrderInput, ApiKeyInfo, WebhookInfo, RestFault } from './control.ts';
export type { DeliveryRecord } from './webhooks.ts';
export type { KeyPermissions } from './auth.ts';
export { oauthSignature } from './auth.ts';
export { phpJson } from './format.ts';

export interface WooCommerceEmulatorOptions {
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
  /** Interface to bind; default 127.0.0.1. */
  host?: string;
  /** Same seed → same sites, keys and orders, byte for byte. Default 1. */
  seed?: number;
  /** Number of sites; default 1. */
  sites?: number;
  /** Seeded orders per site; default 250. 100,000 starts in well under a second per site. */
  ordersPerSite?: number;
  /** Serve HTTPS with a self-signed certificate made at start. */
  secure?: boolean;
  /** Treat plain-HTTP connections as secure (`is_ssl()`), as behind a TLS-terminating proxy. */
  trustProxySecure?: boolean;
  /** Deliver `order.updated` 2–4 times per change, as real stores do. Default true. */
  duplicateOrderUpdated?: boolean;
  /**
   * Deliver webhooks inside the REST request that caused them, before its response, as a store
   * does with `woocommerce_webhook_deliver_async` filtered to false. Default false (background).
   */
  synchronousWebhooks?: boolean;
  /**
   * Refuse webhook creation (400, webhook removed) when the ping does not get exactly 200, as
   * WooCommerce's admin screen does. Default false: the REST API ignores the ping's result.
   */
  rejectWebhookOnFailedPing?: boolean;
  /** Approve `/wc-auth/v1/authorize` at once (default true); false shows a consent page. */
  wcAuthAutoApprove?: boolean;
  /** Let wc-auth POST keys to `http://` callbacks on loopback hosts. Default false (https only, like WooCommerce). */
  allowInsecureLoopbackCallback?: boolean;
  /** Trust self-signed receivers when delivering webhooks and wc-auth keys over https. Default true. */
  trustSelfSignedReceivers?: boolean;
  /** When set, every site makes one random change this often (orders, status moves, stock). */
  activityIntervalMs?: number;
}

export interface WooCommerceSiteInfo {
  /** Site id used by the control API: `"1"`, `"2"`, … */
  id: string;
  name: string;
  /** Home URL of the site (no trailing slash); the REST API is at `{baseUrl}/wp-json/wc/v3`. */
  baseUrl: string;
  /** The seeded `read_write` key. */
  consumerKey: string;
  consumerSecret: string;
  keyId: number;
  keyPermissions: KeyPermissions;
  currency: string;
}

export interface WooCommerceEmulator {
  url: string;
  sites: WooCommerceSiteInfo[];
  /** PEM certificate clients can trust when `secure` is on (it is its own CA). */
  tls?: { cert: string };
  control: WooCommerceControl;
  /** `delivery` fires after every webhook delivery or ping attempt. */
  events: EventEmitter<DeliveryEvents>;
  close(): Promise<void>;
}

const MAX_BODY = 10 * 1024 * 1024;

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new WpError('rest_request_too_large', 'Request body too large.', 413));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

const REST_HEADERS = {
  'Content-Type': 'application/json; charset=UTF-8',
  'X-Robots-Tag': 'noindex',
  'X-Content-Type-Options': 'nosniff',
  'Access-Control-Expose-Headers': 'X-WP-Total, X-WP-TotalPages, Link',
  'Access-Control-Allow-Headers': 'Authorization, X-WP-Nonce, Content-Disposition, Content-MD5, Content-Type',
};

function sendJson(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
  head = false,
): void {
  const text = phpJson(body);
  res.writeHead(status, { ...REST_HEADERS, ...headers, 'Content-Length': Buffer.byteLength(text) });
  res.end(head ? undefined : text);
}

function sendError(res: http.ServerResponse, error: unknown, headers: Record<string, string> = {}): void {
  if (error instanceof WpError) {
    sendJson(res, error.status, error.toJSON(), headers);
    return;
  }
  const message = error instanceof Error ? error.message : String(error);
  sendJson(res, 500, { code: 'internal_server_error', message, data: { status: 500 } });
}

/** A REST fault's answer: WordPress's maintenance page (503), or its fatal-error JSON. */
function sendFault(res: http.ServerResponse, fault: RestFault): void {
  const status = fault.status ?? 503;
  if (status === 503) {
    const page =
      '<!DOCTYPE html><html><head><meta charset="utf-8"><title>Maintenance</title></head>' +
      '<body><h1>Briefly unavailable for scheduled maintenance. Check back in a minute.</h1></body></html>';
    res.writeHead(503, {
      'Content-Type': 'text/html; charset=utf-8',
      'Retry-After': String(fault.retryAfterSeconds ?? 600),
      'Content-Length': Buffer.byteLength(page),
    });
    res.end(page);
    return;
  }
  sendJson(res, status, {
    code: 'internal_server_error',
    message: '<p>There has been a critical error on this website.</p>',
    data: { status },
    additional_errors: [],
  });
}

export async function startWooCommerceEmulator(opts: WooCommerceEmulatorOptions = {}): Promise<WooCommerceEmulator> {
  const seed = opts.seed ?? 1;
  const siteCount = Math.max(1, opts.sites ?? 1);
  const ordersPerSite = opts.ordersPerSite ?? 250;
  const host = opts.host ?? '127.0.0.1';
  let duplicateOrderUpdated = opts.duplicateOrderUpdated ?? true;
  const events = new EventEmitter<DeliveryEvents>();
  const deliveries: DeliveryRecord[] = [];
  const receiverAgent = new https.Agent({ rejectUnauthorized: !(opts.trustSelfSignedReceivers ?? true) });
  // Aborts deliveries and callbacks still in flight when the emulator closes.
  const closing = new AbortController();
  const outbound = { agent: receiverAgent, signal: closing.signal };

  const sites = new Map<string, Site>();
  const dispatchers = new Map<Site, WebhookDispatcher>();
  let url = '';
  const siteUrl = (id: string): string => `${url}/sites/${id}`;

  for (let n = 1; n <= siteCount; n++) {
    const id = String(n);
    const site = new Site({ seed, siteNumber: n, orders: ordersPerSite });
    sites.set(id, site);
    dispatchers.set(
      site,
      new WebhookDispatcher({
        siteId: id,
        site,
        siteUrl: () => siteUrl(id),
        duplicateOrderUpdated: () => duplicateOrderUpdated,
        events,
        deliveries,
        salt: createHash('sha256').update(`${seed}:wc-salt:${n}`).digest('hex'),
        outbound,
        synchronous: opts.synchronousWebhooks ?? false,
      }),
    );
  }
  const dispatcherOf = (site: Site): WebhookDispatcher => dispatchers.get(site) as WebhookDispatcher;
  const routes: Route[] = [
    ...systemStatusRoutes(),
    ...orderRoutes(),
    ...catalogRoutes(),
    ...webhookRoutes(dispatcherOf, () => opts.rejectWebhookOnFailedPing === true),
  ];
  const siteById = (id: string): Site => {
    const site = sites.get(id);
    if (!site) throw new WpError('emulator_unknown_site', `Unknown site ${id}.`, 404);
    return site;
  };

  const restFaults = new Map<Site, RestFault[]>();
  const faultsOf = (site: Site): RestFault[] => {
    let faults = restFaults.get(site);
    if (!faults) restFaults.set(site, (faults = []));
    return faults;
  };

  const control = createControl({
    site: siteById,
    restFaults: (id) => faultsOf(siteById(id)),
    siteUrl,
    dispatchers: () => [...dispatchers.values()],
    deliveries,
    setDuplicateOrderUpdated: (on) => {
      duplicateOrderUpdated = on;
    },
  });

  const tlsCert = opts.secure ? await createSelfSignedCertificate(host) : undefined;
  const isSsl = (secureConnection: boolean): boolean => secureConnection || opts.trustProxySecure === true;

  async function handleRest(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    site: Site,
    rawPath: string,
    route: string,
    rawQuery: string,
    secureConnection: boolean,
  ): Promise<void> {
    const override = req.headers['x-http-method-override'];
    let method = (req.method ?? 'GET').toUpperCase();
    if (method === 'POST' && typeof override === 'string') method = override.toUpperCase();
    const head = method === 'HEAD';
    const ssl = isSsl(secureConnection);
    const origin = `${ssl ? 'https' : 'http'}://${req.headers.host ?? 'localhost'}`;
    const sitePath = rawPath.slice(0, rawPath.indexOf('/wp-json/wc/v3'));
    const restBase = `${origin}${sitePath}/wp-json/wc/v3`;
    const query = parsePhpQuery(rawQuery);
    const raw = await readBody(req);
    const fault = takeRestFault(faultsOf(site), method, route === '' ? '/' : route);
    if (fault) {
      sendFault(res, fault);
      return;
    }
    const contentType = String(req.headers['content-type'] ?? '').toLowerCase();
    // PHP fills $_POST from form bodies only; OAuth signs those fields, never a JSON body.
    const form: PhpArray = contentType.startsWith('application/x-www-form-urlencoded')
      ? parsePhpQuery(raw.toString('utf8'))
      : new Map();

    const auth = authenticate(
      {
        method: req.method?.toUpperCase() ?? 'GET',
        origin,
        rawPath,
        secure: ssl,
        query,
        form,
        authorization: req.headers.authorization,
      },
      (consumerKey) => site.keys.get(consumerKey),
      site.now(),
    );
    if (auth.error) throw auth.error;
    if (auth.key) {
      const denied = checkKeyPermissions(auth.key, head ? 'HEAD' : method);
      if (denied) throw denied;
      auth.key.lastAccess = site.now();
    }
    // WordPress reads the JSON body only after authentication, when it dispatches.
    let body: Record<string, unknown> = phpArrayToRecord(form);
    if (contentType.includes('json') && raw.length > 0) {
      try {
        const parsed: unknown = JSON.parse(raw.toString('utf8'));
        body = parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
      } catch (error) {
        throw new WpError('rest_invalid_json', 'Invalid JSON body passed.', {
          status: 400,
          json_error_code: 4,
          json_error_message: error instanceof Error ? error.message : 'Syntax error',
        });
      }
    }
    const queryRecord = phpArrayToRecord(query);
    // With synchronous webhooks the deliveries this request causes go out before its response.
    const result: RestResult = await dispatcherOf(site).duringRequest(async () => {
      const dispatched = dispatch(
        routes,
        route === '' ? '/' : route,
        {
          site,
          method: (head ? 'GET' : method) as HttpMethod,
          query: queryRecord,
          body,
          rawQuery,
          restBase,
        },
        auth.key !== null,
      );
      if (dispatched.beforeSend) await dispatched.beforeSend();
      return dispatched;
    });
    sendJson(res, result.status ?? 200, filterResponseFields(result.body, queryRecord['_fields']), result.headers, head);
  }

  async function handleControl(req: http.IncomingMessage, res: http.ServerResponse, path: string): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const raw = await readBody(req);
    let body: Record<string, unknown> = {};
    try {
      if (raw.length) body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
    } catch {
      throw new WpError('emulator_invalid_json', 'The control API takes a JSON body.', 400);
    }
    const ok = (value: unknown, status = 200): void => {
      const text = JSON.stringify(value);
      res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
      res.end(text);
    };
    const parts = path.split('/').filter(Boolean);
    if (parts.length === 0 && method === 'GET') {
      ok({ sites: info(), duplicateOrderUpdated, synchronousWebhooks: control.synchronousWebhooks() });
      return;
    }
    if (parts[0] === 'settings' && method === 'POST') {
      if (typeof body['duplicateOrderUpdated'] === 'boolean') duplicateOrderUpdated = body['duplicateOrderUpdated'];
      if (typeof body['synchronousWebhooks'] === 'boolean') control.setSynchronousWebhooks(body['synchronousWebhooks']);
      ok({ duplicateOrderUpdated, synchronousWebhooks: control.synchronousWebhooks() });
      return;
    }
    if (parts[0] === 'flush' && method === 'POST') {
      await control.flushWebhooks();
      ok({ flushed: true });
      return;
    }
    if (parts[0] !== 'sites' || !parts[1]) throw new WpError('emulator_no_route', 'Unknown control route.', 404);
    const siteId = parts[1];
    siteById(siteId);
    const [resource, id, action] = parts.slice(2);
    const numericId = Number(id);
    if (resource === 'orders' && method === 'POST' && id === undefined) return ok(control.createOrder(siteId, body), 201);
    if (resource === 'orders' && method === 'GET' && id !== undefined) {
      const order = control.getOrder(siteId, numericId);
      if (!order) throw new WpError('woocommerce_rest_shop_order_invalid_id', 'Invalid ID.', 404);
      return ok(order);
    }
    if (resource === 'orders' && method === 'POST' && action === 'status')
      return ok(control.updateOrderStatus(siteId, numericId, body['status'] as never));
    if (resource === 'orders' && method === 'POST' && action === 'cancel') return ok(control.cancelOrder(siteId, numericId));
    if (resource === 'orders' && method === 'POST' && action === 'refund') {
      return ok(
        control.refundOrder(
          siteId,
          numericId,
          body['amount'] as string | undefined,
          (body['reason'] as string | undefined) ?? '',
        ),
      );
    }
    if (resource === 'products' && method === 'POST' && action === 'stock')
      return ok(control.setStock(siteId, numericId, Number(body['quantity'])));
    if (resource === 'keys' && method === 'GET') return ok(control.listApiKeys(siteId));
    if (resource === 'keys' && method === 'POST')
      return ok(control.createApiKey(siteId, (body['permissions'] as KeyPermissions) ?? 'read_write'), 201);
    if (resource === 'keys' && method === 'DELETE') return ok({ deleted: control.revokeApiKey(siteId, numericId) });
    if (resource === 'webhooks' && method === 'GET') return ok(control.listWebhooks(siteId));
    if (resource === 'deliveries' && method === 'GET') return ok(control.deliveries(siteId));
    if (resource === 'faults' && method === 'POST') {
      control.failRestRequests(siteId, body as RestFault);
      return ok({ queued: true }, 201);
    }
    if (resource === 'faults' && method === 'DELETE') {
      control.clearRestFaults(siteId);
      return ok({ cleared: true });
    }
    if (resource === 'activity' && method === 'POST') return ok(control.simulateActivity(siteId, Number(body['steps'] ?? 1)));
    throw new WpError('emulator_no_route', 'Unknown control route.', 404);
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse, secureConnection: boolean): Promise<void> {
    const target = req.url ?? '/';
    const q = target.indexOf('?');
    const rawPath = q === -1 ? target : target.slice(0, q);
    const rawQuery = q === -1 ? '' : target.slice(q + 1);
    let path: string;
    try {
      path = decodeURIComponent(rawPath);
    } catch {
      path = rawPath;
    }
    if (path === '/_emulator' || path.startsWith('/_emulator/')) {
      await handleControl(req, res, path.slice('/_emulator'.length));
      return;
    }
    const match = /^\/sites\/(\d+)(\/.*)?$/.exec(path);
    const site = match ? sites.get(match[1] as string) : undefined;
    if (!match || !site) {
      if (path === '/') {
        sendJson(res, 200, { name: 'Dockhand WooCommerce emulator', version: WC_VERSION, sites: info() });
        return;
      }
      res.writeHead(404, { 'Content-Type': 'text/html; charset=UTF-8' });
      res.end('<!DOCTYPE html><title>Page not found</title><h1>Not found</h1>');
      return;
    }
    const rest = match[2] ?? '/';
    const restMatch = /^\/wp-json\/wc\/v3(\/.*)?$/.exec(rest);
    if (restMatch) {
      const rawRoute = rawPath.slice(rawPath.indexOf('/wp-json/wc/v3') + '/wp-json/wc/v3'.length);
      await handleRest(req, res, site, rawPath, rawRoute, rawQuery, secureConnection);
      return;
    }
    if (rest === '/wp-json' || rest === '/wp-json/') {
      sendJson(res, 200, {
        name: site.name,
        description: '',
        url: siteUrl(match[1] as string),
        home: siteUrl(match[1] as string),
        namespaces: ['wc/v3', 'wc-auth/v1'],
      });
      return;
    }
    const wcAuth = /^\/wc-auth\/v1\/(authorize|access_granted|access_denied)\/?$/.exec(rest);
    if (wcAuth) {
      const result = await handleWcAuth(
        site,
        wcAuth[1] as string,
        new URLSearchParams(rawQuery),
        {
          autoApprove: opts.wcAuthAutoApprove ?? true,
          allowInsecureLoopbackCallback: opts.allowInsecureLoopbackCallback ?? false,
          outbound,
        },
        siteUrl(match[1] as string),
      );
      res.writeHead(result.status, result.headers);
      res.end(result.body);
      return;
    }
    if (rest === '/' || rest === '') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=UTF-8' });
      res.end(
        `<!DOCTYPE html><html><head><title>${site.name}</title></head><body><h1>${site.name}</h1><p>Powered by WooCommerce ${WC_VERSION}</p></body></html>`,
      );
      return;
    }
    res.writeHead(404, { 'Content-Type': 'text/html; charset=UTF-8' });
    res.end('<!DOCTYPE html><title>Page not found</title><h1>Not found</h1>');
  }

  const listener = (secureConnection: boolean) => (req: http.IncomingMessage, res: http.ServerResponse) => {
    handle(req, res, secureConnection).catch((error: unknown) => {
      if (!res.headersSent) sendError(res, error);
      else res.destroy();
    });
  };
  const server = tlsCert
    ? https.createServer({ key: tlsCert.key, cert: tlsCert.cert }, listener(true))
    : http.createServer(listener(false));
  server.keepAliveTimeout = 1000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const publicHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  url = `${tlsCert ? 'https' : 'http'}://${publicHost}:${address.port}`;

  function info(): WooCommerceSiteInfo[] {
    return [...sites.entries()].map(([id, site]) => {
      const key = [...site.keys.values()][0];
      return {
        id,
        name: site.name,
        baseUrl: siteUrl(id),
        consumerKey: key?.consumerKey ?? '',
        consumerSecret: key?.consumerSecret ?? '',
        keyId: key?.keyId ?? 0,
        keyPermissions: key?.permissions ?? 'read_write',
        currency: site.currency.code,
      };
    });
  }

  const timer =
    opts.activityIntervalMs && opts.activityIntervalMs > 0
      ? setInterval(() => {
          for (const id of sites.keys()) control.simulateActivity(id, 1);
        }, opts.activityIntervalMs)
      : undefined;
  timer?.unref();

  return {
    url,
    sites: info(),
    ...(tlsCert ? { tls: { cert: tlsCert.cert } } : {}),
    control,
    events,
    async close() {
      if (timer) clearInterval(timer);
      closing.abort();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      receiverAgent.destroy();
    },
  };
}
