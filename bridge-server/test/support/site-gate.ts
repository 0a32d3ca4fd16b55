import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An HTTP relay in front of one emulated site that can hold one request unanswered, so a test knows
 * exactly where the worker is when it kills it: waiting for that request, not racing through pages.
 * The Host header is relayed as sent, so the site's OAuth 1.0a check sees the URL the client signed.
 */
export interface SiteGate {
  /** The site's base URL through the relay. */
  baseUrl: string;
  /** Holds the `nth` (1-based) orders list request; resolves once it has arrived. */
  holdOrdersList(nth: number): Promise<void>;
  /** Lets the held request through. */
  release(): void;
  close(): Promise<void>;
}

export async function startSiteGate(site: { baseUrl: string }): Promise<SiteGate> {
  const target = new URL(site.baseUrl);
  let ordersLists = 0;
  let holdAt = Number.POSITIVE_INFINITY;
  let held: () => void = () => {};
  let pass: (() => void) | undefined;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://relay');
    if (req.method === 'GET' && url.pathname === `${target.pathname}/wp-json/wc/v3/orders`) {
      ordersLists++;
      if (ordersLists === holdAt) {
        // Unanswered until released (or for ever: the worker waits here until it is killed).
        pass = () => relay(req, res);
        held();
        return;
      }
    }
    relay(req, res);
  });
  const relay = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const upstream = http.request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}${target.pathname}`,
    holdOrdersList(nth) {
      holdAt = nth;
      return new Promise((resolve) => (held = resolve));
    },
    release() {
      pass?.();
      pass = undefined;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
