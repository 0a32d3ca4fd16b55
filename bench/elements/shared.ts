// What the bench pages and the runner (bench/elements.bench.ts) share: no DOM here, Node imports it too.

/** One row of the bench data: the same six fields on every page. */
export interface BenchRow {
  number: string;
  customer: string;
  email: string;
  status: string;
  total: string;
  date: string;
}

export const ROW_COUNT = 100_000;
const STATUSES = ['processing', 'completed', 'on-hold'] as const;

/** The rows every page shows, built in the page before anything is timed. Row `i` is order `#(1000 + i)`. */
export function benchRows(count = ROW_COUNT): BenchRow[] {
  return Array.from({ length: count }, (_, i) => ({
    number: `#${1000 + i}`,
    customer: `Customer ${i}`,
    email: `c${i}@example.test`,
    status: STATUSES[i % 3]!,
    total: `${i % 997}.00`,
    date: `2026-11-${String(1 + (i % 28)).padStart(2, '0')}`,
  }));
}

export interface BenchRun {
  /** t0 → rows handed → two animation frames (then more while no row is in the DOM). */
  firstRowsMs: number;
  /** The synchronous part of handing the rows (included in firstRowsMs). */
  handMs: number;
  /** Frames waited beyond the two because no row was in the DOM yet. */
  extraFrames: number;
  scrollP50Ms: number;
  scrollP95Ms: number;
  /** Rows in the DOM after first rows, and the lowest row index among them (row 0 is `#1000`). */
  rowsInDom: number;
  firstRow: number;
  /** Where the scroller ended, and the highest row in the DOM then: the view followed the scroll. */
  scrolledPx: number;
  lastRowAfterScroll: number;
}

export const SCROLL_FRAMES = 120;
export const SCROLL_STEP_PX = 300;
