/**
 * <dh-order-table> fed through its own data path. The element reads rows only from its
 * OrdersSource, which, for each keyset page GET /v1/orders answers, hands the rows to the client's
 * shared RowStore (`remember`), puts the shared copies into `source.rows` (a first page as it is,
 * a later one appended) and asks the element to update. The bench takes that seam without HTTP:
 * the same steps, with one first page holding all 100,000 rows in the API's OrderSummary shape
 * (built before t0, as a parsed answer would be). There is no <dh-provider> and so no client: the
 * source never fetches, and, with no cursor from a server, it counts the rows as "more may follow"
 * (the footer shows "100,000+").
 */
import { RowStore } from '../../elements/src/core/row-store.ts';
import type { OrderSummary } from '../../elements/src/order-table/columns.ts';
import '../../elements/src/order-table/define.ts';
import type { DhOrderTable } from '../../elements/src/order-table/order-table.ts';
import { exposeBench } from './protocol.ts';
import { benchRows } from './shared.ts';

const STORE_ID = '00000000-0000-4000-8000-000000000001';
const page: OrderSummary[] = benchRows().map((row, i) => {
  const at = `${row.date}T10:00:00.000Z`;
  return {
    id: `00000000-0000-4000-9000-${i.toString(16).padStart(12, '0')}`,
    number: row.number,
    customerName: row.customer,
    email: row.email,
    status: row.status,
    total: row.total,
    currency: 'USD',
    placedAt: at,
    updatedAt: at,
    syncedAt: at,
    deletedAt: null,
    financialStatus: 'paid',
    fulfillmentStatus: null,
    platformId: String(5_000_000 + i),
    storeId: STORE_ID,
    tags: [],
  };
});

let table: DhOrderTable;
const store = new RowStore();

exposeBench({
  attach(host) {
    table = document.createElement('dh-order-table');
    // The baselines' six fields, in their order.
    table.columns = ['number', 'customerName', 'email', 'status', 'total', 'placedAt'];
    table.style.height = '800px';
    host.append(table);
  },
  handRows() {
    // What OrdersSource.loadMore does with the first answered page.
    table.source.rows = store.remember('order', page);
    table.requestUpdate();
  },
  scroller: () => table.shadowRoot!.querySelector<HTMLElement>('[role=grid]')!,
  renderedNumbers: () =>
    [...table.shadowRoot!.querySelectorAll('.body [role=row] [aria-colindex="2"]')].map((cell) => cell.textContent!.trim()),
});
