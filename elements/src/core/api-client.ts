import type { paths } from './api-types.ts';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** The operation a path and method name in the server's OpenAPI document (never when it has none). */
type Operation<P extends string, M extends Method> = P extends keyof paths
  ? M extends keyof paths[P]
    ? NonNullable<paths[P][M]>
    : never
  : never;

type JsonOf<R> = R extends { content: { 'application/json': infer J } } ? J : never;

/**
 * The JSON a route answers on success, from the generated types. While a route the elements call
 * is not yet in the document, `Fallback` stands in, so an element can be built against the
 * contract and becomes checked the moment the route lands and the types are regenerated.
 */
export type ResponseOf<P extends string, M extends Method, Fallback = unknown> = [Operation<P, M>] extends [never]
  ? Fallback
  : Operation<P, M> extends { responses: infer R }
    ? R extends { 200: infer OK }
      ? JsonOf<OK>
      : R extends { 201: infer Created }
        ? JsonOf<Created>
        : Fallback
    : Fallback;

/** The JSON body a route takes, or `Fallback` while the route is not in the document. */
export type BodyOf<P extends string, M extends Method, Fallback = unknown> = [Operation<P, M>] extends [never]
  ? Fallback
  : Operation<P, M> extends { requestBody?: infer B }
    ? JsonOf<NonNullable<B>>
    : Fallback;

/** An error answer in the bridge server's envelope. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
    readonly requestId?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Where the access token comes from; `refresh` is asked once when the server answers 401. */
export interface TokenSource {
  getToken(): Promise<string | null>;
  refresh?(): Promise<string | null>;
}

export type QueryValue = string | number | boolean | undefined | null | ReadonlyArray<string | number>;

export interface RequestOptions {
  params?: Record<string, string>;
  query?: Record<string, QueryValue>;
  body?: unknown;
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

/** Fills `{name}` path parameters, each encoded. */
export function fillPath(path: string, params: Record<string, string> = {}): string {
  return path.replace(/\{(\w+)\}/g, (_match, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`${path}: missing path parameter ${name}`);
    return encodeURIComponent(value);
  });
}

export function queryString(query: Record<string, QueryValue> = {}): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value)) for (const item of value) search.append(name, String(item));
    else search.set(name, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

/**
 * A small typed client of the bridge server: paths and answers come from the types generated from
 * its OpenAPI document, errors arrive as {@link ApiError}, and a 401 is retried once with a
 * refreshed token.
 */
export class ApiClient {
  constructor(
    readonly baseUrl: string,
    private readonly tokens: TokenSource,
  ) {}

  url(path: string, options: Pick<RequestOptions, 'params' | 'query'> = {}): string {
    return `${this.baseUrl.replace(/\/$/, '')}${fillPath(path, options.params)}${queryString(options.query)}`;
  }

  get<P extends string, F = unknown>(path: P, options?: RequestOptions): Promise<ResponseOf<P, 'get', F>> {
    return this.json('GET', path, options) as Promise<ResponseOf<P, 'get', F>>;
  }

  post<P extends string, F = unknown>(
    path: P,
    body: BodyOf<P, 'post', unknown>,
    options?: RequestOptions,
  ): Promise<ResponseOf<P, 'post', F>> {
    return this.json('POST', path, { ...options, body }) as Promise<ResponseOf<P, 'post', F>>;
  }

  patch<P extends string, F = unknown>(
    path: P,
    body: BodyOf<P, 'patch', unknown>,
    options?: RequestOptions,
  ): Promise<ResponseOf<P, 'patch', F>> {
    return this.json('PATCH', path, { ...options, body }) as Promise<ResponseOf<P, 'patch', F>>;
  }

  delete<P extends string>(path: P, options?: RequestOptions): Promise<unknown> {
    return this.json('DELETE', path, options);
  }

  /** The raw response (for streams); throws {@link ApiError} on an error answer. */
  async fetch(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
    let response = await this.send(method, path, options, await this.tokens.getToken());
    if (response.status === 401 && this.tokens.refresh) {
      const fresh = await this.tokens.refresh();
      if (fresh) response = await this.send(method, path, options, fresh);
    }
    if (!response.ok) throw await errorOf(response);
    return response;
  }

  private async json(method: string, path: string, options?: RequestOptions): Promise<unknown> {
    const response = await this.fetch(method, path, options);
    if (response.status === 204) return undefined;
    const text = await response.text();
    return text ? JSON.parse(text) : undefined;
  }

  private send(method: string, path: string, options: RequestOptions, token: string | null): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    if (token) headers['authorization'] = `Bearer ${token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    return fetch(this.url(path, options), {
      method,
      headers,
      // The bearer is the credential: cookies go to the page's own origin only, as fetch's default,
      // since the server lets other origins in without credentials (DOCKHAND_CORS_ORIGINS).
      credentials: 'same-origin',
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  }
}

async function errorOf(response: Response): Promise<ApiError> {
  try {
    const body = (await response.json()) as {
      error?: { code: string; message: string; details?: Record<string, unknown>; requestId?: string };
    };
    if (body.error)
      return new ApiError(response.status, body.error.code, body.error.message, body.error.details, body.error.requestId);
  } catch {
    // not the envelope (a proxy's page): fall through
  }
  return new ApiError(response.status, 'HTTP_ERROR', `${response.status} ${response.statusText}`);
}
