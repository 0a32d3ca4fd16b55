/** Baseline: a bare Lit element rendering the rows with `<lit-virtualizer>` as its own scroller. */
import { css, html, LitElement } from 'lit';
import '@lit-labs/virtualizer';
import { exposeBench } from './protocol.ts';
import { benchRows, type BenchRow } from './shared.ts';

class BenchVirtualTable extends LitElement {
  static override properties = { items: { attribute: false } };
  static override styles = css`
    :host {
      display: block;
      height: 800px;
      font: 13px sans-serif;
    }
    lit-virtualizer {
      height: 100%;
    }
    .r {
      display: grid;
      grid-template-columns: repeat(6, 1fr);
      width: 100%;
      height: 32px;
      align-items: center;
      border-bottom: 1px solid #eee;
    }
  `;
  declare items: BenchRow[];

  constructor() {
    super();
    this.items = [];
  }

  override render() {
    return html`<lit-virtualizer
      scroller
      .items=${this.items}
      .renderItem=${(row: BenchRow) =>
        html`<div class="r" role="row">
          <span>${row.number}</span><span>${row.customer}</span><span>${row.email}</span><span>${row.status}</span
          ><span>${row.total}</span><span>${row.date}</span>
        </div>`}
    ></lit-virtualizer>`;
  }
}
customElements.define('bench-virtual-table', BenchVirtualTable);

const rows = benchRows();
let table: BenchVirtualTable;
const virtualizer = () => table.shadowRoot!.querySelector<HTMLElement>('lit-virtualizer')!;

exposeBench({
  attach(host) {
    table = document.createElement('bench-virtual-table') as BenchVirtualTable;
    host.append(table);
  },
  handRows() {
    table.items = rows;
  },
  scroller: virtualizer,
  renderedNumbers: () => [...virtualizer().querySelectorAll('.r > span:first-child')].map((cell) => cell.textContent!.trim()),
});
