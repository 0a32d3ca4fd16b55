import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropRedisKeys } from '../../test/support/redis-keys.ts';
import { startTcpProxy, targetOf } from '../../test/support/tcp-proxy.ts';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database.ts';
import { testSecrets } from '../../test/support/test-server.ts';

const bin = fileURLToPath(new URL('../../bin/dockhand.js', import.meta.url));
const redisUrl = process.env['DOCKHAND_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

/** A port nobody listens on: bound once, then closed. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

function run(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, [bin, ...args], {
    env: { PATH: process.env['PATH'] ?? '', ...testSecrets(), DATABASE_URL: database.ownerUrl, PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, at: performance.now() })),
  );
  return { child, exited, stderr: () => stderr, output: () => `${stdout.slice(-3000)}\n${stderr.slice(-2000)}` };
}

/** Resolves once the process logged a line with this `msg`. */
function logged(child: ChildProcess, msg: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      if (line.includes(`"msg":"${msg}"`)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code} before logging "${msg}"`)));
  });
}

describe('#8.4 a wrong REDIS_URL', () => {
  it('stops start-up with one line naming REDIS_URL', async () => {
    const port = await closedPort();
    const serve = run(['serve'], { REDIS_URL: `redis://127.0.0.1:${port}` });
    const { code } = await serve.exited;
    expect(code).toBe(1);
    expect(serve.stderr().trim().split('\n')).toEqual([
      `dockhand: REDIS_URL redis://127.0.0.1:${port} cannot be reached: connect ECONNREFUSED 127.0.0.1:${port}`,
    ]);
  });
});

describe('#8.4 SIGTERM with Redis down', () => {
  for (const [command, ready] of [
    ['worker', 'worker started'],
    ['serve', 'listening'],
  ] as const) {
    it(`${command} finishes shutting down within its grace period`, async () => {
      const proxy = await startTcpProxy(targetOf(redisUrl));
      const prefix = `dh_term_${randomBytes(4).toString('hex')}`;
      try {
        const process_ = run([command], {
          REDIS_URL: proxy.via(redisUrl),
          DOCKHAND_QUEUE_PREFIX: prefix,
          DOCKHAND_SHUTDOWN_GRACE_MS: '3000',
          LOG_LEVEL: 'info',
        });
        await logged(process_.child, ready);
        await proxy.cut();
        const signalled = performance.now();
        process_.child.kill('SIGTERM');
        // A process that does not stop is killed after the test has seen it overrun.
        const overrun = setTimeout(() => process_.child.kill('SIGKILL'), 10_000);
        const { code, signal, at } = await process_.exited.finally(() => clearTimeout(overrun));
        expect(at - signalled).toBeLessThan(4_500);
        expect({ code, signal }, process_.output()).toEqual({ code: 0, signal: null });
      } finally {
        await proxy.cut();
        await dropRedisKeys(redisUrl, prefix);
      }
    });
  }
});
