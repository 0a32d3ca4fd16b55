import { randomUUID } from 'node:crypto';
import { randomHex, signJwtHs256, verifyJwtHs256, withAdminHmac, type SessionTokenClaims } from './crypto.ts';

/**
 * Install and token endpoints: the authorization code grant (offline, online, expiring
 * offline), token exchange and the refresh grant, with Shopify's error bodies.
 */

export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
export const ID_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:id_token';
export const OFFLINE_TOKEN_TYPE = 'urn:shopify:params:oauth:token-type:offline-access-token';
export const ONLINE_TOKEN_TYPE = 'urn:shopify:params:oauth:token-type:online-access-token';

export const ONLINE_TOKEN_SECONDS = 86_399;
export const EXPIRING_OFFLINE_SECONDS = 3_600;
export const REFRESH_TOKEN_SECONDS = 7_776_000; // 90 days
const CODE_SECONDS = 600;

export interface ShopUser {
  id: number;
  firstName: string;
  lastName: string;
  email: string;
  accountOwner: boolean;
}

export interface AccessTokenRecord {
  token: string;
  shop: string;
  scope: string;
  online: boolean;
  userId: number | null;
  /** ms since epoch, null = never expires */
  expiresAt: number | null;
  revoked: boolean;
}

interface CodeRecord {
  shop: string;
  scope: string;
  online: boolean;
  userId: number;
  expiresAt: number;
  used: boolean;
}

interface RefreshRecord {
  shop: string;
  scope: string;
  expiresAt: number;
  used: boolean;
}

export interface TokenResponse {
  status: number;
  body: Record<string, unknown>;
}

export interface AuthOptions {
  apiKey: string;
  apiSecret: string;
  /** The app's configured scopes: granted when an install names none, and on token exchange for a shop that never granted others. */
  defaultScopes: string;
  userFor: (shop: string, userId?: number) => ShopUser | null;
  shopExists: (shop: string) => boolean;
}

export interface MintSessionTokenOptions {
  /** The staff user (`sub`); the shop owner when absent. */
  userId?: number;
  /** Lifetime in seconds (App Bridge: 60). */
  ttlSeconds?: number;
  /** Issue time in ms (to mint expired or future tokens in tests). */
  now?: number;
  /** Sign with another secret (to test rejection). */
  secret?: string;
  /** Override or add claims. */
  claims?: Partial<SessionTokenClaims>;
}

export class AuthServer {
  readonly tokens = new Map<string, AccessTokenRecord>();
  private readonly codes = new Map<string, CodeRecord>();
  private readonly refreshTokens = new Map<string, RefreshRecord>();
  /** The scopes each shop granted the app at its last install. */
  private readonly granted = new Map<string, string>();

  constructor(private readonly options: AuthOptions) {}

  /** The query Shopify appends to the redirect_uri after approval (code, hmac, host, shop, state, timestamp). */
  approve(shop: string, params: { scope: string; redirectUri: string; state: string; online: boolean }): string {
    const code = randomHex(16);
    const owner = this.options.userFor(shop) as ShopUser;
    this.codes.set(code, {
      shop,
      scope: params.scope || this.options.defaultScopes,
      online: params.online,
      userId: owner.id,
      expiresAt: Date.now() + CODE_SECONDS * 1000,
      used: false,
    });
    const query = withAdminHmac(this.options.apiSecret, {
      code,
      host: hostParam(shop),
      shop,
      state: params.state,
      timestamp: String(Math.floor(Date.now() / 1000)),
    });
    const url = new URL(params.redirectUri);
    for (const [key, value] of query) url.searchParams.append(key, value);
    return url.toString();
  }

  /** Checks an authorize request; returns an error message (Shopify shows it as a page) or null. */
  checkAuthorize(shop: string, query: URLSearchParams, allowedRedirects: string[] | null): string | null {
    if (!this.options.shopExists(shop)) return 'There is no store at this address.';
    if (query.get('client_id') !== this.options.apiKey)
      return 'Oauth error invalid_request: The client_id is not valid for this shop.';
    const redirect = query.get('redirect_uri');
    if (!redirect) return 'Oauth error invalid_request: The redirect_uri is missing.';
    let parsed: URL;
    try {
      parsed = new URL(redirect);
    } catch {
      return 'Oauth error invalid_request: The redirect_uri is not valid.';
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
      return 'Oauth error invalid_request: The redirect_uri is not whitelisted.';
    if (allowedRedirects && !allowedRedirects.some((allowed) => redirect.startsWith(allowed))) {
      return 'Oauth error invalid_request: The redirect_uri is not whitelisted.';
    }
    const undefinedScope = [...parseScopeList(query.get('scope') ?? '')].find((scope) => !KNOWN_SCOPES.has(scope));
    if (undefinedScope) return `Oauth error invalid_scope: Scope undefined: ${undefinedScope}`;
    return null;
  }

  mintSessionToken(shop: string, options: MintSessionTokenOptions = {}): string {
    const nowSeconds = Math.floor((options.now ?? Date.now()) / 1000);
    const user = this.options.userFor(shop, options.userId);
    const claims: SessionTokenClaims = {
      iss: `https://${shop}/admin`,
      dest: `https://${shop}`,
      aud: this.options.apiKey,
      sub: String(options.userId ?? user?.id ?? ''),
      exp: nowSeconds + (options.ttlSeconds ?? 60),
      nbf: nowSeconds,
      iat: nowSeconds,
      jti: randomUUID(),
      sid: randomHex(16),
      ...options.claims,
    };
    return signJwtHs256(options.secret ?? this.options.apiSecret, claims);
  }

  /** Issues an access token directly (for tests and the demo, skipping the install flow). */
  issue(
    shop: string,
    options: { online?: boolean; expiring?: boolean; scope?: string; userId?: number } = {},
  ): Record<string, unknown> {
    return this.grant(
      shop,
      options.scope ?? this.options.defaultScopes,
      Boolean(options.online),
      Boolean(options.expiring),
      options.userId,
    );
  }

  private grant(shop: string, scope: string, online: boolean, expiring: boolean, userId?: number): Record<string, unknown> {
    const now = Date.now();
    if (online) {
      const user = this.options.userFor(shop, userId) as ShopUser;
      const token = `shpua_${randomHex(16)}`;
      this.tokens.set(token, {
        token,
        shop,
        scope,
        online: true,
        userId: user.id,
        expiresAt: now + ONLINE_TOKEN_SECONDS * 1000,
        revoked: false,
      });
      return {
        access_token: token,
        scope,
        expires_in: ONLINE_TOKEN_SECONDS,
        associated_user_scope: scope,
        session: randomHex(16),
        account_number: 0,
        associated_user: {
          id: user.id,
          first_name: user.firstName,
          last_name: user.lastName,
          email: user.email,
          account_owner: user.accountOwner,
          locale: 'en',
          collaborator: false,
          email_verified: true,
        },
      };
    }
    const token = `shpat_${randomHex(16)}`;
    this.tokens.set(token, {
      token,
      shop,
      scope,
      online: false,
      userId: null,
      expiresAt: expiring ? now + EXPIRING_OFFLINE_SECONDS * 1000 : null,
      revoked: false,
    });
    if (!expiring) return { access_token: token, scope };
    const refreshToken = `shprt_${randomHex(16)}`;
    this.refreshTokens.set(refreshToken, { shop, scope, expiresAt: now + REFRESH_TOKEN_SECONDS * 1000, used: false });
    return {
      access_token: token,
      scope,
      expires_in: EXPIRING_OFFLINE_SECONDS,
      refresh_token: refreshToken,
      refresh_token_expires_in: REFRESH_TOKEN_SECONDS,
    };
  }

  /** POST /admin/oauth/access_token */
  accessToken(shop: string, body: Record<string, unknown>): TokenResponse {
    const fail = (status: number, error: string, description: string): TokenResponse => ({
      status,
      body: { error, error_description: description },
    });
    if (!this.options.shopExists(shop)) return fail(404, 'shop_not_found', 'There is no store at this address.');
    if (body.client_id !== this.options.apiKey || body.client_secret !== this.options.apiSecret) {
      return fail(401, 'invalid_client', 'Client authentication failed: the client_id or client_secret is not valid.');
    }
    const expiring = body.expiring === '1' || body.expiring === 1 || body.expiring === true;
    const grantType = typeof body.grant_type === 'string' ? body.grant_type : body.code !== undefined ? 'authorization_code' : '';
    switch (grantType) {
      case 'authorization_code': {
        const code = this.codes.get(String(body.code ?? ''));
        if (!code || code.used || code.shop !== shop || code.expiresAt < Date.now()) {
          return fail(400, 'invalid_request', 'The authorization code was not found or was already used');
        }
        code.used = true;
        if (!code.online) this.granted.set(shop, code.scope);
        return { status: 200, body: this.grant(shop, code.scope, code.online, expiring && !code.online, code.userId) };
      }
      case TOKEN_EXCHANGE_GRANT: {
        const subject = body.subject_token;
        if (typeof subject !== 'string' || subject === '')
          return fail(400, 'missing_subject_token', 'The subject_token parameter is missing.');
        if (body.subject_token_type === OFFLINE_TOKEN_TYPE) return this.migrateToExpiring(shop, subject);
        if (body.subject_token_type !== ID_TOKEN_TYPE)
          return fail(400, 'invalid_request', `Unsupported subject_token_type: ${String(body.subject_token_type)}`);
        const checked = verifyJwtHs256(this.options.apiSecret, subject, Math.floor(Date.now() / 1000));
        if (!checked.ok) return fail(400, 'invalid_subject_token', `Session token is invalid: ${checked.reason}.`);
        if (checked.claims.aud !== this.options.apiKey)
          return fail(400, 'invalid_subject_token', 'Session token audience does not match the client_id.');
        if (checked.claims.dest !== `https://${shop}`)
          return fail(400, 'invalid_subject_token', 'Session token was issued for another shop.');
        const requested = body.requested_token_type ?? OFFLINE_TOKEN_TYPE;
        if (requested !== OFFLINE_TOKEN_TYPE && requested !== ONLINE_TOKEN_TYPE) {
          return fail(400, 'invalid_request', `Unsupported requested_token_type: ${String(requested)}`);
        }
        const online = requested === ONLINE_TOKEN_TYPE;
        const userId = Number(checked.claims.sub);
        return {
          status: 200,
          // What the shop granted the app, not whatever the emulator would like to give.
          body: this.grant(
            shop,
            this.granted.get(shop) ?? this.options.defaultScopes,
            online,
            expiring && !online,
            Number.isSafeInteger(userId) ? userId : undefined,
          ),
        };
      }
      case 'refresh_token': {
        const refresh = this.refreshTokens.get(String(body.refresh_token ?? ''));
        if (!refresh || refresh.used || refresh.shop !== shop || refresh.expiresAt < Date.now()) {
          return fail(400, 'invalid_grant', 'Token has been expired or revoked.');
        }
        // Refresh tokens rotate: the old one is spent.
        refresh.used = true;
        return { status: 200, body: this.grant(shop, refresh.scope, false, true) };
      }
      default:
        return fail(400, 'unsupported_grant_type', `The grant_type ${String(body.grant_type)} is not supported.`);
    }
  }

  /**
   * Token exchange of a non-expiring offline token for an expiring one (with a refresh token),
   * same scopes; the old token stops working. An expiring, online or unknown token is refused.
   */
  private migrateToExpiring(shop: string, subject: string): TokenResponse {
    const record = this.authenticate(shop, subject);
    if (!record || record.online || record.expiresAt !== null) {
      return {
        status: 400,
        body: {
          error: 'invalid_subject_token',
          error_description: 'The subject token is not a valid non-expiring offline access token.',
        },
      };
    }
    record.revoked = true;
    return { status: 200, body: this.grant(shop, record.scope, false, true) };
  }

  /** The token record when `token` is valid for `shop` now, else null. */
  authenticate(shop: string, token: string | undefined): AccessTokenRecord | null {
    if (!token) return null;
    const record = this.tokens.get(token);
    if (!record || record.revoked || record.shop !== shop) return null;
    if (record.expiresAt !== null && record.expiresAt < Date.now()) return null;
    return record;
  }

  /** app/uninstalled: every token of the shop stops working. */
  revokeShop(shop: string): void {
    this.granted.delete(shop);
    for (const record of this.tokens.values()) if (record.shop === shop) record.revoked = true;
    for (const record of this.refreshTokens.values()) if (record.shop === shop) record.used = true;
  }
}

/** `host` query parameter: base64 of `admin.shopify.com/store/{name}`. */
export function hostParam(shop: string): string {
  return Buffer.from(`admin.shopify.com/store/${shop.replace(/\.myshopify\.com$/, '')}`).toString('base64');
}

function parseScopeList(scope: string): Set<string> {
  return new Set(
    scope
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean),
  );
}

const SCOPE_RESOURCES = [
  'all_orders',
  'assigned_fulfillment_orders',
  'channels',
  'checkouts',
  'content',
  'customer_merchant_account',
  'customers',
  'discounts',
  'draft_orders',
  'files',
  'fulfillments',
  'gift_cards',
  'inventory',
  'legal_policies',
  'locales',
  'locations',
  'marketing_events',
  'markets',
  'merchant_managed_fulfillment_orders',
  'metaobject_definitions',
  'metaobjects',
  'online_store_pages',
  'order_edits',
  'orders',
  'payment_terms',
  'price_rules',
  'product_listings',
  'products',
  'publications',
  'reports',
  'returns',
  'script_tags',
  'shipping',
  'shopify_payments_payouts',
  'themes',
  'third_party_fulfillment_orders',
  'translations',
  'users',
];

/** The access scopes Shopify defines (read_ and write_ of each resource; read_all_orders is read only). */
export const KNOWN_SCOPES: ReadonlySet<string> = new Set(
  SCOPE_RESOURCES.flatMap((resource) =>
    resource === 'all_orders' ? [`read_${resource}`] : [`read_${resource}`, `write_${resource}`],
  ),
);
