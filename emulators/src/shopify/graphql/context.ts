import { buildSchema, GraphQLError, type GraphQLSchema } from 'graphql';
import { type LeakyBucket } from '../cost.ts';
import { type ShopOperations } from '../operations.ts';
import { adminSchemaSdl } from '../schema.graphql.ts';
import { type ShopStore } from '../store.ts';
import { type WebhookDispatcher } from '../webhooks.ts';

/** Shared pieces of the Admin GraphQL layer: the schema, request context and error helpers. */

let cachedSchema: GraphQLSchema | null = null;
export function adminSchema(): GraphQLSchema {
  cachedSchema ??= buildSchema(adminSchemaSdl);
  return cachedSchema;
}

export const MAX_PAGE_SIZE = 250;

/** API versions from 2026-04 on require `@idempotent` and `changeFromQuantity` on inventory mutations. */
export function requiresIdempotency(apiVersion: string): boolean {
  return apiVersion === 'unstable' || apiVersion >= '2026-04';
}

export interface ShopContext {
  shop: ShopStore;
  ops: ShopOperations;
  webhooks: WebhookDispatcher;
  bucket: LeakyBucket;
  /** `${mutation}:${key}` → { argsHash, result } */
  idempotency: Map<string, { argsHash: string; result: unknown }>;
}

export interface RequestContext extends ShopContext {
  apiVersion: string;
  /** The token's granted scopes; null skips the access checks. */
  scopes: ReadonlySet<string> | null;
}

export type Args = Record<string, unknown>;
export type View = Record<string, unknown>;

export const err = (message: string, code: string): GraphQLError => new GraphQLError(message, { extensions: { code } });
