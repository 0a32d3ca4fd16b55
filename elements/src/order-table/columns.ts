import type { components } from '../core/api-types.ts';
import type { Localizer, MessageKey } from '../core/i18n.ts';

export type OrderSummary = components['schemas']['OrderSummary'];

export interface OrderColumn {
  id: string;
  label: MessageKey;
  /** The `sort` key of GET /v1/orders, when the column can sort. */
  sort?: 'placed' | 'updated' | 'total';
  width: string;
  align?: 'end';
  /** The cell's text (also what CSV export writes). */
  text(order: OrderSummary, l10n: Localizer, stores: ReadonlyMap<string, string>): string;
  /** The raw value CSV export writes, when it differs from the display text. */
  csv?(order: OrderSummary, stores: ReadonlyMap<string, string>): string;
}

export const ORDER_COLUMNS: readonly OrderColumn[] = [
  { id: 'number', label: 'orders.col.number', width: '110px', text: (order) => order.number },
  {
    id: 'placedAt',
    label: 'orders.col.placedAt',
    sort: 'placed',
    width: '180px',
    text: (order, l10n) => l10n.date(order.placedAt),
    csv: (order) => order.placedAt,
  },
  {
    id: 'customerName',
    label: 'orders.col.customer',
    width: '180px',
    text: (order) => order.customerName ?? '—',
    csv: (order) => order.customerName ?? '',
  },
  {
    id: 'email',
    label: 'orders.col.email',
    width: '240px',
    text: (order) => order.email ?? '—',
    csv: (order) => order.email ?? '',
  },
  {
    id: 'status',
    label: 'orders.col.status',
    width: '120px',
    text: (order, l10n) => l10n.status(order.status),
    csv: (order) => order.status,
  },
  {
    id: 'financialStatus',
    label: 'orders.col.financialStatus',
    width: '130px',
    text: (order, l10n) => l10n.status(order.financialStatus),
    csv: (order) => order.financialStatus ?? '',
  },
  {
    id: 'fulfillmentStatus',
    label: 'orders.col.fulfillmentStatus',
    width: '150px',
    text: (order, l10n) => l10n.status(order.fulfillmentStatus ?? 'unfulfilled'),
    csv: (order) => order.fulfillmentStatus ?? '',
  },
  {
    id: 'total',
    label: 'orders.col.total',
    sort: 'total',
    width: '120px',
    align: 'end',
    text: (order, l10n) => l10n.money(order.total, order.currency),
    csv: (order) => `${order.total} ${order.currency}`,
  },
  {
    id: 'storeId',
    label: 'orders.col.store',
    width: '140px',
    text: (order, _l10n, stores) => stores.get(order.storeId) ?? '—',
    csv: (order, stores) => stores.get(order.storeId) ?? order.storeId,
  },
  {
    id: 'updatedAt',
    label: 'orders.col.updatedAt',
    sort: 'updated',
    width: '180px',
    text: (order, l10n) => l10n.date(order.updatedAt),
    csv: (order) => order.updatedAt,
  },
];

export const DEFAULT_COLUMNS = [
  'number',
  'placedAt',
  'customerName',
  'status',
  'financialStatus',
  'fulfillmentStatus',
  'total',
  'storeId',
];
