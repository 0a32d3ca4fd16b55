/**
 * The measurement every page runs (bench/elements.bench.ts calls `window.runBench()` once per fresh
 * page): attach the empty table and let it settle for two frames; t0; hand it the rows; two frames
 * later (or the first frame after that with a row in the DOM) is "first rows". Then 120 frames,
 * each moving the scroller 300 px; the intervals between frames give the scroll p50/p95.
 */
import { SCROLL_FRAMES, SCROLL_STEP_PX, type BenchRun } from './shared.ts';

export interface BenchTable {
  /** Creates the empty table in `host`. */
  attach(host: HTMLElement): void;
  /** Gives the table its rows, the way its users do. */
  handRows(): void;
  /** The element whose scrollTop moves the rows (valid after `attach`). */
  scroller(): HTMLElement;
  /** The order numbers (`#1000`, …) of the rows now in the DOM. */
  renderedNumbers(): string[];
}

const MAX_EXTRA_FRAMES = 60;

const nextFrame = () => new Promise<number>((resolve) => requestAnimationFrame(resolve));

/** Nearest-rank percentile of ascending values. */
function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

const rowOf = (number: string) => Number(number.replace(/^#/, '')) - 1000;

export function exposeBench(table: BenchTable): void {
  const run = async (): Promise<BenchRun> => {
    table.attach(document.getElementById('host')!);
    await nextFrame();
    await nextFrame();

    const t0 = performance.now();
    table.handRows();
    const handMs = performance.now() - t0;
    await nextFrame();
    await nextFrame();
    // A table that lays out asynchronously (the virtualizer measures first) may show nothing yet:
    // then count frames until a row is in the DOM, so "first rows" never stands for an empty table.
    let extraFrames = 0;
    while (table.renderedNumbers().length === 0 && extraFrames < MAX_EXTRA_FRAMES) {
      await nextFrame();
      extraFrames++;
    }
    const firstRowsMs = performance.now() - t0;
    const shown = table.renderedNumbers().map(rowOf);

    const scroller = table.scroller();
    const intervals: number[] = [];
    let last = performance.now();
    for (let frame = 0; frame < SCROLL_FRAMES; frame++) {
      scroller.scrollTop += SCROLL_STEP_PX;
      await nextFrame();
      const now = performance.now();
      intervals.push(now - last);
      last = now;
    }
    intervals.sort((a, b) => a - b);
    const after = table.renderedNumbers().map(rowOf);
    return {
      firstRowsMs,
      handMs,
      extraFrames,
      scrollP50Ms: percentile(intervals, 50),
      scrollP95Ms: percentile(intervals, 95),
      rowsInDom: shown.length,
      firstRow: shown.length ? Math.min(...shown) : -1,
      scrolledPx: scroller.scrollTop,
      lastRowAfterScroll: after.length ? Math.max(...after) : -1,
    };
  };
  Object.assign(window, { runBench: run });
}
