import { createHmac, randomUUID } from 'node:crypto';
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
import express, { Router, type RequestHandler, type Response } from 'express';
import { jwtVerify, SignJWT } from 'jose';
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
import { ROLES, systemPrincipal, withPrincipal } from '../../db/principal.ts';
import { StoreExistsError } from '../../domain/stores/store-service.ts';
import { recordAudit } from '../../domain/audit/audit-log.ts';
import { createShopifyConnector } from './connector.ts';
import { createShopifyApp, SHOPIFY_API_VERSION } from './shopify-app.ts';
import { asRecord, credentialsFromSession, ShopifyTokenService, type ShopifyCredentials } from './shopify-token-service.ts';

/**
 * Installing Dockhand on a Shopify shop, two ways, both ending with an active store whose
 * expiring offline token is sealed (StoreService) and whose webhooks are registered:
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
 * - An owner/admin signed in to the console asks `POST /shopify/connect-token` for a 10-minute
 *   signed token and opens `/shopify/auth?shop=…&connect_token=…`. The token travels through the
 *   OAuth round trip in an httpOnly cookie signed with the server secret (scoped to the
 *   callback path), so the callback knows the organization. The shop joins it.
 * - An install without that context (from the Shopify admin or App Store, or the embedded app's
 *   first request) is merchant self-serve: a shop Dockhand already knows keeps its organization;
 *   a new shop gets a new organization named after it.
 * - A shop installed in one organization cannot be claimed by another (409): it must be
 *   uninstalled first.
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

const CONNECT_TOKEN_TTL = 10 * 60;
const CONNECT_COOKIE = 'dockhand_shopify_connect';
const CONNECT_AUDIENCE = 'dockhand-shopify-connect';
const CONNECT_ROLES = new Set(['owner', 'admin']);

const connectClaims = z.object({ org: z.uuid(), sub: z.string(), role: z.enum(ROLES) });

const shopQuery = z.object({
  shop: z.string().min(1).max(255),
  connect_token: z.string().max(4096).optional(),
});

const sessionClaims = z.object({ dest: z.string().url(), sub: z.string().optional() });

const installAnswer = z.object({ storeId: z.uuid(), orgId: z.uuid(), shop: z.string(), created: z.boolean() });

documentRoute({
  method: 'post',
  path: '/shopify/connect-token',
  summary: 'A short-lived link that installs Dockhand on a Shopify shop into the caller’s organization (owner/admin)',
  tags: ['shopify'],
  body: z.object({ shop: z.string().optional() }),
  response: dataOf(z.object({ connectToken: z.string(), installUrl: z.string().nullable(), expiresIn: z.number() })),
});
documentRoute({
  method: 'get',
  path: '/shopify/auth',
  summary: 'Starts the Shopify OAuth install (state cookie, redirect to the shop’s authorize page)',
  tags: ['shopify'],
  auth: false,
  query: shopQuery,
  status: 302,
});
documentRoute({
  method: 'get',
  path: '/shopify/auth/callback',
  summary: 'Completes the Shopify OAuth install (HMAC, state, code exchange); redirects to the app',
  tags: ['shopify'],
  auth: false,
  status: 302,
});
documentRoute({
  method: 'post',
  path: '/shopify/session',
  summary: 'Embedded app: exchanges a Shopify session token for the shop’s offline token when needed',
  tags: ['shopify'],
  response: dataOf(installAnswer),
});

/** The connect token's key: derived from the server secret, used for nothing else. */
function connectKey(secret: string): Uint8Array {
  return new Uint8Array(createHmac('sha256', secret).update('dockhand:shopify-connect:v1').digest());
}

function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return decodeURIComponent(value.join('='));
  }
  return undefined;
}

function appendSetCookie(res: Response, cookie: string): void {
  const current = res.getHeader('set-cookie');
  const list = current === undefined ? [] : Array.isArray(current) ? current.map(String) : [String(current)];
  res.setHeader('set-cookie', [...list, cookie]);
}

export function shopifyInstallRoutes(ctx: AppContext, deps: ShopifyInstallDeps = {}): Router {
  const router = Router();
  const config = ctx.config.shopify;
  const publicUrl = ctx.config.publicUrl.replace(/\/+$/, '');
  let shopify: Shopify | undefined = deps.shopify;
  const api = (): Shopify => {
    if (shopify) return shopify;
    if (!config) throw new ServiceUnavailableError('Shopify is not configured on this server');
    shopify = createShopifyApp({ apiKey: config.apiKey, apiSecret: config.apiSecret, publicUrl, fetch: deps.fetch });
    return shopify;
  };
  let tokenService = deps.tokens;
  const tokens = (): ShopifyTokenService =>
    (tokenService ??= new ShopifyTokenService({ db: ctx.db, stores: ctx.stores, shopify: api() }));
  const key = connectKey(ctx.config.jwtSecret);
  const webhookUrl = deps.webhookUrl ?? `${publicUrl}/webhooks/shopify`;
  const apiVersion = deps.apiVersion ?? SHOPIFY_API_VERSION;
  const json = express.json({ limit: ctx.config.bodyLimit, strict: true });
  const bearer = authenticate(ctx.accessTokens);

  const sanitizeShop = (shop: string): string => {
    try {
      const clean = api().utils.sanitizeShop(shop, true);
      if (clean) return clean;
    } catch (error) {
      if (!(error instanceof InvalidShopError)) throw error;
    }
    throw new BadRequestError('`shop` must be a shop domain such as example.myshopify.com');
  };

  const verifyConnectToken = async (token: string) => {
    try {
      const { payload } = await jwtVerify(token, key, { audience: CONNECT_AUDIENCE, issuer: 'dockhand', algorithms: ['HS256'] });
      return connectClaims.parse(payload);
    } catch {
      throw new UnauthorizedError('The connect token is not valid or has expired');
    }
  };

  const requireConnector: RequestHandler = (_req, res, next) => {
    const principal = principalOf(res);
    if (principal.kind !== 'console' || !CONNECT_ROLES.has(principal.role)) throw new ForbiddenError();
    next();
  };

  router.post('/connect-token', bearer, requireConnector, json, async (req, res) => {
    const body = parseInput(z.object({ shop: z.string().max(255).optional() }).default({}), req.body ?? {});
    const principal = principalOf(res);
    const connectToken = await new SignJWT({ org: principal.orgId, role: principal.role })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(principal.subject)
      .setIssuer('dockhand')
      .setAudience(CONNECT_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(`${CONNECT_TOKEN_TTL}s`)
      .sign(key);
    const installUrl = body.shop
      ? `${publicUrl}${req.baseUrl}/auth?${new URLSearchParams({ shop: sanitizeShop(body.shop), connect_token: connectToken })}`
      : null;
    res.json({ data: { connectToken, installUrl, expiresIn: CONNECT_TOKEN_TTL } });
  });

  router.get('/auth', async (req, res) => {
    const query = parseInput(shopQuery, req.query, 'query');
    const shop = sanitizeShop(query.shop);
    const callbackPath = `${req.baseUrl}/auth/callback`;
    if (query.connect_token) {
      await verifyConnectToken(query.connect_token);
      // Carried to the callback beside the library's state cookie; verified again there.
      appendSetCookie(
        res,
        `${CONNECT_COOKIE}=${encodeURIComponent(query.connect_token)}; Path=${callbackPath}; Max-Age=${CONNECT_TOKEN_TTL}; HttpOnly; SameSite=Lax${publicUrl.startsWith('https:') ? '; Secure' : ''}`,
      );
    }
    await api().auth.begin({ shop, callbackPath, isOnline: false, rawRequest: req, rawResponse: res });
  });

  router.get('/auth/callback', async (req, res) => {
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
      if (name.toLowerCase() === 'set-cookie') for (const cookie of [value].flat()) appendSetCookie(res, cookie);
      else res.setHeader(name, value);
    }
    const callbackPath = `${req.baseUrl}/auth/callback`;
    appendSetCookie(res, `${CONNECT_COOKIE}=; Path=${callbackPath}; Max-Age=0; HttpOnly; SameSite=Lax`);
    const connectToken = readCookie(req.get('cookie'), CONNECT_COOKIE);
    const orgId = connectToken ? (await verifyConnectToken(connectToken)).org : null;
    const outcome = await installStore(session.shop, credentialsFromSession(session), orgId, requestIdOf(res));
    const host = typeof req.query['host'] === 'string' ? api().utils.sanitizeHost(req.query['host']) : null;
    res.redirect(302, (deps.appUrl ?? defaultAppUrl)(session.shop, host ?? null));
    deps.onInstalled?.(outcome);
  });

  router.post('/session', async (req, res) => {
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
    const existing = await findStore(shop);
    if (existing) {
      const credentials = await tokens().readCredentials(existing);
      if (tokens().isUsable(credentials)) {
        res.json({ data: { storeId: existing.storeId, orgId: existing.orgId, shop, created: false } });
        return;
      }
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
    const outcome = await installStore(shop, credentialsFromSession(session), null, requestIdOf(res));
    res.json({ data: { storeId: outcome.storeId, orgId: outcome.orgId, shop, created: outcome.createdStore } });
    deps.onInstalled?.(outcome);
  });

  async function findStore(shop: string): Promise<{ orgId: string; storeId: string; status: string } | undefined> {
    const [row] = await ctx.db.app<{ org_id: string; store_id: string; status: string }[]>`
      select org_id, store_id, status from dockhand.shopify_store_by_domain(${shop})`;
    return row ? { orgId: row.org_id, storeId: row.store_id, status: row.status } : undefined;
  }

  /**
   * Creates or re-activates the shop's store with the new token, in the organization that
   * already has it, else the connecting one, else a new one; then registers webhooks.
   */
  async function installStore(
    shop: string,
    credentials: ShopifyCredentials,
    connectingOrgId: string | null,
    requestId: string,
  ): Promise<InstallOutcome> {
    let stored: Omit<InstallOutcome, 'shop' | 'webhooks' | 'webhookError'> | undefined;
    for (let attempt = 0; !stored; attempt++) {
      const existing = await findStore(shop);
      if (existing && connectingOrgId && existing.orgId !== connectingOrgId) {
        throw new ConflictError('This shop is already connected to another Dockhand organization', { shop });
      }
      try {
        stored = existing
          ? await reactivate(existing, credentials, requestId)
          : await create(shop, credentials, connectingOrgId, requestId);
      } catch (error) {
        // Two first requests for one shop raced: the other created the store; join it.
        if (!(error instanceof StoreExistsError || (error as { code?: string }).code === '23505') || attempt >= 2) throw error;
      }
    }
    ctx.ingest.directory.forget(stored.storeId);
    const outcome: InstallOutcome = { ...stored, shop };
    try {
      const connector = createShopifyConnector({
        shopDomain: shop,
        accessToken: credentials.accessToken,
        apiVersion,
        shopBaseUrl: deps.shopBaseUrl?.(shop),
        fetch: deps.fetch,
      });
      const { created, existing } = await connector.registerWebhooks(webhookUrl);
      outcome.webhooks = { created, existing };
      ctx.logger.info({ storeId: stored.storeId, shop, created, existing }, 'shopify webhooks registered');
    } catch (error) {
      // The store works without them: reconciliation polls what webhooks would have said.
      outcome.webhookError = error;
      ctx.logger.warn({ err: error, storeId: stored.storeId, shop }, 'shopify webhook registration failed');
    }
    return outcome;
  }

  async function reactivate(existing: { orgId: string; storeId: string }, credentials: ShopifyCredentials, requestId: string) {
    const principal = systemPrincipal(existing.orgId, 'shopify-install');
    await withPrincipal(ctx.db, principal, async (tx) => {
      await ctx.stores.setCredentials(tx, existing.orgId, existing.storeId, asRecord(credentials));
      await ctx.stores.update(tx, principal, existing.storeId, { status: 'active' }, requestId);
    });
    return { orgId: existing.orgId, storeId: existing.storeId, createdOrganization: false, createdStore: false };
  }

  async function create(shop: string, credentials: ShopifyCredentials, connectingOrgId: string | null, requestId: string) {
    const orgId = connectingOrgId ?? randomUUID();
    const principal = systemPrincipal(orgId, 'shopify-install');
    let createdStore = true;
    const storeId = await withPrincipal(ctx.db, principal, async (tx) => {
      if (connectingOrgId) {
        // A reinstall into the organization that had the shop before (now uninstalled) revives its store.
        const [previous] = await tx<{ id: string }[]>`
          select id from stores where platform = 'shopify' and lower(shop_domain) = lower(${shop}) for update`;
        if (previous) {
          createdStore = false;
          await ctx.stores.setCredentials(tx, orgId, previous.id, asRecord(credentials));
          await ctx.stores.update(tx, principal, previous.id, { status: 'active' }, requestId);
          return previous.id;
        }
      } else {
        await tx`insert into organizations (id, name) values (${orgId}, ${shop.replace(/\.myshopify\.com$/i, '')})`;
        await recordAudit(tx, principal, {
          action: 'org.created',
          subjectType: 'organization',
          subjectId: orgId,
          details: { via: 'shopify-install', shop },
          requestId,
        });
      }
      const store = await ctx.stores.create(
        tx,
        principal,
        { platform: 'shopify', name: shop, shopDomain: shop, status: 'active', credentials: asRecord(credentials) },
        requestId,
      );
      return store.id;
    });
    return { orgId, storeId, createdOrganization: !connectingOrgId, createdStore };
  }

  function defaultAppUrl(shop: string, host: string | null): string {
    const apiKey = api().config.apiKey;
    if (host) return `https://${Buffer.from(host, 'base64').toString('utf8')}/apps/${apiKey}`;
    return `https://${shop}/admin/apps/${apiKey}`;
  }

  return router;
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
  if (error instanceof BotActivityDetected) return new BadRequestError('The install callback came from a bot');
  if (error instanceof HttpResponseError && error.response.code < 500) {
    return new BadRequestError('Shopify refused the authorization code', { reason: 'code_exchange' });
  }
  return error;
}
