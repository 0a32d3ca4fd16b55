import { randomBytes } from 'node:crypto';
import express, { Router, type Request, type RequestHandler } from 'express';
import { z } from 'zod';
import { principalOf, requestIdOf, type AppContext } from '../../api/context.ts';
import { BadRequestError, ConflictError, ForbiddenError, NotFoundError, UnauthorizedError } from '../../api/errors.ts';
import { authenticate } from '../../api/middleware/authenticate.ts';
import { dataOf, documentRoute } from '../../api/openapi.ts';
import { parseInput } from '../../api/validate.ts';
import { systemPrincipal, withPrincipal, type TenantSql } from '../../db/principal.ts';
import { bindingMatches, linkCookieOptions, newBrowserBinding, readCookie } from '../../security/browser-binding.ts';
import { OutboundUrlRefusedError, type OutboundGuard } from '../../security/outbound-guard.ts';
import { assertCallbackAccepted } from './callback-url.ts';
import {
  completeAttempt,
  consumeMintedAttempt,
  findAttempt,
  mintAttempt,
  startAttempt,
  type ConnectAttempt,
} from './connect-attempts.ts';
import { InvalidSignedTokenError, SignedTokens } from '../../security/signed-tokens.ts';
import { startConnectedStore, type WebhookRegistrationOutcome } from './connected-store.ts';
import { activateWithVerifiedKeys } from './store-activation.ts';
import { StoreKeysRejectedError, verifyStoreKeys } from './store-keys.ts';
import { normalizeStoreUrl, storeUrlSchema } from './store-url.ts';
import { can } from '../../api/policy.ts';

/**
 * Connecting a WooCommerce store with WooCommerce's own app-key flow (wc-auth). Every try is a
 * connect attempt (`connect-attempts.ts`) bound to one normalised store URL; no store row exists
 * until working keys arrive.
 *
 * 1. `POST /woocommerce/connect-token {storeUrl}` (Bearer, owner/admin) records a `minted`
 *    attempt for that store and answers a `connectUrl` carrying a 5-minute, single-use signed
 *    `connect_token`, for browsers that navigate and so cannot send a header. The link works only
 *    in the browser that asked for it (a binding cookie, browser-binding.ts): sent to a store's
 *    owner, it cannot get them to approve keys for the sender's organization.
 * 2. `GET /woocommerce/connect` with that token (its `store_url`, if given, must be the token's),
 *    or with `Authorization: Bearer` and `store_url`: refuses a PUBLIC_URL WooCommerce would not
 *    post keys to (not https), checks the store URL against the outbound guard (SSRF), starts the
 *    attempt (a newer attempt for the same store replaces an open one) and redirects to
 *    `{store}/wc-auth/v1/authorize` with `user_id` = a signed, 30-minute state naming the attempt.
 * 3. The store POSTs the keys to `/woocommerce/keys-callback`. Accepted once per attempt, only
 *    while it is open (`started`, not expired, not replaced, its store not disconnected since),
 *    with `read_write` keys that work against the attempt's store (one authenticated REST call
 *    through the guard). Then, in one transaction, the keys and a fresh webhook secret are sealed
 *    on the organization's store for that URL (created, or reused when it exists), the store turns
 *    `active` and the attempt `completed`; the answer is exactly 200. Anything else answers
 *    non-200 and changes nothing (WooCommerce then deletes the key). After answering, the first
 *    backfill is queued and webhooks are registered.
 * 4. The browser lands on `/woocommerce/return?success=1|0&user_id=<state>`: a small page.
 */

export interface WooCommerceConnectDeps {
  guard: OutboundGuard;
  /** The server's public base URL (PUBLIC_URL), used for callback_url, return_url and webhooks. */
  publicUrl: string;
  /** Told when webhook registration after a connect finished (tests, metrics). */
  onWebhooksRegistered?: (outcome: WebhookRegistrationOutcome) => void;
}

const CONNECT_TOKEN_TTL = 5 * 60;
const STATE_TTL = 30 * 60;

const connectTokenClaims = z.object({ org: z.uuid(), attempt: z.uuid(), bnd: z.string() });
/** The browser binding of a connect link (browser-binding.ts): set when it is minted, checked when it is opened. */
export const WOOCOMMERCE_BINDING_COOKIE = 'dockhand_woocommerce_binding';
const stateClaims = z.object({ org: z.uuid(), attempt: z.uuid() });

const connectTokenBody = z.object({ storeUrl: storeUrlSchema });
const connectQuery = z.object({
  store_url: storeUrlSchema.optional(),
  connect_token: z.string().max(4096).optional(),
});

const keysBody = z.object({
  key_id: z.union([z.number().int(), z.string().max(64)]),
  user_id: z.union([z.string().max(4096), z.number()]).transform(String),
  // No regex flags: OpenAPI patterns carry none, so the document says exactly what is accepted.
  consumer_key: z.string().regex(/^ck_[0-9a-fA-F]{16,64}$/),
  consumer_secret: z.string().regex(/^cs_[0-9a-fA-F]{16,64}$/),
  key_permissions: z.string().max(32),
});

const returnQuery = z.object({ success: z.string().optional(), user_id: z.string().max(4096).optional() });

documentRoute({
  method: 'post',
  path: '/woocommerce/connect-token',
  summary: 'A short-lived, single-use link that starts connecting one WooCommerce store from a browser (owner/admin)',
  tags: ['woocommerce'],
  body: connectTokenBody,
  response: dataOf(z.object({ connectToken: z.string(), connectUrl: z.string(), expiresIn: z.number() })),
  errors: { 400: 'Invalid input, or a store URL the server may not call', 403: 'Owners and admins only' },
});
documentRoute({
  method: 'get',
  path: '/woocommerce/connect',
  summary:
    'Starts the wc-auth app-key flow: redirects to the store the connect_token names (or, with Bearer, store_url). ' +
    'Refused (503) when PUBLIC_URL is not an https address WooCommerce will post the keys to',
  tags: ['woocommerce'],
  query: connectQuery,
  status: 302,
  errors: {
    401: 'No bearer and no connect_token, or a connect_token that is invalid, used or expired, or opened in another browser than the one that asked for it',
    403: 'Owners and admins only',
    503: 'The database is unavailable, or PUBLIC_URL cannot receive the keys',
  },
});
documentRoute({
  method: 'post',
  path: '/woocommerce/keys-callback',
  summary: 'Receives the app keys from the store (wc-auth callback); answers exactly 200 once per attempt, after the keys work',
  tags: ['woocommerce'],
  auth: false,
  body: keysBody,
  errors: {
    400: 'Invalid input or state, keys without read_write, or keys that do not work against the store',
    404: 'No such connect attempt',
    409: 'The attempt was completed, replaced, cancelled or has expired',
  },
});
documentRoute({
  method: 'get',
  path: '/woocommerce/return',
  summary: 'Where the browser lands after approving or denying the connection',
  tags: ['woocommerce'],
  auth: false,
  query: returnQuery,
});

function escapeHtml(text: string): string {
  const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
  return text.replace(/[&<>"']/g, (c) => entities[c] ?? c);
}

function page(title: string, message: string): string {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>
<body><main><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p></main></body></html>`;
}

/** Why an attempt cannot take keys now, or undefined when it can. */
function closedReason(attempt: ConnectAttempt | undefined): string | undefined {
  if (!attempt) return 'unknown';
  if (attempt.status === 'completed') return 'This connect attempt was already completed';
  if (attempt.status === 'cancelled') return 'This connect attempt was replaced by a newer one or its store was disconnected';
  if (attempt.status !== 'started') return 'This connect attempt was never started';
  if (attempt.expired) return 'This connect attempt has expired';
  return undefined;
}

async function guardStoreUrl(guard: OutboundGuard, storeUrl: string): Promise<void> {
  try {
    await guard.check(storeUrl);
  } catch (error) {
    if (error instanceof OutboundUrlRefusedError) throw new BadRequestError(error.message, { reason: error.reason });
    throw error;
  }
}

/** The organization's display name, shown on the store's consent page as part of the app name. */
async function organizationName(tx: TenantSql): Promise<string | undefined> {
  const [row] = await tx<{ name: string }[]>`select name from organizations`;
  return row?.name;
}

export function wooCommerceConnectRoutes(ctx: AppContext, deps: WooCommerceConnectDeps): Router {
  const router = Router();
  const tokens = new SignedTokens(ctx.config.jwtSecret);
  const publicUrl = deps.publicUrl.replace(/\/+$/, '');
  const json = express.json({ limit: ctx.config.bodyLimit, strict: true });
  const bearer = authenticate(ctx.accessTokens);
  const bindingCookie = (req: Request) => ({ ...linkCookieOptions(publicUrl), path: req.baseUrl || '/' });

  const requireConnector: RequestHandler = (_req, res, next) => {
    const principal = principalOf(res);
    if (!can(principal, 'stores.manage') || principal.kind !== 'console') throw new ForbiddenError();
    next();
  };

  router.post('/connect-token', bearer, requireConnector, json, async (req, res) => {
    const body = parseInput(connectTokenBody, req.body ?? {});
    const storeUrl = normalizeStoreUrl(body.storeUrl);
    await guardStoreUrl(deps.guard, storeUrl);
    assertCallbackAccepted(publicUrl, storeUrl);
    const principal = principalOf(res);
    const attemptId = await withPrincipal(ctx.db, principal, (tx) => mintAttempt(tx, principal, storeUrl, CONNECT_TOKEN_TTL));
    const { binding, hash } = newBrowserBinding();
    const connectToken = await tokens.sign(
      'woocommerce-connect',
      { org: principal.orgId, attempt: attemptId, bnd: hash },
      CONNECT_TOKEN_TTL,
    );
    res.cookie(WOOCOMMERCE_BINDING_COOKIE, binding, { ...bindingCookie(req), maxAge: CONNECT_TOKEN_TTL * 1000 });
    const connectUrl = `${publicUrl}/woocommerce/connect?${new URLSearchParams({ store_url: storeUrl, connect_token: connectToken })}`;
    res.json({ data: { connectToken, connectUrl, expiresIn: CONNECT_TOKEN_TTL } });
  });

  /** A browser's connect link carries a connect_token; anything else needs an owner's or admin's bearer. */
  const bearerUnlessConnectToken: RequestHandler = (req, res, next) => {
    if (typeof req.query['connect_token'] === 'string' && !req.get('authorization')) return next();
    return bearer(req, res, (error?: unknown) => (error ? next(error) : requireConnector(req, res, next)));
  };

  /**
   * With a connect token: the store its attempt names, the token used at most once. With a
   * bearer (owner/admin): the store_url asked for. Either way the attempt is `started` here.
   */
  const startConnect: RequestHandler = async (req, res) => {
    const query = parseInput(connectQuery, req.query, 'query');
    const asked = query.store_url === undefined ? undefined : normalizeStoreUrl(query.store_url);
    let started: { orgId: string; attemptId: string; storeUrl: string; orgName: string | undefined };
    if (query.connect_token !== undefined && !req.get('authorization')) {
      let claims: z.infer<typeof connectTokenClaims>;
      try {
        claims = await tokens.verify('woocommerce-connect', query.connect_token, connectTokenClaims);
      } catch (error) {
        if (error instanceof InvalidSignedTokenError) throw new UnauthorizedError(`connect_token: ${error.message}`);
        throw error;
      }
      // Checked before anything is used up: a link opened in another browser leaves the attempt as it was.
      if (!bindingMatches(claims.bnd, readCookie(req.get('cookie'), WOOCOMMERCE_BINDING_COOKIE))) {
        throw new UnauthorizedError(
          'connect_token: this link was made for another browser; open it in the browser that asked for it',
          { reason: 'connect_token_browser' },
        );
      }
      const principal = systemPrincipal(claims.org, 'woocommerce-connect');
      const minted = await withPrincipal(ctx.db, principal, (tx) => findAttempt(tx, claims.attempt));
      if (!minted || minted.status !== 'minted' || minted.expired) {
        throw new UnauthorizedError('connect_token: already used or expired; start connecting the store again from Dockhand');
      }
      if (asked !== undefined && asked !== minted.storeUrl) {
        throw new BadRequestError('store_url is not the store this connect link was made for', { storeUrl: minted.storeUrl });
      }
      await guardStoreUrl(deps.guard, minted.storeUrl);
      assertCallbackAccepted(publicUrl, minted.storeUrl);
      const consumed = await withPrincipal(ctx.db, principal, async (tx) => ({
        storeUrl: await consumeMintedAttempt(tx, claims.attempt, STATE_TTL),
        orgName: await organizationName(tx),
      }));
      if (!consumed.storeUrl) {
        throw new UnauthorizedError('connect_token: already used or expired; start connecting the store again from Dockhand');
      }
      started = { orgId: claims.org, attemptId: claims.attempt, storeUrl: consumed.storeUrl, orgName: consumed.orgName };
      res.clearCookie(WOOCOMMERCE_BINDING_COOKIE, bindingCookie(req));
    } else {
      if (asked === undefined) throw new BadRequestError('store_url is required');
      await guardStoreUrl(deps.guard, asked);
      assertCallbackAccepted(publicUrl, asked);
      const principal = principalOf(res);
      const { attemptId, orgName } = await withPrincipal(ctx.db, principal, async (tx) => ({
        attemptId: await startAttempt(tx, principal, asked, STATE_TTL),
        orgName: await organizationName(tx),
      }));
      started = { orgId: principal.orgId, attemptId, storeUrl: asked, orgName };
    }
    const state = await tokens.sign('woocommerce-connect-state', { org: started.orgId, attempt: started.attemptId }, STATE_TTL);
    const authorize = new URL(`${started.storeUrl}/wc-auth/v1/authorize`);
    authorize.search = new URLSearchParams({
      // Shown on the store's consent page: the merchant sees which organization asks.
      app_name: started.orgName ? `Dockhand (${started.orgName.slice(0, 120)})` : 'Dockhand',
      scope: 'read_write',
      user_id: state,
      return_url: `${publicUrl}/woocommerce/return`,
      callback_url: `${publicUrl}/woocommerce/keys-callback`,
    }).toString();
    res.redirect(302, authorize.toString());
  };
  router.get('/connect', bearerUnlessConnectToken, startConnect);

  router.post('/keys-callback', json, async (req, res) => {
    const body = parseInput(keysBody, req.body);
    let state: z.infer<typeof stateClaims>;
    try {
      state = await tokens.verify('woocommerce-connect-state', body.user_id, stateClaims);
    } catch (error) {
      if (error instanceof InvalidSignedTokenError) throw new BadRequestError(`Invalid connect state: ${error.message}`);
      throw error;
    }
    if (body.key_permissions !== 'read_write') {
      throw new BadRequestError('Dockhand needs read_write access to the store', { keyPermissions: body.key_permissions });
    }
    const principal = systemPrincipal(state.org, 'woocommerce-connect');
    const attempt = await withPrincipal(ctx.db, principal, (tx) => findAttempt(tx, state.attempt));
    const closed = closedReason(attempt);
    if (closed === 'unknown' || !attempt) throw new NotFoundError('Connect attempt');
    if (closed) throw new ConflictError(closed);

    // The keys must work against the attempt's store before anything is stored.
    const keys = { consumerKey: body.consumer_key, consumerSecret: body.consumer_secret };
    try {
      await verifyStoreKeys(deps.guard, attempt.storeUrl, keys);
    } catch (error) {
      if (error instanceof StoreKeysRejectedError) {
        ctx.logger.warn({ attemptId: attempt.id, reason: error.reason }, 'woocommerce keys callback: keys do not work');
        throw new BadRequestError(error.message, { reason: error.reason });
      }
      throw error;
    }

    const webhookSecret = randomBytes(32).toString('hex');
    const storeId = await withPrincipal(ctx.db, principal, async (tx) => {
      // The store row first, then the attempt: the order a disconnect takes them in (its trigger
      // ends the open attempts), so the two wait for each other instead of deadlocking.
      await tx`select id from stores where platform = 'woocommerce' and site_url = ${attempt.storeUrl} for update`;
      // Serialises callbacks of one attempt: a replay racing the original sees its result.
      const current = await findAttempt(tx, state.attempt, { lock: true });
      const stillClosed = closedReason(current);
      if (stillClosed) throw new ConflictError(stillClosed === 'unknown' ? 'This connect attempt is gone' : stillClosed);
      const id = await activateWithVerifiedKeys(
        tx,
        ctx.stores,
        principal,
        {
          storeUrl: attempt.storeUrl,
          name: new URL(attempt.storeUrl).host,
          credentials: {
            consumerKey: body.consumer_key,
            consumerSecret: body.consumer_secret,
            keyId: String(body.key_id),
            keyPermissions: body.key_permissions,
          },
          webhookSecret,
        },
        requestIdOf(res),
      );
      await completeAttempt(tx, state.attempt, id);
      return id;
    });
    // Webhook deliveries must be checked against the new secret, not a cached old one.
    ctx.ingest.directory.forget(storeId);
    res.status(200).json({ data: { connected: true } });

    // After answering: WooCommerce waits for this callback, and the key exists already.
    startConnectedStore(
      ctx,
      { orgId: state.org, storeId, siteUrl: attempt.storeUrl, keys, webhookSecret },
      { guard: deps.guard, publicUrl, onWebhooksRegistered: deps.onWebhooksRegistered },
    );
  });

  router.get('/return', async (req, res) => {
    const query = parseInput(returnQuery, req.query, 'query');
    let connectedUrl: string | null = null;
    if (query.user_id) {
      try {
        const state = await tokens.verify('woocommerce-connect-state', query.user_id, stateClaims, { ignoreExpiry: true });
        const attempt = await withPrincipal(ctx.db, systemPrincipal(state.org, 'woocommerce-connect'), (tx) =>
          findAttempt(tx, state.attempt),
        );
        connectedUrl = attempt?.status === 'completed' ? attempt.storeUrl : null;
      } catch (error) {
        if (!(error instanceof InvalidSignedTokenError)) throw error;
      }
    }
    const connected = query.success === '1' && connectedUrl !== null;
    const denied = query.success === '0';
    res
      .status(connected || denied ? 200 : 400)
      .type('html')
      .send(
        connected
          ? page('Store connected', `${connectedUrl} is connected to Dockhand. You can close this window.`)
          : denied
            ? page('Connection denied', 'The store did not grant Dockhand access. Nothing was connected.')
            : page('Connection failed', 'The store was not connected. Start connecting it again from Dockhand.'),
      );
  });

  return router;
}
