import { compare, parseSearch, parseSearchDate, type ParsedSearch, type SearchTerm } from '../query-filter.ts';
import { fulfillmentStatus, localIndex, type Order, type ShopStore } from '../store.ts';
import { type ConnectionResult, decodeCursor, encodeCursor, pageRequest, toConnection } from './connections.ts';
import { type Args, type RequestContext, type View, err } from './context.ts';
import { orderView } from './views.ts';

/** The `orders` connection: the one that must scale (100,000+ orders, 250 per page, filters, sort keys). */

export const ORDER_FILTER_FIELDS = new Set([
  'updated_at',
  'created_at',
  'processed_at',
  'status',
  'financial_status',
  'fulfillment_status',
  'tag',
  'name',
  'email',
  'test',
  'id',
]);

export function orderMatches(ctx: RequestContext, index: number, terms: SearchTerm[]): boolean {
  let order: Order | null = null;
  const full = (): Order => (order ??= ctx.shop.order(index) as Order);
  for (const term of terms) {
    let ok: boolean;
    switch (term.field) {
      case 'updated_at':
      case 'created_at':
      case 'processed_at': {
        const at = parseSearchDate(term.value);
        if (at === null) continue;
        const value = term.field === 'updated_at' ? ctx.shop.updatedAtOf(index) : ctx.shop.createdAtOf(index);
        ok = compare(term.op, Math.floor(value / 1000) * 1000, at);
        break;
      }
      case 'id': {
        const id = BigInt(term.value.replace(/\D/g, '') || '0');
        const own = full().id;
        ok = term.op === '=' ? own === id : compare(term.op, Number(own - id), 0);
        break;
      }
      case 'status': {
        const o = full();
        const status = o.cancelledAt !== null ? 'cancelled' : o.closedAt !== null ? 'closed' : 'open';
        ok = term.value === 'any' || status === term.value || (term.value === 'not_closed' && status === 'open');
        break;
      }
      case 'financial_status':
        ok = term.value === 'any' || full().financialStatus === term.value;
        break;
      case 'fulfillment_status': {
        const status = fulfillmentStatus(full());
        const value = term.value;
        ok =
          value === 'any' ||
          (value === 'shipped' || value === 'fulfilled'
            ? status === 'fulfilled'
            : value === 'partial'
              ? status === 'partial'
              : value === 'unshipped' || value === 'unfulfilled'
                ? status === null
                : false);
        break;
      }
      case 'tag':
        ok = full().tags.includes(term.value);
        break;
      case 'name':
        ok = full().name === term.value || full().name === `#${term.value}`;
        break;
      case 'email':
        ok = full().email === term.value;
        break;
      case 'test':
        ok = String(full().test) === term.value;
        break;
      default:
        continue;
    }
    if (ok === term.negated) return false;
  }
  return true;
}

export function ordersConnection(ctx: RequestContext, args: Args, searchWarnings: unknown[]): ConnectionResult {
  const page = pageRequest(args);
  const shop = ctx.shop;
  const search: ParsedSearch = parseSearch(args.query as string | undefined);
  const unknown = search.terms.filter((term) => !ORDER_FILTER_FIELDS.has(term.field));
  if (unknown.length) {
    searchWarnings.push({
      path: ['orders'],
      query: args.query,
      warnings: unknown.map((term) => ({ field: term.field, message: 'Invalid search field for this query.' })),
    });
  }
  const terms = search.terms.filter((term) => ORDER_FILTER_FIELDS.has(term.field));
  const byUpdated = args.sortKey === 'UPDATED_AT';
  const count = shop.orderCount;
  // position → order index, and index → the sort value used in cursors
  const at = byUpdated ? (position: number) => shop.updatedOrderAt(position) as number : (position: number) => position;
  const sortValue = (index: number): number => (byUpdated ? shop.updatedAtOf(index) : index);
  const ascending = page.forward !== Boolean(args.reverse);

  let position: number;
  if (page.cursor) {
    // Continue from the cursor's (value, id), not from where that order is now: an order
    // updated since the page was read must not make the walk skip or repeat others.
    const { id, value } = decodeCursor(page.cursor);
    // The cursor's order may have been deleted since: its id still places the walk, as on Shopify.
    const cursorIndex = localIndex('order', shop.index, id);
    if (cursorIndex === null || cursorIndex < 1 || cursorIndex > count) {
      throw err('Invalid cursor for current pagination sort.', 'BAD_REQUEST');
    }
    const index = cursorIndex - 1;
    if (byUpdated) {
      const at = Number(value);
      if (!Number.isFinite(at)) throw err('Invalid cursor for current pagination sort.', 'BAD_REQUEST');
      position = ascending ? shop.positionInUpdated(at, index + 1) : shop.positionInUpdated(at, index) - 1;
    } else {
      position = ascending ? index + 1 : index - 1;
    }
  } else {
    position = ascending ? 0 : count - 1;
  }
  // Jump straight to the range an updated_at / created_at bound allows.
  for (const term of terms) {
    const bound = parseSearchDate(term.value);
    if (bound === null || term.negated) continue;
    const rangeable =
      (term.field === 'updated_at' && byUpdated) ||
      ((term.field === 'created_at' || term.field === 'processed_at') && !byUpdated);
    if (!rangeable) continue;
    const lowerMs = term.op === '>' ? Math.floor(bound / 1000) * 1000 + 1000 : term.op === '>=' ? bound : null;
    if (lowerMs !== null && ascending) {
      const first = byUpdated ? shop.positionInUpdated(lowerMs - 999, -1) : lowerBoundCreated(shop, lowerMs - 999);
      position = Math.max(position, first);
    }
  }

  const edges: Array<{ cursor: string; node: View }> = [];
  let more = false;
  const step = ascending ? 1 : -1;
  for (; position >= 0 && position < count; position += step) {
    const index = at(position);
    if (shop.isOrderDeleted(index)) continue;
    if (terms.length && !orderMatches(ctx, index, terms)) continue;
    if (edges.length === page.size) {
      more = true;
      break;
    }
    const order = shop.order(index) as Order;
    edges.push({ cursor: encodeCursor(order.id, sortValue(index)), node: orderView(ctx, order) });
  }
  return toConnection(edges, page, more);
}

export function lowerBoundCreated(shop: ShopStore, ms: number): number {
  let low = 0;
  let high = shop.orderCount;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (shop.createdAtOf(mid) < ms) low = mid + 1;
    else high = mid;
  }
  return low;
}
