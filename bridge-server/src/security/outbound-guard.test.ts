import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOutboundGuard, OutboundUrlRefusedError } from './outbound-guard.ts';

// What needs real DNS or a socket; the address rules themselves are in outbound-guard.unit.test.ts.
const refusal = async (promise: Promise<unknown>): Promise<OutboundUrlRefusedError> => {
  try {
    await promise;
  } catch (error) {
    if (error instanceof OutboundUrlRefusedError) return error;
    throw error;
  }
  throw new Error('expected the URL to be refused');
};

describe('the outbound guard', () => {
  describe('when a URL points at an internal address', () => {
    it('refuses localhost through real DNS', async () => {
      const error = await refusal(createOutboundGuard().check('http://localhost/'));
      expect(error.reason).toMatch(/loopback/);
    });
  });

  describe('with an allowlist', () => {
    let server: http.Server;
    let port = 0;
    beforeAll(async () => {
      server = http.createServer((req, res) => {
        if (req.url === '/moved') res.writeHead(302, { location: 'http://169.254.169.254/' }).end();
        else if (req.url === '/slow') setTimeout(() => res.end('late'), 2000).unref();
        else if (req.url === '/endless') {
          // A JSON array that never ends, as fast as the socket takes it.
          res.writeHead(200, { 'content-type': 'application/json' });
          const chunk = Buffer.alloc(64 * 1024, '1,');
          res.write('[');
          const pump = () => {
            while (!res.destroyed && res.write(chunk));
          };
          res.on('drain', pump);
          pump();
        } else if (req.url === '/drip') {
          // A byte every 50 ms: never long enough apart for the per-read timeout.
          res.writeHead(200, { 'content-type': 'application/json' });
          const timer = setInterval(() => (res.destroyed ? clearInterval(timer) : res.write(' ')), 50);
          res.on('close', () => clearInterval(timer));
        } else res.end(`hello ${req.headers.host}`);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as AddressInfo).port;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('lets an allowlisted loopback host:port through, and fetches from it', async () => {
      const allowed = createOutboundGuard({ allowHosts: ['127.0.0.1:*'] });
      await expect(allowed.check(`http://127.0.0.1:${port}/`)).resolves.toBeUndefined();
      const response = await allowed.fetch(`http://127.0.0.1:${port}/`);
      expect(await response.text()).toBe(`hello 127.0.0.1:${port}`);
    });

    it('matches the port of a host:port pattern', async () => {
      const allowed = createOutboundGuard({ allowHosts: [`127.0.0.1:${port}`] });
      await expect(allowed.check(`http://127.0.0.1:${port}/`)).resolves.toBeUndefined();
      await refusal(allowed.check(`http://127.0.0.1:${port + 1}/`));
    });

    it('connects to the address it checked, not to a second DNS answer', async () => {
      let calls = 0;
      const allowed = createOutboundGuard({
        allowHosts: ['pinned.example.test:*'],
        // First answer is the local test server; any later lookup would point nowhere.
        resolve: async () => (calls++ === 0 ? [{ address: '127.0.0.1', family: 4 }] : [{ address: '192.0.2.1', family: 4 }]),
      });
      const response = await allowed.fetch(`http://pinned.example.test:${port}/`);
      expect(await response.text()).toBe(`hello pinned.example.test:${port}`);
      expect(calls).toBe(1);
    });

    it('keeps the connection alive: calls to one store share one connection', async () => {
      let connections = 0;
      const count = () => connections++;
      server.on('connection', count);
      try {
        const allowed = createOutboundGuard({ allowHosts: ['127.0.0.1:*'] });
        for (const method of ['GET', 'POST', 'GET']) {
          const response = await allowed.fetch(`http://127.0.0.1:${port}/${method}`, {
            method,
            ...(method === 'POST' ? { body: '{}', headers: { 'content-type': 'application/json' } } : {}),
          });
          expect(await response.text()).toBe(`hello 127.0.0.1:${port}`);
        }
        expect(connections).toBe(1);
        await allowed.close();
      } finally {
        server.off('connection', count);
      }
    });

    it('answers a redirect as it is, without following it', async () => {
      const response = await createOutboundGuard({ allowHosts: ['127.0.0.1:*'] }).fetch(`http://127.0.0.1:${port}/moved`);
      expect(response.status).toBe(302);
      expect(response.headers.get('location')).toBe('http://169.254.169.254/');
    });

    it('stops reading an answer past its size limit, saying so, and keeps no more of it than that', async () => {
      const guard = createOutboundGuard({ allowHosts: ['127.0.0.1:*'], maxResponseBytes: 4 * 1024 * 1024 });
      const before = process.memoryUsage().arrayBuffers;
      await expect(guard.fetch(`http://127.0.0.1:${port}/endless`)).rejects.toThrow(/answered more than 4194304 bytes/);
      expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 * 1024 * 1024);
      // The guard still serves other requests.
      expect(await (await guard.fetch(`http://127.0.0.1:${port}/`)).text()).toBe(`hello 127.0.0.1:${port}`);
      await guard.close();
    });

    it('gives up on an answer that trickles in past the deadline, though no single wait is long', async () => {
      const guard = createOutboundGuard({ allowHosts: ['127.0.0.1:*'], timeoutMs: 1000, deadlineMs: 600 });
      const started = performance.now();
      await expect(guard.fetch(`http://127.0.0.1:${port}/drip`)).rejects.toThrow(/took longer than 600 ms in all/);
      expect(performance.now() - started).toBeLessThan(5000);
      await guard.close();
    });

    it('gives up on a store that does not answer in time, saying so', async () => {
      const impatient = createOutboundGuard({ allowHosts: ['127.0.0.1:*'], timeoutMs: 200 });
      await expect(impatient.fetch(`http://127.0.0.1:${port}/slow`)).rejects.toThrow(/timed out after 200 ms/);
    });
  });
});
