import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWooCommerceEmulator, type WooCommerceEmulator } from './index.ts';
import { client, failure, startReceiver } from './testing.ts';
import { wpHttpValidateUrl } from './wc-auth-safe-url.ts';

interface ConsumerData {
  key_id: number;
  user_id: string;
  consumer_key: string;
  consumer_secret: string;
  key_permissions: string;
}

function authorizeUrl(baseUrl: string, params: Record<string, string>): string {
  return `${baseUrl}/wc-auth/v1/authorize?${new URLSearchParams(params).toString()}`;
}

describe('wc-auth app key flow', () => {
  let emulator: WooCommerceEmulator;
  let callback: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    emulator = await startWooCommerceEmulator({ seed: 4, ordersPerSite: 12, allowInsecureLoopbackCallback: true });
    callback = await startReceiver((req) => (req.url === '/refuse' ? 500 : req.url === '/created' ? 201 : 200));
  });
  afterAll(async () => {
    await callback.close();
    await emulator.close();
  });

  it('POSTs working keys to the callback and redirects to return_url with success=1', async () => {
    const site = emulator.sites[0]!;
    const response = await fetch(
      authorizeUrl(site.baseUrl, {
        app_name: 'Dockhand',
        scope: 'read_write',
        user_id: 'store-42',
        return_url: 'https://app.example.com/connected?from=woo',
        callback_url: `${callback.url}/keys`,
      }),
      { redirect: 'manual' },
    );
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('https://app.example.com/connected?from=woo&success=1&user_id=store-42');

    const posted = callback.received.find((r) => r.url === '/keys')!;
    expect(posted.method).toBe('POST');
    expect(posted.headers['content-type']).toBe('application/json;charset=UTF-8');
    const data = JSON.parse(posted.rawBody.toString()) as ConsumerData;
    expect(Object.keys(data)).toEqual(['key_id', 'user_id', 'consumer_key', 'consumer_secret', 'key_permissions']);
    expect(data.user_id).toBe('store-42');
    expect(data.key_permissions).toBe('read_write');
    expect(data.consumer_key).toMatch(/^ck_[0-9a-f]{40}$/);
    expect(data.consumer_secret).toMatch(/^cs_[0-9a-f]{40}$/);

    const api = client({ url: site.baseUrl, consumerKey: data.consumer_key, consumerSecret: data.consumer_secret });
    const orders = await api.get('orders');
    expect(orders.headers['x-wp-total']).toBe('12');
    const written = await api.post('customers', { email: 'via-wc-auth@example.com' });
    expect(written.status).toBe(201);
  });

  it('gives a read scope a key that cannot write', async () => {
    const site = emulator.sites[0]!;
    const response = await fetch(
      authorizeUrl(site.baseUrl, {
        app_name: 'Reader',
        scope: 'read',
        user_id: '7',
        return_url: 'https://app.example.com/r',
        callback_url: `${callback.url}/read`,
      }),
      { redirect: 'manual' },
    );
    expect(response.status).toBe(302);
    const data = JSON.parse(callback.received.find((r) => r.url === '/read')!.rawBody.toString()) as ConsumerData;
    expect(data.key_permissions).toBe('read');
    const api = client({ url: site.baseUrl, consumerKey: data.consumer_key, consumerSecret: data.consumer_secret });
    expect((await api.get('products')).status).toBe(200);
    expect((await failure(api.post('products', { name: 'x' }))).data.message).toBe(
      'The API key provided does not have write permissions.',
    );
  });

  it('deletes the key when the callback answers anything but 200', async () => {
    const site = emulator.sites[0]!;
    for (const path of ['/refuse', '/created']) {
      const keysBefore = emulator.control.listApiKeys('1').length;
      const response = await fetch(
        authorizeUrl(site.baseUrl, {
          app_name: 'Dockhand',
          scope: 'read_write',
          user_id: '9',
          return_url: 'https://app.example.com/done',
          callback_url: `${callback.url}${path}`,
        }),
        { redirect: 'manual' },
      );
      expect(response.status).toBe(401);
      expect(await response.text()).toContain(
        'Error: An error occurred in the request and at the time were unable to send the consumer data.',
      );
      const posted = JSON.parse(callback.received.find((r) => r.url === path)!.rawBody.toString()) as ConsumerData;
      expect(emulator.control.listApiKeys('1')).toHaveLength(keysBefore);
      const { status, data } = await failure(
        client({ url: site.baseUrl, consumerKey: posted.consumer_key, consumerSecret: posted.consumer_secret }).get('orders'),
      );
      expect(status).toBe(401);
      expect(data.message).toBe('Consumer key is invalid.');
    }
  });

  it('requires every parameter, a known scope and an https callback (loopback http only when allowed)', async () => {
    const site = emulator.sites[0]!;
    const missing = await fetch(
      authorizeUrl(site.baseUrl, { app_name: 'x', scope: 'read', user_id: '1', return_url: 'https://a.example' }),
    );
    expect(missing.status).toBe(401);
    expect(await missing.text()).toContain('Error: Missing parameter callback_url.');
    const scope = await fetch(
      authorizeUrl(site.baseUrl, {
        app_name: 'x',
        scope: 'admin',
        user_id: '1',
        return_url: 'https://a.example',
        callback_url: 'https://b.example',
      }),
    );
    expect(await scope.text()).toContain('Error: Invalid scope admin.');
    const insecure = await fetch(
      authorizeUrl(site.baseUrl, {
        app_name: 'x',
        scope: 'read',
        user_id: '1',
        return_url: 'https://a.example',
        callback_url: 'http://partner.example/keys',
      }),
    );
    expect(insecure.status).toBe(401);
    expect(await insecure.text()).toContain('Error: The callback_url needs to be over SSL.');
  });

  it('redirects with success=0 when the merchant denies', async () => {
    const strict = await startWooCommerceEmulator({ seed: 4, ordersPerSite: 1, wcAuthAutoApprove: false });
    try {
      const site = strict.sites[0]!;
      const params = {
        app_name: 'Dockhand',
        scope: 'read',
        user_id: '5',
        return_url: 'https://app.example.com/back',
        callback_url: 'https://cb.example.com/keys',
      };
      const page = await fetch(authorizeUrl(site.baseUrl, params));
      const html = await page.text();
      expect(page.status).toBe(200);
      expect(html).toContain('Dockhand');
      const deny = /href="([^"]*access_denied[^"]*)"/.exec(html)![1]!.replace(/&amp;/g, '&');
      const denied = await fetch(deny, { redirect: 'manual' });
      expect(denied.status).toBe(302);
      expect(denied.headers.get('location')).toBe('https://app.example.com/back?success=0&user_id=5');
      const plainHttp = await fetch(authorizeUrl(site.baseUrl, { ...params, callback_url: `${callback.url}/keys` }));
      expect(await plainHttp.text()).toContain('The callback_url needs to be over SSL');
    } finally {
      await strict.close();
    }
  });

  it('sends the keys only where wp_safe_remote_post would, deleting the key otherwise', async () => {
    const strict = await startWooCommerceEmulator({ seed: 4, ordersPerSite: 1 });
    try {
      const site = strict.sites[0]!;
      const keysBefore = strict.control.listApiKeys('1').length;
      for (const callbackUrl of ['https://127.0.0.1:8443/keys', 'https://10.0.0.5/keys', 'https://192.168.1.20:8080/keys']) {
        const response = await fetch(
          authorizeUrl(site.baseUrl, {
            app_name: 'Dockhand',
            scope: 'read_write',
            user_id: '3',
            return_url: 'https://app.example.com/back',
            callback_url: callbackUrl,
          }),
          { redirect: 'manual' },
        );
        expect(response.status).toBe(401);
        expect(await response.text()).toContain('Error: A valid URL was not provided..');
      }
      expect(strict.control.listApiKeys('1')).toHaveLength(keysBefore);
    } finally {
      await strict.close();
    }
  });
});

describe('wp_http_validate_url', () => {
  const home = 'http://127.0.0.1:8089/sites/1';
  it.each([
    ['a public address', 'https://93.184.215.14/keys', true],
    ['port 8080', 'https://93.184.215.14:8080/keys', true],
    ['port 8443', 'https://93.184.215.14:8443/keys', false],
    ['a user and password', 'https://u:p@93.184.215.14/keys', false],
    ['an IPv6 literal', 'https://[2001:db8::1]/keys', false],
    ['a private address', 'https://172.20.1.1/keys', false],
    ['0.0.0.0', 'https://0.0.0.0/keys', false],
    ['the site itself, its own port', 'https://127.0.0.1:8089/keys', true],
    ['the site’s host, another port', 'https://127.0.0.1:9000/keys', false],
    ['a name that does not resolve', 'https://no-such-host.invalid/keys', false],
    ['another scheme', 'ftp://93.184.215.14/keys', false],
  ])('%s', async (_label, url, expected) => {
    expect(await wpHttpValidateUrl(url, home)).toBe(expected);
  });
});
