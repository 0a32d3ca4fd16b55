// Browser tests: `*.browser.test.ts` in Debian's Chromium, against a real bridge server that this
// process starts (see test/support/bridge-fixture.ts). Run through tsx so the bridge server's
// TypeScript sources load as they are: `npm run test:elements`.
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const executablePath = process.env['CHROME_PATH'] ?? '/usr/bin/chromium';

/** @type {import('./test/support/bridge-fixture.ts').BridgeFixture | undefined} */
let bridge;

/** The script-tag bundle, built as `npm run build` builds it, for the tests that load it as a page would. */
let bundleDir;

/** Starts the bridge with the dev server and stops it with it; answers fixtures and forwards /v1. */
function bridgePlugin() {
  return {
    name: 'dockhand-bridge',
    async serverStart() {
      const { startBridgeFixture } = await import('./test/support/bridge-fixture.ts');
      bundleDir = await mkdtemp(join(tmpdir(), 'dockhand-bundle-'));
      const { build } = await import('vite');
      await build({
        configFile: fileURLToPath(new URL('../vite.config.ts', import.meta.url)),
        logLevel: 'warn',
        build: { outDir: bundleDir, emptyOutDir: true, sourcemap: false },
      });
      bridge = await startBridgeFixture();
    },
    async serverStop() {
      await bridge?.close();
      if (bundleDir) await rm(bundleDir, { recursive: true, force: true });
    },
  };
}

async function bridgeMiddleware(ctx, next) {
  if (!bridge) return next();
  if (ctx.path === '/__dockhand/fixture' && ctx.method === 'POST') {
    const chunks = [];
    for await (const chunk of ctx.req) chunks.push(chunk);
    const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
    ctx.type = 'application/json';
    ctx.body = JSON.stringify(await bridge.create(body));
    return;
  }
  if (ctx.path === '/__dockhand/dockhand.js' && bundleDir) {
    ctx.type = 'text/javascript';
    ctx.body = await readFile(join(bundleDir, 'dockhand.js'), 'utf8');
    return;
  }
  if (ctx.path === '/__dockhand/woo-change' && ctx.method === 'POST') {
    const chunks = [];
    for await (const chunk of ctx.req) chunks.push(chunk);
    await bridge.changeWooOrder(JSON.parse(Buffer.concat(chunks).toString('utf8')));
    ctx.status = 204;
    return;
  }
  if (ctx.path.startsWith('/v1/')) {
    const { forward } = await import('./test/support/bridge-fixture.ts');
    // Koa stays out of the way; the status only keeps the runner from reporting a 404.
    ctx.respond = false;
    ctx.status = 200;
    forward(bridge.url, ctx.req, ctx.res);
    return;
  }
  return next();
}

/**
 * `executeServerCommand('dockhand-screenshot', {x, y, width, height, name?})`: a PNG (base64) of that
 * part of the test page, taken by Chromium itself (the host-CSS isolation test compares two; the
 * theme test keeps named ones under docs/screenshots/ for the README).
 */
const screenshotsDir = fileURLToPath(new URL('../docs/screenshots/', import.meta.url));

function screenshotPlugin() {
  return {
    name: 'dockhand-screenshot',
    async serverStart() {
      await mkdir(screenshotsDir, { recursive: true });
    },
    async executeCommand({ command, payload, session }) {
      if (command !== 'dockhand-screenshot') return undefined;
      const page = session.browser.getPage(session.id);
      const { name, ...clip } = payload;
      const png = await page.screenshot({ clip, encoding: 'base64', captureBeyondViewport: false });
      // With a name, the picture is also kept for the README (docs/screenshots/NAME.png).
      if (name && /^[a-z0-9-]+$/.test(name)) await writeFile(join(screenshotsDir, `${name}.png`), Buffer.from(png, 'base64'));
      return png;
    },
  };
}

export default {
  rootDir: fileURLToPath(new URL('..', import.meta.url)),
  files: [`${here}src/**/*.browser.test.ts`],
  nodeResolve: { exportConditions: ['browser', 'development'] },
  concurrency: 1,
  concurrentBrowsers: 1,
  testsFinishTimeout: 1_200_000,
  testFramework: { config: { timeout: 60_000 } },
  middleware: [bridgeMiddleware],
  plugins: [bridgePlugin(), screenshotPlugin(), esbuildPlugin({ ts: true, target: 'es2022', tsconfig: `${here}tsconfig.json` })],
  browsers: [
    chromeLauncher({
      launchOptions: {
        executablePath,
        headless: true,
        args: [
          '--headless=new',
          '--no-sandbox',
          '--disable-dev-shm-usage',
          '--disable-gpu',
          '--disable-background-networking',
          '--disable-component-update',
          '--no-first-run',
          '--disable-sync',
        ],
      },
    }),
  ],
};
