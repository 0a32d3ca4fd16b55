/** Baseline: Vaadin Grid 24 (Lumo theme) with the rows as its `items` array. */
import '@vaadin/grid';
import '@vaadin/grid/vaadin-grid-column.js';
import type { Grid } from '@vaadin/grid';
import { exposeBench } from './protocol.ts';
import { benchRows, type BenchRow } from './shared.ts';

const rows = benchRows();
let grid: Grid<BenchRow>;

exposeBench({
  attach(host) {
    grid = document.createElement('vaadin-grid') as Grid<BenchRow>;
    grid.style.height = '800px';
    for (const path of ['number', 'customer', 'email', 'status', 'total', 'date']) {
      const column = document.createElement('vaadin-grid-column');
      column.path = path;
      grid.append(column);
    }
    host.append(grid);
  },
  handRows() {
    grid.items = rows;
  },
  scroller: () => grid.shadowRoot!.querySelector<HTMLElement>('#table')!,
  renderedNumbers: () =>
    [...grid.querySelectorAll('vaadin-grid-cell-content')]
      .map((cell) => cell.textContent!.trim())
      .filter((text) => text.startsWith('#')),
});
