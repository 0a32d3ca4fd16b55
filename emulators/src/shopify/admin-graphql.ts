import {
  execute,
  GraphQLError,
  Kind,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type ExecutionResult,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { MAX_QUERY_COST, operationCost } from './cost.ts';
import { compare, parseSearch, parseSearchDate } from './query-filter.ts';
import type { Customer, Location, Product, ShopStore } from './store.ts';
import { listConnection } from './graphql/connections.ts';
import { type Args, type RequestContext, type ShopContext, type View, adminSchema } from './graphql/context.ts';
import { mutations } from './graphql/mutations.ts';
import { checkAccess } from './graphql/scopes.ts';
import { ordersConnection } from './graphql/orders.ts';
import {
  TOPIC_BY_ENUM,
  customerView,
  inventoryItemView,
  locationView,
  nodeByGid,
  productView,
  shopView,
  variantView,
  webhookSubscriptionView,
} from './graphql/views.ts';

/** The Admin GraphQL endpoint: parse (cached), validate, cost, leaky bucket, execute. */

interface PreparedDocument {
  document: DocumentNode;
  errors: readonly GraphQLError[];
  fragments: Record<string, FragmentDefinitionNode>;
}

const documentCache = new Map<string, PreparedDocument>();

function prepare(schema: GraphQLSchema, query: string): PreparedDocument {
  const cached = documentCache.get(query);
  if (cached) return cached;
  let prepared: PreparedDocument;
  try {
    const document = parse(query);
    const errors = validate(schema, document, specifiedRules);
    const fragments: Record<string, FragmentDefinitionNode> = {};
    for (const definition of document.definitions)
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
    prepared = { document, errors, fragments };
  } catch (error) {
    prepared = { document: { kind: Kind.DOCUMENT, definitions: [] }, errors: [error as GraphQLError], fragments: {} };
  }
  if (documentCache.size > 500) documentCache.clear();
  documentCache.set(query, prepared);
  return prepared;
}

/**
 * An error as Shopify (graphql-ruby) words it: the common parse, validation and variable
 * errors get Shopify's message and `extensions.code`; the rest keep graphql-js's text.
 */
export function formatError(error: GraphQLError): Record<string, unknown> {
  const out: Record<string, unknown> = { message: error.message };
  if (error.locations) out.locations = error.locations;
  if (error.path) out.path = error.path;
  const at = error.locations?.[0];
  let match: RegExpExecArray | null;
  if ((match = /^Syntax Error: (?:Unexpected|Expected [^,]+, found) (.+)\.$/.exec(error.message))) {
    const found = match[1] === '<EOF>' ? 'end of file' : match[1]!.replace(/^Name "(.*)"$/, 'IDENTIFIER ("$1")');
    out.message = `syntax error, unexpected ${found}${at ? ` at [${at.line}, ${at.column}]` : ''}`;
    delete out.extensions;
    return out;
  }
  if ((match = /^Cannot query field "([^"]+)" on type "([^"]+)"\./.exec(error.message))) {
    out.message = `Field '${match[1]}' doesn't exist on type '${match[2]}'`;
    out.extensions = { code: 'undefinedField', typeName: match[2], fieldName: match[1] };
    return out;
  }
  if ((match = /^Unknown argument "([^"]+)" on field "([^".]+)\.([^"]+)"\./.exec(error.message))) {
    out.message = `Field '${match[3]}' doesn't accept argument '${match[1]}'`;
    out.extensions = { code: 'argumentNotAccepted', name: match[3], typeName: 'Field', argumentName: match[1] };
    return out;
  }
  if ((match = /^Variable "\$([^"]+)" of required type "([^"]+)" was not provided\.$/.exec(error.message))) {
    out.message = `Variable $${match[1]} of type ${match[2]} was provided invalid value`;
    out.extensions = { value: null, problems: [{ path: [], explanation: 'Expected value to not be null' }] };
    return out;
  }
  if ((match = /^Variable "\$([^"]+)" is not defined(?: by operation "([^"]+)")?\.$/.exec(error.message))) {
    out.message = `Variable $${match[1]} is used by ${match[2] ?? 'anonymous query'} but not declared`;
    out.extensions = { code: 'variableNotDefined', variableName: match[1] };
    return out;
  }
  out.extensions = { code: 'BAD_REQUEST', ...(error.extensions ?? {}) };
  return out;
}

export interface GraphqlRequestBody {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
}

export function executeAdminGraphql(
  shopContext: ShopContext,
  apiVersion: string,
  body: GraphqlRequestBody,
  /** The token's granted scopes; null skips the access checks. */
  scopes: ReadonlySet<string> | null = null,
): Record<string, unknown> {
  const schema = adminSchema();
  const ctx: RequestContext = { ...shopContext, apiVersion, scopes };
  if (typeof body.query !== 'string' || body.query.trim() === '') {
    return { errors: [{ message: 'Parameter Missing or Invalid', extensions: { code: 'BAD_REQUEST' } }] };
  }
  const prepared = prepare(schema, body.query);
  if (prepared.errors.length) return { errors: prepared.errors.map(formatError) };
  const variables = (body.variables && typeof body.variables === 'object' ? body.variables : {}) as Record<string, unknown>;
  const operationName = typeof body.operationName === 'string' ? body.operationName : undefined;
  const operations = prepared.document.definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  const operation = operationName
    ? operations.find((op) => op.name?.value === operationName)
    : operations.length === 1
      ? operations[0]
      : undefined;
  if (!operation) return { errors: [{ message: 'An operation name is required', extensions: { code: 'BAD_REQUEST' } }] };

  let requested: number;
  try {
    requested = operationCost(schema, operation, prepared.fragments, variables);
  } catch {
    requested = 0;
  }
  if (requested > MAX_QUERY_COST) {
    return {
      errors: [
        {
          message: `Query cost is ${requested}, which exceeds the single query max cost limit (${MAX_QUERY_COST}).\n\nSee https://shopify.dev/concepts/about-apis/rate-limits for more information on how the\ncost of a query is calculated.\n\nTo query larger amounts of data with fewer limits, bulk operations should be used instead.\nSee https://shopify.dev/tutorials/perform-bulk-operations-with-admin-api for usage details.\n`,
          extensions: { code: 'MAX_COST_EXCEEDED', cost: requested, maxCost: MAX_QUERY_COST },
        },
      ],
    };
  }
  if (!ctx.bucket.take(requested)) {
    return {
      errors: [
        { message: 'Throttled', extensions: { code: 'THROTTLED', documentation: 'https://shopify.dev/api/usage/rate-limits' } },
      ],
      extensions: { cost: { requestedQueryCost: requested, actualQueryCost: null, throttleStatus: ctx.bucket.status() } },
    };
  }
  const searchWarnings: unknown[] = [];
  const rootValue =
    operation.operation === 'mutation'
      ? {}
      : {
          node: (args: Args) => nodeByGid(ctx, String(args.id)),
          nodes: (args: Args) => (args.ids as string[]).map((id) => nodeByGid(ctx, id)),
          shop: () => shopView(ctx),
          order: (args: Args) => typedNode(ctx, args.id, 'Order'),
          customer: (args: Args) => typedNode(ctx, args.id, 'Customer'),
          customers: (args: Args) => customersConnection(ctx, args),
          orders: (args: Args) => ordersConnection(ctx, args, searchWarnings),
          product: (args: Args) => typedNode(ctx, args.id, 'Product'),
          products: (args: Args) =>
            listConnection(
              sortedProducts(ctx.shop, args),
              { ...args, reverse: false },
              (p) => p.id,
              (p) => productView(ctx, p),
            ),
          productVariant: (args: Args) => typedNode(ctx, args.id, 'ProductVariant'),
          productVariants: (args: Args) =>
            listConnection(
              ctx.shop.allVariants,
              args,
              (v) => v.id,
              (v) => variantView(ctx, v),
            ),
          inventoryItem: (args: Args) => typedNode(ctx, args.id, 'InventoryItem'),
          inventoryItems: (args: Args) =>
            listConnection(
              ctx.shop.allVariants,
              args,
              (v) => v.inventoryItemId,
              (v) => inventoryItemView(ctx, v),
            ),
          inventoryLevel: (args: Args) => typedNode(ctx, args.id, 'InventoryLevel'),
          location: (args: Args) =>
            args.id ? nodeByGid(ctx, String(args.id)) : locationView(ctx, ctx.shop.locations[0] as Location),
          locations: (args: Args) =>
            listConnection(
              ctx.shop.locations,
              args,
              (l) => l.id,
              (l) => locationView(ctx, l),
            ),
          fulfillmentOrder: (args: Args) => typedNode(ctx, args.id, 'FulfillmentOrder'),
          fulfillment: (args: Args) => typedNode(ctx, args.id, 'Fulfillment'),
          return: (args: Args) => typedNode(ctx, args.id, 'Return'),
          webhookSubscription: (args: Args) => typedNode(ctx, args.id, 'WebhookSubscription'),
          webhookSubscriptions: (args: Args) => {
            const topics = (args.topics as string[] | undefined)?.map((t) => TOPIC_BY_ENUM[t]);
            const list = ctx.webhooks.subscriptions.filter(
              (s) => s.shop === ctx.shop.domain && s.source === 'api' && (!topics || topics.includes(s.topic)),
            );
            return listConnection(list, args, (s) => s.id, webhookSubscriptionView);
          },
        };
  const result: ExecutionResult = execute({
    schema,
    document: prepared.document,
    rootValue,
    contextValue: ctx,
    variableValues: variables,
    operationName,
    fieldResolver: (source, args, context, info) => {
      if (info.parentType.name === 'Mutation') {
        checkAccess(info.fieldName, scopes);
        return mutations[info.fieldName]?.(source, args, context, info);
      }
      if (info.parentType.name === 'QueryRoot') checkAccess(info.fieldName, scopes);
      else checkAccess(`${info.parentType.name}.${info.fieldName}`, scopes);
      const value = (source as Record<string, unknown>)[info.fieldName];
      return typeof value === 'function' ? (value as (a: Args) => unknown)(args) : value;
    },
  }) as ExecutionResult;
  let actual = requested;
  try {
    actual =
      operation.operation === 'mutation'
        ? requested
        : operationCost(schema, operation, prepared.fragments, variables, result.data ?? null);
  } catch {
    actual = requested;
  }
  if (actual < requested) ctx.bucket.give(requested - actual);
  const response: Record<string, unknown> = {};
  if (result.errors?.length) response.errors = result.errors.map(formatError);
  response.data = result.data ?? null;
  const extensions: Record<string, unknown> = {
    cost: { requestedQueryCost: requested, actualQueryCost: actual, throttleStatus: ctx.bucket.status() },
  };
  if (searchWarnings.length) extensions.search = searchWarnings;
  response.extensions = extensions;
  return response;
}

/** A root field that takes one type's id: malformed → invalid-id error, another type's → null. */
function typedNode(ctx: RequestContext, id: unknown, type: string): View | null {
  const node = nodeByGid(ctx, String(id));
  return node && node.__typename === type ? node : null;
}

function customersConnection(ctx: RequestContext, args: Args) {
  let list = [...ctx.shop.allCustomers];
  for (const term of parseSearch(args.query as string | undefined).terms) {
    if (term.field === 'updated_at' || term.field === 'created_at') {
      const at = parseSearchDate(term.value);
      const of = (c: Customer) => (term.field === 'updated_at' ? c.updatedAt : c.createdAt);
      if (at !== null) list = list.filter((c) => compare(term.op, Math.floor(of(c) / 1000) * 1000, at));
    } else if (term.field === 'email') {
      list = list.filter((c) => c.email === term.value.toLowerCase());
    }
  }
  if (args.sortKey === 'UPDATED_AT') list.sort((a, b) => a.updatedAt - b.updatedAt || Number(a.id - b.id));
  else if (args.sortKey === 'CREATED_AT') list.sort((a, b) => a.createdAt - b.createdAt || Number(a.id - b.id));
  else if (args.sortKey === 'NAME')
    list.sort((a, b) => `${a.firstName} ${a.lastName}`.localeCompare(`${b.firstName} ${b.lastName}`));
  return listConnection(list, args, (c) => c.id, customerView);
}

function sortedProducts(shop: ShopStore, args: Args): Product[] {
  const list = [...shop.products];
  const search = parseSearch(args.query as string | undefined);
  let filtered = list;
  for (const term of search.terms) {
    if (term.field === 'updated_at') {
      const at = parseSearchDate(term.value);
      if (at !== null) filtered = filtered.filter((p) => compare(term.op, Math.floor(p.updatedAt / 1000) * 1000, at));
    } else if (term.field === 'sku') {
      filtered = filtered.filter((p) => p.variants.some((v) => v.sku === term.value));
    } else if (term.field === 'title') {
      filtered = filtered.filter((p) => p.title.toLowerCase().includes(term.value.toLowerCase()));
    }
  }
  if (args.sortKey === 'TITLE') filtered.sort((a, b) => a.title.localeCompare(b.title));
  else if (args.sortKey === 'UPDATED_AT') filtered.sort((a, b) => a.updatedAt - b.updatedAt || Number(a.id - b.id));
  if (args.reverse) filtered.reverse();
  return filtered;
}
