import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Session, type Shopify } from '@shopify/shopify-api';
import { startShopifyEmulator, type ShopifyEmulator } from './index.ts';
import { shopifyFor, startReceiver, type Receiver } from './test-support.ts';

let emulator: ShopifyEmulator;
let shopify: Shopify;
let shop: string;
let session: Session;
let receiver: Receiver;

type Json = Record<string, any>;

beforeAll(async () => {
  emulator = await startShopifyEmulator({ seed: 29, shops: 1, ordersPerShop: 3 });
  shopify = shopifyFor(emulator, { scopes: ['read_orders', 'write_orders'] });
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
  receiver = await startReceiver(emulator.apiSecret);
  emulator.webhooks.subscribe({ topic: 'orders/updated', uri: receiver.url, shop });
});
afterAll(async () => {
  await receiver.close();
  await emulator.close();
});

const CLOSE = `mutation($id: ID!) { orderClose(input: { id: $id }) { order { id closed closedAt } userErrors { field message } } }`;
const OPEN = `mutation($id: ID!) { orderOpen(input: { id: $id }) { order { id closed closedAt } userErrors { field message } } }`;

describe('orderClose and orderOpen, through the official client', () => {
  it('archives and reopens an order, each an orders/updated', async () => {
    const client = new shopify.clients.Graphql({ session });
    const order = emulator.control.createOrder(shop);
    const closed = ((await client.request(CLOSE, { variables: { id: order.id } })).data as Json).orderClose;
    expect(closed.userErrors).toEqual([]);
    expect(closed.order).toMatchObject({ id: order.id, closed: true });
    expect(closed.order.closedAt).not.toBeNull();
    const [webhook] = await receiver.waitForCount(1);
    expect(webhook!.headers['x-shopify-topic']).toBe('orders/updated');
    expect(JSON.parse(webhook!.rawBody.toString()).closed_at).not.toBeNull();

    const opened = ((await client.request(OPEN, { variables: { id: order.id } })).data as Json).orderOpen;
    expect(opened.order).toMatchObject({ closed: false, closedAt: null });
    await receiver.waitForCount(2);
  });

  it('answers a user error for an order that does not exist', async () => {
    const client = new shopify.clients.Graphql({ session });
    const answer = ((await client.request(CLOSE, { variables: { id: 'gid://shopify/Order/1' } })).data as Json).orderClose;
    expect(answer.order).toBeNull();
    expect(answer.userErrors).toEqual([{ field: ['id'], message: 'Order does not exist' }]);
  });
});
