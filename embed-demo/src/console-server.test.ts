import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer, request, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEMO_ADMIN_EMAIL } from './demo.ts';

/** What `npm start` runs: the compiled demo. */
const bin = fileURLToPath(new URL('../bin/dockhand-demo.js', import.meta.url));

interface RunningDemo {
  child: ChildProcess;
  consoleUrl: string;
  password: string;
}

/** Starts the demo (no emulated stores: the console is what is tested) and reads its banner. */
function startDemo(dataDir: string): Promise<RunningDemo> {
  const child = spawn(process.execPath, [bin], {
    env: {
      PATH: process.env['PATH'] ?? '',
      HOME: process.env['HOME'] ?? '',
      LOG_LEVEL: 'warn',
      PORT: '0',
      DOCKHAND_DATA_DIR: dataDir,
      DOCKHAND_DEMO_STORES: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    let consoleUrl: string | undefined;
    createInterface({ input: child.stdout! }).on('line', (line) => {
      consoleUrl ??= /^\s+Console\s+(http:\/\/\S+?)\/?\s/.exec(line)?.[1];
      const signIn = /^\s+Sign in\s+POST \S+\s+(\{.*\})$/.exec(line)?.[1];
      if (consoleUrl && signIn) resolve({ child, consoleUrl, password: (JSON.parse(signIn) as { password: string }).password });
    });
    child.once('exit', (code) => reject(new Error(`demo exited with ${code} before printing the console:\n${stderr}`)));
  });
}

describe('the fulfillment console of `npm start`', () => {
  let dataDir: string;
  let demo: RunningDemo | undefined;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'dockhand-console-'));
    demo = await startDemo(dataDir);
  }, 120_000);
  afterAll(async () => {
    if (demo && demo.child.exitCode === null) {
      const exited = new Promise((resolve) => demo!.child.once('exit', resolve));
      demo.child.kill('SIGTERM');
      await exited;
    }
    await rm(dataDir, { recursive: true, force: true });
  });

  it('is printed in the banner and serves the page and one script holding every element, under a strict policy', async () => {
    const page = await fetch(`${demo!.consoleUrl}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await page.text();
    const script = /<script type="module"[^>]*src="\.?\/?(assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script, html).toBeDefined();
    const bundle = await fetch(`${demo!.consoleUrl}/${script}`);
    expect(bundle.headers.get('content-type')).toContain('javascript');
    const code = await bundle.text();
    for (const tag of ['dh-provider', 'dh-sign-in', 'dh-dashboard', 'dh-order-table', 'dh-inventory-approvals']) {
      expect(code).toContain(tag);
    }
    expect((await fetch(`${demo!.consoleUrl}/assets/no-such-file.js`)).status).toBe(404);
  }, 120_000);

  it('answers the API on its own origin: sign-in with its refresh cookie, and the event stream', async () => {
    const login = await fetch(`${demo!.consoleUrl}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: DEMO_ADMIN_EMAIL, password: demo!.password }),
    });
    expect(login.status).toBe(200);
    expect(login.headers.get('set-cookie')).toMatch(/HttpOnly/i);
    const { data } = (await login.json()) as { data: { accessToken: string } };
    const controller = new AbortController();
    const stream = await fetch(`${demo!.consoleUrl}/v1/stream`, {
      headers: { authorization: `Bearer ${data.accessToken}`, accept: 'text/event-stream' },
      signal: controller.signal,
    });
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toContain('text/event-stream');
    controller.abort();
  });

  describe('forwards only to its own API', () => {
    /** Another server on this machine: a hostile page's, or an internal one. It must never be reached. */
    let elsewhere: Server;
    let elsewhereHits = 0;
    let elsewhereHost = '';
    beforeAll(async () => {
      elsewhere = createServer((_req, res) => {
        elsewhereHits++;
        res.writeHead(200, { 'content-type': 'text/html', 'set-cookie': 'planted=1' }).end('<script>steal()</script>');
      });
      elsewhere.listen(0, '127.0.0.1');
      await once(elsewhere, 'listening');
      elsewhereHost = `127.0.0.1:${(elsewhere.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((resolve) => elsewhere.close(() => resolve())));

    /** Sends a request-target exactly as written (fetch would normalize it). */
    const raw = (path: string, headers: Record<string, string> = {}, method = 'GET', body?: string) =>
      new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
        const console = new URL(demo!.consoleUrl);
        const sent = request({ host: console.hostname, port: console.port, path, method, headers }, (answer) => {
          let text = '';
          answer.on('data', (chunk: Buffer) => (text += chunk.toString()));
          answer.on('end', () => resolve({ status: answer.statusCode!, headers: answer.headers, body: text }));
        });
        sent.on('error', reject);
        sent.end(body);
      });

    it('refuses request-targets that name another host: `//host/…`, `/\\host/…`, absolute form', async () => {
      for (const path of [
        `//${elsewhereHost}/v1/x`,
        `/\\${elsewhereHost}/v1/x`,
        `/\\/${elsewhereHost}/v1/x`,
        `http://${elsewhereHost}/v1/x`,
        `//${elsewhereHost}/health`,
      ]) {
        const answer = await raw(path);
        expect(answer.status, path).toBe(400);
        expect(answer.body, path).not.toContain('steal');
        expect(answer.headers['set-cookie'], path).toBeUndefined();
      }
      expect(elsewhereHits).toBe(0);
      // A path that only looks like a host stays on the API.
      const onApi = await raw(`/v1/..//${elsewhereHost}/v1/x`);
      expect(onApi.body).not.toContain('steal');
      expect(elsewhereHits).toBe(0);
    });

    it('marks what it relays as data that cannot run as the console, and keeps /metrics to the API port', async () => {
      const health = await raw('/health');
      expect(health.status).toBe(200);
      expect(health.headers['x-content-type-options']).toBe('nosniff');
      expect(health.headers['content-security-policy']).toContain("default-src 'none'");
      expect((await raw('/metrics')).status).toBe(404);
    });

    it('frames what it relays for its own client: an HTTP/1.0 client gets the stream as it is, not the API’s chunks', async () => {
      const login = await fetch(`${demo!.consoleUrl}/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: DEMO_ADMIN_EMAIL, password: demo!.password }),
      });
      const { data } = (await login.json()) as { data: { accessToken: string } };
      const console = new URL(demo!.consoleUrl);
      const socket = connect(Number(console.port), console.hostname);
      let answer = '';
      try {
        // The event stream is chunked by the API; this client speaks HTTP/1.0, which has no chunks.
        socket.write(
          `GET /v1/stream HTTP/1.0\r\nHost: console\r\nAuthorization: Bearer ${data.accessToken}\r\nConnection: x-secret\r\nX-Secret: 1\r\n\r\n`,
        );
        socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
        await vi.waitFor(() => expect(answer).toContain('event: ready'), { timeout: 10_000, interval: 20 });
      } finally {
        socket.destroy();
      }
      const [head, body] = answer.split('\r\n\r\n') as [string, string];
      expect(head).toMatch(/^HTTP\/1\.1 200/);
      expect(head.toLowerCase()).not.toContain('transfer-encoding');
      expect(body.startsWith('retry: 2000\n')).toBe(true);
    });

    it('tells the API the real client address, never the one a client claims', async () => {
      // Each wrong password claims another address; the API must count them all against this one.
      const email = 'nobody-at-all@example.test';
      const statuses: number[] = [];
      for (let attempt = 0; attempt < 10 && !statuses.includes(429); attempt++) {
        const answer = await raw(
          '/v1/auth/login',
          {
            'content-type': 'application/json',
            'x-forwarded-for': `198.51.100.${attempt + 1}`,
            forwarded: `for=198.51.100.${attempt + 1}`,
          },
          'POST',
          JSON.stringify({ email, password: `guess ${attempt}` }),
        );
        statuses.push(answer.status);
      }
      expect(statuses).toContain(429);
      expect(statuses.filter((status) => status !== 401 && status !== 429)).toEqual([]);
    });
  });
});
