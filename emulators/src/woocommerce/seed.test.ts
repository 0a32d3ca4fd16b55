import { afterAll, describe, expect, it } from 'vitest';
import { startWooCommerceEmulator, type WooCommerceEmulator } from './index.ts';
import { client } from './testing.ts';

const started: WooCommerceEmulator[] = [];
async function start(seed: number, ordersPerSite: number): Promise<WooCommerceEmulator> {
  const emulator = await startWooCommerceEmulator({ seed, ordersPerSite, sites: 2 });
  started.push(emulator);
  return emulator;
}

/** Raw response bytes with the emulator's own origin taken out, so two ports compare equal. */
async function snapshot(
  emulator: WooCommerceEmulator,
  siteIndex: number,
  endpoint: string,
  params: Record<string, string | number>,
): Promise<string> {
  const site = emulator.sites[siteIndex]!;
  const api = client({
    url: site.baseUrl,
    consumerKey: site.consumerKey,
    consumerSecret: site.consumerSecret,
    axiosConfig: { responseType: 'text', transformResponse: [(data: unknown) => data] },
  });
  const response = await api.get(endpoint, params);
  const origin = emulator.url.replace(/\//g, '\\/');
  return `${String(response.headers['x-wp-total'])}|${String(response.data).split(origin).join('ORIGIN')}`;
}

describe('seeded data', () => {
  afterAll(async () => {
    await Promise.all(started.map((e) => e.close()));
  });

  it('is byte-identical for the same seed and different for another', async () => {
    const [a, b, c] = await Promise.all([start(7, 2000), start(7, 2000), start(8, 2000)]);
    expect(a.sites.map((s) => [s.consumerKey, s.consumerSecret])).toEqual(b.sites.map((s) => [s.consumerKey, s.consumerSecret]));
    expect(a.sites[0]!.consumerKey).not.toBe(a.sites[1]!.consumerKey);
    for (const [endpoint, params] of [
      ['orders', { per_page: 100, page: 7 }],
      ['orders', { per_page: 100, orderby: 'modified', order: 'asc' }],
      ['orders/1777', {}],
      ['products', { per_page: 100 }],
      ['customers', { per_page: 100 }],
      ['refunds', { per_page: 100 }],
    ] as const) {
      for (const siteIndex of [0, 1]) {
        const left = await snapshot(a, siteIndex, endpoint, params);
        expect(left.length).toBeGreaterThan(100);
        expect(await snapshot(b, siteIndex, endpoint, params)).toBe(left);
      }
    }
    expect(await snapshot(c, 0, 'orders', { per_page: 100, page: 7 })).not.toBe(
      await snapshot(a, 0, 'orders', { per_page: 100, page: 7 }),
    );
    expect(await snapshot(a, 1, 'orders/1777', {})).not.toBe(await snapshot(a, 0, 'orders/1777', {}));
  });

  // How fast it starts and pages is measured by `npm run bench -- woocommerce-seed`, not asserted here.
  it('holds 100,000 orders per site, numbered and paged as WooCommerce does', async () => {
    const emulator = await start(7, 100_000);
    const site = emulator.sites[0]!;
    const api = client({ url: site.baseUrl, consumerKey: site.consumerKey, consumerSecret: site.consumerSecret });
    const response = await api.get('orders', { per_page: 100, page: 500 });
    expect(response.headers['x-wp-total']).toBe('100000');
    expect(response.headers['x-wp-totalpages']).toBe('1000');
    expect(response.data).toHaveLength(100);
    const oldest = await api.get('orders', { orderby: 'id', order: 'asc', per_page: 1 });
    expect(oldest.data[0].id).toBe(1001);
    const newest = await api.get('orders/101000');
    expect(newest.data.id).toBe(101000);
  });
});
