import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { ERROR_CODES } from './errors.ts';

/** Every route registers its zod schemas here; /v1/openapi.json is generated from them. */
export const registry = new OpenAPIRegistry();

registry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
// The embedded Shopify app's own bearer: a session token App Bridge signs with the app's secret.
registry.registerComponent('securitySchemes', 'shopifySessionToken', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });

export const errorEnvelope = z
  .object({
    error: z.object({
      code: z.enum(ERROR_CODES),
      message: z.string(),
      details: z.record(z.string(), z.unknown()),
      requestId: z.string(),
    }),
  })
  .meta({ id: 'Error' });

export const dataOf = <T extends z.ZodType>(schema: T) => z.object({ data: schema });
export const pageOf = <T extends z.ZodType>(schema: T) =>
  z.object({ data: z.array(schema), page: z.object({ nextCursor: z.string().nullable() }) });

/** The error answers an operation can give; each is the error envelope with the matching code. */
export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 429 | 503;

/** Where the app mounts its rate limiters (app.ts): every route under these prefixes can answer 429. */
const RATE_LIMITED_PREFIXES = ['/v1/', '/shopify/', '/woocommerce/'];

interface RouteDoc {
  method: 'get' | 'post' | 'patch' | 'put' | 'delete';
  /** Express style (`/v1/stores/:id`); each `:name` must be declared in `params`. */
  path: string;
  summary: string;
  /** Longer prose, when the summary cannot say it all. */
  description?: string;
  tags: string[];
  /** Needs `Authorization: Bearer` (default true): adds 401. */
  auth?: boolean;
  /** Which bearer: a Dockhand access token (default), or a Shopify session token (the embedded app). */
  authScheme?: 'bearer' | 'shopifySessionToken';
  /** Behind a rate limiter (adds 429); by default true under /v1, /shopify and /woocommerce. */
  rateLimited?: boolean;
  /** Reads or writes the database (adds 503 when it is unavailable); default true. */
  database?: boolean;
  body?: z.ZodType;
  /** The body is JSON under DOCKHAND_BODY_LIMIT (adds 413); default true when there is a body. */
  jsonBody?: boolean;
  query?: z.ZodObject;
  params?: z.ZodObject;
  response?: z.ZodType;
  /** The success answer's media type when it is not JSON (`text/event-stream`). */
  responseMediaType?: string;
  status?: number;
  /** The route's own error answers beyond the derived ones (e.g. 403 for a role, 409), with what they mean. */
  errors?: Partial<Record<ErrorStatus, string>>;
}

/** The error answers that follow from how a route is declared, then its own. */
export function errorAnswers(doc: RouteDoc): Partial<Record<ErrorStatus, string>> {
  const derived: Partial<Record<ErrorStatus, string>> = {};
  if (doc.body || doc.query) derived[400] = 'Invalid input (`details` says what)';
  if (doc.auth !== false) derived[401] = 'Missing, expired or revoked access token';
  if (doc.params) derived[404] = 'Not found (also for another organization’s ids and malformed ids)';
  if (doc.body && doc.jsonBody !== false) derived[413] = 'The body is larger than DOCKHAND_BODY_LIMIT';
  if (doc.rateLimited ?? RATE_LIMITED_PREFIXES.some((prefix) => doc.path.startsWith(prefix))) {
    derived[429] = 'Rate limited (`Retry-After` says when to try again)';
  }
  if (doc.database !== false) derived[503] = 'The database or the queue is unavailable (`Retry-After`)';
  return { ...derived, ...doc.errors };
}

/** Registers one operation with the error answers it can give. */
export function documentRoute(doc: RouteDoc): void {
  const declared = Object.keys(doc.params?.shape ?? {});
  const missing = [...doc.path.matchAll(/:(\w+)/g)].map((match) => match[1]!).filter((name) => !declared.includes(name));
  if (missing.length > 0)
    throw new Error(`${doc.method.toUpperCase()} ${doc.path} must declare its path parameters: ${missing.join(', ')}`);
  const errors = Object.entries(errorAnswers(doc)).map(([status, description]) => [
    status,
    { description, content: { 'application/json': { schema: errorEnvelope } } },
  ]);
  registry.registerPath({
    method: doc.method,
    path: doc.path.replace(/:(\w+)/g, '{$1}'),
    summary: doc.summary,
    ...(doc.description ? { description: doc.description } : {}),
    tags: doc.tags,
    ...(doc.auth === false ? {} : { security: [{ [doc.authScheme ?? 'bearer']: [] }] }),
    request: {
      ...(doc.body ? { body: { content: { 'application/json': { schema: doc.body } } } } : {}),
      ...(doc.query ? { query: doc.query } : {}),
      ...(doc.params ? { params: doc.params } : {}),
    },
    responses: {
      [doc.status ?? 200]: doc.response
        ? { description: 'Success', content: { [doc.responseMediaType ?? 'application/json']: { schema: doc.response } } }
        : { description: 'Success' },
      ...Object.fromEntries(errors),
    },
  });
}

export function buildOpenApiDocument(version: string, serverUrl: string) {
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: { title: 'Dockhand bridge server', version },
    servers: [{ url: serverUrl }],
  });
}
