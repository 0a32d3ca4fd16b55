/**
 * One emulated WooCommerce site: seeded catalogue, customers and order history, plus
 * everything changed since start.
 *
 * Orders are the only large collection (100,000 per site must start in seconds), so the
 * seeded ones are not built up front. Start-up fills four compact columns per order
 * (status, created, modified, customer) from one seeded stream; the full order is
 * derived on demand from its own seeded stream and a frozen copy of the start-up
 * catalogue, so it never changes unless someone changes it. A changed or new order is
 * kept whole in `changedOrders`.
 */
import { EventEmitter } from 'node:events';
import { createRandom, type Random } from '../shared/random.ts';
import type { ApiKey } from './auth.ts';
import type {
  Address,
  CustomerRecord,
  KeyInput,
  LineItemRecord,
  OrderNoteRecord,
  OrderRecord,
  ProductRecord,
  RefundRecord,
  WebhookRecord,
} from './model.ts';
import {
  CITIES,
  CURRENCIES,
  FIRST_NAMES,
  HISTORY_END,
  HISTORY_SPAN,
  LAST_NAMES,
  ORDER_STATUSES,
  PAYMENT_METHODS,
  PRODUCT_ADJECTIVES,
  PRODUCT_NOUNS,
  SEEDED_STATUS_WEIGHTS,
  SIZES,
  STREETS,
  USER_AGENTS,
  WC_VERSION,
  type OrderStatus,
} from './seed-data.ts';

/** Seeded order ids start after this, like a store whose catalogue took the first post ids. */
export const ORDER_ID_OFFSET = 1000;
const PRODUCT_COUNT = 36;
const VARIABLE_EVERY = 4;
const CUSTOMER_COUNT = 80;

export type ChangeResource = 'order' | 'product' | 'customer' | 'coupon';
export type ChangeEvent = 'created' | 'updated' | 'deleted' | 'restored' | 'published';

export interface SiteChange {
  resource: ChangeResource;
  event: ChangeEvent;
  id: number;
}

interface CatalogEntry {
  productId: number;
  variationId: number;
  name: string;
  parentName: string | null;
  sku: string;
  unitCents: number;
}

const STATUS_CODE = new Map<OrderStatus, number>(ORDER_STATUSES.map((s, i) => [s, i]));
const DELETED = 255;

function pickWeighted<T>(random: Random, weights: ReadonlyArray<readonly [T, number]>): T {
  const total = weights.reduce((sum, [, w]) => sum + w, 0);
  let roll = random.next() * total;
  for (const [value, weight] of weights) {
    roll -= weight;
    if (roll < 0) return value;
  }
  return (weights[weights.length - 1] as readonly [T, number])[0];
}

function alnum(random: Random, length: number): string {
  const chars = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  let out = '';
  for (let i = 0; i < length; i++) out += chars[random.int(0, chars.length - 1)];
  return out;
}

function slugify(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

export function emptyAddress(): Address {
  return {
    first_name: '',
    last_name: '',
    company: '',
    address_1: '',
    address_2: '',
    city: '',
    state: '',
    postcode: '',
    country: '',
    email: '',
    phone: '',
  };
}

function randomAddress(random: Random, first: string, last: string, email: string): Address {
  const place = random.pick(CITIES);
  return {
    first_name: first,
    last_name: last,
    company: random.next() < 0.15 ? `${last} & Co` : '',
    address_1: `${random.int(1, 399)} ${random.pick(STREETS)}`,
    address_2: '',
    city: place.city,
    state: place.state,
    postcode: place.postcode,
    country: place.country,
    email,
    phone: `555-${String(random.int(0, 9999)).padStart(4, '0')}`,
  };
}

export function shippingFrom(billing: Address): Address {
  return { ...billing, email: '' };
}

export interface SiteOptions {
  seed: number | string;
  siteNumber: number;
  orders: number;
  now?: () => number;
}

export class Site extends EventEmitter<{ change: [SiteChange] }> {
  readonly number: number;
  readonly currency: { code: string; symbol: string };
  readonly name: string;
  readonly products = new Map<number, ProductRecord>();
  readonly customers = new Map<number, CustomerRecord>();
  readonly refunds = new Map<number, RefundRecord>();
  readonly refundsByOrder = new Map<number, number[]>();
  /** Order notes per order id, oldest first. */
  readonly orderNotes = new Map<number, OrderNoteRecord[]>();
  readonly webhooks = new Map<number, WebhookRecord>();
  readonly keys = new Map<string, ApiKey>();
  readonly now: () => number;

  /** Seeded order columns, indexed by `id - ORDER_ID_OFFSET - 1`. */
  private readonly seededCount: number;
  private readonly seededStatus: Uint8Array;
  private readonly seededCreated: Uint32Array;
  private readonly seededModified: Uint32Array;
  private readonly seededCustomer: Uint32Array;
  private readonly changedOrders = new Map<number, OrderRecord>();
  private readonly createdOrderIds: number[] = [];
  private readonly catalog: CatalogEntry[] = [];
  private readonly seededCustomers = new Map<number, Address>();
  private readonly seedLabel: string;
  private nextPostId: number;
  private nextOrderItemId: number;
  private nextCustomerId: number;
  private nextWebhookId = 1;
  private nextKeyId = 1;
  private nextMetaId = 1;
  private nextCommentId = 1;
  private readonly keyRandom: Random;
  /** Random stream for runtime choices (webhook secrets, simulated activity). */
  readonly runtimeRandom: Random;

  constructor(opts: SiteOptions) {
    super();
    this.number = opts.siteNumber;
    this.now = opts.now ?? (() => Math.floor(Date.now() / 1000));
    this.seedLabel = `${opts.seed}:wc:${opts.siteNumber}`;
    const root = createRandom(this.seedLabel);
    this.currency = root.fork('currency').pick(CURRENCIES);
    this.name = `Dockhand Demo Store ${opts.siteNumber}`;
    this.keyRandom = root.fork('keys');
    this.runtimeRandom = root.fork('runtime');

    const historyStart = HISTORY_END - HISTORY_SPAN;
    this.seedProducts(root.fork('products'), historyStart - 30 * 86400);
    this.seedCustomers(root.fork('customers'), historyStart - 20 * 86400);

    const count = Math.max(0, Math.floor(opts.orders));
    this.seededCount = count;
    this.seededStatus = new Uint8Array(count);
    this.seededCreated = new Uint32Array(count);
    this.seededModified = new Uint32Array(count);
    this.seededCustomer = new Uint32Array(count);
    const orders = root.fork('orders');
    const step = count > 0 ? HISTORY_SPAN / count : 0;
    for (let i = 0; i < count; i++) {
      const status = pickWeighted(orders, SEEDED_STATUS_WEIGHTS);
      const created = Math.floor(historyStart + i * step + orders.next() * step * 0.9);
      const settled = status === 'pending' || status === 'on-hold' || status === 'processing';
      const modified = Math.min(HISTORY_END, created + (settled ? orders.int(0, 900) : orders.int(3600, 5 * 86400)));
      this.seededStatus[i] = STATUS_CODE.get(status) as number;
      this.seededCreated[i] = created;
      this.seededModified[i] = modified;
      this.seededCustomer[i] = orders.next() < 0.7 ? orders.int(2, CUSTOMER_COUNT + 1) : 0;
    }
    this.nextPostId = ORDER_ID_OFFSET + count + 1;
    this.nextOrderItemId = (ORDER_ID_OFFSET + count + 1) * 10;
    this.nextCustomerId = CUSTOMER_COUNT + 2;

    // Refunded seeded orders carry one full refund; its id comes after every seeded order.
    for (let i = 0; i < count; i++) {
      if (this.seededStatus[i] !== STATUS_CODE.get('refunded')) continue;
      const order = this.seededOrder(ORDER_ID_OFFSET + 1 + i);
      this.storeRefund({
        id: this.nextPostId++,
        orderId: order.id,
        amountCents: orderTotalCents(order),
        reason: 'Customer changed their mind',
        created: order.modified,
        refundedBy: 1,
        refundedPayment: false,
      });
    }

    this.addKey({ permissions: 'read_write', description: 'Dockhand - API (seeded)', userId: 1 });
  }

  // ---------------------------------------------------------------- seeding

  private seedProducts(random: Random, created: number): void {
    let id = 10;
    for (let n = 0; n < PRODUCT_COUNT; n++) {
      const name = `${PRODUCT_ADJECTIVES[n % PRODUCT_ADJECTIVES.length]} ${PRODUCT_NOUNS[(n * 7) % PRODUCT_NOUNS.length]}`;
      const variable = n % VARIABLE_EVERY === 3;
      const regular = random.int(5, 150) * 100 + random.pick([0, 50, 99]);
      const productId = id++;
      const manage = !variable && random.next() < 0.8;
      const stock = manage ? random.int(0, 120) : null;
      const product: ProductRecord = {
        id: productId,
        parentId: 0,
        type: variable ? 'variable' : 'simple',
        name,
        slug: slugify(name),
        status: 'publish',
        sku: `DH-${productId}`,
        regularCents: variable ? null : regular,
        saleCents: null,
        manageStock: manage,
        stockQuantity: stock,
        stockStatus: stock === 0 ? 'outofstock' : 'instock',
        backorders: 'no',
        description: `<p>${name}, made to last.</p>`,
        shortDescription: '',
        created: created + n * 3600,
        modified: created + n * 3600 + random.int(0, 86400),
        totalSales: random.int(0, 500),
        attributes: variable ? [{ id: 0, name: 'Size', options: [...SIZES] }] : [],
        variationIds: [],
        menuOrder: 0,
        metaData: [],
      };
      this.products.set(productId, product);
      if (!variable) {
        this.catalog.push({ productId, variationId: 0, name, parentName: null, sku: product.sku, unitCents: regular });
        continue;
      }
      for (const size of SIZES) {
        const variationId = id++;
        const stockQuantity = random.int(0, 60);
        const variation: ProductRecord = {
          ...product,
          id: variationId,
          parentId: productId,
          type: 'variation',
          name: `${name} - ${size}`,
          slug: slugify(`${name} ${size}`),
          sku: `DH-${productId}-${size}`,
          regularCents: regular,
          manageStock: true,
          stockQuantity,
          stockStatus: stockQuantity === 0 ? 'outofstock' : 'instock',
          description: '',
          attributes: [{ id: 0, name: 'Size', option: size }],
          variationIds: [],
        };
        product.variationIds.push(variationId);
        this.products.set(variationId, variation);
        this.catalog.push({
          productId,
          variationId,
          name: variation.name,
          parentName: name,
          sku: variation.sku,
          unitCents: regular,
        });
      }
    }
  }

  private seedCustomers(random: Random, created: number): void {
    for (let n = 0; n < CUSTOMER_COUNT; n++) {
      const id = n + 2;
      const first = random.pick(FIRST_NAMES);
      const last = random.pick(LAST_NAMES);
      const email = `${first}.${last}.${id}@example.com`.toLowerCase();
      const billing = randomAddress(random, first, last, email);
      const customer: CustomerRecord = {
        id,
        created: created + n * 7200,
        modified: created + n * 7200 + random.int(0, 86400),
        email,
        firstName: first,
        lastName: last,
        username: `${first}${last}${id}`.toLowerCase(),
        role: 'customer',
        billing,
        shipping: shippingFrom(billing),
        isPayingCustomer: true,
        metaData: [],
      };
      this.customers.set(id, customer);
      this.seededCustomers.set(id, { ...billing });
    }
  }

  /** Builds seeded order `id` from its own stream; pure, so it is the same every time. */
  private seededOrder(id: number): OrderRecord {
    const index = id - ORDER_ID_OFFSET - 1;
    const random = createRandom(`${this.seedLabel}:order:${id}`);
    const status = ORDER_STATUSES[this.seededStatus[index] as number] as OrderStatus;
    const created = this.seededCreated[index] as number;
    const modified = this.seededModified[index] as number;
    const customerId = this.seededCustomer[index] as number;
    let billing: Address;
    const seeded = this.seededCustomers.get(customerId);
    if (seeded) billing = { ...seeded };
    else {
      const first = random.pick(FIRST_NAMES);
      const last = random.pick(LAST_NAMES);
      billing = randomAddress(random, first, last, `${first}.${last}.g${id}@example.net`.toLowerCase());
    }
    const lineCount = random.int(1, 4);
    const lineItems: LineItemRecord[] = [];
    for (let k = 0; k < lineCount; k++) {
      const entry = random.pick(this.catalog);
      lineItems.push({
        id: id * 10 + k,
        name: entry.name,
        productId: entry.productId,
        variationId: entry.variationId,
        quantity: random.int(1, 3),
        sku: entry.sku,
        taxClass: '',
        unitCents: entry.unitCents,
        parentName: entry.parentName,
        metaData: [],
      });
    }
    const subtotal = lineItems.reduce((sum, item) => sum + item.unitCents * item.quantity, 0);
    const payment = random.pick(PAYMENT_METHODS);
    const paidStatus = status === 'processing' || status === 'completed' || status === 'refunded';
    return {
      id,
      parentId: 0,
      status,
      currency: this.currency.code,
      currencySymbol: this.currency.symbol,
      version: WC_VERSION,
      created,
      modified,
      paid: paidStatus ? created + random.int(5, 600) : null,
      completed: status === 'completed' || status === 'refunded' ? modified : null,
      customerId,
      orderKey: `wc_order_${alnum(random, 13)}`,
      billing,
      shipping: shippingFrom(billing),
      paymentMethod: payment.id,
      paymentMethodTitle: payment.title,
      transactionId: payment.id === 'stripe' && paidStatus ? `ch_${random.hex(24)}` : '',
      customerIp: `192.0.2.${random.int(1, 254)}`,
      customerUserAgent: random.pick(USER_AGENTS),
      createdVia: 'checkout',
      customerNote: random.next() < 0.1 ? 'Please leave at the door.' : '',
      cartHash: random.hex(32),
      lineItems,
      shippingLines: [
        {
          id: id * 10 + 9,
          methodTitle: subtotal >= 5000 ? 'Free shipping' : 'Flat rate',
          methodId: subtotal >= 5000 ? 'free_shipping' : 'flat_rate',
          instanceId: subtotal >= 5000 ? '2' : '1',
          totalCents: subtotal >= 5000 ? 0 : 500,
        },
      ],
      discountCents: 0,
      metaData: [],
      stockReduced: paidStatus || status === 'on-hold',
    };
  }

  // ---------------------------------------------------------------- orders

  /** Order ids in creation order, seeded first; deleted ones excluded. */
  orderIds(): number[] {
    const ids: number[] = [];
    for (let i = 0; i < this.seededCount; i++) {
      if (this.seededStatus[i] !== DELETED) ids.push(ORDER_ID_OFFSET + 1 + i);
    }
    for (const id of this.createdOrderIds) if (this.changedOrders.has(id)) ids.push(id);
    return ids;
  }

  /** Cheap columns for filtering and sorting, without building the order. */
  orderSummary(id: number): { status: OrderStatus; created: number; modified: number; customerId: number } | undefined {
    const changed = this.changedOrders.get(id);
    if (changed) return changed;
    const index = id - ORDER_ID_OFFSET - 1;
    if (index < 0 || index >= this.seededCount || this.seededStatus[index] === DELETED) return undefined;
    return {
      status: ORDER_STATUSES[this.seededStatus[index] as number] as OrderStatus,
      created: this.seededCreated[index] as number,
      modified: this.seededModified[index] as number,
      customerId: this.seededCustomer[index] as number,
    };
  }

  getOrder(id: number): OrderRecord | undefined {
    const changed = this.changedOrders.get(id);
    if (changed) return changed;
    if (!this.orderSummary(id)) return undefined;
    return this.seededOrder(id);
  }

  /** Returns the order as a record that may be changed (it is kept from then on). */
  private editableOrder(id: number): OrderRecord | undefined {
    const order = this.getOrder(id);
    if (order) this.changedOrders.set(id, order);
    return order;
  }

  newOrderItemId(): number {
    return this.nextOrderItemId++;
  }

  newMetaId(): number {
    return this.nextMetaId++;
  }

  catalogEntry(productId: number, variationId: number): CatalogEntry | undefined {
    const product = this.products.get(productId);
    if (!product || product.type === 'variation') return undefined;
    if (variationId) {
      const variation = this.products.get(variationId);
      if (!variation || variation.parentId !== productId) return undefined;
      return {
        productId,
        variationId,
        name: variation.name,
        parentName: product.name,
        sku: variation.sku,
        unitCents: effectivePrice(variation) ?? 0,
      };
    }
    return {
      productId,
      variationId: 0,
      name: product.name,
      parentName: null,
      sku: product.sku,
      unitCents: effectivePrice(product) ?? 0,
    };
  }

  /** Stores a new order; the caller fills every field but the id. */
  insertOrder(build: (id: number) => OrderRecord): OrderRecord {
    const id = this.nextPostId++;
    const order = build(id);
    this.changedOrders.set(id, order);
    this.createdOrderIds.push(id);
    this.change('order', 'created', id);
    return order;
  }

  /** Applies `mutate` to the order, bumps date_modified and emits `order.updated`. */
  updateOrder(id: number, mutate: (order: OrderRecord) => void): OrderRecord | undefined {
    const order = this.editableOrder(id);
    if (!order) return undefined;
    const before = order.status;
    mutate(order);
    order.modified = this.now();
    if (order.status !== before) this.onStatusChange(order);
    this.change('order', 'updated', id);
    return order;
  }

  /** Stock follows status the way `wc_maybe_reduce_stock_levels` / `wc_maybe_increase_stock_levels` do. */
  private onStatusChange(order: OrderRecord): void {
    const now = order.modified;
    if ((order.status === 'processing' || order.status === 'completed') && order.paid === null) order.paid = now;
    if (order.status === 'completed') order.completed = now;
    const reduces = order.status === 'processing' || order.status === 'completed' || order.status === 'on-hold';
    const restores = order.status === 'cancelled' || order.status === 'pending';
    if (reduces && !order.stockReduced) {
      order.stockReduced = true;
      for (const item of order.lineItems) this.adjustStock(item.variationId || item.productId, -item.quantity);
    } else if (restores && order.stockReduced) {
      order.stockReduced = false;
      for (const item of order.lineItems) this.adjustStock(item.variationId || item.productId, item.quantity);
    }
    if (order.paid !== null) {
      const customer = this.customers.get(order.customerId);
      if (customer) customer.isPayingCustomer = true;
    }
  }

  /** Moves an order to the trash (`force` false) or deletes it for good. */
  deleteOrder(id: number, force: boolean): OrderRecord | undefined {
    const order = this.getOrder(id);
    if (!order) return undefined;
    if (!force) {
      const trashed = this.editableOrder(id) as OrderRecord;
      trashed.status = 'trash';
      trashed.modified = this.now();
      this.change('order', 'deleted', id);
      return trashed;
    }
    const snapshot = structuredClone(order);
    this.changedOrders.delete(id);
    const index = id - ORDER_ID_OFFSET - 1;
    if (index >= 0 && index < this.seededCount) this.seededStatus[index] = DELETED;
    for (const refundId of this.refundsByOrder.get(id) ?? []) this.refunds.delete(refundId);
    this.refundsByOrder.delete(id);
    this.orderNotes.delete(id);
    this.change('order', 'deleted', id);
    return snapshot;
  }

  // ---------------------------------------------------------------- order notes

  /**
   * `WC_Order::add_order_note`: a comment on the order. It does not save the order, so
   * date_modified stays and no `order.updated` webhook fires.
   */
  addOrderNote(orderId: number, note: string, customerNote: boolean, author = 'system'): OrderNoteRecord {
    const record: OrderNoteRecord = { id: this.nextCommentId++, orderId, author, created: this.now(), note, customerNote };
    const list = this.orderNotes.get(orderId) ?? [];
    list.push(record);
    this.orderNotes.set(orderId, list);
    return record;
  }

  // ---------------------------------------------------------------- refunds

  private storeRefund(refund: RefundRecord): void {
    this.refunds.set(refund.id, refund);
    const list = this.refundsByOrder.get(refund.orderId) ?? [];
    list.push(refund.id);
    this.refundsByOrder.set(refund.orderId, list);
  }

  refundedCents(orderId: number): number {
    return (this.refundsByOrder.get(orderId) ?? []).reduce((sum, id) => sum + (this.refunds.get(id)?.amountCents ?? 0), 0);
  }

  addRefund(orderId: number, input: { amountCents: number; reason: string; refundedPayment: boolean }): RefundRecord {
    const refund: RefundRecord = {
      id: this.nextPostId++,
      orderId,
      amountCents: input.amountCents,
      reason: input.reason,
      created: this.now(),
      refundedBy: 1,
      refundedPayment: input.refundedPayment,
    };
    this.storeRefund(refund);
    const order = this.getOrder(orderId) as OrderRecord;
    const fullyRefunded = this.refundedCents(orderId) >= orderTotalCents(order);
    this.updateOrder(orderId, (o) => {
      if (fullyRefunded) o.status = 'refunded';
    });
    return refund;
  }

  deleteRefund(refundId: number): RefundRecord | undefined {
    const refund = this.refunds.get(refundId);
    if (!refund) return undefined;
    this.refunds.delete(refundId);
    const list = (this.refundsByOrder.get(refund.orderId) ?? []).filter((id) => id !== refundId);
    this.refundsByOrder.set(refund.orderId, list);
    this.updateOrder(refund.orderId, () => undefined);
    return refund;
  }

  // ---------------------------------------------------------------- products and customers

  newProductId(): number {
    return this.nextPostId++;
  }

  /** Bumps a product's (or variation's) date_modified and emits `product.updated` for it. */
  touchProduct(id: number): void {
    const product = this.products.get(id);
    if (!product) return;
    product.modified = this.now();
    this.change('product', 'updated', id);
  }

  /** Changes stock by `delta` (managed stock only) and emits `product.updated`. */
  adjustStock(productId: number, delta: number): void {
    const product = this.products.get(productId);
    if (!product || !product.manageStock || product.stockQuantity === null) return;
    setStockQuantity(product, product.stockQuantity + delta);
    this.touchProduct(productId);
  }

  newCustomerId(): number {
    return this.nextCustomerId++;
  }

  // ---------------------------------------------------------------- keys and webhooks

  addKey(input: KeyInput): ApiKey {
    const key: ApiKey = {
      keyId: this.nextKeyId++,
      userId: input.userId ?? 1,
      description: input.description ?? 'Dockhand emulator key',
      permissions: input.permissions,
      consumerKey: `ck_${this.keyRandom.hex(40)}`,
      consumerSecret: `cs_${this.keyRandom.hex(40)}`,
      nonces: new Map(),
      lastAccess: null,
    };
    this.keys.set(key.consumerKey, key);
    return key;
  }

  deleteKey(keyId: number): boolean {
    for (const [consumerKey, key] of this.keys) {
      if (key.keyId === keyId) {
        this.keys.delete(consumerKey);
        return true;
      }
    }
    return false;
  }

  newWebhookId(): number {
    return this.nextWebhookId++;
  }

  change(resource: ChangeResource, event: ChangeEvent, id: number): void {
    this.emit('change', { resource, event, id });
  }
}

export function effectivePrice(product: ProductRecord): number | null {
  return product.saleCents ?? product.regularCents;
}

export function setStockQuantity(product: ProductRecord, quantity: number): void {
  product.stockQuantity = quantity;
  if (product.manageStock) {
    product.stockStatus = quantity > 0 ? 'instock' : product.backorders === 'no' ? 'outofstock' : 'onbackorder';
  }
}

export function orderSubtotalCents(order: OrderRecord): number {
  return order.lineItems.reduce((sum, item) => sum + item.unitCents * item.quantity, 0);
}

export function orderShippingCents(order: OrderRecord): number {
  return order.shippingLines.reduce((sum, line) => sum + line.totalCents, 0);
}

export function orderTotalCents(order: OrderRecord): number {
  return orderSubtotalCents(order) + orderShippingCents(order) - order.discountCents;
}
