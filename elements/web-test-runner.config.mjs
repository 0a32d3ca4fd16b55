// Browser tests: `*.browser.test.ts` in Debian's Chromium, against a real bridge server that this
// process starts (see test/support/bridge-fixture.ts). Run through tsx so the bridge server's
// TypeScript sources load as they are: `npm run test:elements`.
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { defaultReporter } from '@web/test-runner';
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from './test/support/chromium.ts';
import { chromeLauncher } from '@web/test-runner-chrome';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { setTimeout } from 'node:timers';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));

/** @type {import('./test/support/bridge-fixture.ts').BridgeFixture | undefined} */
let bridge;

/** The script-tag bundle, built as `npm run build` builds it, for the tests that load it as a page would. */
let bundleDir;

/** Starts the bridge with the dev server and stops it with it; answers fixtures and forwards /v1. */
function bridgePlugin() {
  return {
    name: 'dockhand-bridge',
    async serverStart({ config }) {
      const { startBridgeFixture } = await import('./test/support/bridge-fixture.ts');
      bundleDir = await mkdtemp(join(tmpdir(), 'dockhand-bundle-'));
      const { build } = await import('vite');
      await build({
        configFile: fileURLToPath(new URL('../vite.config.ts', import.meta.url)),
        logLevel: 'warn',
        build: { outDir: bundleDir, emptyOutDir: true, sourcemap: false },
      });
      // The test page's origin may call the bridge at its own address too (cross-origin.browser.test.ts).
      bridge = await startBridgeFixture({ corsOrigins: [`http://${config.hostname}:${config.port}`] });
    },
    async serverStop() {
      const started = Date.now();
      // Bounded: a bridge that cannot close must not keep the run from reporting its result.
      const closed = await Promise.race([
        bridge?.close().then(() => true),
        new Promise((resolve) => setTimeout(resolve, 30_000, false).unref()),
      ]);
      if (!closed) console.error("The browser tests' bridge server did not close within 30 s.");
      else if (Date.now() - started > 5_000)
        console.error(`The browser tests' bridge server took ${Date.now() - started} ms to close.`);
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
 * Ends the process once the run has finished and had a minute to stop: whatever still holds it
 * open (named in the message) must not hold the suite's result hostage.
 */
function exitWhenFinished() {
  return {
    onTestRunFinished({ sessions }) {
      const passed = sessions.every((session) => session.passed);
      setTimeout(() => {
        const open = process.getActiveResourcesInfo().join(', ');
        console.error(`The browser tests finished but the runner had not exited a minute later (still open: ${open}).`);
        process.exit(passed ? 0 : 1);
      }, 60_000).unref();
    },
  };
}

/**
 * `executeServerCommand('dockhand-screenshot', {x, y, width, height, name?})`: a PNG (base64) of that
 * part of the test page, taken by Chromium itself (the host-CSS isolation test compares two; the
 * theme test keeps named ones under docs/screenshots/ for the README).
 */
const screenshotsDir = fileURLToPath(new URL('../docs/screenshots/', import.meta.url));

/**
 * How many pixels differ visibly between two PNGs (Infinity when their sizes differ), decoded by
 * Chromium in the test page. A kept picture is rewritten only when more than one pixel in a
 * thousand changed: text rendering varies a little between runs.
 */
function changedPixels(page, a, b) {
  /* global createImageBitmap, OffscreenCanvas -- run in the test page */
  return page.evaluate(
    async (first, second) => {
      const decode = async (base64) => {
        const bitmap = await createImageBitmap(await (await fetch(`data:image/png;base64,${base64}`)).blob());
        const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
        const context = canvas.getContext('2d');
        context.drawImage(bitmap, 0, 0);
        return context.getImageData(0, 0, bitmap.width, bitmap.height);
      };
      const [x, y] = await Promise.all([decode(first), decode(second)]);
      if (x.width !== y.width || x.height !== y.height) return Infinity;
      let differing = 0;
      for (let index = 0; index < x.data.length; index += 4) {
        const distance =
          Math.abs(x.data[index] - y.data[index]) +
          Math.abs(x.data[index + 1] - y.data[index + 1]) +
          Math.abs(x.data[index + 2] - y.data[index + 2]);
        if (distance > 48) differing++;
      }
      return differing;
    },
    a,
    b,
  );
}

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
      // With a name, the picture is also kept for the README (docs/screenshots/NAME.png), unless
      // the one there already looks the same: a run that changes nothing leaves the checkout clean.
      if (name && /^[a-z0-9-]+$/.test(name)) {
        const file = join(screenshotsDir, `${name}.png`);
        const kept = await readFile(file, 'base64').catch(() => undefined);
        const changed = kept ? await changedPixels(page, kept, png) : Infinity;
        if (changed > (clip.width * clip.height) / 1000) {
          await writeFile(file, Buffer.from(png, 'base64'));
          if (kept) console.log(`docs/screenshots/${name}.png: ${changed} pixels changed; rewritten`);
        }
      }
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
  reporters: [defaultReporter(), exitWhenFinished()],
  middleware: [bridgeMiddleware],
  plugins: [bridgePlugin(), screenshotPlugin(), esbuildPlugin({ ts: true, target: 'es2022', tsconfig: `${here}tsconfig.json` })],
  browsers: [
    chromeLauncher({
      launchOptions: {
        executablePath: CHROMIUM_PATH,
        headless: true,
        args: ['--headless=new', ...CHROMIUM_FLAGS],
      },
    }),
  ],
};
