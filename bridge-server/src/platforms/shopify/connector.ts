import type {
  DeletableEntity,
  EntityTypes,
  FulfillmentPush,
  IdPage,
  InventoryChange,
  InventoryPushResult,
  Page,
  PageItem,
  PageRequest,
  ReturnDecisionPush,
  StoreConnector,
  SyncEntity,
} from '../connector.ts';
import type { NormalizedCustomer, NormalizedInventoryLevel, NormalizedOrder, NormalizedProduct } from '../model.ts';
import { CostBucket, QueryTooCostlyError, ShopifyAdminClient, toRawJson, type AdminClientOptions } from './admin-client.ts';
import {
  normalizeShopifyGraphqlCustomer,
  normalizeShopifyGraphqlInventoryLevel,
  normalizeShopifyGraphqlOrder,
  normalizeShopifyGraphqlProduct,
} from './normalize.ts';
import { shopifyWebhooks } from './webhooks.ts';
import { subscriptionNames } from '../webhooks.ts';

/**
 * The Shopify side of the StoreConnector interface, over the Admin GraphQL API.
 *
 * Page sizes are chosen by cost: a page's requested cost (2 + first × the cost of one node,
 * with nested connections counted at their `first`) stays under both Shopify's 1000-point
 * ceiling and the shop's bucket size, so every page is affordable. Nested lists that do not
 * fit a page (an order with more line items, a product with more variants, an item stocked
 * at more locations) are completed with follow-up queries.
 */

export interface ShopifyConnectorOptions {
  shopDomain: string;
  accessToken: AdminClientOptions['accessToken'];
  apiVersion: string;
  shopBaseUrl?: string | undefined;
  fetch?: typeof fetch | undefined;
  /** An existing client (shares its pacing state and stats). */
  client?: ShopifyAdminClient | undefined;
  /** Pacing state; by default the process-wide one of the shop. */
  bucket?: CostBucket | undefined;
}

/** The topics Dockhand subscribes to, as the API's WebhookSubscriptionTopic values: those the webhook module handles. */
export const SHOPIFY_WEBHOOK_TOPICS: readonly string[] = subscriptionNames(shopifyWebhooks);

/** Reasons inventoryAdjustQuantities accepts; anything else is sent as `correction`. */
const INVENTORY_REASONS = new Set([
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

const MAX_PAGE = 250;
const MAX_QUERY_COST = 1000;
/** Line items read with each order; more are fetched per order. */
const LINES_PER_ORDER = 10;
const VARIANTS_PER_PRODUCT = 50;
const LEVELS_PER_ITEM = 10;

// Cost of one node as Shopify counts it: objects 1, connections 2 + first × node, scalars 0.
const LINE_NODE_COST = 1 + 2 + 1; // line, originalUnitPriceSet{shopMoney}, variant
/** Fulfillments read with each order (with their first tracking); more are rare. */
const FULFILLMENTS_PER_ORDER = 5;
const FULFILLMENT_NODE_COST = 1 + 1; // fulfillment, trackingInfo(first: 1)
// order, totalPriceSet, customer, lineItems, fulfillments
export const ORDER_NODE_COST = 1 + 2 + 1 + 2 + LINES_PER_ORDER * LINE_NODE_COST + FULFILLMENTS_PER_ORDER * FULFILLMENT_NODE_COST;
const PRODUCT_NODE_COST = 1 + 2 + VARIANTS_PER_PRODUCT * 2; // product, variants(variant, inventoryItem)
const CUSTOMER_NODE_COST = 1;
const LEVEL_NODE_COST = 3; // level, location, quantities
const ITEM_NODE_COST = 1 + 2 + LEVELS_PER_ITEM * LEVEL_NODE_COST;

const LINE_FIELDS = `id sku title quantity originalUnitPriceSet { shopMoney { amount } } variant { id }`;
const ORDER_FIELDS = `
  id name email createdAt updatedAt cancelledAt closedAt currencyCode
  displayFinancialStatus displayFulfillmentStatus
  totalPriceSet { shopMoney { amount } }
  customer { id }
  fulfillments(first: ${FULFILLMENTS_PER_ORDER}) { id status createdAt trackingInfo(first: 1) { number company url } }
  lineItems(first: ${LINES_PER_ORDER}) { pageInfo { hasNextPage endCursor } nodes { ${LINE_FIELDS} } }`;

const ORDERS_QUERY = `query DockhandOrders($first: Int!, $after: String, $query: String) {
  orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
    pageInfo { hasNextPage endCursor }
    nodes { ${ORDER_FIELDS} }
  }
}`;

const ORDER_LINES_QUERY = `query DockhandOrderLines($id: ID!, $first: Int!, $after: String) {
  order(id: $id) { lineItems(first: $first, after: $after) { pageInfo { hasNextPage endCursor } nodes { ${LINE_FIELDS} } } }
}`;

const VARIANT_FIELDS = `id sku title price inventoryItem { id }`;
const PRODUCTS_QUERY = `query DockhandProducts($first: Int!, $after: String, $query: String) {
  products(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
    pageInfo { hasNextPage endCursor }
    nodes {
      id title status updatedAt
      variants(first: ${VARIANTS_PER_PRODUCT}) { pageInfo { hasNextPage endCursor } nodes { ${VARIANT_FIELDS} } }
    }
  }
}`;

const PRODUCT_VARIANTS_QUERY = `query DockhandProductVariants($id: ID!, $first: Int!, $after: String) {
  product(id: $id) { variants(first: $first, after: $after) { pageInfo { hasNextPage endCursor } nodes { ${VARIANT_FIELDS} } } }
}`;

const CUSTOMERS_QUERY = `query DockhandCustomers($first: Int!, $after: String, $query: String) {
  customers(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
    pageInfo { hasNextPage endCursor }
    nodes { id email firstName lastName phone updatedAt }
  }
}`;

const LEVEL_FIELDS = `updatedAt location { id name } quantities(names: ["available"]) { name quantity }`;
const INVENTORY_QUERY = `query DockhandInventory($first: Int!, $after: String) {
  inventoryItems(first: $first, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes {
      id
      inventoryLevels(first: ${LEVELS_PER_ITEM}) { pageInfo { hasNextPage endCursor } nodes { ${LEVEL_FIELDS} } }
    }
  }
}`;

const ITEM_LEVELS_QUERY = `query DockhandItemLevels($id: ID!, $first: Int!, $after: String) {
  inventoryItem(id: $id) { inventoryLevels(first: $first, after: $after) { pageInfo { hasNextPage endCursor } nodes { ${LEVEL_FIELDS} } } }
}`;

/** Ids only, in id order: the deletion reconcile's listing (one point per id, 2 per page). */
const ID_QUERIES: Record<DeletableEntity, string> = {
  orders: `query DockhandOrderIds($first: Int!, $after: String, $query: String) {
  orders(first: $first, after: $after, sortKey: ID, query: $query) { pageInfo { hasNextPage endCursor } nodes { id } }
}`,
  products: `query DockhandProductIds($first: Int!, $after: String) {
  products(first: $first, after: $after, sortKey: ID) { pageInfo { hasNextPage endCursor } nodes { id } }
}`,
  customers: `query DockhandCustomerIds($first: Int!, $after: String) {
  customers(first: $first, after: $after, sortKey: ID) { pageInfo { hasNextPage endCursor } nodes { id } }
}`,
};
const ID_NODE_COST = 1;

/**
 * Without read_all_orders Shopify shows only orders created in the last 60 days, and Dockhand
 * does not record which scopes a shop granted: the order id listing always asks for the last 59
 * days (a day's margin against clock skew and the listing's own duration), and says so in
 * `coversFrom` so that the reconcile judges only orders placed since.
 */
export const ORDER_ID_WINDOW_DAYS = 59;

const SHOP_QUERY = `query DockhandShop { shop { id myshopifyDomain } }`;

const WEBHOOKS_QUERY = `query DockhandWebhooks($after: String) {
  webhookSubscriptions(first: 100, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes { id topic uri }
  }
}`;

const WEBHOOK_CREATE = `mutation DockhandWebhookCreate($topic: WebhookSubscriptionTopic!, $uri: String!) {
  webhookSubscriptionCreate(topic: $topic, webhookSubscription: { uri: $uri, format: JSON }) {
    webhookSubscription { id }
    userErrors { field message }
  }
}`;

const INVENTORY_ADJUST = `mutation DockhandInventoryAdjust($input: InventoryAdjustQuantitiesInput!, $key: String!) {
  inventoryAdjustQuantities(input: $input) @idempotent(key: $key) {
    inventoryAdjustmentGroup { changes { name delta quantityAfterChange } }
    userErrors { field message code }
  }
}`;

const INVENTORY_LEVEL_QUERY = `query DockhandLevel($item: ID!, $location: ID!) {
  inventoryItem(id: $item) { inventoryLevel(locationId: $location) { quantities(names: ["available"]) { name quantity } } }
}`;

const VARIANT_ITEM_QUERY = `query DockhandVariantItem($id: ID!) { productVariant(id: $id) { inventoryItem { id } } }`;

const FULFILLMENT_ORDERS_QUERY = `query DockhandFulfillmentOrders($id: ID!) {
  order(id: $id) { fulfillmentOrders(first: 20) { nodes { id status } } }
}`;

/** With their line items, to fulfil chosen lines: 10 × 40 keeps the query under 1000 points. */
const FULFILLMENT_ORDER_LINES_QUERY = `query DockhandFulfillmentOrderLines($id: ID!) {
  order(id: $id) {
    fulfillmentOrders(first: 10) {
      nodes { id status lineItems(first: 40) { nodes { id remainingQuantity lineItem { id } } } }
    }
  }
}`;
const FULFILLMENT_ORDER_LINES_COST = 1 + 2 + 10 * (1 + 2 + 40 * 2);

const ORDER_OPEN = `mutation DockhandOrderOpen($id: ID!) {
  orderOpen(input: { id: $id }) { order { id closed closedAt } userErrors { field message } }
}`;
const ORDER_CLOSE = `mutation DockhandOrderClose($id: ID!) {
  orderClose(input: { id: $id }) { order { id closed closedAt } userErrors { field message } }
}`;

const FULFILLMENT_CREATE = `mutation DockhandFulfill($fulfillment: FulfillmentInput!) {
  fulfillmentCreate(fulfillment: $fulfillment) {
    fulfillment { id legacyResourceId }
    userErrors { field message }
  }
}`;

const RETURN_APPROVE = `mutation DockhandReturnApprove($id: ID!) {
  returnApproveRequest(input: { id: $id }) { return { id status } userErrors { field message code } }
}`;

const RETURN_DECLINE = `mutation DockhandReturnDecline($id: ID!, $reason: ReturnDeclineReason!, $note: String) {
  returnDeclineRequest(input: { id: $id, declineReason: $reason, declineNote: $note }) { return { id status } userErrors { field message code } }
}`;

interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}
interface Connection<T> {
  pageInfo: PageInfo;
  nodes: T[];
}
type GqlNode = Record<string, unknown> & { id: string };
interface UserError {
  field?: string[] | null;
  message: string;
  code?: string | null;
}

/** A Shopify mutation answered with userErrors. */
export class ShopifyUserError extends Error {
  constructor(
    readonly mutation: string,
    readonly userErrors: UserError[],
  ) {
    super(`${mutation}: ${userErrors.map((error) => `${error.code ?? ''} ${error.message}`.trim()).join('; ')}`);
    this.name = 'ShopifyUserError';
  }
}

export const toGid = (kind: string, id: string): string => (id.startsWith('gid://') ? id : `gid://shopify/${kind}/${id}`);
const numericId = (gid: string): string => gid.slice(gid.lastIndexOf('/') + 1).split('?')[0]!;

const sinceQuery = (since: string | null): string | null => (since ? `updated_at:>='${new Date(since).toISOString()}'` : null);

export class ShopifyConnector implements StoreConnector {
  readonly platform = 'shopify' as const;
  readonly client: ShopifyAdminClient;

  constructor(options: ShopifyConnectorOptions) {
    this.client =
      options.client ??
      new ShopifyAdminClient({
        shopDomain: options.shopDomain,
        accessToken: options.accessToken,
        apiVersion: options.apiVersion,
        shopBaseUrl: options.shopBaseUrl,
        fetch: options.fetch,
        bucket: options.bucket,
      });
  }

  /**
   * Runs a page query sized for the bucket. Before the first answer the bucket's size is a
   * guess (the Standard plan); if the shop's bucket turns out smaller than the page, the page
   * is shrunk to fit and asked again.
   */
  private async affordablePage<T>(nodeCost: number, wanted: number | undefined, run: (first: number) => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const first = this.pageSizeFor(nodeCost, wanted);
      try {
        return await run(first);
      } catch (error) {
        if (!(error instanceof QueryTooCostlyError) || attempt >= 2 || first === 1) throw error;
      }
    }
  }

  /** How many nodes of `nodeCost` fit a page the bucket can pay for. */
  pageSizeFor(nodeCost: number, wanted: number | undefined): number {
    const budget = Math.min(MAX_QUERY_COST, this.client.bucket.maximumAvailable);
    const affordable = Math.floor((budget - 2) / nodeCost);
    return Math.max(1, Math.min(wanted ?? MAX_PAGE, MAX_PAGE, affordable));
  }

  async fetchPage<E extends SyncEntity>(entity: E, request: PageRequest): Promise<Page<EntityTypes[E]>> {
    switch (entity) {
      case 'orders':
        return (await this.fetchOrders(request)) as Page<EntityTypes[E]>;
      case 'products':
        return (await this.fetchProducts(request)) as Page<EntityTypes[E]>;
      case 'customers':
        return (await this.fetchCustomers(request)) as Page<EntityTypes[E]>;
      case 'inventory':
        return (await this.fetchInventory(request)) as Page<EntityTypes[E]>;
      default:
        throw new Error(`unknown entity ${String(entity)}`);
    }
  }

  private async fetchOrders(request: PageRequest): Promise<Page<NormalizedOrder>> {
    const { data } = await this.affordablePage(ORDER_NODE_COST, request.pageSize, (first) =>
      this.client.request<{ orders: Connection<GqlNode> }>(
        ORDERS_QUERY,
        { first, after: request.cursor, query: sinceQuery(request.since) },
        { cost: 2 + first * ORDER_NODE_COST },
      ),
    );
    const items: PageItem<NormalizedOrder>[] = [];
    for (const node of data.orders.nodes) {
      const lines = node['lineItems'] as Connection<unknown>;
      if (lines.pageInfo.hasNextPage)
        lines.nodes = [...lines.nodes, ...(await this.remainingOrderLines(node.id, lines.pageInfo))];
      items.push({ item: normalizeShopifyGraphqlOrder(node), raw: toRawJson(node) });
    }
    return { items, nextCursor: nextCursorOf(data.orders) };
  }

  private async remainingOrderLines(orderId: string, pageInfo: PageInfo): Promise<unknown[]> {
    const lines: unknown[] = [];
    let after = pageInfo.endCursor;
    for (;;) {
      const first = Math.max(1, this.pageSizeFor(LINE_NODE_COST, 100) - 1);
      const { data } = await this.client.request<{ order: { lineItems: Connection<unknown> } | null }>(
        ORDER_LINES_QUERY,
        { id: orderId, first, after },
        { cost: 1 + 2 + first * LINE_NODE_COST },
      );
      if (!data.order) return lines;
      lines.push(...data.order.lineItems.nodes);
      if (!data.order.lineItems.pageInfo.hasNextPage) return lines;
      after = data.order.lineItems.pageInfo.endCursor;
    }
  }

  private async fetchProducts(request: PageRequest): Promise<Page<NormalizedProduct>> {
    const { data } = await this.affordablePage(PRODUCT_NODE_COST, request.pageSize, (first) =>
      this.client.request<{ products: Connection<GqlNode> }>(
        PRODUCTS_QUERY,
        { first, after: request.cursor, query: sinceQuery(request.since) },
        { cost: 2 + first * PRODUCT_NODE_COST },
      ),
    );
    const items: PageItem<NormalizedProduct>[] = [];
    for (const node of data.products.nodes) {
      const variants = node['variants'] as Connection<unknown>;
      let after = variants.pageInfo.hasNextPage ? variants.pageInfo.endCursor : null;
      while (after) {
        const first = Math.max(1, this.pageSizeFor(2, 100) - 1);
        const more = await this.client.request<{ product: { variants: Connection<unknown> } | null }>(
          PRODUCT_VARIANTS_QUERY,
          { id: node.id, first, after },
          { cost: 1 + 2 + first * 2 },
        );
        if (!more.data.product) break;
        variants.nodes = [...variants.nodes, ...more.data.product.variants.nodes];
        after = more.data.product.variants.pageInfo.hasNextPage ? more.data.product.variants.pageInfo.endCursor : null;
      }
      items.push({ item: normalizeShopifyGraphqlProduct(node), raw: toRawJson(node) });
    }
    return { items, nextCursor: nextCursorOf(data.products) };
  }

  private async fetchCustomers(request: PageRequest): Promise<Page<NormalizedCustomer>> {
    const { data } = await this.affordablePage(CUSTOMER_NODE_COST, request.pageSize, (first) =>
      this.client.request<{ customers: Connection<GqlNode> }>(
        CUSTOMERS_QUERY,
        { first, after: request.cursor, query: sinceQuery(request.since) },
        { cost: 2 + first * CUSTOMER_NODE_COST },
      ),
    );
    return {
      items: data.customers.nodes.map((node) => ({ item: normalizeShopifyGraphqlCustomer(node), raw: toRawJson(node) })),
      nextCursor: nextCursorOf(data.customers),
    };
  }

  private async fetchInventory(request: PageRequest): Promise<Page<NormalizedInventoryLevel>> {
    // Stock levels carry their own updatedAt; the item's does not move when stock does, so
    // every level is read and the sync applies only what is newer.
    const { data } = await this.affordablePage(ITEM_NODE_COST, request.pageSize, (first) =>
      this.client.request<{ inventoryItems: Connection<GqlNode> }>(
        INVENTORY_QUERY,
        { first, after: request.cursor },
        { cost: 2 + first * ITEM_NODE_COST },
      ),
    );
    const items: PageItem<NormalizedInventoryLevel>[] = [];
    for (const node of data.inventoryItems.nodes) {
      const levels = node['inventoryLevels'] as Connection<Record<string, unknown>>;
      let after = levels.pageInfo.hasNextPage ? levels.pageInfo.endCursor : null;
      while (after) {
        const first = Math.max(1, this.pageSizeFor(LEVEL_NODE_COST, 100) - 1);
        const more = await this.client.request<{
          inventoryItem: { inventoryLevels: Connection<Record<string, unknown>> } | null;
        }>(ITEM_LEVELS_QUERY, { id: node.id, first, after }, { cost: 1 + 2 + first * LEVEL_NODE_COST });
        if (!more.data.inventoryItem) break;
        levels.nodes = [...levels.nodes, ...more.data.inventoryItem.inventoryLevels.nodes];
        after = more.data.inventoryItem.inventoryLevels.pageInfo.hasNextPage
          ? more.data.inventoryItem.inventoryLevels.pageInfo.endCursor
          : null;
      }
      for (const level of levels.nodes) {
        items.push({
          item: normalizeShopifyGraphqlInventoryLevel(node.id, level),
          raw: toRawJson({ inventoryItemId: node.id, ...level }),
        });
      }
    }
    return { items, nextCursor: nextCursorOf(data.inventoryItems) };
  }

  /** Ids by `sortKey: ID`: Shopify's cursors carry the last id, so a deletion during the listing skips nothing. */
  async listIds(entity: DeletableEntity, cursor: string | null): Promise<IdPage> {
    if (entity !== 'orders') return this.listIdPage(entity, cursor, undefined);
    // Orders: the window is fixed on the first page and carried in the cursor ("<from> <cursor>"),
    // so every page of one listing covers the same orders.
    const space = cursor === null ? -1 : cursor.indexOf(' ');
    const coversFrom =
      space > 0 ? cursor!.slice(0, space) : new Date(Date.now() - ORDER_ID_WINDOW_DAYS * 86_400_000).toISOString();
    const page = await this.listIdPage(entity, space > 0 ? cursor!.slice(space + 1) : null, `created_at:>='${coversFrom}'`);
    return { ...page, nextCursor: page.nextCursor === null ? null : `${coversFrom} ${page.nextCursor}`, coversFrom };
  }

  private async listIdPage(entity: DeletableEntity, after: string | null, query: string | undefined): Promise<IdPage> {
    const { data } = await this.affordablePage(ID_NODE_COST, undefined, (first) =>
      this.client.request<Record<string, Connection<{ id: string }>>>(
        ID_QUERIES[entity],
        { first, after, ...(query === undefined ? {} : { query }) },
        { cost: 2 + first * ID_NODE_COST },
      ),
    );
    const connection = data[entity]!;
    return { ids: connection.nodes.map((node) => numericId(node.id)), nextCursor: nextCursorOf(connection) };
  }

  /**
   * The shop this connector's token works for, asked of the Admin API: the proof that the token
   * belongs to the shop (install, custom-app tokens) and that the app is still installed
   * (a PlatformAuthError when the token no longer works).
   */
  async shopIdentity(): Promise<{ id: string; myshopifyDomain: string }> {
    const { data } = await this.client.request<{ shop: { id: string; myshopifyDomain: string } }>(SHOP_QUERY, {}, { cost: 1 });
    return { id: numericId(data.shop.id), myshopifyDomain: data.shop.myshopifyDomain.toLowerCase() };
  }

  /** Subscribes every Dockhand topic to `callbackUrl`, skipping those already subscribed there. */
  async registerWebhooks(callbackUrl: string): Promise<{ created: number; existing: number }> {
    const existingTopics = new Set<string>();
    let after: string | null = null;
    for (;;) {
      const page: { data: { webhookSubscriptions: Connection<{ id: string; topic: string; uri: string }> } } =
        await this.client.request(WEBHOOKS_QUERY, { after }, { cost: 2 + 100 });
      for (const subscription of page.data.webhookSubscriptions.nodes) {
        if (subscription.uri === callbackUrl) existingTopics.add(subscription.topic);
      }
      if (!page.data.webhookSubscriptions.pageInfo.hasNextPage) break;
      after = page.data.webhookSubscriptions.pageInfo.endCursor;
    }
    let created = 0;
    let existing = 0;
    for (const topic of SHOPIFY_WEBHOOK_TOPICS) {
      if (existingTopics.has(topic)) {
        existing++;
        continue;
      }
      const { data } = await this.client.request<{
        webhookSubscriptionCreate: { webhookSubscription: { id: string } | null; userErrors: UserError[] };
      }>(WEBHOOK_CREATE, { topic, uri: callbackUrl }, { cost: 10 });
      const answer = data.webhookSubscriptionCreate;
      if (answer.webhookSubscription) created++;
      else if (answer.userErrors.some((error) => /already been taken/i.test(error.message))) existing++;
      else throw new ShopifyUserError('webhookSubscriptionCreate', answer.userErrors);
    }
    return { created, existing };
  }

  private async inventoryItemOf(change: InventoryChange): Promise<string> {
    if (change.inventoryItemId) return toGid('InventoryItem', change.inventoryItemId);
    const { data } = await this.client.request<{ productVariant: { inventoryItem: { id: string } } | null }>(
      VARIANT_ITEM_QUERY,
      { id: toGid('ProductVariant', change.variantPlatformId) },
      { cost: 2 },
    );
    if (!data.productVariant) throw new Error(`Shopify has no variant ${change.variantPlatformId}`);
    return data.productVariant.inventoryItem.id;
  }

  /** The level's `available` now, or null when the item is not stocked there. */
  async readAvailable(inventoryItemId: string, locationId: string): Promise<number | null> {
    const { data } = await this.client.request<{
      inventoryItem: { inventoryLevel: { quantities: Array<{ name: string; quantity: number }> } | null } | null;
    }>(
      INVENTORY_LEVEL_QUERY,
      { item: toGid('InventoryItem', inventoryItemId), location: toGid('Location', locationId) },
      { cost: 3 },
    );
    return data.inventoryItem?.inventoryLevel?.quantities.find((quantity) => quantity.name === 'available')?.quantity ?? null;
  }

  /**
   * inventoryAdjustQuantities with `changeFromQuantity` = what Dockhand believes the level is
   * (compare-and-set) under `@idempotent(key:)`: the same key twice is one change. A stale
   * belief is a conflict, reported with the level Shopify has.
   */
  async pushInventoryChange(change: InventoryChange): Promise<InventoryPushResult> {
    const inventoryItemId = await this.inventoryItemOf(change);
    const locationId = toGid('Location', change.locationPlatformId);
    const reason = INVENTORY_REASONS.has(change.reason) ? change.reason : 'correction';
    const { data } = await this.client.request<{
      inventoryAdjustQuantities: {
        inventoryAdjustmentGroup: { changes: Array<{ name: string; delta: number; quantityAfterChange: number | null }> } | null;
        userErrors: UserError[];
      };
    }>(
      INVENTORY_ADJUST,
      {
        key: change.idempotencyKey,
        input: {
          name: 'available',
          reason,
          referenceDocumentUri: `dockhand://inventory-requests/${encodeURIComponent(change.idempotencyKey)}`,
          changes: [{ delta: change.delta, inventoryItemId, locationId, changeFromQuantity: change.expectedAvailable }],
        },
      },
      { cost: 10 },
    );
    const answer = data.inventoryAdjustQuantities;
    if (answer.userErrors.some((error) => error.code === 'CHANGE_FROM_QUANTITY_STALE')) {
      return { kind: 'conflict', actual: await this.readAvailable(inventoryItemId, locationId) };
    }
    if (answer.userErrors.length || !answer.inventoryAdjustmentGroup) {
      throw new ShopifyUserError('inventoryAdjustQuantities', answer.userErrors);
    }
    const applied = answer.inventoryAdjustmentGroup.changes.find((entry) => entry.name === 'available');
    const available = applied?.quantityAfterChange ?? (await this.readAvailable(inventoryItemId, locationId)) ?? 0;
    return { kind: 'applied', available };
  }

  /**
   * Fulfils the order's open fulfillment orders with the tracking given: all that remains, or,
   * with `lines`, only those order lines and quantities (spread over the fulfillment order
   * line items that still hold them).
   */
  async pushFulfillment(push: FulfillmentPush): Promise<{ fulfillmentPlatformId: string }> {
    const lineItemsByFulfillmentOrder = push.lines?.length
      ? await this.fulfillmentOrderLinesFor(push.orderPlatformId, push.lines)
      : (await this.openFulfillmentOrders(push.orderPlatformId)).map((fo) => ({ fulfillmentOrderId: fo.id }));
    const { data: created } = await this.client.request<{
      fulfillmentCreate: { fulfillment: { id: string } | null; userErrors: UserError[] };
    }>(
      FULFILLMENT_CREATE,
      {
        fulfillment: {
          lineItemsByFulfillmentOrder,
          trackingInfo: {
            number: push.tracking.number,
            ...(push.tracking.company ? { company: push.tracking.company } : {}),
            ...(push.tracking.url ? { url: push.tracking.url } : {}),
          },
          notifyCustomer: push.notifyCustomer,
        },
      },
      { cost: 10 },
    );
    const answer = created.fulfillmentCreate;
    if (!answer.fulfillment) throw new ShopifyUserError('fulfillmentCreate', answer.userErrors);
    return { fulfillmentPlatformId: numericId(answer.fulfillment.id) };
  }

  private async openFulfillmentOrders(orderPlatformId: string): Promise<Array<{ id: string; status: string }>> {
    const { data } = await this.client.request<{
      order: { fulfillmentOrders: { nodes: Array<{ id: string; status: string }> } } | null;
    }>(FULFILLMENT_ORDERS_QUERY, { id: toGid('Order', orderPlatformId) }, { cost: 1 + 2 + 20 });
    if (!data.order) throw new Error(`Shopify has no order ${orderPlatformId}`);
    const open = data.order.fulfillmentOrders.nodes.filter((fo) => fo.status === 'OPEN' || fo.status === 'IN_PROGRESS');
    if (!open.length) throw new ShopifyUserError('fulfillmentCreate', [{ message: 'The order has no open fulfillment order' }]);
    return open;
  }

  /** Which fulfillment order line items carry the wanted order lines, and how many of each. */
  private async fulfillmentOrderLinesFor(
    orderPlatformId: string,
    lines: NonNullable<FulfillmentPush['lines']>,
  ): Promise<Array<{ fulfillmentOrderId: string; fulfillmentOrderLineItems: Array<{ id: string; quantity: number }> }>> {
    const { data } = await this.client.request<{
      order: {
        fulfillmentOrders: {
          nodes: Array<{
            id: string;
            status: string;
            lineItems: { nodes: Array<{ id: string; remainingQuantity: number; lineItem: { id: string } }> };
          }>;
        };
      } | null;
    }>(FULFILLMENT_ORDER_LINES_QUERY, { id: toGid('Order', orderPlatformId) }, { cost: FULFILLMENT_ORDER_LINES_COST });
    if (!data.order) throw new Error(`Shopify has no order ${orderPlatformId}`);
    const open = data.order.fulfillmentOrders.nodes.filter((fo) => fo.status === 'OPEN' || fo.status === 'IN_PROGRESS');
    const byOrder = new Map<string, Array<{ id: string; quantity: number }>>();
    for (const wanted of lines) {
      let needed = wanted.quantity;
      for (const fo of open) {
        for (const item of fo.lineItems.nodes) {
          if (needed === 0 || numericId(item.lineItem.id) !== wanted.lineItemPlatformId || item.remainingQuantity === 0) continue;
          const quantity = Math.min(needed, item.remainingQuantity);
          needed -= quantity;
          byOrder.set(fo.id, [...(byOrder.get(fo.id) ?? []), { id: item.id, quantity }]);
        }
      }
      if (needed > 0) {
        throw new ShopifyUserError('fulfillmentCreate', [
          {
            message: `Line item ${wanted.lineItemPlatformId} has only ${wanted.quantity - needed} of ${wanted.quantity} left to fulfil`,
          },
        ]);
      }
    }
    return [...byOrder].map(([fulfillmentOrderId, items]) => ({ fulfillmentOrderId, fulfillmentOrderLineItems: items }));
  }

  /** orderOpen / orderClose (Shopify's open and archived orders). */
  async pushOrderStatus(orderPlatformId: string, status: string): Promise<{ status: string }> {
    if (status !== 'open' && status !== 'closed') throw new Error(`Shopify orders cannot be set to ${status} here`);
    const mutation = status === 'open' ? 'orderOpen' : 'orderClose';
    const { data } = await this.client.request<
      Record<string, { order: { closed: boolean } | null; userErrors: UserError[] } | null>
    >(status === 'open' ? ORDER_OPEN : ORDER_CLOSE, { id: toGid('Order', orderPlatformId) }, { cost: 10 });
    const answer = data[mutation];
    if (!answer?.order) throw new ShopifyUserError(mutation, answer?.userErrors ?? []);
    return { status: answer.order.closed ? 'closed' : 'open' };
  }

  /** returnApproveRequest, or returnDeclineRequest. */
  async pushReturnDecision(push: ReturnDecisionPush): Promise<void> {
    if (!push.returnPlatformId) throw new Error('A Shopify return decision needs the return id');
    const id = toGid('Return', push.returnPlatformId);
    const { data } =
      push.decision === 'approve'
        ? await this.client.request<Record<string, { userErrors: UserError[] } | null>>(RETURN_APPROVE, { id }, { cost: 10 })
        : await this.client.request<Record<string, { userErrors: UserError[] } | null>>(
            RETURN_DECLINE,
            { id, reason: 'OTHER', note: push.reason ?? null },
            { cost: 10 },
          );
    const answer = Object.values(data)[0];
    if (answer?.userErrors.length) {
      throw new ShopifyUserError(
        push.decision === 'approve' ? 'returnApproveRequest' : 'returnDeclineRequest',
        answer.userErrors,
      );
    }
  }
}

function nextCursorOf(connection: Connection<unknown>): string | null {
  return connection.pageInfo.hasNextPage && connection.pageInfo.endCursor ? connection.pageInfo.endCursor : null;
}

export function createShopifyConnector(options: ShopifyConnectorOptions): ShopifyConnector {
  return new ShopifyConnector(options);
}
