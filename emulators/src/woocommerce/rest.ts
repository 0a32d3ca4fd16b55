/**
 * The `/wp-json/wc/v3` router: WordPress REST server order of checks (route, then
 * argument validation, then the route's permission check, then the handler) and the
 * shared list machinery (filters, sorting, `X-WP-Total`, `X-WP-TotalPages`, `Link`).
 */
import { WpError, noRoute, permissionError, type Operation } from './errors.ts';
import { parseRestDate } from './format.ts';
import { collectionParams, validateParams, type ParamSpec, type ParamValue } from './params.ts';
import type { Site } from './site.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RestRequest {
  site: Site;
  method: HttpMethod;
  /** Query parameters as PHP parsed them, as plain values. */
  query: Record<string, unknown>;
  /** Parsed JSON or form body (an object), `{}` when absent. */
  body: Record<string, unknown>;
  /** Raw query string, used to build pagination links. */
  rawQuery: string;
  /** e.g. `http://127.0.0.1:8080/sites/1/wp-json/wc/v3` */
  restBase: string;
  routeParams: Record<string, string>;
}

export interface RestResult {
  status?: number;
  body: unknown;
  headers?: Record<string, string>;
  /** Work that must finish before the response is written (e.g. the webhook ping). */
  beforeSend?: () => Promise<unknown>;
}

export interface Handler {
  op: Operation;
  args?: Record<string, ParamSpec>;
  handle(req: RestRequest, args: Record<string, ParamValue>): RestResult;
}

export interface Route {
  pattern: RegExp;
  handlers: Partial<Record<HttpMethod, Handler>>;
}

/** The three methods WordPress registers for an editable item. */
export function editable(handler: Handler): Partial<Record<HttpMethod, Handler>> {
  return { POST: handler, PUT: handler, PATCH: handler };
}

export function dispatch(
  routes: Route[],
  route: string,
  req: Omit<RestRequest, 'routeParams'>,
  authenticated: boolean,
): RestResult {
  for (const candidate of routes) {
    const match = candidate.pattern.exec(route);
    if (!match) continue;
    const handler = candidate.handlers[req.method];
    if (!handler) continue;
    const routeParams = { ...(match.groups ?? {}) };
    const request: RestRequest = { ...req, routeParams };
    const args = handler.args ? validateParams(handler.args, { ...req.query, ...req.body, ...routeParams }) : {};
    if (!authenticated) throw permissionError(handler.op);
    return handler.handle(request, args);
  }
  throw noRoute();
}

// ---------------------------------------------------------------- lists

export interface ListItem {
  id: number;
  created: number;
  modified: number;
  title: string;
  slug: string;
}

export function listArgs(
  orderby: readonly string[],
  defaults: { orderby: string; order: 'asc' | 'desc' },
  extra: Record<string, ParamSpec> = {},
): Record<string, ParamSpec> {
  return { ...collectionParams(orderby, defaults), ...extra };
}

export const POST_ORDERBY = ['date', 'id', 'include', 'title', 'slug', 'modified'] as const;

/** Applies include/exclude, date windows (exclusive, like WP_Date_Query) and sorting. */
export function filterAndSort<T extends ListItem>(items: T[], args: Record<string, ParamValue>): T[] {
  const include = (args['include'] as number[] | undefined) ?? [];
  const exclude = new Set((args['exclude'] as number[] | undefined) ?? []);
  const window = (name: string): number | null => (typeof args[name] === 'string' ? parseRestDate(args[name] as string) : null);
  const after = window('after');
  const before = window('before');
  const modifiedAfter = window('modified_after');
  const modifiedBefore = window('modified_before');
  const includeSet = new Set(include);
  const filtered = items.filter(
    (item) =>
      (include.length === 0 || includeSet.has(item.id)) &&
      !exclude.has(item.id) &&
      (after === null || item.created > after) &&
      (before === null || item.created < before) &&
      (modifiedAfter === null || item.modified > modifiedAfter) &&
      (modifiedBefore === null || item.modified < modifiedBefore),
  );
  const orderby = String(args['orderby'] ?? 'date');
  // `post__in` ordering keeps the include list's order whatever `order` says.
  const direction = args['order'] === 'asc' || orderby === 'include' ? 1 : -1;
  const position = new Map(include.map((id, i) => [id, i]));
  const key = (item: T): number | string => {
    switch (orderby) {
      case 'id':
        return item.id;
      case 'include':
        return position.get(item.id) ?? 0;
      case 'title':
      case 'name':
        return item.title.toLowerCase();
      case 'slug':
        return item.slug;
      case 'modified':
        return item.modified;
      default:
        return item.created;
    }
  };
  return filtered
    .map((item) => ({ item, k: key(item) }))
    .sort((a, b) => {
      if (a.k < b.k) return -direction;
      if (a.k > b.k) return direction;
      return (a.item.id - b.item.id) * direction;
    })
    .map((entry) => entry.item);
}

/** Slices a page and builds the WordPress pagination headers. */
export function paginate<T>(
  items: T[],
  args: Record<string, ParamValue>,
  req: RestRequest,
  collection: string,
): { page: T[]; headers: Record<string, string> } {
  const perPage = Number(args['per_page'] ?? 10);
  const offset = typeof args['offset'] === 'number' ? args['offset'] : null;
  const page = offset === null ? Number(args['page'] ?? 1) : Math.floor(offset / perPage) + 1;
  const start = offset ?? (page - 1) * perPage;
  const total = items.length;
  const maxPages = Math.ceil(total / perPage);
  const headers: Record<string, string> = { 'X-WP-Total': String(total), 'X-WP-TotalPages': String(maxPages) };
  const links: string[] = [];
  const linkTo = (n: number): string => {
    const search = new URLSearchParams(req.rawQuery);
    search.set('page', String(n));
    return `${req.restBase}/${collection}?${search.toString()}`;
  };
  if (page > 1) links.push(`<${linkTo(Math.min(page - 1, maxPages))}>; rel="prev"`);
  if (maxPages > page) links.push(`<${linkTo(page + 1)}>; rel="next"`);
  if (links.length) headers['Link'] = links.join(', ');
  return { page: items.slice(start, start + perPage), headers };
}

/** 201 Created with a Location header, as WordPress answers a POST that created `path` (below restBase). */
export function created(req: RestRequest, body: unknown, path: string): RestResult {
  return { status: 201, body, headers: { Location: `${req.restBase}${path}` } };
}

export function toInt(value: unknown): number {
  const n = Number(value);
  return Number.isFinite(n) ? Math.trunc(n) : 0;
}

export function isTrue(value: unknown): boolean {
  return value === true || value === 'true' || value === '1' || value === 1;
}

export function asObject(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

export function asArray(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (value && typeof value === 'object') return Object.values(value);
  return [];
}

/**
 * `WC_REST_Controller::batch_items`: at most 100 items in all, then each item goes
 * through the single-item handler; a failure becomes `{id, error:{code,message,data}}`.
 */
export function batch(
  req: RestRequest,
  handlers: {
    create(item: Record<string, unknown>): unknown;
    update(item: Record<string, unknown>): unknown;
    delete(id: number): unknown;
  },
): RestResult {
  const create = asArray(req.body['create']);
  const update = asArray(req.body['update']);
  const del = asArray(req.body['delete']);
  const limit = 100;
  if (create.length + update.length + del.length > limit) {
    throw new WpError(
      'woocommerce_rest_request_entity_too_large',
      `Unable to accept more than ${limit} items for this request.`,
      { status: 413 },
    );
  }
  const failure = (id: number, error: unknown): unknown => {
    if (!(error instanceof WpError)) throw error;
    return { id, error: { code: error.code, message: error.message, data: error.data } };
  };
  const response: Record<string, unknown[]> = {};
  if (create.length) {
    response['create'] = create.map((item) => {
      try {
        return handlers.create(asObject(item));
      } catch (error) {
        return failure(0, error);
      }
    });
  }
  if (update.length) {
    response['update'] = update.map((item) => {
      const body = asObject(item);
      try {
        return handlers.update(body);
      } catch (error) {
        return failure(toInt(body['id']), error);
      }
    });
  }
  if (del.length) {
    response['delete'] = del.map((raw) => {
      const id = toInt(raw);
      try {
        return handlers.delete(id);
      } catch (error) {
        return failure(id, error);
      }
    });
  }
  return { body: response };
}
