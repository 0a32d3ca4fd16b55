/**
 * Elements: `<dh-order-table>` with 100,000 orders against two baselines over the same rows, in one
 * run — Vaadin Grid 24, and a bare Lit element with `@lit-labs/virtualizer`. The pages
 * (bench/elements/) are built with Vite in production mode (Lit's production build), served from a
 * temporary folder, and driven in Debian's Chromium headless at 1280 × 900. Each page:
 *
 * - first rows: the empty table attached and idle (two animation frames), t0, the rows handed over,
 *   two more frames (more, counted, while no row is in the DOM yet); the floor of the method is one
 *   frame. "hand" is the synchronous part of handing the rows over. `<dh-order-table>` gets them
 *   through its own data path, the row store and its orders source (see bench/elements/order-table.ts);
 * - scroll: 120 frames, each moving the scroller 300 px; p50 and p95 of the frame intervals (at
 *   60 Hz the floor is ~16.7 ms, so p95 ≤ 20 ms means no dropped frame).
 *
 * Five fresh pages each (BENCH_RUNS), the three interleaved so load on the machine falls on all of
 * them alike; medians reported. Also the bundle sizes, minified then gzip level 9 as
 * elements/scripts/size-budget.mjs measures them: dockhand.js and the order table alone, built by
 * the root vite.config.ts (its default and `standalone` modes, into the temporary folder), and what
 * each bench page loads.
 *
 * Goals: first rows ≤ 50 ms, scroll p95 ≤ 20 ms, dockhand.js ≤ 60 KB, the order table ≤ 25 KB.
 */
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import puppeteer, { type Browser } from 'puppeteer-core';
import { build, type Manifest } from 'vite';
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from '../elements/test/support/chromium.ts';
import { report } from './lib/report.ts';
import { ROW_COUNT, SCROLL_FRAMES, SCROLL_STEP_PX, type BenchRun } from './elements/shared.ts';

const RUNS = Number(process.env['BENCH_RUNS'] ?? 5);
const executablePath = CHROMIUM_PATH;
const VIEWPORT = { width: 1280, height: 900 };
const CHROMIUM_ARGS = [...CHROMIUM_FLAGS, `--window-size=${VIEWPORT.width},${VIEWPORT.height}`];
const GOALS = { firstRowsMs: 50, scrollP95Ms: 20, dockhandJsKb: 60, orderTableKb: 25 };

const here = dirname(fileURLToPath(import.meta.url));
const pagesDir = join(here, 'elements');
const repoRoot = join(here, '..');

const PAGES = [
  { id: 'order-table', title: '<dh-order-table>' },
  { id: 'vaadin-grid', title: 'Vaadin Grid 24' },
  { id: 'lit-virtualizer', title: 'Lit + @lit-labs/virtualizer' },
] as const;
type PageId = (typeof PAGES)[number]['id'];

/** Minified bytes gzipped at level 9, in KB (as the size budget counts them). */
const gzipKb = (file: string) => gzipSync(readFileSync(file), { level: 9 }).length / 1024;

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

/** Builds one bench page on its own (so no chunk is shared between pages) and answers the KB it loads. */
async function buildPage(id: PageId, outRoot: string): Promise<number> {
  const outDir = join(outRoot, id);
  await build({
    configFile: false,
    root: pagesDir,
    base: `/${id}/`,
    mode: 'production',
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true, manifest: true, rolldownOptions: { input: join(pagesDir, `${id}.html`) } },
  });
  const manifest = JSON.parse(await readFile(join(outDir, '.vite', 'manifest.json'), 'utf8')) as Manifest;
  // The entry and what it imports statically: what the page loads (a lazy polyfill it never asks for is not counted).
  const loaded = new Set<string>();
  const visit = (key: string) => {
    const chunk = manifest[key]!;
    if (loaded.has(chunk.file)) return;
    loaded.add(chunk.file);
    for (const css of chunk.css ?? []) loaded.add(css);
    for (const imported of chunk.imports ?? []) visit(imported);
  };
  visit(`${id}.html`);
  return [...loaded].reduce((kb, file) => kb + gzipKb(join(outDir, file)), 0);
}

/** dockhand.js and the order table alone, made by the project's own Vite config (only the output folder moved). */
async function buildLibraries(outRoot: string): Promise<{ dockhandJsKb: number; orderTableKb: number }> {
  const configFile = join(repoRoot, 'vite.config.ts');
  const bundle = (mode: string, outDir: string) =>
    build({ configFile, root: repoRoot, mode, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  await bundle('production', join(outRoot, 'dockhand'));
  await bundle('standalone', join(outRoot, 'standalone'));
  return {
    dockhandJsKb: gzipKb(join(outRoot, 'dockhand', 'dockhand.js')),
    orderTableKb: gzipKb(join(outRoot, 'standalone', 'order-table.js')),
  };
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

function serve(root: string) {
  return createServer((request, response) => {
    const path = normalize(join(root, decodeURIComponent(new URL(request.url ?? '/', 'http://bench').pathname)));
    const type = CONTENT_TYPES[extname(path)];
    if (!path.startsWith(root + sep) || !type) return response.writeHead(404).end();
    readFile(path).then(
      (body) => response.writeHead(200, { 'content-type': type }).end(body),
      () => response.writeHead(404).end(),
    );
  });
}

/** One fresh page: load it, run the protocol once, check the table really showed and followed the rows. */
async function runPage(browser: Browser, origin: string, id: PageId): Promise<BenchRun> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(String(error)));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  try {
    await page.goto(`${origin}/${id}/${id}.html`, { waitUntil: 'load' });
    await page.bringToFront();
    await page.waitForFunction('typeof window.runBench === "function"');
    const run = (await page.evaluate('window.runBench()')) as BenchRun;
    const problems = [
      ...errors,
      ...(run.rowsInDom > 0 ? [] : ['no row in the DOM after first rows']),
      ...(run.firstRow === 0 ? [] : [`the first row shown is ${run.firstRow}, not 0`]),
      // The virtualizer corrects the scroll position as it measures rows it had estimated: allow 10 % for that.
      ...(run.scrolledPx >= 0.9 * SCROLL_FRAMES * SCROLL_STEP_PX ? [] : [`the scroller moved only ${run.scrolledPx} px`]),
      // 36,000 px is 900 rows of 40 px (the tallest here): the rows in the DOM must have followed.
      ...(run.lastRowAfterScroll >= 900 ? [] : [`after scrolling, the last row in the DOM is ${run.lastRowAfterScroll}`]),
    ];
    if (problems.length) throw new Error(`${id}: ${problems.join('; ')}`);
    return run;
  } finally {
    await page.close();
  }
}

const loadBefore = loadavg();
const outRoot = await mkdtemp(join(tmpdir(), 'dockhand-elements-bench-'));
const server = serve(outRoot);
let browser: Browser | undefined;
try {
  const started = performance.now();
  const libraries = await buildLibraries(join(outRoot, 'libraries'));
  const pageKb = {} as Record<PageId, number>;
  for (const { id } of PAGES) pageKb[id] = await buildPage(id, outRoot);
  console.log(`built in ${Math.round(performance.now() - started)} ms`);

  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await puppeteer.launch({ executablePath, headless: true, args: CHROMIUM_ARGS, defaultViewport: VIEWPORT });
  const chromium = await browser.version();

  const runs = Object.fromEntries(PAGES.map(({ id }) => [id, [] as BenchRun[]])) as Record<PageId, BenchRun[]>;
  for (let round = 0; round < RUNS; round++) for (const { id } of PAGES) runs[id].push(await runPage(browser, origin, id));

  const figures = (id: PageId) => ({
    firstRowsMs: median(runs[id].map((run) => run.firstRowsMs)),
    handMs: median(runs[id].map((run) => run.handMs)),
    scrollP50Ms: median(runs[id].map((run) => run.scrollP50Ms)),
    scrollP95Ms: median(runs[id].map((run) => run.scrollP95Ms)),
    rowsInDom: median(runs[id].map((run) => run.rowsInDom)),
    extraFramesMax: Math.max(...runs[id].map((run) => run.extraFrames)),
    pageKb: pageKb[id],
  });
  const ours = figures('order-table');
  const vaadin = figures('vaadin-grid');
  const virtualizer = figures('lit-virtualizer');
  const prefixed = (prefix: string, values: Record<string, number>) =>
    Object.fromEntries(Object.entries(values).map(([key, value]) => [prefix + key[0]!.toUpperCase() + key.slice(1), value]));
  const ratio = (a: number, b: number) => a / b;

  const goals = [
    ['first rows', ours.firstRowsMs, GOALS.firstRowsMs, 'ms'],
    ['scroll p95', ours.scrollP95Ms, GOALS.scrollP95Ms, 'ms'],
    ['dockhand.js', libraries.dockhandJsKb, GOALS.dockhandJsKb, 'KB'],
    ['order table', libraries.orderTableKb, GOALS.orderTableKb, 'KB'],
  ] as const;

  const load = (values: number[]) => values.map((value) => value.toFixed(2)).join(' ');
  console.log(`Chromium ${chromium}, ${ROW_COUNT} rows, ${RUNS} fresh pages each, medians`);
  console.log(`load average ${load(loadBefore)} before, ${load(loadavg())} after`);
  console.log('page                          first rows  (hand)   scroll p50  scroll p95  rows in DOM  page KB  extra frames');
  for (const { id, title } of PAGES) {
    const f = figures(id);
    console.log(
      `${title.padEnd(28)} ${f.firstRowsMs.toFixed(1).padStart(8)} ms ${f.handMs.toFixed(1).padStart(6)} ms ${f.scrollP50Ms.toFixed(1).padStart(8)} ms ${f.scrollP95Ms.toFixed(1).padStart(8)} ms ${String(f.rowsInDom).padStart(11)} ${f.pageKb.toFixed(1).padStart(8)} ${String(f.extraFramesMax).padStart(13)}`,
    );
  }
  console.log(
    `dockhand.js ${libraries.dockhandJsKb.toFixed(1)} KB, order table alone ${libraries.orderTableKb.toFixed(1)} KB (min+gzip)`,
  );

  report({
    name: 'elements',
    params: {
      rows: ROW_COUNT,
      runsPerPage: RUNS,
      viewport: VIEWPORT,
      chromium,
      // What Chromium was started with: these flags, puppeteer's defaults and the new headless mode.
      chromiumArgs: (browser.process()?.spawnargs.slice(1) ?? CHROMIUM_ARGS).filter(
        (arg) => !/^--(user-data-dir|remote-debugging-port)=/.test(arg) && arg !== 'about:blank',
      ),
      scroll: `${SCROLL_FRAMES} frames × ${SCROLL_STEP_PX} px`,
      orderTableColumns: 'number, customer, email, status, total, placed (and the selection checkbox)',
      loadAverage: { before: loadBefore, after: loadavg() },
      runs,
    },
    metrics: {
      ...prefixed('orderTable', ours),
      dockhandJsKb: libraries.dockhandJsKb,
      orderTableKb: libraries.orderTableKb,
      firstRowsVsVaadin: ratio(ours.firstRowsMs, vaadin.firstRowsMs),
      firstRowsVsVirtualizer: ratio(ours.firstRowsMs, virtualizer.firstRowsMs),
      scrollP95VsVaadin: ratio(ours.scrollP95Ms, vaadin.scrollP95Ms),
      scrollP95VsVirtualizer: ratio(ours.scrollP95Ms, virtualizer.scrollP95Ms),
      pageKbVsVaadin: ratio(ours.pageKb, vaadin.pageKb),
      pageKbVsVirtualizer: ratio(ours.pageKb, virtualizer.pageKb),
    },
    baseline: {
      description: 'Vaadin Grid 24 (items array) and bare Lit + @lit-labs/virtualizer, same rows, same run',
      metrics: { ...prefixed('vaadin', vaadin), ...prefixed('virtualizer', virtualizer) },
    },
    ratio: ratio(ours.firstRowsMs, virtualizer.firstRowsMs),
    ratioOf: 'first rows, <dh-order-table> ÷ Lit + virtualizer (lower is better)',
    goal: goals
      .map(
        ([what, value, limit, unit]) => `${what} ≤ ${limit} ${unit} (${value.toFixed(1)}, ${value <= limit ? 'met' : 'missed'})`,
      )
      .join(', '),
  });
} finally {
  await browser?.close();
  server.close();
  await rm(outRoot, { recursive: true, force: true });
}
