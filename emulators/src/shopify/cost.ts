import {
  getNamedType,
  getNullableType,
  isListType,
  isObjectType,
  isAbstractType,
  isLeafType,
  Kind,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';

/**
 * Shopify's calculated query cost: scalars and enums 0, objects 1, connections 2 plus
 * (first|last) × the cost of one node, mutations 10. With `data` given, connections are
 * counted by what was actually returned (the actual cost).
 */

export const MUTATION_COST = 10;
export const MAX_QUERY_COST = 1000;

interface CostContext {
  schema: GraphQLSchema;
  fragments: Record<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
}

export function operationCost(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: Record<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
  data?: Record<string, unknown> | null,
): number {
  const context: CostContext = { schema, fragments, variables };
  if (operation.operation === 'mutation') {
    let cost = 0;
    for (const field of collectFields(context, operation.selectionSet))
      if (field.name.value !== '__typename') cost += MUTATION_COST;
    return cost;
  }
  const root = schema.getQueryType();
  if (!root) return 0;
  if (data === null) return 0;
  return selectionCost(context, operation.selectionSet, root, data);
}

function collectFields(context: CostContext, selectionSet: SelectionSetNode, out: FieldNode[] = []): FieldNode[] {
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) out.push(selection);
    else if (selection.kind === Kind.INLINE_FRAGMENT) collectFields(context, selection.selectionSet, out);
    else {
      const fragment = context.fragments[selection.name.value];
      if (fragment) collectFields(context, fragment.selectionSet, out);
    }
  }
  return out;
}

function argumentNumber(context: CostContext, field: FieldNode, name: string): number | null {
  const argument = field.arguments?.find((arg) => arg.name.value === name);
  if (!argument) return null;
  const value = valueOf(context, argument.value);
  return typeof value === 'number' ? value : null;
}

function valueOf(context: CostContext, node: ValueNode): unknown {
  if (node.kind === Kind.VARIABLE) return context.variables[node.name.value];
  if (node.kind === Kind.INT) return Number(node.value);
  return null;
}

function fieldDef(parent: GraphQLCompositeType, name: string): GraphQLField<unknown, unknown> | undefined {
  if (isObjectType(parent) || 'getFields' in parent) {
    return (parent as { getFields(): Record<string, GraphQLField<unknown, unknown>> }).getFields()[name];
  }
  return undefined;
}

/** Cost of a selection on `parent`. For abstract types, the most expensive possible selection. */
function selectionCost(
  context: CostContext,
  selectionSet: SelectionSetNode,
  parent: GraphQLCompositeType,
  data?: unknown,
): number {
  if (isAbstractType(parent)) {
    let max = 0;
    for (const type of context.schema.getPossibleTypes(parent))
      max = Math.max(max, selectionCost(context, selectionSet, type, data));
    return max;
  }
  let cost = 0;
  const record = (data ?? undefined) as Record<string, unknown> | undefined;
  for (const field of collectFields(context, selectionSet)) {
    const name = field.name.value;
    if (name.startsWith('__')) continue;
    const def = fieldDef(parent, name);
    if (!def || !field.selectionSet) continue;
    const named = getNamedType(def.type);
    if (isLeafType(named)) continue;
    const key = field.alias?.value ?? name;
    const value = data === undefined ? undefined : record?.[key];
    if (data !== undefined && (value === null || value === undefined)) continue;
    const composite = named as GraphQLCompositeType;
    if (named.name.endsWith('Connection')) {
      cost += 2 + connectionNodesCost(context, field, composite, value);
    } else if (isListType(getNullableType(def.type))) {
      if (data !== undefined) {
        for (const item of value as unknown[])
          cost += item === null ? 0 : 1 + selectionCost(context, field.selectionSet, composite, item);
      } else {
        const size = argumentNumber(context, field, 'first') ?? argumentNumber(context, field, 'last') ?? 1;
        cost += size * (1 + selectionCost(context, field.selectionSet, composite));
      }
    } else {
      cost += 1 + selectionCost(context, field.selectionSet, composite, data === undefined ? undefined : value);
    }
  }
  return cost;
}

function connectionNodesCost(context: CostContext, field: FieldNode, connection: GraphQLCompositeType, value: unknown): number {
  const fields = collectFields(context, field.selectionSet as SelectionSetNode);
  const edgesType = fieldDef(connection, 'edges');
  const nodeType = edgesType
    ? (getNamedType(fieldDef(getNamedType(edgesType.type) as GraphQLCompositeType, 'node')!.type) as GraphQLCompositeType)
    : null;
  if (!nodeType) return 0;
  let perNodeMax = 0;
  let actual = 0;
  const connectionData = value as Record<string, unknown> | undefined;
  for (const part of fields) {
    const key = part.alias?.value ?? part.name.value;
    if (part.name.value === 'nodes' && part.selectionSet) {
      if (value === undefined) perNodeMax = Math.max(perNodeMax, 1 + selectionCost(context, part.selectionSet, nodeType));
      else
        for (const node of (connectionData?.[key] as unknown[]) ?? [])
          actual += 1 + selectionCost(context, part.selectionSet, nodeType, node);
    } else if (part.name.value === 'edges' && part.selectionSet) {
      for (const edgeField of collectFields(context, part.selectionSet)) {
        if (edgeField.name.value !== 'node' || !edgeField.selectionSet) continue;
        const nodeKey = edgeField.alias?.value ?? 'node';
        if (value === undefined) perNodeMax = Math.max(perNodeMax, 1 + selectionCost(context, edgeField.selectionSet, nodeType));
        else {
          for (const edge of (connectionData?.[key] as Array<Record<string, unknown>>) ?? []) {
            const node = edge?.[nodeKey];
            if (node) actual += 1 + selectionCost(context, edgeField.selectionSet, nodeType, node);
          }
        }
      }
    }
  }
  if (value !== undefined) return actual;
  const size = argumentNumber(context, field, 'first') ?? argumentNumber(context, field, 'last') ?? 0;
  return size * Math.max(perNodeMax, 1);
}

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

/** Leaky bucket per app and shop. */
export class LeakyBucket {
  private available: number;
  private at: number;

  constructor(
    public maximumAvailable: number,
    public restoreRate: number,
    private readonly now: () => number = Date.now,
  ) {
    this.available = maximumAvailable;
    this.at = now();
  }

  private refill(): void {
    const now = this.now();
    this.available = Math.min(this.maximumAvailable, this.available + ((now - this.at) / 1000) * this.restoreRate);
    this.at = now;
  }

  /** Takes `cost` points if there are that many; false (nothing taken) otherwise. */
  take(cost: number): boolean {
    this.refill();
    if (cost > this.available) return false;
    this.available -= cost;
    return true;
  }

  give(points: number): void {
    this.refill();
    this.available = Math.min(this.maximumAvailable, this.available + points);
  }

  set(available: number): void {
    this.available = Math.max(0, Math.min(this.maximumAvailable, available));
    this.at = this.now();
  }

  status(): ThrottleStatus {
    this.refill();
    return {
      maximumAvailable: this.maximumAvailable,
      currentlyAvailable: Math.floor(this.available),
      restoreRate: this.restoreRate,
    };
  }
}
