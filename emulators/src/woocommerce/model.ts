/** Internal records of one emulated WooCommerce site. Money is kept in cents, time in Unix seconds. */
import type { KeyPermissions } from './auth.ts';
import type { OrderStatus } from './seed-data.ts';

export interface Address {
  first_name: string;
  last_name: string;
  company: string;
  address_1: string;
  address_2: string;
  city: string;
  state: string;
  postcode: string;
  country: string;
  email: string;
  phone: string;
}

export interface MetaData {
  id: number;
  key: string;
  value: unknown;
}

export interface LineItemRecord {
  id: number;
  name: string;
  productId: number;
  variationId: number;
  quantity: number;
  sku: string;
  taxClass: string;
  /** Unit price when the order was placed. */
  unitCents: number;
  parentName: string | null;
  metaData: MetaData[];
}

export interface ShippingLineRecord {
  id: number;
  methodTitle: string;
  methodId: string;
  instanceId: string;
  totalCents: number;
}

/** An order note (a WordPress comment of type `order_note` on the order). */
export interface OrderNoteRecord {
  id: number;
  orderId: number;
  /** `system` when WooCommerce (or the REST API without `added_by_user`) wrote it. */
  author: string;
  created: number;
  note: string;
  /** Sent to the customer by email (`is_customer_note` comment meta). */
  customerNote: boolean;
}

export interface OrderRecord {
  id: number;
  parentId: number;
  status: OrderStatus;
  currency: string;
  currencySymbol: string;
  version: string;
  created: number;
  modified: number;
  paid: number | null;
  completed: number | null;
  customerId: number;
  orderKey: string;
  billing: Address;
  shipping: Address;
  paymentMethod: string;
  paymentMethodTitle: string;
  transactionId: string;
  customerIp: string;
  customerUserAgent: string;
  createdVia: string;
  customerNote: string;
  cartHash: string;
  lineItems: LineItemRecord[];
  shippingLines: ShippingLineRecord[];
  discountCents: number;
  metaData: MetaData[];
  /** WooCommerce's `_order_stock_reduced` flag: stock was taken for this order. */
  stockReduced: boolean;
}

export interface RefundRecord {
  id: number;
  orderId: number;
  amountCents: number;
  reason: string;
  created: number;
  refundedBy: number;
  refundedPayment: boolean;
}

export type ProductType = 'simple' | 'variable' | 'variation';
export type StockStatus = 'instock' | 'outofstock' | 'onbackorder';

export interface ProductRecord {
  id: number;
  parentId: number;
  type: ProductType;
  name: string;
  slug: string;
  status: 'publish' | 'draft' | 'pending' | 'private' | 'trash';
  sku: string;
  regularCents: number | null;
  saleCents: number | null;
  manageStock: boolean;
  stockQuantity: number | null;
  stockStatus: StockStatus;
  backorders: 'no' | 'notify' | 'yes';
  description: string;
  shortDescription: string;
  created: number;
  modified: number;
  totalSales: number;
  attributes: Array<{ id: number; name: string; option?: string; options?: string[] }>;
  variationIds: number[];
  menuOrder: number;
  metaData: MetaData[];
}

export interface CustomerRecord {
  id: number;
  created: number;
  modified: number;
  email: string;
  firstName: string;
  lastName: string;
  username: string;
  role: string;
  billing: Address;
  shipping: Address;
  isPayingCustomer: boolean;
  metaData: MetaData[];
}

export type WebhookStatus = 'active' | 'paused' | 'disabled';

export interface WebhookRecord {
  id: number;
  name: string;
  status: WebhookStatus;
  topic: string;
  deliveryUrl: string;
  secret: string;
  created: number;
  modified: number;
  failureCount: number;
  pendingDelivery: boolean;
  userId: number;
  apiVersion: string;
  /** HTTP status the creation ping got (0 when the URL could not be reached), null before it ran. */
  pingStatus: number | null;
}

export interface KeyInput {
  permissions: KeyPermissions;
  description?: string;
  userId?: number;
}
