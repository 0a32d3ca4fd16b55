import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
});
