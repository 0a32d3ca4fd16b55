import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { ERROR_CODES } from './errors.ts';

/** Every route registers its zod schemas here; /v1/openapi.json is generated from them. */
export const registry = new OpenAPIRegistry();

registry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });

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

const errorResponses = {
  400: { description: 'Invalid input', content: { 'application/json': { schema: errorEnvelope } } },
  401: { description: 'Not authenticated', content: { 'application/json': { schema: errorEnvelope } } },
  403: { description: 'Not allowed', content: { 'application/json': { schema: errorEnvelope } } },
  404: {
    description: 'Not found (also for another organization’s ids)',
    content: { 'application/json': { schema: errorEnvelope } },
  },
  429: { description: 'Rate limited', content: { 'application/json': { schema: errorEnvelope } } },
};

interface RouteDoc {
  method: 'get' | 'post' | 'patch' | 'put' | 'delete';
  path: string;
  summary: string;
  /** Longer prose, when the summary cannot say it all. */
  description?: string;
  tags: string[];
  auth?: boolean;
  body?: z.ZodType;
  query?: z.ZodObject;
  params?: z.ZodObject;
  response?: z.ZodType;
  status?: number;
}

/** Registers one operation with its standard error answers. */
export function documentRoute(doc: RouteDoc): void {
  registry.registerPath({
    method: doc.method,
    path: doc.path.replace(/:(\w+)/g, '{$1}'),
    summary: doc.summary,
    ...(doc.description ? { description: doc.description } : {}),
    tags: doc.tags,
    ...(doc.auth === false ? {} : { security: [{ bearer: [] }] }),
    request: {
      ...(doc.body ? { body: { content: { 'application/json': { schema: doc.body } } } } : {}),
      ...(doc.query ? { query: doc.query } : {}),
      ...(doc.params ? { params: doc.params } : {}),
    },
    responses: {
      [doc.status ?? 200]: doc.response
        ? { description: 'Success', content: { 'application/json': { schema: doc.response } } }
        : { description: 'Success' },
      ...errorResponses,
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
