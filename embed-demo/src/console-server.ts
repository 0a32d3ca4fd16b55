import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** The console's sources (index.html, console.ts, console.css), beside src/ in this package. */
export const CONSOLE_SOURCE_DIR = fileURLToPath(
  new URL(import.meta.url.includes('/dist/') ? '../../console/' : '../console/', import.meta.url),
);

/**
 * What the API serves: forwarded as they are, so the page and the API share one origin (and the
 * refresh cookie). Not `/metrics`: it is the operator's, read on the API's own port.
 */
const API_PREFIXES = ['/v1/', '/health'];

/** Headers a client could send to pass for another address or scheme; the console says who it is talking to itself. */
const FORWARDING_HEADERS = [
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  'x-forwarded-port',
  'x-real-ip',
];

/** Headers of one connection, not of the message (RFC 9110 §7.6.1): each hop sets its own. */
const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade'];

/** `headers` without the hop-by-hop ones, those its `Connection` names included. */
function endToEnd<T extends Record<string, unknown>>(headers: T): T {
  const named = String(headers['connection'] ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '');
  const kept = { ...headers };
  for (const name of [...HOP_BY_HOP, ...named]) delete kept[name];
  return kept;
}

const BASE = 'http://console.invalid';

/**
 * The path and query of a request-target in origin form (`/path?query`), or undefined for any other
 * form: `//host/…`, `/\host/…` and `http://host/…` would each name another host to a URL parser,
 * and the API would be swapped for it.
 */
export function originFormTarget(requestTarget: string | undefined): { pathname: string; search: string } | undefined {
  if (requestTarget === undefined || !/^\/(?![/\\])/.test(requestTarget)) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(requestTarget, BASE);
  } catch {
    return undefined;
  }
  return parsed.origin === BASE ? { pathname: parsed.pathname, search: parsed.search } : undefined;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
};

// Scripts only from here. Styles: Lit adopts constructable stylesheets, and the virtualized grid
// places its rows with style attributes, which CSP counts as inline styles.
const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

type Files = Map<string, { body: Buffer; type: string }>;

/**
 * Builds the console page with Vite, in memory (nothing is written): the elements and Lit in one
 * module. Vite is a development dependency of the repository, which is where `npm start` runs.
 */
export async function buildConsole(sourceDir = CONSOLE_SOURCE_DIR): Promise<Files> {
  const { build } = await import('vite');
  const result = await build({
    configFile: false,
    root: sourceDir,
    base: './',
    logLevel: 'warn',
    build: { write: false, outDir: 'dist', emptyOutDir: false, sourcemap: false, minify: true },
  });
  const outputs = (Array.isArray(result) ? result : [result]) as Array<{
    output: Array<{ fileName: string; type: 'chunk' | 'asset'; code?: string; source?: string | Uint8Array }>;
  }>;
  const files: Files = new Map();
  for (const item of outputs.flatMap((output) => output.output)) {
    const body = item.type === 'chunk' ? Buffer.from(item.code ?? '') : Buffer.from(item.source ?? '');
    const extension = /\.[a-z]+$/.exec(item.fileName)?.[0] ?? '';
    files.set(`/${item.fileName}`, { body, type: TYPES[extension] ?? 'application/octet-stream' });
  }
  return files;
}

export interface ConsoleServer {
  url: string;
  close(): Promise<void>;
}

/**
 * Serves the fulfillment console on its own port and forwards the API beside it, so the page
 * calls its own origin exactly as it would behind one reverse proxy. The page is built on the
 * first visit (a start of the demo that nobody opens costs nothing).
 */
export async function startConsoleServer(options: { apiUrl: string; port: number; host: string }): Promise<ConsoleServer> {
  let files: Promise<Files> | undefined;
  const server = createServer((req, res) => {
    const target = originFormTarget(req.url);
    if (!target) {
      res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' }).end('Bad request target\n');
      return;
    }
    const path = target.pathname;
    if (API_PREFIXES.some((prefix) => path === prefix.replace(/\/$/, '') || path.startsWith(prefix))) {
      forward(options.apiUrl, target, req, res);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    files ??= buildConsole().catch((error: unknown) => {
      files = undefined;
      throw error;
    });
    files.then(
      (built) => {
        const file = built.get(path === '/' ? '/index.html' : path);
        if (!file) {
          res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found\n');
          return;
        }
        res.writeHead(200, {
          'content-type': file.type,
          'content-length': file.body.length,
          'cache-control': path === '/' || path.endsWith('.html') ? 'no-cache' : 'public, max-age=31536000, immutable',
          'content-security-policy': CONTENT_SECURITY_POLICY,
          'x-content-type-options': 'nosniff',
          'referrer-policy': 'no-referrer',
        });
        res.end(req.method === 'HEAD' ? undefined : file.body);
      },
      (error: unknown) => {
        res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(`The console could not be built: ${error instanceof Error ? error.message : String(error)}\n`);
      },
    );
  });
  const url = await bindFirstFree(server, options.port, options.host);
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Open event streams would hold the close until their pages go.
        server.closeAllConnections();
      }),
  };
}

/** Binds `port`, or any free port when that one is taken (a second demo on one machine). */
function bindFirstFree(server: Server, port: number, host: string): Promise<string> {
  const attempt = (wanted: number) =>
    new Promise<string>((resolve, reject) => {
      const onError = (error: Error) => reject(error);
      server.once('error', onError);
      server.listen(wanted, host, () => {
        server.off('error', onError);
        const address = server.address();
        const bound = typeof address === 'object' && address ? address.port : wanted;
        resolve(`http://${host.includes(':') ? `[${host}]` : host}:${bound}`);
      });
    });
  return attempt(port).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'EADDRINUSE' && port !== 0) return attempt(0);
    throw error;
  });
}

/**
 * Forwards one request to the API and streams the answer back (the event stream included). Only
 * ever to the API's own origin; the API learns the client's address from `X-Forwarded-For` (it
 * trusts that header from loopback, where this server is), set here and never taken from the client.
 */
function forward(apiUrl: string, target: { pathname: string; search: string }, req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(apiUrl);
  url.pathname = target.pathname;
  url.search = target.search;
  const headers: OutgoingHttpHeaders = { ...endToEnd(req.headers), host: url.host };
  for (const name of FORWARDING_HEADERS) delete headers[name];
  headers['x-forwarded-for'] = req.socket.remoteAddress ?? '';
  const upstream = httpRequest(url, { method: req.method, headers }, (answer) => {
    // The API answers data, never a page: nothing it relays may run as the console's origin.
    // Framed by this server for its own client (an HTTP/1.0 one gets no chunks).
    res.writeHead(answer.statusCode ?? 502, {
      ...endToEnd(answer.headers),
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
    });
    answer.pipe(res);
  });
  upstream.on('error', (error) => {
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(`The API did not answer: ${error.message}\n`);
  });
  // A page that goes away (a closed event stream) ends the upstream request too.
  res.on('close', () => upstream.destroy());
  req.pipe(upstream);
}

/** True when the console's sources are there (a packaged demo without them serves no console). */
export function consoleAvailable(sourceDir = CONSOLE_SOURCE_DIR): boolean {
  return existsSync(join(sourceDir, 'index.html'));
}
