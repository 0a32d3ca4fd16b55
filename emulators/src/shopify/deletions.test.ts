import { GraphqlQueryError, Session, type Shopify } from '@shopify/shopify-api';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startShopifyEmulator } from './emulator.ts';
import { shopifyFor, startReceiver, type Receiver } from './test-support.ts';
import type { ShopifyEmulator } from './types.ts';

/**
 * orderDelete, productDelete and customerDelete, and the ORDERS_DELETE, PRODUCTS_DELETE and
 * CUSTOMERS_DELETE subscriptions, driven through the official client as Shopify documents
 * them: the mutations' payloads and scopes, and `{id}` bodies on the delete topics.
 */

let emulator: ShopifyEmulator;
let shopify: Shopify;
let shop: string;
let receiver: Receiver | undefined;

const ALL_SCOPES = 'read_orders,write_orders,read_products,write_products,read_customers,write_customers';

beforeAll(async () => {
  emulator = await startShopifyEmulator({ seed: 93, shops: 1, ordersPerShop: 20 });
  shopify = shopifyFor(emulator);
  shop = emulator.shops[0]!.domain;
});

afterEach(async () => {
  await emulator.webhooks.idle();
  for (const subscription of emulator.webhooks.subscriptions(shop)) emulator.webhooks.unsubscribe(subscription.id);
  await receiver?.close();
  receiver = undefined;
});

afterAll(async () => {
  await emulator?.close();
});

function client(scope = ALL_SCOPES) {
  const accessToken = emulator.issueAccessToken(shop, { scope }).access_token;
  return new shopify.clients.Graphql({
    session: new Session({ id: `offline_${shop}`, shop, state: '', isOnline: false, accessToken }),
  });
}

async function errorsOf(run: Promise<unknown>): Promise<Array<Record<string, any>>> {
  const error = await run.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(GraphqlQueryError);
  return (error as GraphqlQueryError).body!['errors']['graphQLErrors'];
}

const SUBSCRIBE = `mutation($topic: WebhookSubscriptionTopic!, $uri: String!) {
  webhookSubscriptionCreate(topic: $topic, webhookSubscription: { uri: $uri, format: JSON }) {
    webhookSubscription { id topic } userErrors { field message }
  }
}`;

/** A receiver subscribed, through the API, to the three delete topics. */
async function subscribeToDeletes(): Promise<Receiver> {
  receiver = await startReceiver(emulator.apiSecret);
  for (const topic of ['ORDERS_DELETE', 'PRODUCTS_DELETE', 'CUSTOMERS_DELETE']) {
    const answer = await client().request<{ webhookSubscriptionCreate: { webhookSubscription: { topic: string } | null } }>(
      SUBSCRIBE,
      { variables: { topic, uri: receiver.url } },
    );
    expect(answer.data!.webhookSubscriptionCreate.webhookSubscription).toEqual({ id: expect.any(String), topic });
  }
  return receiver;
}

/** The webhook of `topic`, checked with the official library, and its raw body. */
async function deliveredBody(topic: string): Promise<string> {
  await emulator.webhooks.idle();
  const hook = receiver!.received.find((candidate) => candidate.headers['x-shopify-topic'] === topic);
  expect(hook, `no ${topic} delivery`).toBeDefined();
  expect(hook!.signatureValid).toBe(true);
  return hook!.rawBody.toString('utf8');
}

describe('the delete topics', () => {
  it('need the resource’s read scope to subscribe, as every topic does', async () => {
    const errors = await errorsOf(
      client('read_orders,read_products').request(SUBSCRIBE, {
        variables: { topic: 'CUSTOMERS_DELETE', uri: 'https://app.example.test/webhooks' },
      }),
    );
    expect(errors[0]).toMatchObject({ extensions: { code: 'ACCESS_DENIED' } });
    expect(errors[0]!['message']).toContain('`read_customers`');
  });
});

describe('orderDelete', () => {
  it('needs write_orders', async () => {
    const errors = await errorsOf(
      client('read_orders').request('mutation { orderDelete(orderId: "gid://shopify/Order/1") { deletedId } }'),
    );
    expect(errors[0]).toMatchObject({ extensions: { code: 'ACCESS_DENIED' } });
  });

  it('deletes the order for good and sends orders/delete with its id only', async () => {
    await subscribeToDeletes();
    const list = await client().request<{ orders: { nodes: Array<{ id: string }> } }>(
      '{ orders(first: 3, sortKey: ID) { nodes { id } } }',
    );
    const [first, second, third] = list.data!.orders.nodes.map((node) => node.id);
    const answer = await client().request<{ orderDelete: { deletedId: string | null; userErrors: unknown[] } }>(
      `mutation($id: ID!) { orderDelete(orderId: $id) { deletedId userErrors { field message code } } }`,
      { variables: { id: second } },
    );
    expect(answer.data!.orderDelete).toEqual({ deletedId: second, userErrors: [] });

    const after = await client().request<{ order: unknown; orders: { nodes: Array<{ id: string }> } }>(
      `query($id: ID!) { order(id: $id) { id } orders(first: 2, sortKey: ID) { nodes { id } } }`,
      { variables: { id: second } },
    );
    expect(after.data).toEqual({ order: null, orders: { nodes: [{ id: first }, { id: third }] } });
    expect(await deliveredBody('orders/delete')).toBe(`{"id":${second!.split('/').pop()}}`);

    const again = await client().request<{ orderDelete: { deletedId: string | null; userErrors: unknown[] } }>(
      `mutation($id: ID!) { orderDelete(orderId: $id) { deletedId userErrors { field message code } } }`,
      { variables: { id: second } },
    );
    expect(again.data!.orderDelete).toEqual({
      deletedId: null,
      userErrors: [{ field: ['orderId'], message: expect.any(String), code: 'NOT_FOUND' }],
    });
  });

  it('keeps a cursor taken before the deletion valid', async () => {
    const page = await client().request<{ orders: { nodes: Array<{ id: string }>; pageInfo: { endCursor: string } } }>(
      '{ orders(first: 4, sortKey: ID) { nodes { id } pageInfo { endCursor } } }',
    );
    const nodes = page.data!.orders.nodes;
    emulator.control.deleteOrder(shop, nodes[3]!.id);
    const next = await client().request<{ orders: { nodes: Array<{ id: string }> } }>(
      `query($after: String) { orders(first: 1, after: $after, sortKey: ID) { nodes { id } } }`,
      { variables: { after: page.data!.orders.pageInfo.endCursor } },
    );
    expect(BigInt(next.data!.orders.nodes[0]!.id.split('/').pop()!)).toBeGreaterThan(BigInt(nodes[3]!.id.split('/').pop()!));
  });
});

describe('productDelete', () => {
  it('deletes the product with its variants, answers Shopify’s payload and sends products/delete', async () => {
    await subscribeToDeletes();
    const list = await client().request<{
      products: { nodes: Array<{ id: string; variants: { nodes: Array<{ id: string }> } }> };
    }>('{ products(first: 1) { nodes { id variants(first: 5) { nodes { id } } } } }');
    const product = list.data!.products.nodes[0]!;
    const answer = await client().request<{
      productDelete: { deletedProductId: string | null; shop: { id: string }; userErrors: unknown[] };
    }>(
      `mutation($input: ProductDeleteInput!) { productDelete(input: $input) { deletedProductId shop { id } userErrors { field message } } }`,
      { variables: { input: { id: product.id } } },
    );
    expect(answer.data!.productDelete).toEqual({
      deletedProductId: product.id,
      shop: { id: expect.any(String) },
      userErrors: [],
    });
    const gone = await client().request<{ product: unknown; productVariant: unknown }>(
      `query($id: ID!, $variant: ID!) { product(id: $id) { id } productVariant(id: $variant) { id } }`,
      { variables: { id: product.id, variant: product.variants.nodes[0]!.id } },
    );
    expect(gone.data).toEqual({ product: null, productVariant: null });
    expect(await deliveredBody('products/delete')).toBe(`{"id":${product.id.split('/').pop()}}`);

    const unknown = await client().request<{ productDelete: { deletedProductId: string | null; userErrors: unknown[] } }>(
      `mutation { productDelete(input: { id: "${product.id}" }) { deletedProductId userErrors { field message } } }`,
    );
    expect(unknown.data!.productDelete).toEqual({
      deletedProductId: null,
      userErrors: [{ field: ['id'], message: 'Product does not exist' }],
    });
  });

  it('keeps a cursor taken before the deletion valid', async () => {
    const page = await client().request<{ products: { nodes: Array<{ id: string }>; pageInfo: { endCursor: string } } }>(
      '{ products(first: 3, sortKey: ID) { nodes { id } pageInfo { endCursor } } }',
    );
    const nodes = page.data!.products.nodes;
    emulator.control.deleteProduct(shop, nodes[2]!.id);
    const next = await client().request<{ products: { nodes: Array<{ id: string }> } }>(
      `query($after: String) { products(first: 1, after: $after, sortKey: ID) { nodes { id } } }`,
      { variables: { after: page.data!.products.pageInfo.endCursor } },
    );
    const number = (gid: string) => BigInt(gid.split('/').pop()!);
    expect(number(next.data!.products.nodes[0]!.id)).toBeGreaterThan(number(nodes[2]!.id));
  });

  it('refuses a malformed id before running, as for any ID argument', async () => {
    const errors = await errorsOf(client().request('mutation { productDelete(input: { id: "42" }) { deletedProductId } }'));
    expect(errors[0]).toMatchObject({ message: 'Invalid global id `42`' });
  });
});

describe('customerDelete', () => {
  it('needs write_customers', async () => {
    const errors = await errorsOf(
      client('read_customers').request(
        'mutation { customerDelete(input: { id: "gid://shopify/Customer/1" }) { deletedCustomerId } }',
      ),
    );
    expect(errors[0]).toMatchObject({ extensions: { code: 'ACCESS_DENIED' } });
  });

  it('deletes a customer without orders, refuses one with orders, and sends customers/delete', async () => {
    await subscribeToDeletes();
    const ordered = await client().request<{ orders: { nodes: Array<{ customer: { id: string } }> } }>(
      '{ orders(first: 250) { nodes { customer { id } } } }',
    );
    const buyers = new Set(ordered.data!.orders.nodes.map((node) => node.customer.id));
    const buyer = [...buyers][0]!;
    const refused = await client().request<{ customerDelete: { deletedCustomerId: string | null; userErrors: unknown[] } }>(
      `mutation($id: ID!) { customerDelete(input: { id: $id }) { deletedCustomerId userErrors { field message } } }`,
      { variables: { id: buyer } },
    );
    expect(refused.data!.customerDelete).toEqual({
      deletedCustomerId: null,
      userErrors: [{ field: ['id'], message: expect.stringContaining('orders') }],
    });

    // 500 customers and 20 orders: most have bought nothing.
    const customers = await client().request<{ customers: { nodes: Array<{ id: string }> } }>(
      '{ customers(first: 50, sortKey: ID) { nodes { id } } }',
    );
    const idle = customers.data!.customers.nodes.map((node) => node.id).find((id) => !buyers.has(id))!;
    const answer = await client().request<{ customerDelete: { deletedCustomerId: string | null; userErrors: unknown[] } }>(
      `mutation($id: ID!) { customerDelete(input: { id: $id }) { deletedCustomerId shop { id } userErrors { field message } } }`,
      { variables: { id: idle } },
    );
    expect(answer.data!.customerDelete).toMatchObject({ deletedCustomerId: idle, userErrors: [] });
    const gone = await client().request<{ customer: unknown }>(`query($id: ID!) { customer(id: $id) { id } }`, {
      variables: { id: idle },
    });
    expect(gone.data).toEqual({ customer: null });
    expect(await deliveredBody('customers/delete')).toBe(`{"id":${idle.split('/').pop()}}`);
  });
});
