import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { executeAdminGraphql } from './admin-graphql.ts';
import { parseScopes } from './graphql/scopes.ts';
import { adminPageHtml, appBridgeShim, consentPageHtml } from './admin-page.ts';
import type { AuthServer } from './auth.ts';
import type { ShopContext } from './graphql/context.ts';
import { toJson } from './json.ts';
import { OperationError, type CreateOrderInput } from './operations.ts';
import { servedApiVersion, type ShopInfo, type ShopifyControl, type WebhookControl } from './types.ts';
import type { COMPLIANCE_TOPICS, WebhookDispatcher, WebhookFaults } from './webhooks.ts';

/** HTTP routes: the shop endpoints (OAuth, Admin GraphQL) and the `/_emulator/…` control routes. */

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(typeof body === 'string' ? body : JSON.stringify(body));
  }
}

async function readBody(req: IncomingMessage, limit = 5 * 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new HttpError(413, { errors: 'Request entity too large' });
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function parseBody(raw: Buffer, contentType: string | undefined): Record<string, unknown> {
  if (raw.length === 0) return {};
  const text = raw.toString('utf8');
  if (contentType?.includes('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(text));
  try {
    const parsed = JSON.parse(text) as unknown;
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
  } catch {
    throw new HttpError(400, { errors: 'Invalid JSON in request body' });
  }
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : toJson(body);
  const type = typeof body === 'string' && text.startsWith('<') ? 'text/html; charset=utf-8' : 'application/json; charset=utf-8';
  res.writeHead(status, {
    'Content-Type': type,
    'Content-Length': Buffer.byteLength(text),
    'X-Request-Id': randomUUID(),
    ...headers,
  });
  res.end(text);
}

export interface HttpDeps {
  stores: Map<string, ShopContext>;
  auth: AuthServer;
  webhooks: WebhookDispatcher;
  control: ShopifyControl;
  webhookControl: WebhookControl;
  apiKey: string;
  apiVersion: string;
  autoApprove: boolean;
  redirectUrls: string[] | null;
  appLoadQuery: (shop: string) => URLSearchParams;
  startLive: (ratePerSecond: number) => void;
  stopLive: () => void;
  baseUrl: () => string;
  shops: () => ShopInfo[];
  log: (line: string) => void;
}

export function createRequestHandler(deps: HttpDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const {
    stores,
    auth,
    webhooks,
    control,
    webhookControl,
    apiKey,
    apiVersion,
    autoApprove,
    redirectUrls,
    appLoadQuery,
    startLive,
    stopLive,
    baseUrl,
    shops,
    log,
  } = deps;

  /** Which shop a request is for: /shops/{domain}/… path prefix, X-Forwarded-Host, then Host. */
  const resolveShop = (req: IncomingMessage, url: URL): { domain: string | null; path: string } => {
    const prefixed = /^\/shops\/([^/]+)(\/.*)?$/.exec(url.pathname);
    if (prefixed) return { domain: decodeURIComponent(prefixed[1] as string).toLowerCase(), path: prefixed[2] ?? '/' };
    const forwarded = req.headers['x-forwarded-host'];
    const candidate = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim() || req.headers.host || '';
    const domain = candidate.replace(/:\d+$/, '').toLowerCase();
    return { domain: /\.myshopify\.(com|io)$/.test(domain) ? domain : null, path: url.pathname };
  };

  const handleShopRequest = async (
    req: IncomingMessage,
    res: ServerResponse,
    domain: string,
    path: string,
    url: URL,
  ): Promise<void> => {
    const context = stores.get(domain);
    if (!context) throw new HttpError(404, { errors: 'Not Found' });
    const method = req.method ?? 'GET';
    const graphql = /^\/admin\/api\/([^/]+)\/graphql\.json$/.exec(path);
    if (graphql && method === 'POST') {
      if (!/^(\d{4}-\d{2}|unstable)$/.test(graphql[1] as string)) throw new HttpError(404, { errors: 'Not Found' });
      // A retired or unknown version is served as the oldest supported one, and the header says so.
      const version = servedApiVersion(graphql[1] as string);
      const tokenHeader = req.headers['x-shopify-access-token'];
      const token = Array.isArray(tokenHeader) ? tokenHeader[0] : tokenHeader;
      const raw = await readBody(req);
      const record = auth.authenticate(domain, token);
      if (!record) {
        throw new HttpError(401, { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' });
      }
      // Shopify also takes a bare query with Content-Type: application/graphql.
      const body = req.headers['content-type']?.includes('application/graphql')
        ? { query: raw.toString('utf8') }
        : parseBody(raw, req.headers['content-type']);
      const result = executeAdminGraphql(context, version, body, parseScopes(record.scope));
      send(res, 200, JSON.stringify(result), {
        'X-Shopify-API-Version': version,
        'Content-Type': 'application/json; charset=utf-8',
      });
      return;
    }
    if (path === '/admin/oauth/access_token' && method === 'POST') {
      const body = parseBody(await readBody(req), req.headers['content-type']);
      const result = auth.accessToken(domain, body);
      send(res, result.status, result.body);
      return;
    }
    if (path === '/admin/oauth/authorize' && method === 'GET') {
      const problem = auth.checkAuthorize(domain, url.searchParams, redirectUrls);
      if (problem) {
        send(res, 400, `<!doctype html><html><body><h1>${problem.replace(/</g, '&lt;')}</h1></body></html>`);
        return;
      }
      const grantOptions = url.searchParams.getAll('grant_options[]');
      const approve = () =>
        auth.approve(domain, {
          scope: url.searchParams.get('scope') ?? '',
          redirectUri: url.searchParams.get('redirect_uri') as string,
          state: url.searchParams.get('state') ?? '',
          online: grantOptions.includes('per-user'),
        });
      const decision = url.searchParams.get('dockhand_decision');
      if (decision === 'deny') {
        send(res, 200, '<!doctype html><html><body><h1>Installation cancelled</h1></body></html>');
        return;
      }
      if (autoApprove || decision === 'approve') {
        res.writeHead(302, { Location: approve(), 'Content-Length': 0 });
        res.end();
        return;
      }
      const here = new URL(url.pathname + url.search, 'http://x');
      here.searchParams.set('dockhand_decision', 'approve');
      const approveUrl = here.pathname + here.search;
      here.searchParams.set('dockhand_decision', 'deny');
      send(
        res,
        200,
        consentPageHtml({
          shop: domain,
          scopes: url.searchParams.get('scope') ?? '',
          approveUrl,
          denyUrl: here.pathname + here.search,
        }),
      );
      return;
    }
    if ((path === '/admin' || path === '/admin/') && method === 'GET') {
      res.writeHead(302, {
        Location: `${baseUrl()}/_emulator/admin?shop=${encodeURIComponent(domain)}${url.searchParams.get('app') ? `&app=${encodeURIComponent(url.searchParams.get('app') as string)}` : ''}`,
      });
      res.end();
      return;
    }
    throw new HttpError(404, { errors: 'Not Found' });
  };

  const handleEmulatorRequest = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const method = req.method ?? 'GET';
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const readJson = async () => parseBody(await readBody(req), req.headers['content-type'] ?? 'application/json');
    if (path === '/_emulator' && method === 'GET') {
      send(res, 200, { url: baseUrl(), apiKey, apiVersion, shops: shops(), faults: webhooks.getFaults() });
      return;
    }
    if (path === '/_emulator/app-bridge.js') {
      res.writeHead(200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Access-Control-Allow-Origin': '*' });
      res.end(appBridgeShim);
      return;
    }
    if (path === '/_emulator/admin' && method === 'GET') {
      const shop = url.searchParams.get('shop') ?? '';
      if (!stores.has(shop)) throw new HttpError(404, { errors: `Unknown shop ${shop}` });
      const app = url.searchParams.get('app');
      let frameUrl = 'about:blank';
      if (app) {
        const target = new URL(app);
        for (const [key, value] of appLoadQuery(shop)) target.searchParams.set(key, value);
        frameUrl = target.toString();
      }
      send(res, 200, adminPageHtml({ shop, frameUrl, apiKey }));
      return;
    }
    if (path === '/_emulator/session-token' && (method === 'POST' || method === 'GET')) {
      const body = method === 'POST' ? await readJson() : Object.fromEntries(url.searchParams);
      const shop = String(body.shop ?? '');
      if (!stores.has(shop)) throw new HttpError(404, { errors: `Unknown shop ${shop}` });
      const token = auth.mintSessionToken(shop, {
        ...(body.userId !== undefined ? { userId: Number(body.userId) } : {}),
        ...(body.ttlSeconds !== undefined ? { ttlSeconds: Number(body.ttlSeconds) } : {}),
      });
      send(res, 200, { token });
      return;
    }
    if (path === '/_emulator/access-token' && method === 'POST') {
      const body = await readJson();
      const shop = String(body.shop ?? '');
      if (!stores.has(shop)) throw new HttpError(404, { errors: `Unknown shop ${shop}` });
      send(
        res,
        200,
        auth.issue(shop, {
          online: Boolean(body.online),
          expiring: Boolean(body.expiring),
          ...(typeof body.scope === 'string' ? { scope: body.scope } : {}),
        }),
      );
      return;
    }
    if (path === '/_emulator/webhooks/subscriptions') {
      if (method === 'GET')
        return send(res, 200, { subscriptions: webhookControl.subscriptions(url.searchParams.get('shop') ?? undefined) });
      if (method === 'POST') {
        const body = await readJson();
        const ids = webhookControl.subscribe({
          topic: String(body.topic),
          uri: String(body.uri ?? body.callbackUrl),
          ...(typeof body.shop === 'string' ? { shop: body.shop } : {}),
          ...(Array.isArray(body.includeFields) ? { includeFields: body.includeFields as string[] } : {}),
        });
        return send(res, 201, { ids });
      }
      if (method === 'DELETE') return send(res, 200, { deleted: webhookControl.unsubscribe(url.searchParams.get('id') ?? '') });
    }
    if (path === '/_emulator/webhooks/deliveries' && method === 'GET')
      return send(res, 200, { deliveries: webhookControl.deliveries() });
    if (path === '/_emulator/webhooks/faults') {
      if (method === 'GET') return send(res, 200, webhooks.getFaults());
      if (method === 'PUT' || method === 'POST') {
        webhookControl.setFaults((await readJson()) as WebhookFaults);
        return send(res, 200, webhooks.getFaults());
      }
      if (method === 'DELETE') {
        webhookControl.clearFaults();
        return send(res, 200, webhooks.getFaults());
      }
    }
    if (path === '/_emulator/webhooks/compliance-uri' && (method === 'PUT' || method === 'POST')) {
      const body = await readJson();
      webhookControl.setComplianceUri(typeof body.uri === 'string' ? body.uri : null);
      return send(res, 200, { uri: webhooks.complianceUri });
    }
    if (path === '/_emulator/live') {
      if (method === 'POST' || method === 'PUT') {
        const body = await readJson();
        startLive(Number(body.ratePerSecond ?? 1));
        return send(res, 200, { live: true, ratePerSecond: Number(body.ratePerSecond ?? 1) });
      }
      if (method === 'DELETE') {
        stopLive();
        return send(res, 200, { live: false });
      }
    }
    const shopRoute = /^\/_emulator\/shops\/([^/]+)(\/.*)?$/.exec(path);
    if (shopRoute) {
      const shop = decodeURIComponent(shopRoute[1] as string);
      if (!stores.has(shop)) throw new HttpError(404, { errors: `Unknown shop ${shop}` });
      const rest = shopRoute[2] ?? '/';
      const orderRoute = /^\/orders\/([^/]+)(?:\/(cancel|fulfill))?$/.exec(rest);
      if (rest === '/orders' && method === 'POST')
        return send(res, 201, { order: control.createOrder(shop, (await readJson()) as CreateOrderInput) });
      if (orderRoute) {
        const id = decodeURIComponent(orderRoute[1] as string);
        if (method === 'GET' && !orderRoute[2])
          return send(res, 200, `{"order":${control.orderJson(shop, id)}}`, {
            'Content-Type': 'application/json; charset=utf-8',
          });
        const body = await readJson();
        if (orderRoute[2] === 'cancel' && method === 'POST')
          return send(res, 200, {
            order: control.cancelOrder(shop, id, typeof body.reason === 'string' ? body.reason : undefined),
          });
        if (orderRoute[2] === 'fulfill' && method === 'POST')
          return send(res, 200, {
            order: control.fulfillOrder(shop, id, body as { number?: string; url?: string; company?: string }),
          });
        if (!orderRoute[2] && (method === 'PATCH' || method === 'PUT' || method === 'POST'))
          return send(res, 200, { order: control.updateOrder(shop, id, body) });
      }
      const deleteRoute = /^\/(orders|products|customers)\/([^/]+)$/.exec(rest);
      if (deleteRoute && method === 'DELETE') {
        const id = decodeURIComponent(deleteRoute[2] as string);
        const remove = { orders: control.deleteOrder, products: control.deleteProduct, customers: control.deleteCustomer }[
          deleteRoute[1] as 'orders' | 'products' | 'customers'
        ];
        return send(res, 200, { deleted: remove(shop, id) });
      }
      if (rest === '/inventory' && method === 'GET') return send(res, 200, { inventory: control.inventory(shop) });
      if (rest === '/inventory' && method === 'POST') {
        const body = await readJson();
        const change = { inventoryItemId: String(body.inventoryItemId), locationId: String(body.locationId) };
        const row =
          typeof body.available === 'number'
            ? control.setInventory(shop, { ...change, available: body.available })
            : control.adjustStock(shop, { ...change, delta: Number(body.delta ?? 0) });
        return send(res, 200, { inventoryLevel: row });
      }
      if (rest === '/uninstall' && method === 'POST') {
        control.uninstall(shop);
        return send(res, 200, { uninstalled: true });
      }
      if (rest === '/compliance' && method === 'POST') {
        const body = await readJson();
        const eventId = control.triggerCompliance(
          shop,
          String(body.topic) as (typeof COMPLIANCE_TOPICS)[number],
          (body.payload as Record<string, unknown> | undefined) ?? undefined,
        );
        return send(res, 200, { eventId });
      }
      if (rest === '/bucket') {
        if (method === 'GET') return send(res, 200, control.throttleStatus(shop));
        if (method === 'POST' || method === 'PUT')
          return send(res, 200, control.setBucket(shop, (await readJson()) as { currentlyAvailable?: number }));
      }
    }
    throw new HttpError(404, { errors: 'Not Found' });
  };

  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://emulator.invalid');
    const run = async () => {
      if (url.pathname === '/_emulator' || url.pathname.startsWith('/_emulator/')) return handleEmulatorRequest(req, res, url);
      const { domain, path } = resolveShop(req, url);
      if (!domain)
        throw new HttpError(404, {
          errors:
            'Not Found: name the shop with a *.myshopify.com Host or X-Forwarded-Host header, or a /shops/{domain}/ path prefix',
        });
      return handleShopRequest(req, res, domain, path, url);
    };
    run().catch((error: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (error instanceof HttpError) send(res, error.status, error.body);
      else if (error instanceof OperationError) send(res, error.code === 'NOT_FOUND' ? 404 : 422, { errors: error.message });
      else {
        log(`error: ${(error as Error).stack ?? String(error)}`);
        send(res, 500, { errors: 'Internal Server Error' });
      }
    });
  };
}

/** Issues a plain node:http request (which, unlike fetch, may set Host) — handy for clients of the emulator. */
export function requestWithHost(
  url: string,
  options: { method?: string; host: string; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      { method: options.method ?? 'GET', headers: { ...options.headers, Host: options.host } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}
