import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startShopifyEmulator, type ShopifyEmulator } from './index.ts';

let first: ShopifyEmulator;
let second: ShopifyEmulator;
let other: ShopifyEmulator;

beforeAll(async () => {
  [first, second, other] = await Promise.all([
    startShopifyEmulator({ seed: 7, shops: 2, ordersPerShop: 5000 }),
    startShopifyEmulator({ seed: 7, shops: 2, ordersPerShop: 5000 }),
    startShopifyEmulator({ seed: 8, shops: 2, ordersPerShop: 5000 }),
  ]);
});

afterAll(async () => {
  await Promise.all([first.close(), second.close(), other.close()]);
});

async function page(emulator: ShopifyEmulator, shop: string, after: string | null): Promise<{ text: string; endCursor: string }> {
  const token = emulator.issueAccessToken(shop).access_token;
  const response = await emulator.fetch(`https://${shop}/admin/api/2026-04/graphql.json`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-shopify-access-token': token },
    body: JSON.stringify({
      query: `query($after: String) { orders(first: 50, after: $after) { edges { cursor node { id name email createdAt updatedAt totalPriceSet { shopMoney { amount currencyCode } } lineItems(first: 5) { nodes { id sku quantity } } } } pageInfo { endCursor } } }`,
      variables: { after },
    }),
  });
  const json = (await response.json()) as { data: { orders: { pageInfo: { endCursor: string } } } };
  return { text: JSON.stringify(json.data), endCursor: json.data.orders.pageInfo.endCursor };
}

describe('when two emulators start with the same seed', () => {
  it('derive the same app credentials and shops', () => {
    expect([first.apiKey, first.apiSecret]).toEqual([second.apiKey, second.apiSecret]);
    expect(first.shops.map((s) => [s.domain, s.id, s.locations])).toEqual(second.shops.map((s) => [s.domain, s.id, s.locations]));
  });

  it('hold byte-identical stores', () => {
    for (const { domain } of first.shops) {
      const a = first.control.snapshot(domain, { orders: 5000 });
      const b = second.control.snapshot(domain, { orders: 5000 });
      expect(a.length).toBeGreaterThan(100_000);
      expect(a === b).toBe(true);
    }
  });

  it('serve byte-identical API pages, deep into the store', async () => {
    const shop = first.shops[1]!.domain;
    let cursorA: string | null = null;
    let cursorB: string | null = null;
    for (let i = 0; i < 3; i++) {
      const a = await page(first, shop, cursorA);
      const b = await page(second, shop, cursorB);
      expect(a.text).toBe(b.text);
      cursorA = a.endCursor;
      cursorB = b.endCursor;
    }
  });

  it('differ from a store with another seed', () => {
    const shop = first.shops[0]!.domain;
    expect(first.apiKey).not.toBe(other.apiKey);
    expect(first.control.snapshot(shop, { orders: 50 })).not.toBe(other.control.snapshot(shop, { orders: 50 }));
  });
});
