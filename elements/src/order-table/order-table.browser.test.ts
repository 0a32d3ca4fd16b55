import { expect } from 'chai';
import '../index.ts';
import type { DhProvider } from '../provider/provider.ts';
import {
  axeViolations,
  callApi,
  changeWooOrder,
  cleanup,
  createFixture,
  mount,
  until,
  type Fixture,
} from '../testing/fixture.ts';
import type { DhOrderTable } from './order-table.ts';
import { apiQuery } from './orders-source.ts';

const SEEDED = 450;

async function openTable(fixture: Fixture, attributes = ''): Promise<DhOrderTable> {
  const provider = await mount<DhProvider>(
    `<dh-provider token="${fixture.token}"><dh-order-table ${attributes} style="height: 420px"></dh-order-table></dh-provider>`,
  );
  const table = provider.querySelector('dh-order-table')!;
  await until(() => table.rows.length > 0 || table.source.complete, 10_000, 'the first page');
  await table.updateComplete;
  return table;
}

const grid = (table: DhOrderTable) => table.shadowRoot!.querySelector<HTMLElement>('[role=grid]')!;
const bodyRows = (table: DhOrderTable) => [...table.shadowRoot!.querySelectorAll<HTMLElement>('.body [role=row]')];

function press(table: DhOrderTable, key: string, init: KeyboardEventInit = {}): Promise<unknown> {
  grid(table).dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, composed: true, ...init }));
  return table.updateComplete;
}

function activeCell(table: DhOrderTable): HTMLElement | null {
  const id = grid(table).getAttribute('aria-activedescendant');
  return id ? table.shadowRoot!.getElementById(id) : null;
}

describe('the search the table sends', () => {
  it('sends q only when it holds a word of three characters, as the server requires', () => {
    const sent = (q: string) => apiQuery({ sort: '-placed', q }).q;
    expect([sent('ab'), sent('a b c'), sent('  a  b  ')]).to.deep.equal([undefined, undefined, undefined]);
    expect([sent(' grace '), sent('a bcd'), sent('#10')]).to.deep.equal(['grace', 'a bcd', '#10']);
  });
});

describe('<dh-order-table>', () => {
  let fixture: Fixture;
  before(async () => {
    fixture = await createFixture({ orders: SEEDED });
  });
  afterEach(cleanup);

  it('shows the orders of the real API, newest first, in a grid that counts its rows', async () => {
    const table = await openTable(fixture);
    expect(table.rows[0]!.number).to.equal('#1000');
    // More pages exist: the total is not known yet.
    expect(grid(table).getAttribute('aria-rowcount')).to.equal('-1');
    const rows = bodyRows(table);
    expect(rows.length).to.be.greaterThan(5).and.lessThan(40);
    expect(rows[0]!.getAttribute('aria-rowindex')).to.equal('2');
    expect(rows[0]!.textContent).to.contain('#1000');
    // Pages arrive as the window nears the end of what is loaded.
    await until(
      () => {
        grid(table).scrollTop = grid(table).scrollHeight;
        return table.source.complete;
      },
      10_000,
      'every page',
    );
    await table.updateComplete;
    expect(table.rows).to.have.length(SEEDED);
    expect(grid(table).getAttribute('aria-rowcount')).to.equal(String(SEEDED + 1));
  });

  it('paints the first rows soon after the first page arrives', async () => {
    performance.clearResourceTimings();
    const table = await openTable(fixture);
    await new Promise((resolve) => requestAnimationFrame(resolve));
    const painted = performance.now();
    // Resource Timing: when the last byte of the first page's answer arrived.
    const page = performance
      .getEntriesByType('resource')
      .find((entry) => entry.name.includes('/v1/orders?')) as PerformanceResourceTiming;
    console.log(`first page arrived → rows painted: ≤ ${Math.round(painted - page.responseEnd)} ms`);
    expect(bodyRows(table)[0]!.textContent).to.contain('#1000');
  });

  it('shows loading, then an empty state for a search that matches nothing', async () => {
    const table = await openTable(fixture);
    table.setQuery({ sort: '-placed', q: 'no-such-order-zzz' });
    await table.updateComplete;
    expect(table.shadowRoot!.querySelector('[part=loading]')).to.not.equal(null);
    await until(() => table.source.complete, 5_000, 'the search');
    await table.updateComplete;
    expect(table.shadowRoot!.querySelector('[part=empty]')!.textContent).to.contain('No orders match');
    expect(grid(table).getAttribute('aria-rowcount')).to.equal('1');
  });

  it('shows an error with a retry when the server refuses', async () => {
    const provider = await mount<DhProvider>(`<dh-provider token="not-a-token"><dh-order-table></dh-order-table></dh-provider>`);
    const table = provider.querySelector('dh-order-table')!;
    await until(() => table.source.error !== undefined, 5_000, 'the error');
    await table.updateComplete;
    const alert = table.shadowRoot!.querySelector('[role=alert]')!;
    expect(alert.textContent).to.contain('Retry');
  });

  it('sorts by a header (aria-sort) and filters by status', async () => {
    const table = await openTable(fixture);
    const totalHeader = [...table.shadowRoot!.querySelectorAll('[role=columnheader]')].find((header) =>
      header.textContent!.includes('Total'),
    )!;
    totalHeader.querySelector('button')!.click();
    await until(() => table.rows.length > 0 && table.query.sort === '-total', 5_000, 'the sort');
    await until(() => table.rows.length > 1, 5_000, 'rows');
    await table.updateComplete;
    expect(totalHeader.getAttribute('aria-sort')).to.equal('descending');
    expect(Number(table.rows[0]!.total)).to.be.at.least(Number(table.rows[1]!.total));
    table.setQuery({ ...table.query, status: 'cancelled' });
    await until(() => table.rows.length > 0, 5_000, 'filtered rows');
    expect(table.rows.every((order) => order.status === 'cancelled')).to.equal(true);
  });

  it('chooses columns (aria-colcount follows)', async () => {
    const table = await openTable(fixture);
    const before = Number(grid(table).getAttribute('aria-colcount'));
    const emailBox = [...table.shadowRoot!.querySelectorAll<HTMLLabelElement>('.columns label')].find((label) =>
      label.textContent!.includes('Email'),
    )!;
    emailBox.querySelector('input')!.click();
    await table.updateComplete;
    expect(Number(grid(table).getAttribute('aria-colcount'))).to.equal(before + 1);
    expect(table.columns).to.include('email');
  });

  it('follows the grid keyboard model: arrows, Home/End, PageDown, Space selects, Enter opens, Escape closes', async () => {
    const table = await openTable(fixture);
    grid(table).focus();
    expect(table.shadowRoot!.activeElement).to.equal(grid(table));
    expect(activeCell(table)!.closest('[role=row]')!.getAttribute('aria-rowindex')).to.equal('2');
    await press(table, 'ArrowDown');
    expect(activeCell(table)!.closest('[role=row]')!.getAttribute('aria-rowindex')).to.equal('3');
    await press(table, 'ArrowRight');
    expect(activeCell(table)!.getAttribute('aria-colindex')).to.equal('2');
    await press(table, 'End');
    expect(activeCell(table)!.getAttribute('aria-colindex')).to.equal(grid(table).getAttribute('aria-colcount'));
    await press(table, 'Home');
    expect(activeCell(table)!.getAttribute('aria-colindex')).to.equal('1');
    await press(table, 'PageDown');
    const afterPage = Number(activeCell(table)!.closest('[role=row]')!.getAttribute('aria-rowindex'));
    expect(afterPage).to.be.greaterThan(5);
    // The active row was scrolled into view and is still in the DOM.
    expect(activeCell(table)).to.not.equal(null);
    await press(table, 'ArrowUp', {});
    await press(table, 'Home', { ctrlKey: true });
    expect(activeCell(table)!.closest('[role=row]')!.getAttribute('aria-rowindex')).to.equal('2');
    await press(table, 'ArrowUp');
    expect(activeCell(table)!.getAttribute('role')).to.equal('columnheader');
    await press(table, 'ArrowDown');

    const selection = new Promise<CustomEvent>((resolve) =>
      table.addEventListener('dh-selection-change', resolve as EventListener, { once: true }),
    );
    await press(table, ' ');
    expect((await selection).detail.ids).to.deep.equal([table.rows[0]!.id]);
    expect(bodyRows(table)[0]!.getAttribute('aria-selected')).to.equal('true');

    const opened = new Promise<CustomEvent>((resolve) =>
      table.addEventListener('dh-order-open', resolve as EventListener, { once: true }),
    );
    await press(table, 'Enter');
    expect((await opened).detail.order.id).to.equal(table.rows[0]!.id);
    await until(() => table.detail?.data !== undefined, 5_000, 'the order detail');
    await table.updateComplete;
    const drawer = table.shadowRoot!.querySelector<HTMLElement>('[part=drawer]')!;
    expect(drawer.textContent).to.contain('Widget');
    expect(drawer.textContent).to.contain('Timeline');
    drawer.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, composed: true }));
    await table.updateComplete;
    expect(table.shadowRoot!.querySelector('[part=drawer]')).to.equal(null);
  });

  it('runs a bulk action over the selection and shows one result per row', async () => {
    const table = await openTable(fixture);
    table.toggle(table.rows[0]!.id);
    table.toggle(table.rows[1]!.id);
    await table.updateComplete;
    expect(table.shadowRoot!.querySelector('[part=bulk-bar]')!.textContent).to.contain('2 selected');
    const results = await table.runBulk({ action: 'changeStatus', status: 'closed' });
    expect(results.map((result) => result.id).sort()).to.deep.equal([table.rows[0]!.id, table.rows[1]!.id].sort());
    await table.updateComplete;
    const marks = table.shadowRoot!.querySelectorAll('.result-ok, .result-failed');
    expect(marks.length).to.equal(2);
    expect(table.shadowRoot!.querySelector('.bulk-summary')!.textContent).to.match(/succeeded/);
  });

  it('exports the whole current view as CSV, page by page, without holding it', async () => {
    const table = await openTable(fixture);
    const chunks: string[] = [];
    const decoder = new TextDecoder();
    const count = await table.exportCsv(
      new WritableStream<Uint8Array>({
        write(chunk) {
          chunks.push(decoder.decode(chunk));
        },
      }),
    );
    expect(count).to.equal(SEEDED);
    // A header chunk, then one chunk per page of 200.
    expect(chunks.length).to.equal(1 + Math.ceil(SEEDED / 200));
    const lines = chunks.join('').trimEnd().split('\r\n');
    expect(lines).to.have.length(SEEDED + 1);
    expect(lines[0]).to.contain('Order');
    expect(lines[1]).to.match(/^#1000,/);
  });

  it('saves the current view and applies it again', async () => {
    const table = await openTable(fixture);
    table.setQuery({ sort: 'total', status: 'open' });
    await until(() => table.rows.length > 0, 5_000, 'rows');
    const saved = (await table.saveView('Open by total'))!;
    expect(saved.name).to.equal('Open by total');
    // It is the user's: a fresh table lists it.
    const listed = await fetch('/v1/views', { headers: { authorization: `Bearer ${fixture.token}` } }).then((answer) =>
      answer.json(),
    );
    expect(listed.data.map((view: { id: string }) => view.id)).to.include(saved.id);
    table.applyView(undefined);
    expect(table.query.status).to.equal(undefined);
    table.applyView(saved);
    expect(table.query).to.include({ sort: 'total', status: 'open' });
  });

  it('lays out right-to-left in Arabic', async () => {
    document.documentElement.lang = 'ar';
    document.documentElement.dir = 'rtl';
    try {
      const table = await openTable(fixture);
      expect(table.getAttribute('dir')).to.equal('rtl');
      expect(grid(table).getAttribute('aria-label')).to.equal('الطلبات');
      grid(table).focus();
      // In right-to-left, ArrowLeft moves to the next column.
      await press(table, 'ArrowLeft');
      expect(activeCell(table)!.getAttribute('aria-colindex')).to.equal('2');
    } finally {
      document.documentElement.lang = 'en';
      document.documentElement.dir = '';
    }
  });

  it('shows a change made on the store (its webhook) in place within a second, keeping selection and scroll', async () => {
    const live = await createFixture({ woo: true, stores: 1, orders: 60 });
    const table = await openTable(live);
    await until(() => table.streamState === 'open', 5_000, 'the stream');
    await until(() => table.rows.some((order) => order.storeId === live.woo!.storeId), 5_000, 'the store orders');
    const target = table.rows.find((order) => order.storeId === live.woo!.storeId)!;
    const index = table.rows.indexOf(target);
    table.toggle(table.rows[0]!.id);
    grid(table).scrollTop = Math.max(0, (index - 2) * 40);
    await table.updateComplete;
    const scrolled = grid(table).scrollTop;
    const before = { status: target.status, updatedAt: target.updatedAt };
    const started = performance.now();
    await changeWooOrder({
      siteId: live.woo!.siteId,
      orderId: Number(target.platformId),
      status: before.status === 'cancelled' ? 'completed' : 'cancelled',
    });
    await until(
      () => table.rows[index]!.updatedAt !== before.updatedAt || table.rows[index]!.status !== before.status,
      3_000,
      'the live update',
    );
    const elapsed = performance.now() - started;
    await table.updateComplete;
    const row = table.shadowRoot!.querySelector<HTMLElement>(`[data-id="${target.id}"]`)!;
    expect(row.textContent).to.contain(table.l10n.status(table.rows[index]!.status));
    console.log(`store change → table row: ${Math.round(elapsed)} ms`);
    expect(elapsed).to.be.lessThan(1_000);
    expect(table.rows[index]!.id).to.equal(target.id);
    expect(grid(table).scrollTop).to.equal(scrolled);
    expect([...table.selected]).to.deep.equal([table.rows[0]!.id]);
  });

  it('shows a change made through the API (a bulk status change pushed to the store) within a second', async () => {
    const live = await createFixture({ woo: true, stores: 1 });
    const table = await openTable(live);
    await until(() => table.streamState === 'open', 5_000, 'the stream');
    const target = table.rows.find((order) => order.storeId === live.woo!.storeId)!;
    const index = table.rows.indexOf(target);
    const before = target.status;
    const status = before === 'completed' ? 'on-hold' : 'completed';
    const started = performance.now();
    const answer = await callApi<{ data: Array<{ ok: boolean }> }>(live, 'POST', '/v1/orders/bulk', {
      action: 'changeStatus',
      ids: [target.id],
      status,
    });
    expect(answer.body.data[0]!.ok).to.equal(true);
    await until(() => table.rows[index]!.status !== before, 3_000, 'the live update');
    const elapsed = performance.now() - started;
    console.log(`API change → table row: ${Math.round(elapsed)} ms`);
    expect(elapsed).to.be.lessThan(1_000);
  });

  it('has no axe violations (grid, toolbar, bulk bar and drawer)', async () => {
    const table = await openTable(fixture);
    table.toggle(table.rows[0]!.id);
    await table.openDetail(table.rows[0]!);
    await table.updateComplete;
    expect(await axeViolations(table)).to.deep.equal([]);
  });
});
