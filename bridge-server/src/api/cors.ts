import type { Request, RequestHandler } from 'express';
import { ForbiddenError } from './errors.ts';

/**
 * Cross-origin access to `/v1` for pages that embed the elements from another origin (an ERP on
 * its own domain, calling the bridge with `base-url`). Only the origins listed in
 * DOCKHAND_CORS_ORIGINS are let in, and never with credentials: every call carries its access
 * token in `Authorization`, so no cookie is needed, and the routes that do read or set the refresh
 * cookie stay same-origin whatever the list says.
 */

/** Sign-in and the refresh cookie: the console's own-origin routes, never opened to another origin. */
export const SAME_ORIGIN_ONLY_ROUTES: readonly string[] = ['/v1/auth/login', '/v1/auth/refresh', '/v1/auth/logout'];

export const CORS_ALLOWED_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
/** What the elements send beyond the safelisted headers (`Last-Event-ID` resumes `/v1/stream`). */
export const CORS_ALLOWED_HEADERS = ['Authorization', 'Content-Type', 'Idempotency-Key', 'Last-Event-ID', 'X-Request-Id'];
/** What a client may read beyond the safelisted response headers. */
export const CORS_EXPOSED_HEADERS = ['X-Request-Id', 'Retry-After', 'Idempotent-Replayed'];
/** How long a browser may reuse a preflight answer (Chromium caps it at two hours). */
export const CORS_MAX_AGE_SECONDS = 7200;

const STAR_PROBLEM =
  'must not contain *: access tokens are bearer secrets, and with * any site could use one that reached it; ' +
  'list the exact origins of the pages that embed Dockhand (scheme://host[:port], e.g. https://erp.example.com)';

/** The entries of DOCKHAND_CORS_ORIGINS: comma-separated, blanks around them ignored. */
export function parseCorsOrigins(value: string | undefined): string[] {
  const entries = (value ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  return [...new Set(entries)];
}

/**
 * Why a list cannot be used, or undefined. An entry must be an origin exactly as a browser sends
 * it in `Origin` (the comparison is a plain string match): http or https, no path, no default port.
 */
export function corsOriginsProblem(entries: readonly string[]): string | undefined {
  if (entries.some((entry) => entry.includes('*'))) return STAR_PROBLEM;
  const invalid = entries.flatMap((entry) => {
    const url = URL.canParse(entry) ? new URL(entry) : undefined;
    const web = url !== undefined && (url.protocol === 'http:' || url.protocol === 'https:');
    if (web && url.origin === entry) return [];
    // A URL with a path, a default port or upper-case letters: its origin is what was meant.
    const meant = web && !url.username && !url.password ? ` (write ${url.origin})` : '';
    return [`${entry}${meant}`];
  });
  if (invalid.length === 0) return undefined;
  return (
    'must list exact origins, comma-separated: scheme://host[:port] with no path ' +
    `(e.g. https://erp.example.com,http://localhost:3000); not valid: ${invalid.join(', ')}`
  );
}

const routeOf = (req: Request) => `${req.baseUrl}${req.path}`.toLowerCase().replace(/\/+$/, '');

/**
 * Mounted on `/v1`. A listed origin gets `Access-Control-Allow-Origin` (its own, echoed) on every
 * answer, errors included, and its preflights are answered 204; an unlisted one gets no CORS
 * header, so the browser keeps the answer from the page, and its preflight is refused 403. The
 * actual request of an unlisted origin is still served: same-origin pages send `Origin` too, and
 * without the header their answer is theirs alone.
 */
export function crossOrigin(origins: readonly string[]): RequestHandler {
  const allowed = new Set(origins);
  const sameOriginOnly = new Set(SAME_ORIGIN_ONLY_ROUTES);
  const methods = CORS_ALLOWED_METHODS.join(', ');
  const headers = CORS_ALLOWED_HEADERS.join(', ');
  const exposed = CORS_EXPOSED_HEADERS.join(', ');
  return (req, res, next) => {
    // Whether an answer carries the header depends on Origin: no cache may hand one origin's to another.
    res.vary('Origin');
    const origin = req.get('origin');
    const preflight = req.method === 'OPTIONS' && origin !== undefined && req.get('access-control-request-method') !== undefined;
    const open = origin !== undefined && allowed.has(origin) && !sameOriginOnly.has(routeOf(req));
    if (preflight) {
      if (!open) {
        throw new ForbiddenError(
          allowed.has(origin)
            ? `${routeOf(req)} reads or sets the refresh cookie and answers its own origin only`
            : `The origin ${origin} may not call this server; its operator lists the origins that may in DOCKHAND_CORS_ORIGINS`,
          { origin },
        );
      }
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Allow-Methods', methods);
      res.setHeader('Access-Control-Allow-Headers', headers);
      res.setHeader('Access-Control-Max-Age', String(CORS_MAX_AGE_SECONDS));
      res.status(204).end();
      return;
    }
    // A page of another origin cannot read these answers, but a simple request (a form, a fetch
    // without custom headers) would still be served with the cookie: a page on a sibling
    // subdomain (same site, so SameSite=Strict sends it) could sign the console out, or rotate its
    // refresh token. Browsers say where a request comes from in Sec-Fetch-Site; only the console's
    // own pages (same-origin) and a typed or bookmarked request (none) are served. Clients that
    // send no Sec-Fetch-Site (the CLI, servers) are not browsers carrying someone's cookie.
    const site = req.get('sec-fetch-site');
    if (site !== undefined && site !== 'same-origin' && site !== 'none' && sameOriginOnly.has(routeOf(req))) {
      throw new ForbiddenError(`${routeOf(req)} reads or sets the refresh cookie and answers its own origin only`, {
        fetchSite: site,
      });
    }
    if (open) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Expose-Headers', exposed);
    }
    next();
  };
}
