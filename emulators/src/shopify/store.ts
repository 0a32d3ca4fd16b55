import { createRandom, type Random } from '../shared/random.ts';

/**
 * The data of one emulated shop. Seeded orders are never stored: order `i` is rebuilt from
 * (seed, shop, i) whenever it is read, so a 100,000-order shop starts instantly and costs
 * almost no memory. An order that changes (cancel, fulfil, return, …) is copied into
 * `overlay` and lives there from then on.
 */

// Numeric parts of ids sit above 2^53 on purpose: clients must treat them as strings/BigInt.
const ID_BASE = {
  shop: 90_071_992_547_000_000n,
  order: 9_100_000_000_000_000n,
  lineItem: 9_200_000_000_000_000n,
  product: 9_300_000_000_000_000n,
  variant: 9_400_000_000_000_000n,
  inventoryItem: 9_500_000_000_000_000n,
  location: 9_600_000_000_000_000n,
  customer: 9_700_000_000_000_000n,
  fulfillmentOrder: 9_800_000_000_000_000n,
  fulfillmentOrderLineItem: 9_810_000_000_000_000n,
  fulfillment: 9_820_000_000_000_000n,
  fulfillmentLineItem: 9_830_000_000_000_000n,
  return: 9_840_000_000_000_000n,
  returnLineItem: 9_850_000_000_000_000n,
  adjustmentGroup: 9_860_000_000_000_000n,
  webhookSubscription: 9_870_000_000_000_000n,
} as const;
export type IdKind = keyof typeof ID_BASE;

const SHOP_STRIDE = 1_000_000_000n; // room for a billion objects of each kind per shop
const LINE_STRIDE = 16n; // at most 16 line items per order

export function makeId(kind: IdKind, shopIndex: number, n: number | bigint): bigint {
  return ID_BASE[kind] + BigInt(shopIndex) * SHOP_STRIDE + BigInt(n);
}

const GID_TYPE: Record<IdKind, string> = {
  shop: 'Shop',
  order: 'Order',
  lineItem: 'LineItem',
  product: 'Product',
  variant: 'ProductVariant',
  inventoryItem: 'InventoryItem',
  location: 'Location',
  customer: 'Customer',
  fulfillmentOrder: 'FulfillmentOrder',
  fulfillmentOrderLineItem: 'FulfillmentOrderLineItem',
  fulfillment: 'Fulfillment',
  fulfillmentLineItem: 'FulfillmentLineItem',
  return: 'Return',
  returnLineItem: 'ReturnLineItem',
  adjustmentGroup: 'InventoryAdjustmentGroup',
  webhookSubscription: 'WebhookSubscription',
};

export function gid(kind: IdKind, id: bigint): string {
  return `gid://shopify/${GID_TYPE[kind]}/${id}`;
}

/** Parses `gid://shopify/Type/123` (query string ignored); null when the type differs. */
export function parseGid(value: string, kind: IdKind): bigint | null {
  const match = /^gid:\/\/shopify\/([A-Za-z]+)\/(\d+)(?:\?.*)?$/.exec(value);
  if (!match || match[1] !== GID_TYPE[kind]) return null;
  return BigInt(match[2] as string);
}

/** Position of an id inside its shop (inverse of makeId), or null if it belongs elsewhere. */
export function localIndex(kind: IdKind, shopIndex: number, id: bigint): number | null {
  const offset = id - ID_BASE[kind] - BigInt(shopIndex) * SHOP_STRIDE;
  return offset >= 0n && offset < SHOP_STRIDE ? Number(offset) : null;
}

export const isoSeconds = (ms: number): string => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

export interface Location {
  id: bigint;
  name: string;
  address1: string;
  city: string;
  countryCode: string;
}
export interface Variant {
  id: bigint;
  productId: bigint;
  inventoryItemId: bigint;
  title: string;
  sku: string;
  priceCents: number;
  createdAt: number;
  updatedAt: number;
}
export interface Product {
  id: bigint;
  title: string;
  handle: string;
  vendor: string;
  productType: string;
  status: 'ACTIVE' | 'DRAFT';
  createdAt: number;
  updatedAt: number;
  variants: Variant[];
}
export interface Customer {
  id: bigint;
  firstName: string;
  lastName: string;
  email: string;
  phone: string | null;
  /** ms since epoch */
  createdAt: number;
  updatedAt: number;
}
export interface Address {
  firstName: string;
  lastName: string;
  address1: string;
  address2: string | null;
  city: string;
  province: string | null;
  provinceCode: string | null;
  zip: string;
  country: string;
  countryCode: string;
  phone: string | null;
}
export interface LineItem {
  id: bigint;
  variantId: bigint;
  productId: bigint;
  sku: string;
  title: string;
  variantTitle: string;
  quantity: number;
  priceCents: number;
}
export interface FulfillmentOrderLine {
  id: bigint;
  lineItemId: bigint;
  totalQuantity: number;
  remainingQuantity: number;
}
export type FulfillmentOrderStatus = 'OPEN' | 'IN_PROGRESS' | 'CLOSED' | 'CANCELLED';
export interface FulfillmentOrder {
  id: bigint;
  status: FulfillmentOrderStatus;
  locationId: bigint;
  createdAt: number;
  updatedAt: number;
  lines: FulfillmentOrderLine[];
}
export interface TrackingInfo {
  number: string | null;
  url: string | null;
  company: string | null;
}
export interface FulfillmentLine {
  id: bigint;
  lineItemId: bigint;
  quantity: number;
}
export interface Fulfillment {
  id: bigint;
  status: 'SUCCESS' | 'CANCELLED';
  createdAt: number;
  updatedAt: number;
  locationId: bigint;
  tracking: TrackingInfo[];
  lines: FulfillmentLine[];
}
export type FinancialStatus = 'paid' | 'pending' | 'authorized' | 'refunded' | 'partially_refunded' | 'voided';
export interface Order {
  index: number;
  id: bigint;
  number: number;
  name: string;
  email: string;
  phone: string | null;
  createdAt: number;
  updatedAt: number;
  processedAt: number;
  cancelledAt: number | null;
  cancelReason: string | null;
  closedAt: number | null;
  currency: string;
  financialStatus: FinancialStatus;
  test: boolean;
  tags: string[];
  note: string | null;
  customer: Customer;
  shippingAddress: Address;
  lineItems: LineItem[];
  shippingCents: number;
  taxCents: number;
  discountCents: number;
  fulfillmentOrders: FulfillmentOrder[];
  fulfillments: Fulfillment[];
  returnIds: bigint[];
}
export type ReturnStatus = 'REQUESTED' | 'OPEN' | 'CLOSED' | 'DECLINED' | 'CANCELED';
export interface ReturnLine {
  id: bigint;
  fulfillmentLineItemId: bigint;
  quantity: number;
  returnReason: string;
  customerNote: string | null;
}
export interface Return {
  id: bigint;
  orderIndex: number;
  name: string;
  status: ReturnStatus;
  createdAt: number;
  lines: ReturnLine[];
}

export function subtotalCents(order: Order): number {
  return order.lineItems.reduce((sum, line) => sum + line.priceCents * line.quantity, 0);
}
export function totalCents(order: Order): number {
  return subtotalCents(order) - order.discountCents + order.taxCents + order.shippingCents;
}
export const money = (cents: number): string => (cents / 100).toFixed(2);

export function fulfillmentStatus(order: Order): 'fulfilled' | 'partial' | null {
  let total = 0;
  let remaining = 0;
  for (const fo of order.fulfillmentOrders) {
    if (fo.status === 'CANCELLED') continue;
    for (const line of fo.lines) {
      total += line.totalQuantity;
      remaining += line.remainingQuantity;
    }
  }
  if (total === 0 || remaining === total) return null;
  return remaining === 0 ? 'fulfilled' : 'partial';
}

const FIRST_NAMES = [
  'Ava',
  'Noah',
  'Mia',
  'Liam',
  'Zoe',
  'Ethan',
  'Ines',
  'Mateo',
  'Aiko',
  'Omar',
  'Lena',
  'Jonas',
  'Priya',
  'Kofi',
  'Sofia',
  'Hugo',
];
const LAST_NAMES = [
  'Nguyen',
  'Smith',
  'Garcia',
  'Müller',
  'Rossi',
  'Okafor',
  'Tanaka',
  'Dubois',
  'Kowalski',
  'Silva',
  'Haddad',
  'Larsen',
];
const CITIES: Array<[string, string, string, string, string]> = [
  ['Portland', 'Oregon', 'OR', 'United States', 'US'],
  ['Austin', 'Texas', 'TX', 'United States', 'US'],
  ['Toronto', 'Ontario', 'ON', 'Canada', 'CA'],
  ['Berlin', 'Berlin', 'BE', 'Germany', 'DE'],
  ['Lyon', 'Auvergne-Rhône-Alpes', 'ARA', 'France', 'FR'],
  ['Melbourne', 'Victoria', 'VIC', 'Australia', 'AU'],
];
const STREETS = ['Alder St', 'Birch Ave', 'Cedar Rd', 'Dock Ln', 'Elm Way', 'Harbor Blvd', 'Mill Rd', 'Quay St'];
const ADJECTIVES = ['Everyday', 'Canvas', 'Merino', 'Field', 'Harbor', 'Trail', 'Studio', 'Coastal', 'Alpine', 'Urban'];
const NOUNS = ['Tote', 'Beanie', 'Jacket', 'Mug', 'Notebook', 'Backpack', 'Sneaker', 'Scarf', 'Lamp', 'Bottle', 'Cap', 'Apron'];
const SIZES = ['S', 'M', 'L'];
const COLORS = ['Black', 'Sand', 'Olive'];
const TAGS = ['wholesale', 'vip', 'gift', 'repeat', 'priority', 'preorder'];

export interface ShopSeedOptions {
  seed: number;
  shopIndex: number;
  domain: string;
  orders: number;
  /** Seeded orders are spread over the `historyDays` before this instant. */
  dataEndsAt: number;
  historyDays: number;
}

function mix(...values: number[]): number {
  let h = 0x811c9dc5;
  for (const value of values) {
    h = Math.imul(h ^ (value >>> 0), 0x01000193);
    h ^= h >>> 15;
    h = Math.imul(h, 0x2c1b3c6d);
    h ^= h >>> 12;
  }
  return h >>> 0;
}

export class ShopStore {
  readonly index: number;
  readonly domain: string;
  readonly name: string;
  readonly id: bigint;
  readonly currency: string;
  readonly locations: Location[] = [];
  readonly products: Product[] = [];
  readonly variantsById = new Map<bigint, Variant>();
  readonly variantByInventoryItem = new Map<bigint, Variant>();
  /** `${inventoryItemId}:${locationId}` → available */
  readonly inventory = new Map<string, number>();
  readonly inventoryUpdatedAt = new Map<string, number>();
  readonly overlay = new Map<number, Order>();
  readonly returns = new Map<bigint, Return>();
  /** Deleted orders (orderDelete), kept only so the UPDATED_AT order stays sorted; never served. */
  private readonly deletedOrders = new Map<number, Order>();
  /** Live orders per customer id; built on first need (customerDelete), then kept up to date. */
  private ordersPerCustomer: Map<bigint, number> | null = null;
  /** Order indices sorted by (updatedAt, index). */
  private readonly byUpdated: number[];
  private count: number;
  private readonly seed: number;
  private readonly start: number;
  private readonly spacing: number;
  private readonly customers: Customer[] = [];
  private lastStamp = 0;
  private nextCounter = 1;
  readonly owner: { id: number; firstName: string; lastName: string; email: string };

  constructor(options: ShopSeedOptions) {
    this.index = options.shopIndex;
    this.domain = options.domain;
    this.name = options.domain.replace(/\.myshopify\.com$/, '');
    this.id = makeId('shop', options.shopIndex, 1);
    this.seed = options.seed;
    const random = createRandom(mix(options.seed, options.shopIndex, 0x5305));
    this.currency = random.pick(['USD', 'CAD', 'EUR']);
    const historyMs = options.historyDays * 86_400_000;
    this.count = options.orders;
    this.spacing = Math.max(4000, Math.floor(historyMs / Math.max(1, options.orders)));
    this.start = Math.floor(options.dataEndsAt / 1000) * 1000 - this.spacing * options.orders;
    this.owner = {
      id: 70_000 + options.shopIndex * 100 + 1,
      firstName: random.pick(FIRST_NAMES),
      lastName: random.pick(LAST_NAMES),
      email: `owner@${options.domain}`,
    };
    this.seedCatalog(random.fork('catalog'), this.start - 30 * 86_400_000);
    this.seedCustomers(random.fork('customers'), this.start - 30 * 86_400_000);
    this.byUpdated = Array.from({ length: options.orders }, (_, i) => i);
  }

  private seedCatalog(random: Random, catalogDate: number): void {
    const locationNames = ['Main warehouse', 'Downtown store', 'East fulfillment center'];
    for (let i = 0; i < 2; i++) {
      const [city, , , , countryCode] = random.pick(CITIES);
      this.locations.push({
        id: makeId('location', this.index, i + 1),
        name: locationNames[i] as string,
        address1: `${random.int(1, 999)} ${random.pick(STREETS)}`,
        city,
        countryCode,
      });
    }
    let variantCounter = 0;
    for (let p = 0; p < 40; p++) {
      const title = `${random.pick(ADJECTIVES)} ${random.pick(NOUNS)} ${p + 1}`;
      const productId = makeId('product', this.index, p + 1);
      const createdAt = catalogDate + p * 3_600_000;
      const product: Product = {
        id: productId,
        title,
        handle: title.toLowerCase().replace(/[^a-z0-9]+/g, '-'),
        vendor: random.pick(['Dockhand Goods', 'North Pier', 'Tidewater']),
        productType: random.pick(['Apparel', 'Home', 'Accessories']),
        status: 'ACTIVE',
        createdAt,
        updatedAt: createdAt,
        variants: [],
      };
      const variantCount = random.int(1, 3);
      const basePrice = random.int(8, 120) * 100 - 1;
      const axis = random.next() < 0.5 ? SIZES : COLORS;
      for (let v = 0; v < variantCount; v++) {
        variantCounter++;
        const variant: Variant = {
          id: makeId('variant', this.index, variantCounter),
          productId,
          inventoryItemId: makeId('inventoryItem', this.index, variantCounter),
          title: variantCount === 1 ? 'Default Title' : (axis[v] as string),
          sku: `DH-${this.index + 1}-${String(p + 1).padStart(3, '0')}-${v + 1}`,
          priceCents: basePrice + v * 200,
          createdAt,
          updatedAt: createdAt,
        };
        product.variants.push(variant);
        this.variantsById.set(variant.id, variant);
        this.variantByInventoryItem.set(variant.inventoryItemId, variant);
        for (const location of this.locations) {
          const key = `${variant.inventoryItemId}:${location.id}`;
          this.inventory.set(key, random.int(0, 250));
          this.inventoryUpdatedAt.set(key, createdAt);
        }
      }
      this.products.push(product);
    }
  }

  private seedCustomers(random: Random, since: number): void {
    for (let c = 0; c < 500; c++) {
      const firstName = random.pick(FIRST_NAMES);
      const lastName = random.pick(LAST_NAMES);
      this.customers.push({
        id: makeId('customer', this.index, c + 1),
        firstName,
        lastName,
        email: `${firstName}.${lastName}.${c + 1}@example.com`.toLowerCase().replace(/ü/g, 'u'),
        phone: random.next() < 0.5 ? `+1555${String(random.int(0, 9_999_999)).padStart(7, '0')}` : null,
        createdAt: since + c * 60_000,
        updatedAt: since + c * 60_000,
      });
    }
  }

  get allCustomers(): readonly Customer[] {
    return this.customers;
  }

  customerById(id: bigint): Customer | undefined {
    return this.customers.find((customer) => customer.id === id);
  }

  get orderCount(): number {
    return this.count;
  }

  get allVariants(): Variant[] {
    return this.products.flatMap((product) => product.variants);
  }

  /** A strictly increasing clock (ms) for every change made after start. */
  stamp(): number {
    const now = Math.max(Date.now(), this.lastStamp + 1, this.start + this.spacing * this.count);
    this.lastStamp = now;
    return now;
  }

  private seededCreatedAt(i: number): number {
    return this.start + i * this.spacing + (mix(this.seed, this.index, i, 1) % Math.floor(this.spacing / 2000)) * 1000;
  }
  private seededUpdatedAt(i: number): number {
    const created = this.seededCreatedAt(i);
    return created + (mix(this.seed, this.index, i, 2) % Math.floor(this.spacing / 2000)) * 1000;
  }

  updatedAtOf(i: number): number {
    const changed = this.overlay.get(i) ?? this.deletedOrders.get(i);
    return changed ? changed.updatedAt : this.seededUpdatedAt(i);
  }
  createdAtOf(i: number): number {
    const changed = this.overlay.get(i) ?? this.deletedOrders.get(i);
    return changed ? changed.createdAt : this.seededCreatedAt(i);
  }

  order(i: number): Order | null {
    if (i < 0 || i >= this.count || this.deletedOrders.has(i)) return null;
    return this.overlay.get(i) ?? this.seededOrder(i);
  }

  orderById(id: bigint): Order | null {
    const i = localIndex('order', this.index, id);
    return i === null ? null : this.order(i - 1);
  }

  /** Copy-on-write: returns the stored order, materialising a seeded one first. */
  mutableOrder(i: number): Order | null {
    const existing = this.overlay.get(i);
    if (existing) return existing;
    const order = this.order(i);
    if (!order) return null;
    this.overlay.set(i, order);
    return order;
  }

  /** Marks an order changed now: new updatedAt and its new place in the UPDATED_AT order. */
  touch(order: Order): void {
    const position = this.positionInUpdated(order.updatedAt, order.index);
    if (this.byUpdated[position] === order.index) this.byUpdated.splice(position, 1);
    order.updatedAt = this.stamp();
    this.byUpdated.push(order.index);
  }

  /** First position in the UPDATED_AT order whose (updatedAt, index) ≥ the given pair. */
  positionInUpdated(updatedAt: number, index: number): number {
    let low = 0;
    let high = this.byUpdated.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      const at = this.byUpdated[mid] as number;
      const value = this.updatedAtOf(at);
      if (value < updatedAt || (value === updatedAt && at < index)) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  updatedOrderAt(position: number): number | undefined {
    return this.byUpdated[position];
  }

  addOrder(build: (index: number, id: bigint, number: number) => Order): Order {
    const index = this.count++;
    const order = build(index, makeId('order', this.index, index + 1), 1001 + index);
    // A new order moves its customer's updatedAt (orders count, amount spent), as on Shopify.
    order.customer.updatedAt = Math.max(order.customer.updatedAt, order.updatedAt);
    this.overlay.set(index, order);
    this.byUpdated.push(index);
    this.ordersPerCustomer?.set(order.customer.id, (this.ordersPerCustomer.get(order.customer.id) ?? 0) + 1);
    return order;
  }

  isOrderDeleted(i: number): boolean {
    return this.deletedOrders.has(i);
  }

  /** Orders that exist (created, not deleted). */
  get liveOrderCount(): number {
    return this.count - this.deletedOrders.size;
  }

  /**
   * Deletes an order for good, with its returns. Its index keeps its place in the UPDATED_AT
   * order (so cursors taken before stay valid) but is skipped by every read.
   */
  deleteOrder(order: Order): void {
    this.overlay.delete(order.index);
    this.deletedOrders.set(order.index, order);
    for (const id of order.returnIds) this.returns.delete(id);
    if (this.ordersPerCustomer) {
      this.ordersPerCustomer.set(order.customer.id, (this.ordersPerCustomer.get(order.customer.id) ?? 1) - 1);
    }
  }

  /** Deletes a product with its variants, their inventory items and stock. */
  deleteProduct(product: Product): void {
    const at = this.products.indexOf(product);
    if (at >= 0) this.products.splice(at, 1);
    for (const variant of product.variants) {
      this.variantsById.delete(variant.id);
      this.variantByInventoryItem.delete(variant.inventoryItemId);
      for (const location of this.locations) {
        this.inventory.delete(`${variant.inventoryItemId}:${location.id}`);
        this.inventoryUpdatedAt.delete(`${variant.inventoryItemId}:${location.id}`);
      }
    }
  }

  /** Whether the customer has an order that was not deleted (Shopify refuses to delete such a customer). */
  customerHasOrders(id: bigint): boolean {
    if (!this.ordersPerCustomer) {
      const counts = new Map<bigint, number>();
      for (let i = 0; i < this.count; i++) {
        const order = this.order(i);
        if (order) counts.set(order.customer.id, (counts.get(order.customer.id) ?? 0) + 1);
      }
      this.ordersPerCustomer = counts;
    }
    return (this.ordersPerCustomer.get(id) ?? 0) > 0;
  }

  deleteCustomer(customer: Customer): void {
    const at = this.customers.indexOf(customer);
    if (at >= 0) this.customers.splice(at, 1);
  }

  nextId(kind: IdKind): bigint {
    // Ids for objects made after start live in the upper half of the shop's id range.
    return makeId(kind, this.index, 500_000_000 + this.nextCounter++);
  }

  randomCustomer(random: Random): Customer {
    return random.pick(this.customers);
  }

  addressFor(customer: Customer, random: Random): Address {
    const [city, province, provinceCode, country, countryCode] = random.pick(CITIES);
    return {
      firstName: customer.firstName,
      lastName: customer.lastName,
      address1: `${random.int(1, 9999)} ${random.pick(STREETS)}`,
      address2: random.next() < 0.2 ? `Apt ${random.int(1, 40)}` : null,
      city,
      province,
      provinceCode,
      zip: String(random.int(10000, 99999)),
      country,
      countryCode,
      phone: customer.phone,
    };
  }

  buildLineItems(random: Random, orderIndex: number, maxLines = 3): LineItem[] {
    const lines: LineItem[] = [];
    const count = random.int(1, maxLines);
    const used = new Set<bigint>();
    for (let l = 0; l < count; l++) {
      const product = random.pick(this.products);
      const variant = random.pick(product.variants);
      if (used.has(variant.id)) continue;
      used.add(variant.id);
      lines.push({
        id: makeId('lineItem', this.index, BigInt(orderIndex + 1) * LINE_STRIDE + BigInt(l)),
        variantId: variant.id,
        productId: product.id,
        sku: variant.sku,
        title: product.title,
        variantTitle: variant.title,
        quantity: random.int(1, 4),
        priceCents: variant.priceCents,
      });
    }
    return lines;
  }

  fulfillmentOrderFor(orderIndex: number, lines: LineItem[], createdAt: number, locationId: bigint): FulfillmentOrder {
    return {
      id: makeId('fulfillmentOrder', this.index, orderIndex + 1),
      status: 'OPEN',
      locationId,
      createdAt,
      updatedAt: createdAt,
      lines: lines.map((line, l) => ({
        id: makeId('fulfillmentOrderLineItem', this.index, BigInt(orderIndex + 1) * LINE_STRIDE + BigInt(l)),
        lineItemId: line.id,
        totalQuantity: line.quantity,
        remainingQuantity: line.quantity,
      })),
    };
  }

  private seededOrder(i: number): Order {
    const random = createRandom(mix(this.seed, this.index, i, 3));
    const createdAt = this.seededCreatedAt(i);
    const updatedAt = this.seededUpdatedAt(i);
    const customer = random.pick(this.customers);
    const lineItems = this.buildLineItems(random, i);
    const subtotal = lineItems.reduce((sum, line) => sum + line.priceCents * line.quantity, 0);
    const discountCents = random.next() < 0.15 ? Math.round(subtotal * 0.1) : 0;
    const taxCents = Math.round((subtotal - discountCents) * 0.08);
    const shippingCents = random.next() < 0.3 ? 0 : 599;
    const roll = random.next();
    const cancelled = roll < 0.03;
    const financialStatus: FinancialStatus = cancelled ? 'voided' : roll < 0.08 ? 'pending' : roll < 0.1 ? 'refunded' : 'paid';
    const location = random.pick(this.locations);
    const fo = this.fulfillmentOrderFor(i, lineItems, createdAt, location.id);
    const fulfillments: Fulfillment[] = [];
    const fulfilled = !cancelled && financialStatus === 'paid' && random.next() < 0.6;
    if (cancelled) fo.status = 'CANCELLED';
    if (fulfilled) {
      fo.status = 'CLOSED';
      fo.updatedAt = updatedAt;
      for (const line of fo.lines) line.remainingQuantity = 0;
      const company = random.pick(['UPS', 'USPS', 'DHL Express', 'Canada Post']);
      const number = `1Z${random.hex(16).toUpperCase()}`;
      fulfillments.push({
        id: makeId('fulfillment', this.index, i + 1),
        status: 'SUCCESS',
        createdAt: updatedAt,
        updatedAt,
        locationId: location.id,
        tracking: [{ number, company, url: `https://track.example.com/${company.replace(/\s/g, '').toLowerCase()}/${number}` }],
        lines: lineItems.map((line, l) => ({
          id: makeId('fulfillmentLineItem', this.index, BigInt(i + 1) * LINE_STRIDE + BigInt(l)),
          lineItemId: line.id,
          quantity: line.quantity,
        })),
      });
    }
    const tags = random.next() < 0.25 ? [random.pick(TAGS)] : [];
    return {
      index: i,
      id: makeId('order', this.index, i + 1),
      number: 1001 + i,
      name: `#${1001 + i}`,
      email: customer.email,
      phone: customer.phone,
      createdAt,
      updatedAt,
      processedAt: createdAt,
      cancelledAt: cancelled ? updatedAt : null,
      cancelReason: cancelled ? random.pick(['customer', 'inventory', 'declined']) : null,
      closedAt: fulfilled ? updatedAt : null,
      currency: this.currency,
      financialStatus,
      test: false,
      tags,
      note: random.next() < 0.1 ? 'Please leave at the front desk.' : null,
      customer,
      shippingAddress: this.addressFor(customer, random),
      lineItems,
      shippingCents,
      taxCents,
      discountCents,
      fulfillmentOrders: [fo],
      fulfillments,
      returnIds: [],
    };
  }

  /** Finds the order owning a fulfillment order / fulfillment id (both derive from the order). */
  orderOfFulfillmentOrder(id: bigint): Order | null {
    for (const order of this.overlay.values()) if (order.fulfillmentOrders.some((fo) => fo.id === id)) return order;
    const i = localIndex('fulfillmentOrder', this.index, id);
    return i === null ? null : this.order(i - 1);
  }
  orderOfFulfillment(id: bigint): Order | null {
    for (const order of this.overlay.values()) if (order.fulfillments.some((f) => f.id === id)) return order;
    const i = localIndex('fulfillment', this.index, id);
    const order = i === null ? null : this.order(i - 1);
    return order && order.fulfillments.some((f) => f.id === id) ? order : null;
  }
  orderOfFulfillmentLineItem(id: bigint): Order | null {
    for (const order of this.overlay.values()) {
      if (order.fulfillments.some((f) => f.lines.some((line) => line.id === id))) return order;
    }
    const i = localIndex('fulfillmentLineItem', this.index, id);
    if (i === null) return null;
    const order = this.order(Number(BigInt(i) / LINE_STRIDE) - 1);
    return order && order.fulfillments.some((f) => f.lines.some((line) => line.id === id)) ? order : null;
  }

  level(inventoryItemId: bigint, locationId: bigint): number | undefined {
    return this.inventory.get(`${inventoryItemId}:${locationId}`);
  }
}
