import { linkCookieOptions, readCookie } from '../../security/browser-binding.ts';
import {
  BotActivityDetected,
  CookieNotFound,
  HttpResponseError,
  InvalidHmacError,
  InvalidJwtError,
  InvalidOAuthError,
  InvalidShopError,
  RequestedTokenType,
  type Session,
  type Shopify,
} from '@shopify/shopify-api';
import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import { principalOf, requestIdOf, type AppContext } from '../../api/context.ts';
import {
  ApiError,
  BadRequestError,
  ConflictError,
  ForbiddenError,
  ServiceUnavailableError,
  UnauthorizedError,
} from '../../api/errors.ts';
import { authenticate } from '../../api/middleware/authenticate.ts';
import { dataOf, documentRoute } from '../../api/openapi.ts';
import { parseInput } from '../../api/validate.ts';
import { systemPrincipal, withPrincipal } from '../../db/principal.ts';
import { ShopTakenError, StoreExistsError } from '../../domain/stores/store-service.ts';
import { withNewOrganization } from '../../domain/organizations/organization-service.ts';
import {
  BINDING_COOKIE,
  CONNECT_COOKIE,
  CONNECT_TOKEN_TTL_SECONDS,
  ConnectTokenError,
  ConnectTokens,
  type ConnectClaims,
} from './connect-token.ts';
import { createShopifyConnector } from './connector.ts';
import { installPage, installPagePolicy } from './install-page.ts';
import { createShopifyApp, SHOPIFY_API_VERSION } from './shopify-app.ts';
import { can } from '../../api/policy.ts';
import { queueFirstBackfill } from '../../sync/first-backfill.ts';
import { asRecord, credentialsFromSession, ShopifyTokenService, type ShopifyCredentials } from './shopify-token-service.ts';

/**
 * Installing Dockhand on a Shopify shop, two ways, both ending with an active store whose
 * expiring offline token is sealed (StoreService), whose shop id the token answered for is
 * recorded, and whose webhooks are registered:
 *
 * 1. OAuth (authorization code grant), for installs started from Dockhand or the App Store:
 *    `GET /shopify/auth?shop=` → the library's `auth.begin` (signed state cookie, redirect to the
 *    shop's authorize page) → `GET /shopify/auth/callback` → `auth.callback` (HMAC, state
 *    cookie, code exchange, expiring token) → store → webhooks → redirect to the app.
 * 2. Token exchange, for the embedded app: `POST /shopify/session` with
 *    `Authorization: Bearer <session token>` (App Bridge `shopify.idToken()`): the token is
 *    decoded (`session.decodeSessionToken`); if the shop has no usable offline token, one is
 *    obtained with `auth.tokenExchange` (expiring) and sealed.
 *
 * Which organization the shop joins:
 * - An owner/admin signed in to the console asks `POST /shopify/connect-token {shop}` for a
 *   10-minute token for that shop, bound to their browser (connect-token.ts). Opening the
 *   answered `installUrl` shows a page naming the shop and the organization it will join; the
 *   admin confirms (a POST from that page), and the token travels through the OAuth round trip
 *   in an httpOnly cookie. The callback checks it again (shop, browser) and the shop joins that
 *   organization.
 * - An install without that context (from the Shopify admin or App Store, or the embedded app's
 *   first request) is merchant self-serve, and clears any connect cookie left behind: a shop
 *   Dockhand knows returns to the store it was connected to last (its organization and data);
 *   a new shop gets a new organization named after it.
 * - A shop active in one organization cannot be claimed by another (409): it must be
 *   disconnected or uninstalled there first.
 * - Disconnect sticks: the embedded app's `/shopify/session` does not revive a store an admin
 *   disconnected unless it asks to (`{"reconnect": true}`, a deliberate act of the shop's admin).
 */

export interface ShopifyInstallDeps {
  /** The configured library; by default built from SHOPIFY_API_KEY/SECRET and PUBLIC_URL. */
  shopify?: Shopify | undefined;
  /** Outbound fetch for Admin API calls (webhook registration); the emulator's in tests. */
  fetch?: typeof fetch | undefined;
  /** The shop's API base URL (`https://{shop}` by default). */
  shopBaseUrl?: ((shop: string) => string) | undefined;
  apiVersion?: string | undefined;
  /** Where Shopify delivers webhooks; by default `${PUBLIC_URL}/webhooks/shopify`. */
  webhookUrl?: string | undefined;
  /** Where the browser goes after an OAuth install; by default the app inside the Shopify admin. */
  appUrl?: ((shop: string, host: string | null) => string) | undefined;
  tokens?: ShopifyTokenService | undefined;
  /** Told when an install finished (tests, metrics). */
  onInstalled?: ((outcome: InstallOutcome) => void) | undefined;
}

export interface InstallOutcome {
  orgId: string;
  storeId: string;
  shop: string;
  createdOrganization: boolean;
  createdStore: boolean;
  webhooks?: { created: number; existing: number } | undefined;
  webhookError?: unknown;
}

const shopQuery = z.object({
  shop: z.string().min(1).max(255),
  connect_token: z.string().max(4096).optional(),
});
const confirmForm = z.object({ shop: z.string().min(1).max(255), connect_token: z.string().min(1).max(4096) });
const connectTokenBody = z.object({ shop: z.string().min(1).max(255) });
const sessionBody = z.object({ reconnect: z.boolean().optional() });

const sessionClaims = z.object({ dest: z.string().url(), sub: z.string().optional() });

const installAnswer = z.object({ storeId: z.uuid(), orgId: z.uuid(), shop: z.string(), created: z.boolean() });

documentRoute({
  method: 'post',
  path: '/shopify/connect-token',
  summary:
    'A short-lived link that installs Dockhand on one Shopify shop into the caller’s organization (owner/admin); bound to the caller’s browser by a cookie',
  tags: ['shopify'],
  body: connectTokenBody,
  response: dataOf(z.object({ connectToken: z.string(), installUrl: z.string(), expiresIn: z.number() })),
  errors: { 403: 'Owners and admins only', 503: 'The database is unavailable, or Shopify is not configured on this server' },
});
documentRoute({
  method: 'get',
  path: '/shopify/auth',
  summary:
    'Starts the Shopify OAuth install (state cookie, redirect to the shop’s authorize page); with a connect token, first a page naming the organization the shop will join',
  tags: ['shopify'],
  auth: false,
  query: shopQuery,
  status: 302,
  errors: {
    401: 'The connect token is not valid or has expired',
    403: 'A client Shopify’s library takes for a bot (by its User-Agent): open the link in a browser',
    503: 'The database is unavailable, or Shopify is not configured on this server',
  },
});
documentRoute({
  method: 'post',
  path: '/shopify/auth',
  summary: 'The admin confirms a connect-token install (the form of the page GET /shopify/auth shows)',
  tags: ['shopify'],
  auth: false,
  status: 302,
  errors: {
    400: 'Invalid form',
    401: 'The connect link expired or belongs to another browser',
    403: 'A client Shopify’s library takes for a bot (by its User-Agent): open the link in a browser',
    503: 'The database is unavailable, or Shopify is not configured on this server',
  },
});
documentRoute({
  method: 'get',
  path: '/shopify/auth/callback',
  summary: 'Completes the Shopify OAuth install (HMAC, state, code exchange); redirects to the app',
  tags: ['shopify'],
  auth: false,
  status: 302,
  errors: {
    400: 'A callback Shopify did not sign, a stale or foreign state, or a token for another shop',
    401: 'The connect link expired or belongs to another browser',
    409: 'The shop is connected to another Dockhand organization',
    503: 'The database is unavailable, or Shopify is not configured on this server',
  },
});
documentRoute({
  method: 'post',
  path: '/shopify/session',
  authScheme: 'shopifySessionToken',
  summary:
    'Embedded app: exchanges a Shopify session token for the shop’s offline token when needed; `reconnect: true` revives a store an admin disconnected',
  tags: ['shopify'],
  body: sessionBody,
  response: dataOf(installAnswer),
  errors: {
    401: 'Missing or invalid Shopify session token',
    409: 'The shop is connected to another Dockhand organization, or an admin disconnected it (send reconnect)',
    503: 'The database is unavailable, or Shopify is not configured on this server',
  },
});

export function shopifyInstallRoutes(ctx: AppContext, deps: ShopifyInstallDeps = {}): Router {
  const router = Router();
  const config = ctx.config.shopify;
  const publicUrl = ctx.config.publicUrl.replace(/\/+$/, '');
  const cookieOptions = linkCookieOptions(publicUrl);
  let shopify: Shopify | undefined = deps.shopify;
  const api = (): Shopify => {
    if (shopify) return shopify;
    if (!config) {
      throw new ServiceUnavailableError(
        'Shopify is not configured on this server: set SHOPIFY_API_KEY and SHOPIFY_API_SECRET (the app’s client id and secret)',
        { setting: 'SHOPIFY_API_KEY' },
      );
    }
    shopify = createShopifyApp({ apiKey: config.apiKey, apiSecret: config.apiSecret, publicUrl, fetch: deps.fetch });
    return shopify;
  };
  let tokenService = deps.tokens;
  const tokens = (): ShopifyTokenService =>
    (tokenService ??= new ShopifyTokenService({ db: ctx.db, stores: ctx.stores, shopify: api() }));
  const connectTokens = new ConnectTokens(ctx.config.jwtSecret);
  const webhookUrl = deps.webhookUrl ?? `${publicUrl}/webhooks/shopify`;
  const apiVersion = deps.apiVersion ?? SHOPIFY_API_VERSION;
  const json = express.json({ limit: ctx.config.bodyLimit, strict: true });
  const form = express.urlencoded({ extended: false, limit: '16kb' });
  const bearer = authenticate(ctx.accessTokens);

  const sanitizeShop = (shop: string): string => {
    try {
      const clean = api().utils.sanitizeShop(shop, true);
      if (clean) return clean.toLowerCase();
    } catch (error) {
      if (!(error instanceof InvalidShopError)) throw error;
    }
    throw new BadRequestError('`shop` must be a shop domain such as example.myshopify.com');
  };

  const setCookie = (res: Response, name: string, value: string, path: string) =>
    res.cookie(name, value, { ...cookieOptions, path, maxAge: CONNECT_TOKEN_TTL_SECONDS * 1000 });
  const clearCookie = (res: Response, name: string, path: string) => res.clearCookie(name, { ...cookieOptions, path });

  /** A connect token checked against the shop and this browser's binding cookie. */
  const verifyConnect = async (req: Request, token: string, shop: string): Promise<ConnectClaims> => {
    try {
      return await connectTokens.verify(token, shop, readCookie(req.get('cookie'), BINDING_COOKIE));
    } catch (error) {
      if (error instanceof ConnectTokenError) throw new UnauthorizedError(error.message, { reason: 'connect_token' });
      throw error;
    }
  };

  const requireConnector: RequestHandler = (_req, res, next) => {
    const principal = principalOf(res);
    if (principal.kind !== 'console' || !can(principal, 'stores.manage')) throw new ForbiddenError();
    next();
  };

  /**
   * The library's `auth.begin`. It answers a client it takes for a bot (curl's own User-Agent
   * among them) a bare 410 with no body, which tells someone following the README with curl
   * nothing; that answer is held back and replaced by the error envelope naming the header.
   */
  const beginOAuth = async (req: Request, res: Response, shop: string, callbackPath: string): Promise<void> => {
    const end = res.end;
    let refusedAsBot = false;
    res.end = function (this: Response, ...args: Parameters<Response['end']>) {
      if (res.statusCode === 410 && !res.headersSent) {
        refusedAsBot = true;
        return res;
      }
      return end.apply(this, args);
    } as Response['end'];
    try {
      await api().auth.begin({ shop, callbackPath, isOnline: false, rawRequest: req, rawResponse: res });
    } finally {
      res.end = end;
    }
    if (refusedAsBot) {
      res.statusCode = 200;
      throw new ForbiddenError(
        `Shopify's library refuses to start an install for a client it takes for a bot (User-Agent: ${req.get('user-agent') ?? 'none'}): ` +
          'open the link in a browser, or send a browser’s User-Agent header',
        { reason: 'bot_user_agent', header: 'User-Agent' },
      );
    }
  };

  router.post('/connect-token', bearer, requireConnector, json, async (req, res) => {
    const body = parseInput(connectTokenBody, req.body ?? {});
    const shop = sanitizeShop(body.shop);
    const { token, binding } = await connectTokens.mint(principalOf(res), shop);
    setCookie(res, BINDING_COOKIE, binding, req.baseUrl || '/');
    const installUrl = `${publicUrl}${req.baseUrl}/auth?${new URLSearchParams({ shop, connect_token: token })}`;
    res.json({ data: { connectToken: token, installUrl, expiresIn: CONNECT_TOKEN_TTL_SECONDS } });
  });

  router.get('/auth', async (req, res) => {
    const query = parseInput(shopQuery, req.query, 'query');
    const shop = sanitizeShop(query.shop);
    const callbackPath = `${req.baseUrl}/auth/callback`;
    if (query.connect_token) {
      const claims = await verifyConnect(req, query.connect_token, shop);
      const organizationName = await withPrincipal(ctx.db, systemPrincipal(claims.org, 'shopify-install'), async (tx) => {
        const [row] = await tx<{ name: string }[]>`select name from organizations where id = ${claims.org}`;
        return row?.name;
      });
      if (!organizationName) throw new UnauthorizedError('The connect token is not valid or has expired');
      res
        .status(200)
        .set({
          'content-type': 'text/html; charset=utf-8',
          'cache-control': 'no-store',
          'content-security-policy': installPagePolicy(shop),
        })
        .send(installPage({ shop, organizationName, action: `${req.baseUrl}/auth`, connectToken: query.connect_token }));
      return;
    }
    // Self-serve: a connect cookie left behind by an abandoned attempt must not decide where the shop goes.
    clearCookie(res, CONNECT_COOKIE, callbackPath);
    await beginOAuth(req, res, shop, callbackPath);
  });

  router.post('/auth', form, async (req, res) => {
    const input = parseInput(confirmForm, req.body ?? {});
    const shop = sanitizeShop(input.shop);
    await verifyConnect(req, input.connect_token, shop);
    const callbackPath = `${req.baseUrl}/auth/callback`;
    // Carried to the callback beside the library's state cookie; verified again there.
    setCookie(res, CONNECT_COOKIE, input.connect_token, callbackPath);
    await beginOAuth(req, res, shop, callbackPath);
  });

  router.get('/auth/callback', async (req, res) => {
    refuseRepeatedParameters(req.originalUrl);
    let session: Session;
    // The node adapter has already set these on `res` (and answers undefined); other adapters return them.
    let headers: Record<string, string | string[]> | undefined;
    try {
      const result = await api().auth.callback({ rawRequest: req, rawResponse: res, expiring: true });
      session = result.session;
      headers = result.headers as Record<string, string | string[]> | undefined;
    } catch (error) {
      throw callbackError(error);
    }
    for (const [name, value] of Object.entries(headers ?? {})) {
      if (name.toLowerCase() === 'set-cookie') res.append('set-cookie', value);
      else res.setHeader(name, value);
    }
    const shop = session.shop.toLowerCase();
    const callbackPath = `${req.baseUrl}/auth/callback`;
    clearCookie(res, CONNECT_COOKIE, callbackPath);
    const connectToken = readCookie(req.get('cookie'), CONNECT_COOKIE);
    let orgId: string | null = null;
    if (connectToken) {
      // A cookie for another shop is a leftover of an abandoned attempt: this install is self-serve.
      const claims = await connectTokens.read(connectToken).catch(() => null);
      if (!claims) throw new UnauthorizedError('The connect link expired: start again', { reason: 'connect_token' });
      if (claims.shop === shop) orgId = (await verifyConnect(req, connectToken, shop)).org;
    }
    const outcome = await installStore(shop, credentialsFromSession(session), orgId, 'oauth', requestIdOf(res));
    clearCookie(res, BINDING_COOKIE, req.baseUrl || '/');
    const host = typeof req.query['host'] === 'string' ? api().utils.sanitizeHost(req.query['host']) : null;
    res.redirect(302, (deps.appUrl ?? defaultAppUrl)(session.shop, host ?? null));
    deps.onInstalled?.(outcome);
  });

  router.post('/session', json, async (req, res) => {
    const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(req.get('authorization') ?? '');
    if (!match) throw new UnauthorizedError('Send Authorization: Bearer <Shopify session token>');
    const sessionToken = match[1]!;
    let shop: string;
    try {
      const payload = sessionClaims.parse(await api().session.decodeSessionToken(sessionToken));
      shop = sanitizeShop(new URL(payload.dest).hostname);
    } catch (error) {
      if (error instanceof InvalidJwtError || error instanceof z.ZodError) {
        throw new UnauthorizedError('The Shopify session token is not valid', { reason: 'invalid_session_token' });
      }
      throw error;
    }
    const body = parseInput(sessionBody, req.body ?? {});
    const home = await shopHome(shop);
    if (home?.status === 'active') {
      const credentials = await tokens().readCredentials(home);
      if (tokens().isUsable(credentials)) {
        res.json({ data: { storeId: home.storeId, orgId: home.orgId, shop, created: false } });
        return;
      }
    }
    if (home?.status === 'disconnected' && !body.reconnect) {
      // An admin disconnected the store: opening the app does not undo that.
      throw new ConflictError('The shop was disconnected from Dockhand; reconnect it to continue', {
        reason: 'disconnected',
      });
    }
    let session: Session;
    try {
      ({ session } = await api().auth.tokenExchange({
        shop,
        sessionToken,
        requestedTokenType: RequestedTokenType.OfflineAccessToken,
        expiring: true,
      }));
    } catch (error) {
      if (error instanceof HttpResponseError && (error.response.code === 400 || error.response.code === 401)) {
        throw new UnauthorizedError('Shopify refused the session token', { reason: 'token_exchange_refused' });
      }
      throw error;
    }
    const outcome = await installStore(shop, credentialsFromSession(session), null, 'token-exchange', requestIdOf(res));
    res.json({ data: { storeId: outcome.storeId, orgId: outcome.orgId, shop, created: outcome.createdStore } });
    deps.onInstalled?.(outcome);
  });

  /** The shop's active store, else the one it was connected to last. */
  async function shopHome(shop: string): Promise<{ orgId: string; storeId: string; status: string } | undefined> {
    const [row] = await ctx.db.app<{ org_id: string; store_id: string; status: string }[]>`
      select org_id, store_id, status from dockhand.shopify_shop_home(${shop})`;
    return row ? { orgId: row.org_id, storeId: row.store_id, status: row.status } : undefined;
  }

  /**
   * Connects the shop with its new token: to the connecting organization's store for it (made if
   * missing), or without one to the store the shop was connected to last, else to a new
   * organization. The token's shop id is asked of the Admin API first and recorded.
   */
  async function installStore(
    shop: string,
    credentials: ShopifyCredentials,
    connectingOrgId: string | null,
    via: 'oauth' | 'token-exchange',
    requestId: string,
  ): Promise<InstallOutcome> {
    const connector = createShopifyConnector({
      shopDomain: shop,
      accessToken: credentials.accessToken,
      apiVersion,
      shopBaseUrl: deps.shopBaseUrl?.(shop),
      fetch: deps.fetch,
    });
    const identity = await connector.shopIdentity();
    if (identity.myshopifyDomain !== shop) throw new BadRequestError('The token Shopify issued answers for another shop');
    const proof = { platformShopId: identity.id, credentials: asRecord(credentials), via };
    let stored: Omit<InstallOutcome, 'shop' | 'webhooks' | 'webhookError'> | undefined;
    for (let attempt = 0; !stored; attempt++) {
      const home = await shopHome(shop);
      if (connectingOrgId && home?.status === 'active' && home.orgId !== connectingOrgId) {
        throw new ConflictError('This shop is connected to another Dockhand organization', { shop });
      }
      try {
        stored = connectingOrgId
          ? await connectInto(connectingOrgId, shop, proof, requestId)
          : home
            ? await connectInto(home.orgId, shop, proof, requestId)
            : await createOrganizationFor(shop, proof, requestId);
      } catch (error) {
        if (error instanceof ShopTakenError && connectingOrgId) {
          throw new ConflictError('This shop is connected to another Dockhand organization', { shop });
        }
        // Two first requests for one shop raced: the other connected it; join that store.
        const raced = error instanceof ShopTakenError || error instanceof StoreExistsError;
        if (!raced || attempt >= 2) throw error;
      }
    }
    ctx.ingest.directory.forget(stored.storeId);
    const outcome: InstallOutcome = { ...stored, shop };
    try {
      const { created, existing } = await connector.registerWebhooks(webhookUrl);
      outcome.webhooks = { created, existing };
      ctx.logger.info({ storeId: stored.storeId, shop, created, existing }, 'shopify webhooks registered');
    } catch (error) {
      // The store works without them: reconciliation polls what webhooks would have said.
      outcome.webhookError = error;
      ctx.logger.warn({ err: error, storeId: stored.storeId, shop }, 'shopify webhook registration failed');
    }
    await queueFirstBackfill(ctx, stored, `shopify store ${shop} installed`);
    return outcome;
  }

  type Proof = { platformShopId: string; credentials: Record<string, string>; via: string };

  /** The organization's store for the shop (any status), made when it has none, connected with the proof. */
  async function connectInto(orgId: string, shop: string, proof: Proof, requestId: string) {
    const principal = systemPrincipal(orgId, 'shopify-install');
    let createdStore = false;
    const storeId = await withPrincipal(ctx.db, principal, async (tx) => {
      const [existing] = await tx<{ id: string }[]>`
        select id from stores where platform = 'shopify' and lower(shop_domain) = ${shop} for update`;
      let id = existing?.id;
      if (!id) {
        createdStore = true;
        id = (await ctx.stores.create(tx, principal, { platform: 'shopify', name: shop, shopDomain: shop }, requestId)).id;
      }
      await ctx.stores.activateShopify(tx, principal, id, proof, requestId);
      return id;
    });
    return { orgId, storeId, createdOrganization: false, createdStore };
  }

  async function createOrganizationFor(shop: string, proof: Proof, requestId: string) {
    const organization = { name: shop.replace(/\.myshopify\.com$/i, ''), details: { via: 'shopify-install', shop }, requestId };
    const { orgId, result: storeId } = await withNewOrganization(
      ctx.db,
      'shopify-install',
      organization,
      async (tx, principal) => {
        const store = await ctx.stores.create(tx, principal, { platform: 'shopify', name: shop, shopDomain: shop }, requestId);
        await ctx.stores.activateShopify(tx, principal, store.id, proof, requestId);
        return store.id;
      },
    );
    return { orgId, storeId, createdOrganization: true, createdStore: true };
  }

  function defaultAppUrl(shop: string, host: string | null): string {
    const apiKey = api().config.apiKey;
    if (host) return `https://${Buffer.from(host, 'base64').toString('utf8')}/apps/${apiKey}`;
    return `https://${shop}/admin/apps/${apiKey}`;
  }

  return router;
}

/**
 * A callback whose query names a parameter twice is not one Shopify sent. The library checks the
 * signature, state and timestamp over the last copy of each parameter but exchanges the first
 * `code` at the first `shop`: a leaked code of the victim's shop, put before the attacker's own
 * signed callback, would join the victim's shop to the attacker's organization.
 */
function refuseRepeatedParameters(url: string): void {
  const query = url.includes('?') ? url.slice(url.indexOf('?') + 1) : '';
  const names = [...new URLSearchParams(query).keys()];
  if (new Set(names).size !== names.length) {
    throw new BadRequestError('The install callback is not valid (a parameter given twice)', { reason: 'invalid_callback' });
  }
}

/** The library's OAuth failures as the public error envelope. */
function callbackError(error: unknown): unknown {
  if (error instanceof ApiError) return error;
  if (error instanceof CookieNotFound) {
    return new UnauthorizedError('The install state cookie is missing or expired: start the install again', {
      reason: 'state_cookie',
    });
  }
  if (error instanceof InvalidOAuthError || error instanceof InvalidHmacError) {
    return new BadRequestError('The install callback is not valid (signature or state)', { reason: 'invalid_callback' });
  }
  if (error instanceof InvalidShopError) return new BadRequestError('The shop is not valid');
  if (error instanceof BotActivityDetected) {
    return new BadRequestError(
      'The install callback came from a client Shopify’s library takes for a bot (by its User-Agent): finish the install in a browser',
      { reason: 'bot_user_agent', header: 'User-Agent' },
    );
  }
  if (error instanceof HttpResponseError && error.response.code < 500) {
    return new BadRequestError('Shopify refused the authorization code', { reason: 'code_exchange' });
  }
  return error;
}
