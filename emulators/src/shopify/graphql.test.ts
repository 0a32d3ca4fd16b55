import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphqlQueryError, Session, type Shopify } from '@shopify/shopify-api';
import { requestWithHost, startShopifyEmulator, type ShopifyEmulator } from './index.ts';
import { shopifyFor } from './test-support.ts';

let emulator: ShopifyEmulator;
let shopify: Shopify;
let shop: string;
let session: Session;

type Json = Record<string, any>;

beforeAll(async () => {
  emulator = await startShopifyEmulator({ seed: 3, shops: 2, ordersPerShop: 1000 });
  shopify = shopifyFor(emulator);
  shop = emulator.shops[0]!.domain;
  const token = emulator.issueAccessToken(shop);
  session = new Session({
    id: `offline_${shop}`,
    shop,
    state: '',
    isOnline: false,
    accessToken: token.access_token,
    scope: token.scope,
  });
});

afterAll(async () => {
  await emulator.close();
});

function client(): InstanceType<Shopify['clients']['Graphql']> {
  return new shopify.clients.Graphql({ session });
}

/** A raw POST, for checking status codes and bodies the library would turn into exceptions. */
async function post(
  body: unknown,
  headers: Record<string, string> = {},
  version = '2026-04',
): Promise<{ status: number; json: Json }> {
  const response = await emulator.fetch(`https://${shop}/admin/api/${version}/graphql.json`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-shopify-access-token': session.accessToken as string, ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Json };
}

const ORDERS_PAGE = /* GraphQL */ `
  query Orders($after: String, $query: String, $sortKey: OrderSortKeys) {
    orders(first: 250, after: $after, query: $query, sortKey: $sortKey) {
      edges {
        cursor
        node {
          id
          legacyResourceId
          name
          updatedAt
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;

describe('the Admin GraphQL API through the library’s client', () => {
  it('pages through 1,000 orders 250 at a time', async () => {
    const ids = new Set<string>();
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const response: Json = await client().request(ORDERS_PAGE, { variables: { after, sortKey: 'UPDATED_AT' } });
      const connection = response.data.orders;
      for (const edge of connection.edges) ids.add(edge.node.id);
      pages++;
      expect(response.extensions.cost.requestedQueryCost).toBe(252);
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
    }
    expect(pages).toBe(4);
    expect(ids.size).toBe(1000);
    const [first] = ids;
    expect(BigInt((first as string).split('/').pop() as string) > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
  });

  it('receives THROTTLED once the bucket is drained on purpose', async () => {
    const drained = await startShopifyEmulator({
      seed: 3,
      ordersPerShop: 300,
      bucket: { maximumAvailable: 1000, restoreRate: 1 },
    });
    try {
      const domain = drained.shops[0]!.domain;
      const library = shopifyFor(drained);
      const token = drained.issueAccessToken(domain);
      const drainedClient = new library.clients.Graphql({
        session: new Session({ id: 'x', shop: domain, state: '', isOnline: false, accessToken: token.access_token }),
      });
      let throttled: GraphqlQueryError | null = null;
      let requests = 0;
      while (!throttled && requests < 10) {
        requests++;
        try {
          await drainedClient.request(ORDERS_PAGE);
        } catch (error) {
          if (error instanceof GraphqlQueryError) throttled = error;
          else throw error;
        }
      }
      expect(requests).toBe(4); // 3 × 252 points fit into 1,000; the 4th does not
      const body = throttled!.body as Json;
      expect(body.errors.graphQLErrors[0]).toMatchObject({ message: 'Throttled', extensions: { code: 'THROTTLED' } });
      expect(body.extensions.cost).toMatchObject({
        requestedQueryCost: 252,
        actualQueryCost: null,
        throttleStatus: { maximumAvailable: 1000, restoreRate: 1 },
      });
      expect(body.extensions.cost.throttleStatus.currentlyAvailable).toBeLessThan(252);
    } finally {
      await drained.close();
      shopify = shopifyFor(emulator); // the library's fetch is global: point it back
    }
  });

  it('also throttles when the control API empties the bucket', async () => {
    // Restore rate 0 while drained, so no point trickles back in before the request lands.
    emulator.control.setBucket(shop, { currentlyAvailable: 0, restoreRate: 0 });
    try {
      const { json } = await post({ query: '{ shop { name } }' });
      expect(json.errors[0].extensions.code).toBe('THROTTLED');
      expect(json.extensions.cost.throttleStatus).toEqual({ maximumAvailable: 2000, currentlyAvailable: 0, restoreRate: 0 });
    } finally {
      emulator.control.setBucket(shop, { currentlyAvailable: 2000, restoreRate: 100 });
    }
    const again = await post({ query: '{ shop { name } }' });
    expect(again.json.data.shop.name).toBe(shop.replace('.myshopify.com', ''));
  });
});

describe('query cost', () => {
  it('charges objects 1, scalars 0, connections 2 + first × node, and refunds what was not returned', async () => {
    const { json } = await post({
      query: `{ shop { name } products(first: 5) { edges { node { id title variants(first: 3) { nodes { id sku } } } } } }`,
    });
    // shop 1 + products 2 + 5 × (1 + variants 2 + 3 × 1)
    expect(json.extensions.cost.requestedQueryCost).toBe(1 + 2 + 5 * (1 + 2 + 3));
    expect(json.extensions.cost.actualQueryCost).toBeLessThanOrEqual(json.extensions.cost.requestedQueryCost);
    expect(json.extensions.cost.throttleStatus).toMatchObject({ maximumAvailable: 2000, restoreRate: 100 });
  });

  it('counts fields reached through fragments and `nodes` the same way', async () => {
    const { json } = await post({
      query: `query { orders(first: 10) { nodes { ...OrderBits } } } fragment OrderBits on Order { id customer { id } lineItems(first: 2) { edges { node { id } } } }`,
    });
    // orders 2 + 10 × (order 1 + customer 1 + lineItems 2 + 2 × 1)
    expect(json.extensions.cost.requestedQueryCost).toBe(2 + 10 * (1 + 1 + 2 + 2));
  });

  it('charges a mutation 10', async () => {
    const { json } = await post({
      query: 'mutation { webhookSubscriptionDelete(id: "gid://shopify/WebhookSubscription/1") { userErrors { message } } }',
    });
    expect(json.extensions.cost.requestedQueryCost).toBe(10);
  });

  it('refuses a query above 1,000 points with MAX_COST_EXCEEDED', async () => {
    const { json } = await post({ query: '{ orders(first: 250) { nodes { id lineItems(first: 10) { nodes { id } } } } }' });
    expect(json.errors[0].extensions).toMatchObject({ code: 'MAX_COST_EXCEEDED', maxCost: 1000 });
  });
});

describe('requests the API refuses', () => {
  it('answers 401 without a valid access token', async () => {
    const { status, json } = await post({ query: '{ shop { name } }' }, { 'x-shopify-access-token': 'shpat_wrong' });
    expect(status).toBe(401);
    expect(json.errors).toMatch(/Invalid API key or access token/);
  });

  it('does not accept one shop’s token on another shop', async () => {
    const response = await emulator.fetch(`https://${emulator.shops[1]!.domain}/admin/api/2026-04/graphql.json`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-shopify-access-token': session.accessToken as string },
      body: JSON.stringify({ query: '{ shop { name } }' }),
    });
    expect(response.status).toBe(401);
  });

  it('validates queries against the schema', async () => {
    const { status, json } = await post({ query: '{ orders(first: 1) { nodes { id totallyMadeUp } } }' });
    expect(status).toBe(200);
    expect(json.errors[0]).toMatchObject({
      message: "Field 'totallyMadeUp' doesn't exist on type 'Order'",
      extensions: { code: 'undefinedField', typeName: 'Order', fieldName: 'totallyMadeUp' },
    });
    expect(json.data).toBeUndefined();
  });

  it('takes a bare query sent as application/graphql', async () => {
    const response = await emulator.fetch(`https://${shop}/admin/api/2026-04/graphql.json`, {
      method: 'POST',
      headers: { 'content-type': 'application/graphql', 'x-shopify-access-token': session.accessToken as string },
      body: '{ shop { myshopifyDomain } }',
    });
    expect(((await response.json()) as Json).data.shop.myshopifyDomain).toBe(shop);
  });

  it('insists on first or last, at most 250', async () => {
    expect((await post({ query: '{ orders { nodes { id } } }' })).json.errors[0].message).toBe(
      'you must provide one of first or last',
    );
    expect((await post({ query: '{ orders(first: 251) { nodes { id } } }' })).json.errors[0].message).toMatch(
      /exceeds the maximum of 250/,
    );
  });
});

describe('access scopes', () => {
  it('denies root fields the token has no scope for, with ACCESS_DENIED', async () => {
    const narrow = emulator.issueAccessToken(shop, { scope: 'write_orders' }).access_token;
    const orders = await post({ query: '{ orders(first: 1) { nodes { id } } }' }, { 'x-shopify-access-token': narrow });
    expect(orders.json.data.orders.nodes).toHaveLength(1); // write_orders implies read_orders
    const row = emulator.control.inventory(shop)[0]!;
    const denied = await post(
      {
        query: `mutation($input: InventoryAdjustQuantitiesInput!) { inventoryAdjustQuantities(input: $input) @idempotent(key: "scope-1") { userErrors { message } } }`,
        variables: {
          input: {
            name: 'available',
            reason: 'correction',
            changes: [{ delta: 1, inventoryItemId: row.inventoryItemId, locationId: row.locationId, changeFromQuantity: null }],
          },
        },
      },
      { 'x-shopify-access-token': narrow },
    );
    expect(denied.json.errors[0]).toMatchObject({
      message: 'Access denied for inventoryAdjustQuantities field. Required access: `write_inventory` access scope.',
      path: ['inventoryAdjustQuantities'],
      extensions: { code: 'ACCESS_DENIED' },
    });
    expect(emulator.control.inventory(shop)[0]!.available).toBe(row.available);
  });
});

describe('telling shops apart', () => {
  it('routes by the Host header alone, as a client that only redirects the connection would', async () => {
    const other = emulator.shops[1]!.domain;
    const token = emulator.issueAccessToken(other);
    const response = await requestWithHost(`${emulator.url}/admin/api/2026-04/graphql.json`, {
      method: 'POST',
      host: other,
      headers: { 'content-type': 'application/json', 'x-shopify-access-token': token.access_token },
      body: JSON.stringify({ query: '{ shop { myshopifyDomain } }' }),
    });
    expect(JSON.parse(response.body).data.shop.myshopifyDomain).toBe(other);
  });

  it('routes by the /shops/{domain} prefix of baseUrl', async () => {
    const response = await fetch(`${emulator.shops[0]!.baseUrl}/admin/api/2026-04/graphql.json`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-shopify-access-token': session.accessToken as string },
      body: JSON.stringify({ query: '{ shop { myshopifyDomain } }' }),
    });
    expect(((await response.json()) as Json).data.shop.myshopifyDomain).toBe(shop);
  });
});

describe('incremental sync queries', () => {
  it('finds orders changed after a checkpoint with updated_at:> and sortKey UPDATED_AT', async () => {
    const before = await client().request(`{ orders(first: 1, reverse: true, sortKey: UPDATED_AT) { nodes { updatedAt } } }`);
    const checkpoint = (before.data as Json).orders.nodes[0].updatedAt as string;
    const changed = emulator.control.updateOrder(shop, await firstOrderId(), { tags: ['synced-test'] });
    const created = emulator.control.createOrder(shop);
    const response = await client().request(ORDERS_PAGE, {
      variables: { query: `updated_at:>'${checkpoint}'`, sortKey: 'UPDATED_AT' },
    });
    const ids = (response.data as Json).orders.edges.map((edge: Json) => edge.node.id);
    expect(ids).toEqual([changed.id, created.id]);
  });

  it('continues after a cursor whose order has changed since the page was read', async () => {
    const query = `query($after: String) { orders(first: 5, after: $after, sortKey: UPDATED_AT) { nodes { id } pageInfo { endCursor } } }`;
    const first = (await client().request(query)).data as Json;
    const original = (await client().request(`{ orders(first: 10, sortKey: UPDATED_AT) { nodes { id } } }`)).data as Json;
    emulator.control.updateOrder(shop, first.orders.nodes[4].id, { note: 'moved to the end of UPDATED_AT order' });
    const next = (await client().request(query, { variables: { after: first.orders.pageInfo.endCursor } })).data as Json;
    expect(next.orders.nodes.map((n: Json) => n.id)).toEqual(original.orders.nodes.slice(5, 10).map((n: Json) => n.id));
  });

  it('walks backwards with last/before', async () => {
    const forward = await client().request(`{ orders(first: 3) { edges { cursor node { name } } } }`);
    const edges = (forward.data as Json).orders.edges;
    const backward = await client().request(
      `query($before: String) { orders(last: 2, before: $before) { nodes { name } pageInfo { hasPreviousPage } } }`,
      {
        variables: { before: edges[2].cursor },
      },
    );
    expect((backward.data as Json).orders.nodes.map((n: Json) => n.name)).toEqual([edges[0].node.name, edges[1].node.name]);
  });
});

async function firstOrderId(): Promise<string> {
  const response = await client().request(`{ orders(first: 1) { nodes { id } } }`);
  return (response.data as Json).orders.nodes[0].id;
}

async function openOrder(): Promise<{ orderId: string; fulfillmentOrderId: string; fulfillmentOrderLineIds: string[] }> {
  const order = emulator.control.createOrder(shop);
  const response = await client().request(
    `query($id: ID!) { order(id: $id) { id fulfillmentOrders(first: 5) { nodes { id status lineItems(first: 10) { nodes { id remainingQuantity } } } } } }`,
    {
      variables: { id: order.id },
    },
  );
  const fo = (response.data as Json).order.fulfillmentOrders.nodes[0];
  expect(fo.status).toBe('OPEN');
  return { orderId: order.id, fulfillmentOrderId: fo.id, fulfillmentOrderLineIds: fo.lineItems.nodes.map((n: Json) => n.id) };
}

describe('fulfillment', () => {
  it('creates a fulfillment with tracking and updates the tracking', async () => {
    const { orderId, fulfillmentOrderId } = await openOrder();
    const created = await client().request(
      `mutation($input: FulfillmentInput!) { fulfillmentCreate(fulfillment: $input) { fulfillment { id status trackingInfo { number company url } } userErrors { field message } } }`,
      {
        variables: {
          input: {
            lineItemsByFulfillmentOrder: [{ fulfillmentOrderId }],
            trackingInfo: { number: '1ZTEST', company: 'UPS', url: 'https://track.example.com/1ZTEST' },
            notifyCustomer: false,
          },
        },
      },
    );
    const payload = (created.data as Json).fulfillmentCreate;
    expect(payload.userErrors).toEqual([]);
    expect(payload.fulfillment.trackingInfo).toEqual([
      { number: '1ZTEST', company: 'UPS', url: 'https://track.example.com/1ZTEST' },
    ]);
    const updated = await client().request(
      `mutation($id: ID!) { fulfillmentTrackingInfoUpdate(fulfillmentId: $id, trackingInfoInput: { number: "1ZNEW", company: "DHL Express" }) { fulfillment { trackingInfo { number company } } userErrors { message } } }`,
      { variables: { id: payload.fulfillment.id } },
    );
    expect((updated.data as Json).fulfillmentTrackingInfoUpdate.fulfillment.trackingInfo[0]).toEqual({
      number: '1ZNEW',
      company: 'DHL Express',
    });
    const order = await client().request(
      `query($id: ID!) { order(id: $id) { displayFulfillmentStatus fulfillmentOrders(first: 1) { nodes { status } } } }`,
      { variables: { id: orderId } },
    );
    expect((order.data as Json).order).toEqual({
      displayFulfillmentStatus: 'FULFILLED',
      fulfillmentOrders: { nodes: [{ status: 'CLOSED' }] },
    });
  });

  it('refuses to fulfil a closed fulfillment order with a user error', async () => {
    const { fulfillmentOrderId } = await openOrder();
    const mutation = `mutation($id: ID!) { fulfillmentCreate(fulfillment: { lineItemsByFulfillmentOrder: [{ fulfillmentOrderId: $id }] }) { fulfillment { id } userErrors { field message } } }`;
    await client().request(mutation, { variables: { id: fulfillmentOrderId } });
    const again = await client().request(mutation, { variables: { id: fulfillmentOrderId } });
    expect((again.data as Json).fulfillmentCreate.fulfillment).toBeNull();
    expect((again.data as Json).fulfillmentCreate.userErrors[0].message).toMatch(/unfulfillable status/);
  });
});

describe('returns', () => {
  it('requests a return, approves it, and creates one directly', async () => {
    const order = emulator.control.createOrder(shop);
    emulator.control.fulfillOrder(shop, order.id, { number: 'T1', company: 'UPS' });
    const lookup = await client().request(
      `query($id: ID!) { order(id: $id) { fulfillments { fulfillmentLineItems(first: 5) { nodes { id quantity } } } } }`,
      { variables: { id: order.id } },
    );
    const lines = (lookup.data as Json).order.fulfillments[0].fulfillmentLineItems.nodes;
    const requested = await client().request(
      `mutation($input: ReturnRequestInput!) { returnRequest(input: $input) { return { id status totalQuantity } userErrors { field message code } } }`,
      {
        variables: {
          input: {
            orderId: order.id,
            returnLineItems: [{ fulfillmentLineItemId: lines[0].id, quantity: 1, returnReason: 'SIZE_TOO_SMALL' }],
          },
        },
      },
    );
    const ret = (requested.data as Json).returnRequest.return;
    expect(ret).toMatchObject({ status: 'REQUESTED', totalQuantity: 1 });
    const approved = await client().request(
      `mutation($id: ID!) { returnApproveRequest(input: { id: $id }) { return { status } userErrors { message } } }`,
      { variables: { id: ret.id } },
    );
    expect((approved.data as Json).returnApproveRequest.return.status).toBe('OPEN');
    const direct = await client().request(
      `mutation($input: ReturnInput!) { returnCreate(returnInput: $input) { return { status order { id } } userErrors { message } } }`,
      {
        variables: {
          input: {
            orderId: order.id,
            returnLineItems: [{ fulfillmentLineItemId: lines[lines.length - 1].id, quantity: 1, returnReason: 'DEFECTIVE' }],
          },
        },
      },
    );
    expect((direct.data as Json).returnCreate.userErrors).toEqual([]);
    expect((direct.data as Json).returnCreate.return).toEqual({ status: 'OPEN', order: { id: order.id } });
  });
});

describe('inventory mutations', () => {
  const ADJUST = /* GraphQL */ `
    mutation Adjust($input: InventoryAdjustQuantitiesInput!, $key: String!) {
      inventoryAdjustQuantities(input: $input) @idempotent(key: $key) {
        inventoryAdjustmentGroup {
          reason
          changes {
            name
            delta
            quantityAfterChange
          }
        }
        userErrors {
          field
          message
          code
        }
      }
    }
  `;

  function stockRow() {
    return emulator.control.inventory(shop)[0]!;
  }

  it('applies an adjustment with a matching changeFromQuantity once per idempotency key', async () => {
    const row = stockRow();
    const input = {
      name: 'available',
      reason: 'correction',
      referenceDocumentUri: 'dockhand://requests/1',
      changes: [
        { delta: 5, inventoryItemId: row.inventoryItemId, locationId: row.locationId, changeFromQuantity: row.available },
      ],
    };
    const first = await client().request(ADJUST, { variables: { input, key: 'request-1' } });
    const second = await client().request(ADJUST, { variables: { input, key: 'request-1' } });
    expect((first.data as Json).inventoryAdjustQuantities.inventoryAdjustmentGroup.changes[0]).toEqual({
      name: 'available',
      delta: 5,
      quantityAfterChange: row.available + 5,
    });
    expect(second.data).toEqual(first.data);
    expect(stockRow().available).toBe(row.available + 5);
  });

  it('reports CHANGE_FROM_QUANTITY_STALE when the stock moved meanwhile, changing nothing', async () => {
    const row = stockRow();
    const input = {
      name: 'available',
      reason: 'correction',
      changes: [
        { delta: -1, inventoryItemId: row.inventoryItemId, locationId: row.locationId, changeFromQuantity: row.available + 100 },
      ],
    };
    const response = await client().request(ADJUST, { variables: { input, key: 'stale-1' } });
    expect((response.data as Json).inventoryAdjustQuantities.userErrors[0]).toMatchObject({
      code: 'CHANGE_FROM_QUANTITY_STALE',
      field: ['input', 'changes', '0', 'changeFromQuantity'],
    });
    expect(stockRow().available).toBe(row.available);
  });

  it('requires @idempotent and changeFromQuantity from 2026-04', async () => {
    const row = stockRow();
    const noDirective = await post({
      query: `mutation($input: InventoryAdjustQuantitiesInput!) { inventoryAdjustQuantities(input: $input) { userErrors { message } } }`,
      variables: {
        input: {
          name: 'available',
          reason: 'correction',
          changes: [
            { delta: 1, inventoryItemId: row.inventoryItemId, locationId: row.locationId, changeFromQuantity: row.available },
          ],
        },
      },
    });
    expect(noDirective.json.errors[0].message).toMatch(/@idempotent directive is required/);
    const noCompare = await post({
      query: ADJUST,
      variables: {
        key: 'k-no-compare',
        input: {
          name: 'available',
          reason: 'correction',
          changes: [{ delta: 1, inventoryItemId: row.inventoryItemId, locationId: row.locationId }],
        },
      },
    });
    expect(noCompare.json.errors[0].message).toMatch(/changeFromQuantity is required/);
    expect(stockRow().available).toBe(row.available);
  });

  it('sets absolute quantities with inventorySetQuantities', async () => {
    const row = stockRow();
    const response = await client().request(
      `mutation($input: InventorySetQuantitiesInput!) { inventorySetQuantities(input: $input) @idempotent(key: "set-1") { inventoryAdjustmentGroup { changes { delta quantityAfterChange } } userErrors { code message } } }`,
      {
        variables: {
          input: {
            name: 'available',
            reason: 'cycle_count_available',
            quantities: [
              {
                inventoryItemId: row.inventoryItemId,
                locationId: row.locationId,
                quantity: 42,
                changeFromQuantity: row.available,
              },
            ],
          },
        },
      },
    );
    expect((response.data as Json).inventorySetQuantities.inventoryAdjustmentGroup.changes[0]).toEqual({
      delta: 42 - row.available,
      quantityAfterChange: 42,
    });
    const level = await client().request(
      `query($id: ID!, $loc: ID!) { inventoryItem(id: $id) { sku inventoryLevel(locationId: $loc) { quantities(names: ["available"]) { name quantity } } } }`,
      {
        variables: { id: row.inventoryItemId, loc: row.locationId },
      },
    );
    expect((level.data as Json).inventoryItem.inventoryLevel.quantities).toEqual([{ name: 'available', quantity: 42 }]);
  });
});

describe('catalog queries', () => {
  it('serves products, variants, inventory items, levels and locations', async () => {
    const response = await client().request(`{
      locations(first: 5) { nodes { id name } }
      products(first: 2) { nodes { id title totalInventory variants(first: 3) { nodes { id sku price inventoryItem { id inventoryLevels(first: 5) { nodes { location { id } quantities(names: ["available"]) { quantity } } } } } } } }
    }`);
    const data = response.data as Json;
    expect(data.locations.nodes).toHaveLength(2);
    const variant = data.products.nodes[0].variants.nodes[0];
    expect(variant.inventoryItem.inventoryLevels.nodes).toHaveLength(2);
    expect(variant.price).toMatch(/^\d+\.\d{2}$/);
  });
});

describe('webhook subscriptions through GraphQL', () => {
  it('creates, lists and deletes a subscription', async () => {
    const created = await client().request(
      `mutation { webhookSubscriptionCreate(topic: ORDERS_CREATE, webhookSubscription: { uri: "https://hooks.example.test/orders", format: JSON }) { webhookSubscription { id topic uri } userErrors { message } } }`,
    );
    const subscription = (created.data as Json).webhookSubscriptionCreate.webhookSubscription;
    expect(subscription).toMatchObject({ topic: 'ORDERS_CREATE', uri: 'https://hooks.example.test/orders' });
    const duplicate = await client().request(
      `mutation { webhookSubscriptionCreate(topic: ORDERS_CREATE, webhookSubscription: { uri: "https://hooks.example.test/orders" }) { webhookSubscription { id } userErrors { message } } }`,
    );
    expect((duplicate.data as Json).webhookSubscriptionCreate.userErrors[0].message).toBe(
      'Address for this topic has already been taken',
    );
    const listed = await client().request(`{ webhookSubscriptions(first: 10) { nodes { id } } }`);
    expect((listed.data as Json).webhookSubscriptions.nodes.map((n: Json) => n.id)).toContain(subscription.id);
    const deleted = await client().request(
      `mutation($id: ID!) { webhookSubscriptionDelete(id: $id) { deletedWebhookSubscriptionId userErrors { message } } }`,
      { variables: { id: subscription.id } },
    );
    expect((deleted.data as Json).webhookSubscriptionDelete.deletedWebhookSubscriptionId).toBe(subscription.id);
  });
});
