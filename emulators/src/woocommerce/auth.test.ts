import { createHmac } from 'node:crypto';
import https from 'node:https';
import OAuth from 'oauth-1.0a';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWooCommerceEmulator, type WooCommerceEmulator } from './index.ts';
import { client, failure } from './testing.ts';

const ORDERS = 57;

function parseLink(header: string | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of (header ?? '').split(', ')) {
    const match = /^<([^>]+)>; rel="(\w+)"$/.exec(part);
    if (match) out[match[2] as string] = Number(new URL(match[1] as string).searchParams.get('page'));
  }
  return out;
}

/** Signs like the official client (oauth-1.0a), but lets the test pick method and timestamp. */
function signedUrl(
  url: string,
  key: string,
  secret: string,
  opts: { method?: 'HMAC-SHA1' | 'HMAC-SHA256'; timestamp?: number } = {},
): string {
  const signatureMethod = opts.method ?? 'HMAC-SHA256';
  const algorithm = signatureMethod === 'HMAC-SHA1' ? 'sha1' : 'sha256';
  const oauth = new OAuth({
    consumer: { key, secret },
    signature_method: signatureMethod,
    hash_function: (base, signingKey) => createHmac(algorithm, signingKey).update(base).digest('base64'),
  });
  if (opts.timestamp !== undefined) {
    const timestamp = opts.timestamp;
    oauth.getTimeStamp = () => timestamp;
  }
  const data = oauth.authorize({ url, method: 'GET' });
  const signed = new URL(url);
  for (const [k, v] of Object.entries(data)) signed.searchParams.set(k, String(v));
  return signed.toString();
}

describe('WooCommerce REST authentication over plain HTTP (OAuth 1.0a)', () => {
  let emulator: WooCommerceEmulator;
  let baseUrl: string;
  let consumerKey: string;
  let consumerSecret: string;

  beforeAll(async () => {
    emulator = await startWooCommerceEmulator({ seed: 11, ordersPerSite: ORDERS, port: 0 });
    ({ baseUrl, consumerKey, consumerSecret } = emulator.sites[0]!);
  });
  afterAll(() => emulator.close());

  it('lists orders with the official client and sends the pagination headers', async () => {
    const api = client({ url: baseUrl, consumerKey, consumerSecret });
    const first = await api.get('orders');
    expect(first.status).toBe(200);
    expect(first.data).toHaveLength(10);
    expect(first.headers['x-wp-total']).toBe(String(ORDERS));
    expect(first.headers['x-wp-totalpages']).toBe('6');
    expect(parseLink(first.headers['link'])).toEqual({ next: 2 });

    const middle = await api.get('orders', { page: 3, per_page: 10 });
    expect(parseLink(middle.headers['link'])).toEqual({ prev: 2, next: 4 });
    const last = await api.get('orders', { page: 6 });
    expect(last.data).toHaveLength(7);
    expect(parseLink(last.headers['link'])).toEqual({ prev: 5 });
    const links = String(last.headers['link']);
    expect(links.startsWith(`<${baseUrl}/wp-json/wc/v3/orders?`)).toBe(true);
  });

  it('accepts HMAC-SHA1 as well as HMAC-SHA256', async () => {
    for (const method of ['HMAC-SHA1', 'HMAC-SHA256'] as const) {
      const response = await fetch(
        signedUrl(`${baseUrl}/wp-json/wc/v3/orders?per_page=2`, consumerKey, consumerSecret, { method }),
      );
      expect(response.status).toBe(200);
      expect(await response.json()).toHaveLength(2);
    }
  });

  it('accepts the OAuth parameters in an Authorization header and signs form bodies', async () => {
    const oauth = new OAuth({
      consumer: { key: consumerKey, secret: consumerSecret },
      signature_method: 'HMAC-SHA1',
      hash_function: (base, signingKey) => createHmac('sha1', signingKey).update(base).digest('base64'),
    });
    const listUrl = `${baseUrl}/wp-json/wc/v3/orders?per_page=3`;
    const header = oauth.toHeader(oauth.authorize({ url: listUrl, method: 'GET' }));
    const listed = await fetch(listUrl, { headers: { Authorization: header.Authorization } });
    expect(listed.status).toBe(200);
    expect(await listed.json()).toHaveLength(3);

    const createUrl = `${baseUrl}/wp-json/wc/v3/customers`;
    const form = { email: 'form.body@example.com', first_name: 'Form' };
    const signed = oauth.authorize({ url: createUrl, method: 'POST', data: form });
    const body = new URLSearchParams({ ...form, ...Object.fromEntries(Object.entries(signed).map(([k, v]) => [k, String(v)])) });
    const created = await fetch(createUrl, { method: 'POST', body });
    expect(created.status).toBe(201);
    expect(((await created.json()) as { email: string }).email).toBe('form.body@example.com');

    const tampered = oauth.authorize({ url: createUrl, method: 'POST', data: { email: 'a@example.com' } });
    // oauth-1.0a copies the signed form fields into its result, so swap the email after spreading it.
    const swapped = new URLSearchParams({
      ...Object.fromEntries(Object.entries(tampered).map(([k, v]) => [k, String(v)])),
      email: 'b@example.com',
    });
    const rejected = await fetch(createUrl, { method: 'POST', body: swapped });
    expect(rejected.status).toBe(401);
    expect(((await rejected.json()) as { message: string }).message).toBe(
      'Invalid signature - provided signature does not match.',
    );
  });

  it('rejects a replayed nonce', async () => {
    const api = client({ url: baseUrl, consumerKey, consumerSecret });
    const response = await api.get('orders', { per_page: 1 });
    const request = response.request as { path: string };
    const replay = await fetch(`${new URL(baseUrl).origin}${request.path}`);
    expect(replay.status).toBe(401);
    expect(await replay.json()).toEqual({
      code: 'woocommerce_rest_authentication_error',
      message: 'Invalid nonce - nonce has already been used.',
      data: { status: 401 },
    });
  });

  it('rejects a timestamp outside the 15-minute window, either side', async () => {
    const now = Math.floor(Date.now() / 1000);
    for (const timestamp of [now - 16 * 60, now + 16 * 60]) {
      const response = await fetch(signedUrl(`${baseUrl}/wp-json/wc/v3/orders`, consumerKey, consumerSecret, { timestamp }));
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({
        code: 'woocommerce_rest_authentication_error',
        message: 'Invalid timestamp.',
        data: { status: 401 },
      });
    }
    const inside = await fetch(
      signedUrl(`${baseUrl}/wp-json/wc/v3/orders`, consumerKey, consumerSecret, { timestamp: now - 14 * 60 }),
    );
    expect(inside.status).toBe(200);
  });

  it('rejects a wrong secret with the signature error', async () => {
    const api = client({ url: baseUrl, consumerKey, consumerSecret: `${consumerSecret}x` });
    const { status, data } = await failure(api.get('orders'));
    expect(status).toBe(401);
    expect(data).toEqual({
      code: 'woocommerce_rest_authentication_error',
      message: 'Invalid signature - provided signature does not match.',
      data: { status: 401 },
    });
  });

  it('rejects an unknown consumer key', async () => {
    const { status, data } = await failure(client({ url: baseUrl, consumerKey: 'ck_nope', consumerSecret }).get('orders'));
    expect(status).toBe(401);
    expect(data.message).toBe('Consumer key is invalid.');
  });

  it('signs query parameters, so tampering with one breaks the signature', async () => {
    const signed = new URL(signedUrl(`${baseUrl}/wp-json/wc/v3/orders?per_page=2`, consumerKey, consumerSecret));
    signed.searchParams.set('per_page', '3');
    const response = await fetch(signed);
    expect(response.status).toBe(401);
    expect(((await response.json()) as { message: string }).message).toBe(
      'Invalid signature - provided signature does not match.',
    );
  });

  it('ignores Basic auth and query-string keys over plain HTTP', async () => {
    const basic = await fetch(`${baseUrl}/wp-json/wc/v3/orders`, {
      headers: { Authorization: `Basic ${Buffer.from(`${consumerKey}:${consumerSecret}`).toString('base64')}` },
    });
    expect(basic.status).toBe(401);
    expect(await basic.json()).toEqual({
      code: 'woocommerce_rest_cannot_view',
      message: 'Sorry, you cannot list resources.',
      data: { status: 401 },
    });
    const query = await fetch(
      `${baseUrl}/wp-json/wc/v3/orders/1001?consumer_key=${consumerKey}&consumer_secret=${consumerSecret}`,
    );
    expect(query.status).toBe(401);
    expect(((await query.json()) as { code: string }).code).toBe('woocommerce_rest_cannot_view');
  });

  it('lets a read key read but not write, and a write key write but not read', async () => {
    const read = emulator.control.createApiKey('1', 'read');
    const reader = client({ url: baseUrl, consumerKey: read.consumerKey, consumerSecret: read.consumerSecret });
    expect((await reader.get('products', { per_page: 1 })).status).toBe(200);
    const denied = await failure(reader.post('orders', { status: 'pending' }));
    expect(denied.status).toBe(401);
    expect(denied.data).toEqual({
      code: 'woocommerce_rest_authentication_error',
      message: 'The API key provided does not have write permissions.',
      data: { status: 401 },
    });
    expect((await failure(reader.delete('orders/1001', { force: true }))).data.message).toBe(
      'The API key provided does not have write permissions.',
    );

    const write = emulator.control.createApiKey('1', 'write');
    const writer = client({ url: baseUrl, consumerKey: write.consumerKey, consumerSecret: write.consumerSecret });
    const created = await writer.post('customers', { email: 'writer@example.com', first_name: 'Wri' });
    expect(created.status).toBe(201);
    expect((await failure(writer.get('customers'))).data.message).toBe('The API key provided does not have read permissions.');
  });
});

describe('WooCommerce REST authentication over HTTPS', () => {
  let emulator: WooCommerceEmulator;
  let agent: https.Agent;

  beforeAll(async () => {
    emulator = await startWooCommerceEmulator({ seed: 11, ordersPerSite: ORDERS, secure: true });
    agent = new https.Agent({ ca: emulator.tls?.cert });
  });
  afterAll(async () => {
    agent.destroy();
    await emulator.close();
  });

  it('serves https and exposes a certificate clients can trust', () => {
    expect(emulator.url.startsWith('https://127.0.0.1:')).toBe(true);
    expect(emulator.tls?.cert).toContain('BEGIN CERTIFICATE');
  });

  it('lists orders with keys in the query string (queryStringAuth)', async () => {
    const site = emulator.sites[0]!;
    const api = client({
      url: site.baseUrl,
      consumerKey: site.consumerKey,
      consumerSecret: site.consumerSecret,
      queryStringAuth: true,
      axiosConfig: { httpsAgent: agent },
    });
    const response = await api.get('orders', { per_page: 20 });
    expect(response.request.path).toContain('consumer_key=');
    expect(response.data).toHaveLength(20);
    expect(response.headers['x-wp-total']).toBe(String(ORDERS));
    expect(response.headers['x-wp-totalpages']).toBe('3');
    expect(parseLink(response.headers['link'])).toEqual({ next: 2 });
  });

  it('lists orders with HTTP Basic auth', async () => {
    const site = emulator.sites[0]!;
    const api = client({
      url: site.baseUrl,
      consumerKey: site.consumerKey,
      consumerSecret: site.consumerSecret,
      axiosConfig: { httpsAgent: agent },
    });
    const response = await api.get('orders', { per_page: 5, page: 12 });
    expect(response.request.getHeader('authorization')).toMatch(/^Basic /);
    expect(response.data).toHaveLength(2);
    expect(response.headers['x-wp-totalpages']).toBe('12');
    expect(parseLink(response.headers['link'])).toEqual({ prev: 11 });
    const beyond = await api.get('orders', { per_page: 5, page: 13 });
    expect(beyond.data).toEqual([]);
    expect(parseLink(beyond.headers['link'])).toEqual({ prev: 12 });
  });

  it('rejects a wrong secret over Basic with "Consumer secret is invalid."', async () => {
    const site = emulator.sites[0]!;
    const api = client({
      url: site.baseUrl,
      consumerKey: site.consumerKey,
      consumerSecret: 'cs_wrong',
      axiosConfig: { httpsAgent: agent },
    });
    const { status, data } = await failure(api.get('orders'));
    expect(status).toBe(401);
    expect(data).toEqual({
      code: 'woocommerce_rest_authentication_error',
      message: 'Consumer secret is invalid.',
      data: { status: 401 },
    });
  });
});

describe('when the emulator is told the connection is secure (behind a TLS proxy)', () => {
  let emulator: WooCommerceEmulator;
  beforeAll(async () => {
    emulator = await startWooCommerceEmulator({ seed: 3, ordersPerSite: 5, trustProxySecure: true });
  });
  afterAll(() => emulator.close());

  it('accepts Basic auth on plain HTTP', async () => {
    const site = emulator.sites[0]!;
    const response = await fetch(`${site.baseUrl}/wp-json/wc/v3/orders`, {
      headers: { Authorization: `Basic ${Buffer.from(`${site.consumerKey}:${site.consumerSecret}`).toString('base64')}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-wp-total')).toBe('5');
  });
});
