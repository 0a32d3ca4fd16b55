import {
  ApiVersion,
  GraphqlQueryError,
  HttpResponseError,
  RequestedTokenType,
  Session,
  type Shopify,
} from '@shopify/shopify-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startShopifyEmulator } from './emulator.ts';
import { shopifyFor } from './test-support.ts';
import type { ShopifyEmulator } from './types.ts';

/** Where the emulator used to forgive what Shopify refuses: each driven through the official client. */

let emulator: ShopifyEmulator;
let shopify: Shopify;
let shop: string;

beforeAll(async () => {
  emulator = await startShopifyEmulator({ seed: 91, shops: 1, ordersPerShop: 3 });
  shopify = shopifyFor(emulator);
  shop = emulator.shops[0]!.domain;
});

afterAll(async () => {
  await emulator?.close();
});

const sessionWith = (accessToken: string) =>
  new Session({ id: `offline_${shop}`, shop, state: '', isOnline: false, accessToken });

function client(options: { scope?: string; apiVersion?: ApiVersion } = {}) {
  const token = emulator.issueAccessToken(shop, options.scope ? { scope: options.scope } : {}).access_token;
  return new shopify.clients.Graphql({
    session: sessionWith(token),
    ...(options.apiVersion ? { apiVersion: options.apiVersion } : {}),
  });
}

/** The GraphQL errors Shopify answered, through the library's GraphqlQueryError. */
async function errorsOf(run: Promise<unknown>): Promise<Array<Record<string, any>>> {
  const error = await run.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(GraphqlQueryError);
  return (error as GraphqlQueryError).body!['errors']['graphQLErrors'];
}

const versionHeader = (headers: Record<string, string | string[]>) => {
  const entry = Object.entries(headers).find(([key]) => key.toLowerCase() === 'x-shopify-api-version')?.[1];
  return Array.isArray(entry) ? entry[0] : entry;
};

describe('API versions', () => {
  it('serves a supported version as asked and says so in X-Shopify-API-Version', async () => {
    const answer = await client({ apiVersion: ApiVersion.July26 }).request('{ shop { id } }');
    expect(versionHeader(answer.headers as Record<string, string[]>)).toBe('2026-07');
  });

  it('falls a retired version forward to the oldest supported one, and the header reports it', async () => {
    const answer = await client({ apiVersion: ApiVersion.October24 }).request('{ shop { id } }');
    expect(answer.data).toMatchObject({ shop: { id: expect.any(String) } });
    expect(versionHeader(answer.headers as Record<string, string[]>)).toBe('2025-10');
  });
});

describe('access scopes', () => {
  it('refuses an ORDERS_CREATE subscription to a token without read_orders', async () => {
    const errors = await errorsOf(
      client({ scope: 'read_products' }).request(
        `mutation { webhookSubscriptionCreate(topic: ORDERS_CREATE, webhookSubscription: { uri: "https://app.example.test/w" }) { webhookSubscription { id } userErrors { message } } }`,
      ),
    );
    expect(errors[0]).toMatchObject({ extensions: { code: 'ACCESS_DENIED' } });
  });

  it('checks nested fields too: an order’s customer needs read_customers', async () => {
    const errors = await errorsOf(
      client({ scope: 'read_orders' }).request('{ orders(first: 1) { nodes { id customer { id } } } }'),
    );
    expect(errors[0]).toMatchObject({
      message: 'Access denied for customer field. Required access: `read_customers` access scope.',
      extensions: { code: 'ACCESS_DENIED' },
    });
  });
});

describe('the customers root query', () => {
  it('lists customers changed since a checkpoint, sorted by UPDATED_AT', async () => {
    const answer = await client().request<{ customers: { nodes: Array<{ id: string; updatedAt: string }> } }>(
      `query($q: String) { customers(first: 5, query: $q, sortKey: UPDATED_AT) { nodes { id email updatedAt } } }`,
      { variables: { q: "updated_at:>='2000-01-01T00:00:00Z'" } },
    );
    const nodes = answer.data!.customers.nodes;
    expect(nodes).toHaveLength(5);
    expect(nodes[0]!.id).toMatch(/^gid:\/\/shopify\/Customer\/\d+$/);
    expect([...nodes].sort((a, b) => a.updatedAt.localeCompare(b.updatedAt))).toEqual(nodes);
  });
});

describe('global ids', () => {
  it('answers a malformed id with Shopify’s invalid-id error, a well-formed unknown one with null', async () => {
    const errors = await errorsOf(client().request('{ order(id: "12345") { id } }'));
    expect(errors[0]).toMatchObject({ message: 'Invalid global id `12345`' });
    const unknown = await client().request('{ order(id: "gid://shopify/Order/1") { id } }');
    expect(unknown.data).toEqual({ order: null });
  });
});

describe('webhook addresses', () => {
  it('takes Google Pub/Sub and Amazon EventBridge addresses', async () => {
    for (const uri of [
      'pubsub://dockhand-project:shopify-orders',
      'arn:aws:events:us-east-1::event-source/aws.partner/shopify.com/1234567/dockhand',
    ]) {
      const answer = await client().request<{
        webhookSubscriptionCreate: { webhookSubscription: { id: string } | null; userErrors: unknown[] };
      }>(
        `mutation($uri: String!) { webhookSubscriptionCreate(topic: PRODUCTS_UPDATE, webhookSubscription: { uri: $uri }) { webhookSubscription { id } userErrors { message } } }`,
        { variables: { uri } },
      );
      expect(answer.data!.webhookSubscriptionCreate.userErrors).toEqual([]);
      expect(answer.data!.webhookSubscriptionCreate.webhookSubscription?.id).toMatch(/WebhookSubscription/);
    }
  });
});

describe('Shopify’s texts for common GraphQL errors', () => {
  it('words a parse error as graphql-ruby does', async () => {
    const errors = await errorsOf(client().request('{ shop { id }'));
    expect(errors[0]!['message']).toBe('syntax error, unexpected end of file at [1, 14]');
  });

  it('words a missing required variable as Shopify does', async () => {
    const errors = await errorsOf(client().request('query($id: ID!) { order(id: $id) { id } }'));
    expect(errors[0]).toMatchObject({
      message: 'Variable $id of type ID! was provided invalid value',
      extensions: { value: null, problems: [{ path: [], explanation: 'Expected value to not be null' }] },
    });
  });

  it('words an undefined field with the undefinedField code', async () => {
    const errors = await errorsOf(client().request('{ shop { nope } }'));
    expect(errors[0]).toMatchObject({
      message: "Field 'nope' doesn't exist on type 'Shop'",
      extensions: { code: 'undefinedField', typeName: 'Shop', fieldName: 'nope' },
    });
  });
});

describe('migrateToExpiringToken', () => {
  it('trades a non-expiring offline token for an expiring one with a refresh token; the old token stops working', async () => {
    const old = emulator.issueAccessToken(shop).access_token;
    const { session } = await shopify.auth.migrateToExpiringToken({ shop, nonExpiringOfflineAccessToken: old });
    expect(session.accessToken).toMatch(/^shpat_/);
    expect(session.expires!.getTime()).toBeGreaterThan(Date.now());
    expect(session.refreshToken).toMatch(/^shprt_/);
    const stale = new shopify.clients.Graphql({ session: sessionWith(old) }).request('{ shop { id } }');
    await expect(stale).rejects.toBeInstanceOf(HttpResponseError);
    const fresh = await new shopify.clients.Graphql({ session }).request('{ shop { id } }');
    expect(fresh.data).toBeTruthy();
  });
});

describe('token exchange scopes', () => {
  it('grants what the shop granted the app at install, not the emulator’s defaults', async () => {
    const url = new URL(`https://${shop}/admin/oauth/authorize`);
    url.search = new URLSearchParams({
      client_id: emulator.apiKey,
      scope: 'read_products',
      redirect_uri: 'https://app.example.test/auth/callback',
      state: 'x',
    }).toString();
    const approved = await emulator.fetch(url);
    const code = new URL(approved.headers.get('location')!).searchParams.get('code')!;
    const installed = await emulator.fetch(`https://${shop}/admin/oauth/access_token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: emulator.apiKey, client_secret: emulator.apiSecret, code }),
    });
    expect(installed.status).toBe(200);
    const { session } = await shopify.auth.tokenExchange({
      shop,
      sessionToken: emulator.mintSessionToken(shop),
      requestedTokenType: RequestedTokenType.OfflineAccessToken,
    });
    expect(session.scope).toBe('read_products');
  });
});

describe('the authorize step', () => {
  it('refuses a scope Shopify does not define', async () => {
    const url = new URL(`https://${shop}/admin/oauth/authorize`);
    url.search = new URLSearchParams({
      client_id: emulator.apiKey,
      scope: 'read_orders,read_everything',
      redirect_uri: 'https://app.example.test/auth/callback',
      state: 'x',
    }).toString();
    const answer = await emulator.fetch(url);
    expect(answer.status).toBe(400);
    expect(await answer.text()).toContain('Scope undefined: read_everything');
  });

  it('refuses a redirect_uri that is not http(s)', async () => {
    const url = new URL(`https://${shop}/admin/oauth/authorize`);
    url.search = new URLSearchParams({
      client_id: emulator.apiKey,
      scope: 'read_orders',
      redirect_uri: 'javascript:alert(1)',
      state: 'x',
    }).toString();
    const answer = await emulator.fetch(url);
    expect(answer.status).toBe(400);
    expect(await answer.text()).toContain('redirect_uri is not whitelisted');
  });
});
