import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from './test-support.ts';

const BIN = fileURLToPath(new URL('../../bin/dockhand-emulators.js', import.meta.url));

interface Description {
  seed: number;
  shopify: { url: string; apiKey: string; apiSecret: string; shops: Array<{ domain: string; baseUrl: string }> };
  woocommerce: { url: string; sites: Array<{ baseUrl: string; consumerKey: string; consumerSecret: string }> };
}

let child: ChildProcessWithoutNullStreams | null = null;
let receiver: Receiver | null = null;

afterEach(async () => {
  if (child && child.exitCode === null) {
    child.kill('SIGTERM');
    await new Promise((resolve) => child!.once('exit', resolve));
  }
  child = null;
  await receiver?.close();
  receiver = null;
});

// How fast the line comes is measured by `npm run bench -- emulators` (cliJsonLineMs); a hang fails on the test timeout.
function start(args: string[]): Promise<{ description: Description }> {
  child = spawn(process.execPath, [BIN, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  const lines = createInterface({ input: child.stdout });
  return new Promise((resolve, reject) => {
    child!.once('exit', (code) => reject(new Error(`exited with ${code} before printing`)));
    lines.once('line', (line) => {
      resolve({ description: JSON.parse(line) as Description });
    });
  });
}

describe('dockhand-emulators', () => {
  it('prints one JSON line for 100,000 orders, serves it, and stops cleanly on SIGTERM', async () => {
    const { description } = await start(['--seed', '7', '--orders', '100000']);
    expect(description.seed).toBe(7);
    expect(description.shopify.apiKey).toMatch(/^[0-9a-f]{32}$/);
    expect(description.shopify.shops.length).toBeGreaterThan(0);
    expect(description.woocommerce.sites.length).toBeGreaterThan(0);
    for (const site of description.woocommerce.sites)
      expect(site).toEqual({
        baseUrl: expect.stringMatching(/^https?:\/\//),
        consumerKey: expect.stringMatching(/^ck_/),
        consumerSecret: expect.stringMatching(/^cs_/),
      });

    const [shop] = description.shopify.shops;
    const tokenResponse = await fetch(`${description.shopify.url}/_emulator/access-token`, {
      method: 'POST',
      body: JSON.stringify({ shop: shop!.domain }),
    });
    const { access_token: token } = (await tokenResponse.json()) as { access_token: string };
    const response = await fetch(`${shop!.baseUrl}/admin/api/2026-04/graphql.json`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-shopify-access-token': token },
      body: JSON.stringify({ query: '{ orders(first: 1, reverse: true) { nodes { name } } }' }),
    });
    const json = (await response.json()) as { data: { orders: { nodes: Array<{ name: string }> } } };
    expect(json.data.orders.nodes[0]!.name).toBe('#101000');

    child!.kill('SIGTERM');
    const code = await new Promise((resolve) => child!.once('exit', resolve));
    expect(code).toBe(0);
  });

  it('keeps the store moving in --live mode, with signed webhooks', async () => {
    const { description } = await start([
      '--seed',
      '2',
      '--orders',
      '20',
      '--shops',
      '1',
      '--sites',
      '1',
      '--live',
      '--live-rate',
      '50',
    ]);
    receiver = await startReceiver(description.shopify.apiSecret);
    await fetch(`${description.shopify.url}/_emulator/webhooks/subscriptions`, {
      method: 'POST',
      body: JSON.stringify({ topic: 'orders/create', uri: receiver.url }),
    });
    const [hook] = await receiver.waitForCount(1, 10_000);
    expect(hook!.headers['x-shopify-topic']).toBe('orders/create');
    expect(hook!.signatureValid).toBe(true);
  });

  it('refuses unknown flags with a usage message', async () => {
    child = spawn(process.execPath, [BIN, '--bogus'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise((resolve) => child!.once('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toMatch(/Usage: dockhand-emulators/);
  });
});
