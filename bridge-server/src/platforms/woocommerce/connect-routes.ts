import { randomBytes } from 'node:crypto';
import express, { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import { principalOf, requestIdOf, type AppContext, type RequestLocals } from '../../api/context.ts';
import { BadRequestError, ConflictError, ForbiddenError, NotFoundError, UnauthorizedError } from '../../api/errors.ts';
import { authenticate } from '../../api/middleware/authenticate.ts';
import { dataOf, documentRoute } from '../../api/openapi.ts';
import { parseInput } from '../../api/validate.ts';
import { ROLES, systemPrincipal, withPrincipal, type Principal } from '../../db/principal.ts';
import { OutboundUrlRefusedError, type OutboundGuard } from '../../security/outbound-guard.ts';
import { createWooCommerceConnector } from './connector.ts';
import { InvalidSignedTokenError, signToken, verifyToken } from './connect-state.ts';

/**
 * Connecting a WooCommerce store with WooCommerce's own app-key flow (wc-auth):
 *
 * 1. `POST /woocommerce/connect-token` (Bearer, owner/admin) answers a `connectUrl` carrying a
 *    5-minute signed `connect_token`, for browsers that navigate and so cannot send a header.
 *    `GET /woocommerce/connect?store_url=` accepts either that token or `Authorization: Bearer`.
 * 2. `connect` checks the URL against the outbound guard (SSRF), creates (or reuses) the
 *    organization's `pending` store for that URL and redirects to `{store}/wc-auth/v1/authorize`
 *    with `user_id` = a signed, 30-minute state naming the organization and the store.
 * 3. The store POSTs the keys to `/woocommerce/keys-callback`. The state is verified (signature,
 *    expiry, issued after the state last accepted for that store, so a replay or an older state
 *    is refused), `read_write` is required, the keys and a fresh webhook secret are sealed on
 *    the store, the store turns `active`, and the answer is exactly 200. Any other answer makes
 *    WooCommerce delete the key. Webhooks are registered after answering; failures are logged.
 * 4. The browser lands on `/woocommerce/return?success=1|0&user_id=<state>`: a small page.
 */

export interface WooCommerceConnectDeps {
  guard: OutboundGuard;
  /** The server's public base URL (PUBLIC_URL), used for callback_url, return_url and webhooks. */
  publicUrl: string;
  /** Told when webhook registration after a connect finished (tests, metrics). */
  onWebhooksRegistered?: (outcome: { storeId: string; created?: number; existing?: number; error?: unknown }) => void;
}

const CONNECT_TOKEN_TTL = 5 * 60;
const STATE_TTL = 30 * 60;
const CONNECT_ROLES = new Set(['owner', 'admin']);

const connectTokenClaims = z.object({
  org: z.uuid(),
  sub: z.string(),
  uid: z.uuid().optional(),
  role: z.enum(ROLES),
  stores: z.union([z.literal('all'), z.array(z.uuid())]),
});

const stateClaims = z.object({ org: z.uuid(), store: z.uuid() });

const connectQuery = z.object({
  store_url: z
    .string()
    .max(2048)
    .refine((value) => {
      try {
        const url = new URL(value);
        return url.protocol === 'http:' || url.protocol === 'https:';
      } catch {
        return false;
      }
    }, 'must be an http(s) URL'),
  connect_token: z.string().max(4096).optional(),
});

const keysBody = z.object({
  key_id: z.union([z.number().int(), z.string()]),
  user_id: z.union([z.string(), z.number()]).transform(String),
  consumer_key: z.string().regex(/^ck_[0-9a-f]{16,64}$/i),
  consumer_secret: z.string().regex(/^cs_[0-9a-f]{16,64}$/i),
  key_permissions: z.string(),
});

const returnQuery = z.object({ success: z.string().optional(), user_id: z.string().max(4096).optional() });

documentRoute({
  method: 'post',
  path: '/woocommerce/connect-token',
  summary: 'A short-lived link that starts connecting a WooCommerce store from a browser (owner/admin)',
  tags: ['woocommerce'],
  body: z.object({ storeUrl: z.string().optional() }),
  response: dataOf(z.object({ connectToken: z.string(), connectUrl: z.string().nullable(), expiresIn: z.number() })),
});
documentRoute({
  method: 'get',
  path: '/woocommerce/connect',
  summary: 'Starts the wc-auth app-key flow: redirects to the store (Bearer or connect_token)',
  tags: ['woocommerce'],
  query: connectQuery,
  status: 302,
});
documentRoute({
  method: 'post',
  path: '/woocommerce/keys-callback',
  summary: 'Receives the app keys from the store (wc-auth callback); answers exactly 200',
  tags: ['woocommerce'],
  auth: false,
  body: keysBody,
});
documentRoute({
  method: 'get',
  path: '/woocommerce/return',
  summary: 'Where the browser lands after approving or denying the connection',
  tags: ['woocommerce'],
  auth: false,
  query: returnQuery,
});

/** Normalises a store URL: scheme, host, port and path, no query, fragment or trailing slash. */
export function normalizeStoreUrl(value: string): string {
  const url = new URL(value);
  url.search = '';
  url.hash = '';
  return url.toString().replace(/\/+$/, '');
}

function escapeHtml(text: string): string {
  const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
  return text.replace(/[&<>"']/g, (c) => entities[c] ?? c);
}

function page(title: string, message: string): string {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>
<body><main><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p></main></body></html>`;
}

export function wooCommerceConnectRoutes(ctx: AppContext, deps: WooCommerceConnectDeps): Router {
  const router = Router();
  const secret = ctx.config.jwtSecret;
  const publicUrl = deps.publicUrl.replace(/\/+$/, '');
  const json = express.json({ limit: ctx.config.bodyLimit, strict: true });
  const bearer = authenticate(ctx.accessTokens);

  const requireConnector: RequestHandler = (_req, res, next) => {
    const principal = principalOf(res);
    if (!CONNECT_ROLES.has(principal.role) || principal.kind !== 'console') throw new ForbiddenError();
    next();
  };

  /** Bearer header, or a connect_token minted by POST /connect-token. */
  const bearerOrConnectToken: RequestHandler = async (req, res, next) => {
    const token = typeof req.query['connect_token'] === 'string' ? req.query['connect_token'] : undefined;
    if (!token || req.get('authorization')) return bearer(req, res, next);
    try {
      const claims = verifyToken(secret, 'woocommerce-connect-token', token, connectTokenClaims);
      const principal: Principal = {
        orgId: claims.org,
        kind: 'console',
        role: claims.role,
        storeIds: claims.stores,
        subject: claims.sub,
        userId: claims.uid,
        capabilities: [],
      };
      (res.locals as RequestLocals).principal = principal;
    } catch (error) {
      if (error instanceof InvalidSignedTokenError) throw new UnauthorizedError(`connect_token: ${error.message}`);
      throw error;
    }
    next();
  };

  router.post('/connect-token', bearer, requireConnector, json, (req, res) => {
    const body = parseInput(z.object({ storeUrl: z.string().max(2048).optional() }).default({}), req.body ?? {});
    const principal = principalOf(res);
    const connectToken = signToken(
      secret,
      'woocommerce-connect-token',
      {
        org: principal.orgId,
        sub: principal.subject,
        ...(principal.userId ? { uid: principal.userId } : {}),
        role: principal.role,
        stores: principal.storeIds,
      },
      CONNECT_TOKEN_TTL,
    );
    const connectUrl = body.storeUrl
      ? `${publicUrl}/woocommerce/connect?${new URLSearchParams({ store_url: body.storeUrl, connect_token: connectToken })}`
      : null;
    res.json({ data: { connectToken, connectUrl, expiresIn: CONNECT_TOKEN_TTL } });
  });

  router.get('/connect', bearerOrConnectToken, requireConnector, async (req, res) => {
    const query = parseInput(connectQuery, req.query, 'query');
    const storeUrl = normalizeStoreUrl(query.store_url);
    try {
      await deps.guard.check(storeUrl);
    } catch (error) {
      if (error instanceof OutboundUrlRefusedError) throw new BadRequestError(error.message, { reason: error.reason });
      throw error;
    }
    const principal = principalOf(res);
    const storeId = await withPrincipal(ctx.db, principal, async (tx) => {
      const [existing] = await tx<{ id: string }[]>`
        select id from stores where platform = 'woocommerce' and site_url = ${storeUrl} limit 1`;
      if (existing) return existing.id;
      const store = await ctx.stores.create(
        tx,
        principal,
        { platform: 'woocommerce', name: new URL(storeUrl).host, siteUrl: storeUrl, status: 'pending' },
        requestIdOf(res),
      );
      return store.id;
    });
    const state = signToken(secret, 'woocommerce-connect-state', { org: principal.orgId, store: storeId }, STATE_TTL);
    const authorize = new URL(`${storeUrl}/wc-auth/v1/authorize`);
    authorize.search = new URLSearchParams({
      app_name: 'Dockhand',
      scope: 'read_write',
      user_id: state,
      return_url: `${publicUrl}/woocommerce/return`,
      callback_url: `${publicUrl}/woocommerce/keys-callback`,
    }).toString();
    res.redirect(302, authorize.toString());
  });

  router.post('/keys-callback', json, async (req, res) => {
    const body = parseInput(keysBody, req.body);
    let state: z.infer<typeof stateClaims> & { iat: number };
    try {
      state = verifyToken(secret, 'woocommerce-connect-state', body.user_id, stateClaims);
    } catch (error) {
      if (error instanceof InvalidSignedTokenError) throw new BadRequestError(`Invalid connect state: ${error.message}`);
      throw error;
    }
    if (body.key_permissions !== 'read_write') {
      throw new BadRequestError('Dockhand needs read_write access to the store', { keyPermissions: body.key_permissions });
    }
    const principal = systemPrincipal(state.org, 'woocommerce-connect');
    const webhookSecret = randomBytes(32).toString('hex');
    const stored = await withPrincipal(ctx.db, principal, async (tx) => {
      // Serialises callbacks for one store, so a replay racing the original sees its result.
      const [row] = await tx<{ id: string; site_url: string | null }[]>`
        select id, site_url from stores where id = ${state.store} and platform = 'woocommerce' for update`;
      if (!row?.site_url) throw new NotFoundError('Store');
      const previous = await ctx.stores.readCredentials(tx, state.store);
      const acceptedAt = Number(previous?.['stateIssuedAt'] ?? 0);
      if (state.iat <= acceptedAt) throw new ConflictError('This connect state was already used');
      await ctx.stores.setCredentials(tx, state.org, state.store, {
        consumerKey: body.consumer_key,
        consumerSecret: body.consumer_secret,
        keyId: String(body.key_id),
        keyPermissions: body.key_permissions,
        stateIssuedAt: String(state.iat),
      });
      await ctx.stores.setWebhookSecret(tx, state.org, state.store, webhookSecret);
      await ctx.stores.update(tx, principal, state.store, { status: 'active' }, requestIdOf(res));
      return { siteUrl: row.site_url };
    });
    // Webhook deliveries must be checked against the new secret, not a cached old one.
    ctx.ingest.directory.forget(state.store);
    res.status(200).json({ data: { connected: true } });

    // After answering: WooCommerce waits for this callback, and the key exists already.
    const connector = createWooCommerceConnector({
      siteUrl: stored.siteUrl,
      consumerKey: body.consumer_key,
      consumerSecret: body.consumer_secret,
      webhookSecret,
      guard: deps.guard,
    });
    connector
      .registerWebhooks(`${publicUrl}/webhooks/woocommerce/${state.store}`)
      .then((result) => {
        ctx.logger.info({ storeId: state.store, ...result }, 'woocommerce webhooks registered');
        deps.onWebhooksRegistered?.({ storeId: state.store, ...result });
      })
      .catch((error: unknown) => {
        ctx.logger.warn(
          { err: error, storeId: state.store },
          'woocommerce webhook registration failed; reconciliation still syncs the store',
        );
        deps.onWebhooksRegistered?.({ storeId: state.store, error });
      });
  });

  router.get('/return', async (req, res) => {
    const query = parseInput(returnQuery, req.query, 'query');
    let storeUrl: string | null = null;
    if (query.user_id) {
      try {
        const state = verifyToken(secret, 'woocommerce-connect-state', query.user_id, stateClaims, { ignoreExpiry: true });
        storeUrl = await withPrincipal(ctx.db, systemPrincipal(state.org, 'woocommerce-connect'), async (tx) => {
          const [row] = await tx<{ site_url: string | null }[]>`select site_url from stores where id = ${state.store}`;
          return row?.site_url ?? null;
        });
      } catch (error) {
        if (!(error instanceof InvalidSignedTokenError)) throw error;
      }
    }
    const connected = query.success === '1' && storeUrl !== null;
    const denied = query.success === '0';
    res
      .status(connected || denied ? 200 : 400)
      .type('html')
      .send(
        connected
          ? page('Store connected', `${storeUrl} is connected to Dockhand. You can close this window.`)
          : denied
            ? page('Connection denied', 'The store did not grant Dockhand access. Nothing was connected.')
            : page('Connection failed', 'This link is not valid. Start connecting the store again from Dockhand.'),
      );
  });

  return router;
}
