import '@shopify/shopify-api/adapters/node';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { ApiVersion, LogSeverity, shopifyApi, type Shopify } from '@shopify/shopify-api';
import { setAbstractFetchFunc } from '@shopify/shopify-api/runtime';
import type { ShopifyEmulator } from './types.ts';

/** Test helpers (not part of the package surface). */

/**
 * The library always calls `https://{shop}/admin/…`; route those calls to the emulator,
 * keeping the shop in X-Forwarded-Host.
 */
export function shopifyFor(emulator: ShopifyEmulator, overrides: Partial<Parameters<typeof shopifyApi>[0]> = {}): Shopify {
  setAbstractFetchFunc(emulator.fetch);
  return shopifyApi({
    apiKey: emulator.apiKey,
    apiSecretKey: emulator.apiSecret,
    scopes: ['read_orders', 'write_inventory'],
    hostName: 'app.example.test',
    hostScheme: 'https',
    apiVersion: ApiVersion.April26,
    isEmbeddedApp: true,
    logger: { level: LogSeverity.Error },
    ...overrides,
  }) as Shopify;
}

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
  /** The signature checked the documented way: base64 HMAC-SHA256 of the raw body with the app secret. */
  signatureValid: boolean;
  receivedAt: number;
  /** ms from the first byte of the request to its last. */
  readMs: number;
}

export interface Receiver {
  url: string;
  received: ReceivedWebhook[];
  /** Status to answer (default 200); a function may vary it per request. */
  respond: (webhook: ReceivedWebhook) => number | Promise<number>;
  waitForCount(count: number, timeoutMs?: number): Promise<ReceivedWebhook[]>;
  close(): Promise<void>;
}

export function verifyShopifyWebhook(secret: string, rawBody: Buffer, header: string | string[] | undefined): boolean {
  if (typeof header !== 'string') return false;
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  const given = Buffer.from(header, 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export async function startReceiver(secret: string): Promise<Receiver> {
  const waiters: Array<() => void> = [];
  const receiver: Receiver = {
    url: '',
    received: [],
    respond: () => 200,
    waitForCount: (count, timeoutMs = 10_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (receiver.received.length >= count) {
            clearTimeout(timer);
            resolve(receiver.received.slice(0, count));
            return true;
          }
          return false;
        };
        const timer = setTimeout(() => reject(new Error(`received ${receiver.received.length} of ${count} webhooks`)), timeoutMs);
        const wait = () => {
          if (!check()) waiters.push(wait);
        };
        wait();
      }),
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
  const server: Server = createServer((req, res) => {
    const started = Date.now();
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const rawBody = Buffer.concat(chunks);
      const webhook: ReceivedWebhook = {
        headers: req.headers,
        rawBody,
        signatureValid: verifyShopifyWebhook(secret, rawBody, req.headers['x-shopify-hmac-sha256']),
        receivedAt: Date.now(),
        readMs: Date.now() - started,
      };
      const status = await receiver.respond(webhook);
      if (status >= 200 && status < 300) receiver.received.push(webhook);
      res.writeHead(status).end();
      for (const waiter of waiters.splice(0)) waiter();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`;
  return receiver;
}
