import { createHmac, randomBytes } from 'node:crypto';
import { isLosslessNumber, isSafeNumber, parse, stringify } from 'lossless-json';
import { OutboundUrlRefusedError, type OutboundGuard } from '../../security/outbound-guard.ts';
import { PlatformAuthError, PlatformBusyError } from '../connector.ts';

/**
 * A small client for WooCommerce's REST API v3 (`{site}/wp-json/wc/v3`). Authentication as
 * WooCommerce expects it: HTTP Basic over https, OAuth 1.0a one-legged (HMAC-SHA256, signed
 * query) over plain http. Every request goes through the outbound guard. 429 and 5xx are
 * retried a bounded number of times with exponential backoff and jitter (Retry-After wins),
 * then surface as PlatformBusyError; 401 is PlatformAuthError.
 */

/** A WooCommerce `WP_Error` answer: `{code, message, data:{status}}`. */
export class WooCommerceApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly data: unknown = null,
  ) {
    super(`WooCommerce ${status} ${code}: ${message}`);
    this.name = 'WooCommerceApiError';
  }
}

export interface RetryPolicy {
  /** Retries after the first attempt. Default 4. */
  retries: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 4, baseDelayMs: 500, maxDelayMs: 30_000 };

export interface WooRestClientOptions {
  siteUrl: string;
  consumerKey: string;
  consumerSecret: string;
  guard: OutboundGuard;
  retry?: Partial<RetryPolicy>;
  /** Injectable for tests; default setTimeout. */
  sleep?: (ms: number) => Promise<void>;
}

export type Query = Record<string, string | number | boolean | undefined>;

/** One element of a list answer: the value (big integers as strings) and its own JSON text. */
export interface RawItem {
  value: unknown;
  raw: string;
}

export interface WooResponse {
  status: number;
  headers: Headers;
  value: unknown;
}

export interface WooList {
  items: RawItem[];
  total: number | null;
  totalPages: number | null;
}

export interface WooRestClient {
  readonly restBase: string;
  request(method: string, path: string, options?: { query?: Query; body?: unknown }): Promise<WooResponse>;
  list(path: string, query?: Query): Promise<WooList>;
}

/** PHP `rawurlencode` (RFC 3986), which WooCommerce's OAuth check uses. */
export function rfc3986(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** OAuth 1.0a one-legged signature as WooCommerce verifies it (key `consumer_secret&`). */
export function oauthSign(method: string, baseUrl: string, params: Record<string, string>, consumerSecret: string): string {
  const normalized = Object.keys(params)
    .sort()
    .map((key) => `${rfc3986(key)}=${rfc3986(params[key]!)}`)
    .join('&');
  const base = `${method.toUpperCase()}&${rfc3986(baseUrl)}&${rfc3986(normalized)}`;
  return createHmac('sha256', `${consumerSecret}&`).update(base).digest('base64');
}

/** lossless-json's tree → plain values: safe numbers as numbers, larger integers as decimal strings. */
function toPlain(node: unknown): unknown {
  if (isLosslessNumber(node)) return isSafeNumber(node.value) ? Number(node.value) : node.value;
  if (Array.isArray(node)) return node.map(toPlain);
  if (node && typeof node === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) out[key] = toPlain(value);
    return out;
  }
  return node;
}

/**
 * The most JSON values one answer may hold. A page of 100 WooCommerce orders holds about 30,000.
 * Parsed, a value costs some 60 times its text (`[0,0,0,…]`: a 12 MiB answer took 720 MiB), so
 * an answer within the byte cap could still take the process's memory, every organization's.
 */
export const MAX_JSON_VALUES = 250_000;

/** An error answer's body is read for its code and message only up to this length. */
const MAX_ERROR_BODY = 64 * 1024;

/** Whether `text` holds more than `most` JSON values: commas and openings outside strings, counted without parsing. */
export function holdsMoreJsonValues(text: string, most: number): boolean {
  let count = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (inString) {
      if (code === 0x5c)
        i++; // the escaped character
      else if (code === 0x22) inString = false;
    } else if (code === 0x22) inString = true;
    else if ((code === 0x2c || code === 0x5b || code === 0x7b) && ++count > most) return true;
  }
  return false;
}

function parseBody(text: string): unknown {
  return parse(text);
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date. */
export function retryAfterMs(header: string | null, now = Date.now()): number | null {
  if (!header) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** Exponential backoff with "equal jitter": half fixed, half random. */
export function backoffMs(attempt: number, policy: RetryPolicy, random = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

const RETRYABLE_ALWAYS = new Set([429, 502, 503, 504]);
const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE']);

const header = (headers: Headers, name: string): number | null => {
  const value = headers.get(name);
  const n = value === null ? NaN : Number(value);
  return Number.isFinite(n) ? n : null;
};

function errorOf(status: number, value: unknown, text: string): WooCommerceApiError {
  const body = value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  const code = typeof body['code'] === 'string' ? body['code'] : `http_${status}`;
  const message = typeof body['message'] === 'string' ? body['message'] : text.slice(0, 200) || `HTTP ${status}`;
  return new WooCommerceApiError(status, code, message, body['data'] ?? null);
}

export function createWooRestClient(options: WooRestClientOptions): WooRestClient {
  const site = new URL(options.siteUrl);
  site.search = '';
  site.hash = '';
  const restBase = `${site.toString().replace(/\/+$/, '')}/wp-json/wc/v3`;
  const secure = site.protocol === 'https:';
  const policy: RetryPolicy = { ...DEFAULT_RETRY, ...options.retry };
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));

  function buildRequest(method: string, path: string, query: Query): { url: string; headers: Record<string, string> } {
    const params: Record<string, string> = {};
    for (const [key, value] of Object.entries(query)) if (value !== undefined) params[key] = String(value);
    const endpoint = `${restBase}/${path.replace(/^\/+/, '')}`;
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': 'Dockhand/1 (WooCommerce connector)' };
    if (secure) {
      headers['authorization'] = `Basic ${Buffer.from(`${options.consumerKey}:${options.consumerSecret}`).toString('base64')}`;
    } else {
      params['oauth_consumer_key'] = options.consumerKey;
      params['oauth_timestamp'] = String(Math.floor(Date.now() / 1000));
      params['oauth_nonce'] = randomBytes(16).toString('hex');
      params['oauth_signature_method'] = 'HMAC-SHA256';
      const base = new URL(endpoint);
      params['oauth_signature'] = oauthSign(
        method,
        `${base.protocol}//${base.host}${base.pathname}`,
        params,
        options.consumerSecret,
      );
    }
    const search = Object.entries(params)
      .map(([key, value]) => `${rfc3986(key)}=${rfc3986(value)}`)
      .join('&');
    return { url: search ? `${endpoint}?${search}` : endpoint, headers };
  }

  async function request(method: string, path: string, opts: { query?: Query; body?: unknown } = {}): Promise<WooResponse> {
    const verb = method.toUpperCase();
    const body = opts.body === undefined ? undefined : (stringify(opts.body) ?? undefined);
    let lastDelay = 0;
    for (let attempt = 0; ; attempt++) {
      // Signed afresh each attempt: OAuth nonces cannot repeat.
      const { url, headers } = buildRequest(verb, path, opts.query ?? {});
      if (body !== undefined) headers['content-type'] = 'application/json';
      let response: Response;
      try {
        response = await options.guard.fetch(url, { method: verb, headers, ...(body !== undefined ? { body } : {}) });
      } catch (error) {
        // A refused URL never becomes reachable by retrying; a POST may have been applied.
        if (error instanceof OutboundUrlRefusedError || !IDEMPOTENT.has(verb)) throw error;
        if (attempt >= policy.retries) {
          throw new PlatformBusyError(
            `WooCommerce unreachable after ${attempt + 1} attempts: ${(error as Error).message}`,
            lastDelay || policy.baseDelayMs,
          );
        }
        lastDelay = backoffMs(attempt, policy);
        await sleep(lastDelay);
        continue;
      }
      const text = await response.text();
      const status = response.status;
      const success = status >= 200 && status < 300;
      if (success && holdsMoreJsonValues(text, MAX_JSON_VALUES)) {
        throw new WooCommerceApiError(
          status,
          'too_large',
          `The store answered more than ${MAX_JSON_VALUES} JSON values for one request; no WooCommerce page holds that many`,
        );
      }
      let value: unknown = null;
      if (text !== '' && (success || text.length <= MAX_ERROR_BODY)) {
        try {
          value = parseBody(text);
        } catch {
          value = null;
        }
      }
      if (success) {
        if (value === null && text !== '')
          throw new WooCommerceApiError(status, 'invalid_json', 'The store answered with something that is not JSON');
        return { status, headers: response.headers, value };
      }
      const plain = toPlain(value);
      if (status === 401) {
        const error = errorOf(status, plain, text);
        throw new PlatformAuthError(`WooCommerce refused the credentials: ${error.code}: ${error.message}`);
      }
      if (status >= 300 && status < 400) {
        throw new WooCommerceApiError(
          status,
          'redirect',
          `The store redirects to ${response.headers.get('location') ?? '?'}; use that URL as the store URL`,
        );
      }
      const appError = errorOf(status, plain, text);
      const retryable =
        RETRYABLE_ALWAYS.has(status) ||
        // A 500 that names a WooCommerce error is the application's answer, not a hiccup.
        (status >= 500 && IDEMPOTENT.has(verb) && !appError.code.startsWith('woocommerce_rest_'));
      if (!retryable) throw appError;
      const hinted = retryAfterMs(response.headers.get('retry-after'));
      lastDelay = Math.min(policy.maxDelayMs, hinted ?? backoffMs(attempt, policy));
      if (attempt >= policy.retries) {
        throw new PlatformBusyError(
          `WooCommerce answered ${status} ${appError.code} ${attempt + 1} times; backing off`,
          lastDelay,
        );
      }
      await sleep(lastDelay);
    }
  }

  return {
    restBase,
    async request(method, path, opts) {
      const response = await request(method, path, opts);
      return { ...response, value: toPlain(response.value) };
    },
    async list(path, query = {}) {
      const response = await request('GET', path, { query });
      if (!Array.isArray(response.value)) {
        throw new WooCommerceApiError(response.status, 'invalid_list', `Expected a JSON array from ${path}`);
      }
      // WooCommerce answers at most per_page items (100 at most): a longer page is not a WooCommerce answer.
      const perPage = Number(query['per_page'] ?? 100);
      if (response.value.length > perPage) {
        throw new WooCommerceApiError(
          response.status,
          'invalid_list',
          `The store answered ${response.value.length} items from ${path} for a page of ${perPage}`,
        );
      }
      return {
        items: (response.value as unknown[]).map((node) => ({ value: toPlain(node), raw: stringify(node) ?? 'null' })),
        total: header(response.headers, 'x-wp-total'),
        totalPages: header(response.headers, 'x-wp-totalpages'),
      };
    },
  };
}
