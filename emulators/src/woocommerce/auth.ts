/**
 * REST API authentication as WooCommerce's `WC_REST_Authentication` performs it:
 * - over HTTPS (or a connection declared secure) Basic auth or `consumer_key`/`consumer_secret`
 *   in the query string, then OAuth as a fallback;
 * - over plain HTTP only OAuth 1.0a one-legged (HMAC-SHA1 or HMAC-SHA256), checked in the
 *   same order as WooCommerce: key, signature, timestamp (±15 min), nonce (15 min memory);
 * - afterwards the key's permissions (read / write / read_write) bound the HTTP method.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { WpError } from './errors.ts';
import { rfc3986, type PhpArray, type PhpValue } from './php-query.ts';

export type KeyPermissions = 'read' | 'write' | 'read_write';

export interface ApiKey {
  keyId: number;
  userId: number;
  description: string;
  permissions: KeyPermissions;
  consumerKey: string;
  consumerSecret: string;
  /** Used nonces keyed by their timestamp, exactly like the `nonces` column WooCommerce keeps. */
  nonces: Map<string, string>;
  lastAccess: number | null;
}

export interface AuthRequest {
  method: string;
  /** Scheme + host the client addressed, e.g. `http://127.0.0.1:8080`. */
  origin: string;
  /** Raw (still percent-encoded) path of the request. */
  rawPath: string;
  secure: boolean;
  query: PhpArray;
  /** Form-encoded body parameters (PHP's `$_POST`); empty for JSON bodies. */
  form: PhpArray;
  authorization: string | undefined;
}

export interface AuthResult {
  key: ApiKey | null;
  error: WpError | null;
}

const WINDOW_SECONDS = 15 * 60;
const authError = (message: string): WpError => new WpError('woocommerce_rest_authentication_error', message, { status: 401 });

function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function stringParam(map: PhpArray, name: string): string {
  const value = map.get(name);
  return typeof value === 'string' ? value : '';
}

function basicAuthentication(
  req: AuthRequest,
  findKey: (consumerKey: string) => ApiKey | undefined,
): { key: ApiKey | null; error: WpError | null } {
  let consumerKey = '';
  let consumerSecret = '';
  const queryKey = stringParam(req.query, 'consumer_key');
  const querySecret = stringParam(req.query, 'consumer_secret');
  if (queryKey && querySecret) {
    consumerKey = queryKey;
    consumerSecret = querySecret;
  }
  if (!consumerKey && req.authorization && /^basic /i.test(req.authorization)) {
    const decoded = Buffer.from(req.authorization.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon !== -1) {
      const user = decoded.slice(0, colon);
      const password = decoded.slice(colon + 1);
      if (user && password) {
        consumerKey = user;
        consumerSecret = password;
      }
    }
  }
  if (!consumerKey || !consumerSecret) return { key: null, error: null };
  const key = findKey(consumerKey);
  if (!key) return { key: null, error: null };
  if (!constantTimeEqual(key.consumerSecret, consumerSecret)) {
    return { key: null, error: authError('Consumer secret is invalid.') };
  }
  return { key, error: null };
}

/** WooCommerce's `parse_header` for `Authorization: OAuth …`. */
function parseOAuthHeader(header: string): Map<string, string> {
  const params = new Map<string, string>();
  if (!header.startsWith('OAuth ')) return params;
  const pattern = /(oauth_[a-z_-]*)=(:?"([^"]*)"|([^,]*))/g;
  for (const match of header.matchAll(pattern)) {
    const raw = match[3] ? match[3] : (match[4] ?? '');
    let value: string;
    try {
      value = decodeURIComponent(raw.replace(/\+/g, ' '));
    } catch {
      value = raw;
    }
    params.set(match[1] as string, value);
  }
  return params;
}

const OAUTH_PARAMS = [
  'oauth_consumer_key',
  'oauth_timestamp',
  'oauth_nonce',
  'oauth_signature',
  'oauth_signature_method',
] as const;

function oauthParameters(req: AuthRequest): { params: PhpArray | null; error: WpError | null } {
  const params: PhpArray = new Map([...req.query, ...req.form]);
  const header = req.authorization?.trim();
  if (header) {
    for (const [k, v] of parseOAuthHeader(header)) params.set(k, v);
  }
  const missing: string[] = [];
  let haveOne = false;
  for (const name of OAUTH_PARAMS) {
    const value = params.get(name);
    if (value === undefined || value === '' || value === '0') missing.push(name);
    else haveOne = true;
  }
  if (!haveOne) return { params: null, error: null };
  if (missing.length > 0) {
    const label = missing.length === 1 ? 'Missing OAuth parameter' : 'Missing OAuth parameters';
    return {
      params: null,
      error: new WpError('woocommerce_rest_authentication_missing_parameter', `${label} ${missing.join(', ')}`, {
        status: 401,
      }),
    };
  }
  return { params, error: null };
}

/** `normalize_parameters` + `join_with_equals_sign` from WooCommerce, producing the signed part. */
function normalizedParameterString(params: PhpArray): string {
  const encodeValues = (value: PhpValue): PhpValue => {
    if (typeof value === 'string') return rfc3986(value);
    const out: PhpArray = new Map();
    for (const [k, v] of value) out.set(k, encodeValues(v));
    return out;
  };
  const joined: string[] = [];
  const join = (map: PhpArray, prefix: string): void => {
    for (const [rawKey, value] of map) {
      const key = prefix ? `${prefix}%5B${rawKey}%5D` : rawKey;
      if (typeof value === 'string') joined.push(rfc3986(`${key}=${value}`));
      else join(value, key);
    }
  };
  const normalized: PhpArray = new Map();
  for (const [k, v] of params) normalized.set(rfc3986(k), encodeValues(v));
  join(normalized, '');
  return joined.join('%26');
}

/** Computes the signature WooCommerce expects; exported so tests can sign by hand. */
export function oauthSignature(opts: {
  method: string;
  baseUrl: string;
  params: PhpArray;
  consumerSecret: string;
  signatureMethod: 'HMAC-SHA1' | 'HMAC-SHA256';
}): string {
  const params = new Map(opts.params);
  params.delete('oauth_signature');
  const sorted: PhpArray = new Map([...params.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const stringToSign = `${opts.method.toUpperCase()}&${rfc3986(opts.baseUrl)}&${normalizedParameterString(sorted)}`;
  const algorithm = opts.signatureMethod === 'HMAC-SHA1' ? 'sha1' : 'sha256';
  return createHmac(algorithm, `${opts.consumerSecret}&`).update(stringToSign).digest('base64');
}

function oauthAuthentication(
  req: AuthRequest,
  findKey: (consumerKey: string) => ApiKey | undefined,
  nowSeconds: number,
): AuthResult {
  const { params, error } = oauthParameters(req);
  if (error) return { key: null, error };
  if (!params) return { key: null, error: null };
  const key = findKey(stringParam(params, 'oauth_consumer_key'));
  if (!key) return { key: null, error: authError('Consumer key is invalid.') };

  const providedSignature = decodeURIComponentSafe(stringParam(params, 'oauth_signature').replace(/ /g, '+'));
  const signatureMethod = stringParam(params, 'oauth_signature_method');
  if (signatureMethod !== 'HMAC-SHA1' && signatureMethod !== 'HMAC-SHA256') {
    return { key: null, error: authError('Invalid signature - signature method is invalid.') };
  }
  const expected = oauthSignature({
    method: req.method,
    baseUrl: req.origin + req.rawPath,
    params,
    consumerSecret: key.consumerSecret,
    signatureMethod,
  });
  if (!constantTimeEqual(expected, providedSignature)) {
    return { key: null, error: authError('Invalid signature - provided signature does not match.') };
  }

  const timestampText = stringParam(params, 'oauth_timestamp');
  const timestamp = Number(timestampText);
  if (!Number.isFinite(timestamp) || timestamp < nowSeconds - WINDOW_SECONDS || timestamp > nowSeconds + WINDOW_SECONDS) {
    return { key: null, error: authError('Invalid timestamp.') };
  }
  const nonce = stringParam(params, 'oauth_nonce');
  if ([...key.nonces.values()].includes(nonce)) {
    return { key: null, error: authError('Invalid nonce - nonce has already been used.') };
  }
  // WooCommerce stores nonces keyed by timestamp, so a second request in the same second
  // overwrites the first nonce. Reproduced on purpose.
  key.nonces.set(String(Math.trunc(timestamp)), nonce);
  for (const stamp of [...key.nonces.keys()]) {
    if (Number(stamp) < nowSeconds - WINDOW_SECONDS) key.nonces.delete(stamp);
  }
  return { key, error: null };
}

function decodeURIComponentSafe(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

export function authenticate(
  req: AuthRequest,
  findKey: (consumerKey: string) => ApiKey | undefined,
  nowSeconds: number,
): AuthResult {
  if (req.secure) {
    const basic = basicAuthentication(req, findKey);
    if (basic.key) return basic;
    const oauth = oauthAuthentication(req, findKey, nowSeconds);
    // A failed Basic attempt keeps its error unless OAuth produced a newer one.
    if (oauth.key || oauth.error) return oauth;
    return basic;
  }
  return oauthAuthentication(req, findKey, nowSeconds);
}

/** `check_permissions`: the key's read/write scope against the HTTP method. */
export function checkKeyPermissions(key: ApiKey, method: string): WpError | null {
  switch (method) {
    case 'HEAD':
    case 'GET':
      return key.permissions === 'read' || key.permissions === 'read_write'
        ? null
        : authError('The API key provided does not have read permissions.');
    case 'POST':
    case 'PUT':
    case 'PATCH':
    case 'DELETE':
      return key.permissions === 'write' || key.permissions === 'read_write'
        ? null
        : authError('The API key provided does not have write permissions.');
    case 'OPTIONS':
      return null;
    default:
      return authError('Unknown request method.');
  }
}
