/** Helpers shared by the WooCommerce emulator tests (not part of the public API). */
import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import WooModule from '@woocommerce/woocommerce-rest-api';
import type { IWooCommerceRestApiOptions } from '@woocommerce/woocommerce-rest-api';

/** The official client ships CommonJS with `exports.default`; unwrap it under native ESM. */
type WooClass = typeof WooModule.default;
export const WooCommerceRestApi: WooClass =
  (WooModule as unknown as { default?: WooClass }).default ?? (WooModule as unknown as WooClass);

export function client(opts: IWooCommerceRestApiOptions): InstanceType<WooClass> {
  return new WooCommerceRestApi({ version: 'wc/v3', ...opts });
}

export interface HttpFailure {
  status: number;
  data: { code: string; message: string; data: Record<string, unknown> };
}

/** Awaits a request that must fail and returns the HTTP status and WooCommerce error body. */
export async function failure(request: Promise<unknown>): Promise<HttpFailure> {
  try {
    await request;
  } catch (error) {
    const response = (error as { response?: { status: number; data: HttpFailure['data'] } }).response;
    if (response) return { status: response.status, data: response.data };
    throw error;
  }
  throw new Error('expected the request to fail');
}

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  rawBody: Buffer;
}

/**
 * A webhook / callback receiver. `respond` decides each status code; `next()` resolves with
 * the next request (already received ones first), so tests await events, never sleep.
 */
export async function startReceiver(respond: (req: ReceivedRequest) => number = () => 200): Promise<{
  url: string;
  received: ReceivedRequest[];
  next(): Promise<ReceivedRequest>;
  setResponder(fn: (req: ReceivedRequest) => number): void;
  close(): Promise<void>;
}> {
  const received: ReceivedRequest[] = [];
  let cursor = 0;
  const waiters: Array<(req: ReceivedRequest) => void> = [];
  let responder = respond;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const entry: ReceivedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        rawBody: Buffer.concat(chunks),
      };
      received.push(entry);
      res.statusCode = responder(entry);
      res.end('ok');
      const waiter = waiters.shift();
      if (waiter) {
        cursor++;
        waiter(entry);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    next() {
      if (cursor < received.length) return Promise.resolve(received[cursor++] as ReceivedRequest);
      return new Promise((resolve) => waiters.push(resolve));
    },
    setResponder(fn) {
      responder = fn;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The documented check: base64 HMAC-SHA256 of the raw body with the webhook secret. */
export function verifyWooSignature(rawBody: Buffer, secret: string, signature: string | string[] | undefined): boolean {
  const expected = createHmac('sha256', secret).update(rawBody).digest('base64');
  return typeof signature === 'string' && signature === expected;
}
