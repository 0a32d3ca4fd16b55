import { Kind, type FieldNode, type GraphQLFieldResolver } from 'graphql';
import { createHash } from 'node:crypto';
import { toJson } from '../json.ts';
import { OperationError, type InventoryChange } from '../operations.ts';
import { gid, isoSeconds, parseGid, type IdKind, type Location, type Variant } from '../store.ts';
import { type WebhookSubscription } from '../webhooks.ts';
import { type Args, type RequestContext, type View, err, requiresIdempotency } from './context.ts';
import { checkTopicAccess } from './scopes.ts';
import { deletionMutations } from './deletions.ts';
import {
  TOPIC_BY_ENUM,
  fulfillmentView,
  inventoryItemView,
  locationView,
  orderView,
  returnView,
  webhookSubscriptionView,
} from './views.ts';

/** Admin GraphQL mutations; failures the API reports as `userErrors` come from OperationError. */

export const INVENTORY_REASONS = new Set([
  'correction',
  'cycle_count_available',
  'damaged',
  'movement_created',
  'movement_updated',
  'movement_received',
  'movement_canceled',
  'other',
  'promotion',
  'quality_control',
  'received',
  'reservation_created',
  'reservation_deleted',
  'reservation_updated',
  'restock',
  'safety_stock',
  'shrinkage',
]);

export function userErrorsFrom(error: unknown, withCode: boolean): View[] {
  if (error instanceof OperationError) {
    return [{ field: error.field, message: error.message, ...(withCode ? { code: error.code } : {}) }];
  }
  throw error;
}

export function idempotencyKey(info: {
  fieldNodes: readonly FieldNode[];
  variableValues: Record<string, unknown>;
}): string | null {
  const directive = info.fieldNodes[0]?.directives?.find((d) => d.name.value === 'idempotent');
  const argument = directive?.arguments?.find((a) => a.name.value === 'key');
  if (!argument) return null;
  if (argument.value.kind === Kind.VARIABLE) return String(info.variableValues[argument.value.name.value] ?? '');
  return argument.value.kind === Kind.STRING ? argument.value.value : null;
}

export type MutationResolver = (args: Args, ctx: RequestContext) => View;

function setOrderClosed(args: Args, ctx: RequestContext, closed: boolean): View {
  try {
    const id = requireGid((args.input as Args).id, 'order', ['id']);
    const order = ctx.ops.setOrderClosed(id, closed);
    return { order: orderView(ctx, order), userErrors: [] };
  } catch (error) {
    return { order: null, userErrors: userErrorsFrom(error, false) };
  }
}

/** Runs an inventory mutation at most once per idempotency key (same key → same answer). */
export function idempotent(mutation: string, run: MutationResolver): GraphQLFieldResolver<unknown, RequestContext> {
  return (_source, args, ctx, info) => {
    const key = idempotencyKey(info);
    if (key === null) {
      if (requiresIdempotency(ctx.apiVersion)) {
        throw err(`The @idempotent directive is required for the ${mutation} mutation as of API version 2026-04.`, 'BAD_REQUEST');
      }
      return run(args, ctx);
    }
    if (key.length === 0 || key.length > 255)
      throw err('The idempotency key must be between 1 and 255 characters.', 'BAD_REQUEST');
    const stored = `${mutation}:${key}`;
    const argsHash = createHash('sha256').update(toJson(args)).digest('hex');
    const previous = ctx.idempotency.get(stored);
    if (previous) {
      if (previous.argsHash !== argsHash)
        throw err('The same idempotency key was used with different arguments.', 'IDEMPOTENCY_KEY_PARAMETER_MISMATCH');
      return previous.result;
    }
    const result = run(args, ctx);
    ctx.idempotency.set(stored, { argsHash, result });
    return result;
  };
}

export function adjustmentGroupView(
  ctx: RequestContext,
  reason: string,
  referenceDocumentUri: string | null,
  name: string,
  changes: Array<InventoryChange & { quantityAfterChange: number }>,
): View {
  const id = ctx.shop.nextId('adjustmentGroup');
  const createdAt = isoSeconds(Date.now());
  return {
    __typename: 'InventoryAdjustmentGroup',
    id: gid('adjustmentGroup', id),
    createdAt,
    reason,
    referenceDocumentUri,
    changes: () =>
      changes.map((change) => {
        const variant = ctx.shop.variantByInventoryItem.get(change.inventoryItemId) as Variant;
        const location = ctx.shop.locations.find((l) => l.id === change.locationId) as Location;
        return {
          name,
          delta: change.delta,
          quantityAfterChange: change.quantityAfterChange,
          ledgerDocumentUri: null,
          item: () => inventoryItemView(ctx, variant),
          location: () => locationView(ctx, location),
        };
      }),
  };
}

export function requireGid(value: unknown, kind: IdKind, field: string[]): bigint {
  const id = parseGid(String(value), kind);
  if (id === null)
    throw new OperationError(
      'Invalid global id',
      field,
      kind === 'inventoryItem' ? 'INVALID_INVENTORY_ITEM' : kind === 'location' ? 'INVALID_LOCATION' : 'INVALID',
    );
  return id;
}

export function checkInventoryInput(input: Args, listField: 'changes' | 'quantities', ctx: RequestContext): void {
  if (input.name !== 'available' && !(listField === 'quantities' && input.name === 'on_hand')) {
    throw new OperationError(
      `The quantity name '${String(input.name)}' is not supported here.`,
      ['input', 'name'],
      'INVALID_QUANTITY_NAME',
    );
  }
  if (!INVENTORY_REASONS.has(String(input.reason)))
    throw new OperationError('The specified reason is invalid.', ['input', 'reason'], 'INVALID_REASON');
  if (requiresIdempotency(ctx.apiVersion)) {
    for (const [i, item] of (input[listField] as Args[]).entries()) {
      if (!('changeFromQuantity' in item)) {
        throw err(
          `${listField}[${i}].changeFromQuantity is required as of API version 2026-04. Pass null to skip the compare check.`,
          'BAD_REQUEST',
        );
      }
    }
  }
}

export const mutations: Record<string, GraphQLFieldResolver<unknown, RequestContext>> = {
  ...deletionMutations,
  inventoryAdjustQuantities: idempotent('inventoryAdjustQuantities', (args, ctx) => {
    const input = args.input as Args;
    try {
      checkInventoryInput(input, 'changes', ctx);
      const changes = (input.changes as Args[]).map((change, i): InventoryChange => ({
        inventoryItemId: requireGid(change.inventoryItemId, 'inventoryItem', ['input', 'changes', String(i), 'inventoryItemId']),
        locationId: requireGid(change.locationId, 'location', ['input', 'changes', String(i), 'locationId']),
        delta: change.delta as number,
        changeFromQuantity: change.changeFromQuantity as number | null | undefined,
      }));
      const applied = ctx.ops.applyInventory(changes, 'adjust');
      return {
        inventoryAdjustmentGroup: adjustmentGroupView(
          ctx,
          String(input.reason),
          (input.referenceDocumentUri as string) ?? null,
          'available',
          applied,
        ),
        userErrors: [],
      };
    } catch (error) {
      return { inventoryAdjustmentGroup: null, userErrors: userErrorsFrom(error, true) };
    }
  }),
  inventorySetQuantities: idempotent('inventorySetQuantities', (args, ctx) => {
    const input = args.input as Args;
    try {
      checkInventoryInput(input, 'quantities', ctx);
      const modern = requiresIdempotency(ctx.apiVersion);
      const rows = input.quantities as Args[];
      const changes = rows.map((row, i): InventoryChange => {
        let compareTo = modern
          ? (row.changeFromQuantity as number | null | undefined)
          : ((row.changeFromQuantity ?? row.compareQuantity) as number | null | undefined);
        if (!modern && input.ignoreCompareQuantity) compareTo = null;
        if (!modern && !input.ignoreCompareQuantity && compareTo == null) {
          throw new OperationError(
            'The compareQuantity argument must be given to each quantity or ignored using ignoreCompareQuantity.',
            ['input', 'quantities', String(i), 'compareQuantity'],
            'COMPARE_QUANTITY_REQUIRED',
          );
        }
        return {
          inventoryItemId: requireGid(row.inventoryItemId, 'inventoryItem', [
            'input',
            'quantities',
            String(i),
            'inventoryItemId',
          ]),
          locationId: requireGid(row.locationId, 'location', ['input', 'quantities', String(i), 'locationId']),
          delta: 0,
          changeFromQuantity: compareTo,
        };
      });
      const applied = ctx.ops.applyInventory(
        changes,
        'set',
        rows.map((row) => row.quantity as number),
      );
      return {
        inventoryAdjustmentGroup: adjustmentGroupView(
          ctx,
          String(input.reason),
          (input.referenceDocumentUri as string) ?? null,
          String(input.name),
          applied,
        ),
        userErrors: [],
      };
    } catch (error) {
      if (
        error instanceof OperationError &&
        error.code === 'CHANGE_FROM_QUANTITY_STALE' &&
        !requiresIdempotency(ctx.apiVersion)
      ) {
        return {
          inventoryAdjustmentGroup: null,
          userErrors: [{ field: error.field, message: error.message, code: 'COMPARE_QUANTITY_STALE' }],
        };
      }
      return { inventoryAdjustmentGroup: null, userErrors: userErrorsFrom(error, true) };
    }
  }),
  fulfillmentCreate: (_source, args, ctx) => {
    const input = args.fulfillment as Args;
    try {
      const items = (input.lineItemsByFulfillmentOrder as Args[]).map((item, i) => ({
        fulfillmentOrderId: requireGid(item.fulfillmentOrderId, 'fulfillmentOrder', [
          'fulfillment',
          'lineItemsByFulfillmentOrder',
          String(i),
          'fulfillmentOrderId',
        ]),
        lines: ((item.fulfillmentOrderLineItems as Args[] | undefined) ?? []).map((line) => ({
          id: requireGid(line.id, 'fulfillmentOrderLineItem', [
            'fulfillment',
            'lineItemsByFulfillmentOrder',
            String(i),
            'fulfillmentOrderLineItems',
          ]),
          quantity: line.quantity as number,
        })),
      }));
      const tracking = input.trackingInfo as Args | undefined;
      const { order, fulfillment } = ctx.ops.createFulfillment(
        items,
        tracking
          ? {
              number: (tracking.number as string) ?? (tracking.numbers as string[] | undefined)?.[0] ?? null,
              url: (tracking.url as string) ?? null,
              company: (tracking.company as string) ?? null,
            }
          : null,
      );
      return { fulfillment: fulfillmentView(ctx, order, fulfillment), userErrors: [] };
    } catch (error) {
      return { fulfillment: null, userErrors: userErrorsFrom(error, false) };
    }
  },
  // orderClose / orderOpen: archive an order, or take it back out of the archive.
  orderClose: (_source, args, ctx) => setOrderClosed(args, ctx, true),
  orderOpen: (_source, args, ctx) => setOrderClosed(args, ctx, false),
  fulfillmentTrackingInfoUpdate: (_source, args, ctx) => {
    try {
      const id = requireGid(args.fulfillmentId, 'fulfillment', ['fulfillmentId']);
      const tracking = args.trackingInfoInput as Args;
      const { order, fulfillment } = ctx.ops.updateTracking(id, {
        number: (tracking.number as string) ?? null,
        url: (tracking.url as string) ?? null,
        company: (tracking.company as string) ?? null,
      });
      return { fulfillment: fulfillmentView(ctx, order, fulfillment), userErrors: [] };
    } catch (error) {
      return { fulfillment: null, userErrors: userErrorsFrom(error, false) };
    }
  },
  returnRequest: (_source, args, ctx) => {
    const input = args.input as Args;
    try {
      const ret = ctx.ops.createReturn(
        requireGid(input.orderId, 'order', ['input', 'orderId']),
        (input.returnLineItems as Args[]).map((line, i) => ({
          fulfillmentLineItemId: requireGid(line.fulfillmentLineItemId, 'fulfillmentLineItem', [
            'input',
            'returnLineItems',
            String(i),
            'fulfillmentLineItemId',
          ]),
          quantity: line.quantity as number,
          returnReason: line.returnReason as string,
          customerNote: (line.customerNote as string | undefined) ?? null,
        })),
        'REQUESTED',
      );
      return { return: returnView(ctx, ret), userErrors: [] };
    } catch (error) {
      return { return: null, userErrors: userErrorsFrom(error, true) };
    }
  },
  returnCreate: (_source, args, ctx) => {
    const input = args.returnInput as Args;
    try {
      const ret = ctx.ops.createReturn(
        requireGid(input.orderId, 'order', ['returnInput', 'orderId']),
        (input.returnLineItems as Args[]).map((line, i) => ({
          fulfillmentLineItemId: requireGid(line.fulfillmentLineItemId, 'fulfillmentLineItem', [
            'returnInput',
            'returnLineItems',
            String(i),
            'fulfillmentLineItemId',
          ]),
          quantity: line.quantity as number,
          returnReason: (line.returnReason as string | undefined) ?? 'UNKNOWN',
          customerNote: (line.returnReasonNote as string | undefined) || null,
        })),
        'OPEN',
      );
      return { return: returnView(ctx, ret), userErrors: [] };
    } catch (error) {
      return { return: null, userErrors: userErrorsFrom(error, true) };
    }
  },
  returnApproveRequest: (_source, args, ctx) => {
    const input = args.input as Args;
    try {
      const ret = ctx.ops.approveReturn(requireGid(input.id, 'return', ['input', 'id']));
      return { return: returnView(ctx, ret), userErrors: [] };
    } catch (error) {
      return { return: null, userErrors: userErrorsFrom(error, true) };
    }
  },
  returnDeclineRequest: (_source, args, ctx) => {
    const input = args.input as Args;
    try {
      const ret = ctx.ops.declineReturn(requireGid(input.id, 'return', ['input', 'id']));
      return { return: returnView(ctx, ret), userErrors: [] };
    } catch (error) {
      return { return: null, userErrors: userErrorsFrom(error, true) };
    }
  },
  webhookSubscriptionCreate: (_source, args, ctx) => {
    const topic = TOPIC_BY_ENUM[args.topic as string] as string;
    checkTopicAccess(args.topic as string, ctx.scopes);
    const input = args.webhookSubscription as Args;
    const uri = (input.uri ?? input.callbackUrl) as string | undefined;
    if (!uri)
      return {
        webhookSubscription: null,
        userErrors: [{ field: ['webhookSubscription', 'uri'], message: "Address can't be blank" }],
      };
    const problem = webhookAddressProblem(uri);
    if (problem)
      return { webhookSubscription: null, userErrors: [{ field: ['webhookSubscription', 'callbackUrl'], message: problem }] };
    if (ctx.webhooks.subscriptions.some((s) => s.shop === ctx.shop.domain && s.topic === topic && s.uri === uri)) {
      return {
        webhookSubscription: null,
        userErrors: [{ field: ['webhookSubscription', 'callbackUrl'], message: 'Address for this topic has already been taken' }],
      };
    }
    const subscription: WebhookSubscription = {
      id: ctx.shop.nextId('webhookSubscription'),
      shop: ctx.shop.domain,
      topic,
      uri,
      apiVersion: ctx.apiVersion,
      includeFields: (input.includeFields as string[] | undefined) ?? [],
      source: 'api',
      createdAt: Date.now(),
    };
    ctx.webhooks.subscribe(subscription);
    return { webhookSubscription: webhookSubscriptionView(subscription), userErrors: [] };
  },
  webhookSubscriptionDelete: (_source, args, ctx) => {
    const id = parseGid(String(args.id), 'webhookSubscription');
    const owned = ctx.webhooks.subscriptions.find((s) => s.id === id && s.shop === ctx.shop.domain);
    if (!owned || id === null)
      return {
        deletedWebhookSubscriptionId: null,
        userErrors: [{ field: ['id'], message: 'Webhook subscription does not exist' }],
      };
    ctx.webhooks.unsubscribe(id);
    return { deletedWebhookSubscriptionId: args.id, userErrors: [] };
  },
};

/**
 * What Shopify says of a subscription address, or null when it takes it: an http(s) URL, a
 * Google Pub/Sub topic (`pubsub://{project}:{topic}`) or an Amazon EventBridge partner event
 * source ARN.
 */
export function webhookAddressProblem(uri: string): string | null {
  if (/^pubsub:\/\//i.test(uri))
    return /^pubsub:\/\/[a-z][a-z0-9-]{4,28}[a-z0-9]:[A-Za-z][\w.~+%-]{2,254}$/.test(uri) ? null : 'Address is invalid';
  if (/^arn:/i.test(uri))
    return /^arn:aws:events:[a-z0-9-]+::event-source\/aws\.partner\/shopify\.com(\.test)?\/\d+\/[\w.-]+$/.test(uri)
      ? null
      : 'Address is invalid';
  let parsed: URL;
  try {
    parsed = new URL(uri);
  } catch {
    return 'Address is invalid';
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    return `Address protocol ${parsed.protocol}// is not supported`;
  return null;
}
