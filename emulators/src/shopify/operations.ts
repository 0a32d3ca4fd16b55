import { createRandom, type Random } from '../shared/random.ts';
import { orderPayload, fulfillmentPayload, inventoryLevelPayload, returnPayload } from './rest-payloads.ts';
import {
  fulfillmentStatus,
  parseGid,
  type Customer,
  type Fulfillment,
  type Order,
  type Product,
  type Return,
  type ShopStore,
  type TrackingInfo,
} from './store.ts';
import type { WebhookDispatcher } from './webhooks.ts';

/**
 * Every change to a shop goes through here, whether it comes from the Admin GraphQL API,
 * the control API or live mode, so each one emits the webhooks Shopify would emit.
 */

export class OperationError extends Error {
  constructor(
    message: string,
    readonly field: string[] | null = null,
    readonly code: string | null = null,
  ) {
    super(message);
    this.name = 'OperationError';
  }
}

export interface CreateOrderInput {
  /** Line items by variant (GID, numeric string or bigint); random ones when absent. */
  lineItems?: Array<{ variantId: bigint | string; quantity: number }>;
  email?: string;
  tags?: string[];
  note?: string;
  financialStatus?: Order['financialStatus'];
  test?: boolean;
}

export interface InventoryChange {
  inventoryItemId: bigint;
  locationId: bigint;
  delta: number;
  /** undefined = no compare; a number = must equal the current quantity. */
  changeFromQuantity?: number | null;
}

export interface AppliedInventoryChange extends InventoryChange {
  quantityAfterChange: number;
}

function variantIdOf(value: bigint | string): bigint {
  if (typeof value === 'bigint') return value;
  if (value.startsWith('gid://')) return parseGid(value, 'variant') ?? -1n;
  return /^\d+$/.test(value) ? BigInt(value) : -1n;
}

export class ShopOperations {
  private readonly random: Random;

  constructor(
    private readonly shop: ShopStore,
    private readonly webhooks: WebhookDispatcher,
    seed: number,
  ) {
    this.random = createRandom(seed).fork(`live-${shop.domain}`);
  }

  private emitOrder(topic: string, order: Order): void {
    this.webhooks.trigger(this.shop.domain, topic, orderPayload(this.shop, order));
  }

  requireOrder(id: bigint): Order {
    const order = this.shop.orderById(id);
    if (!order) throw new OperationError('Order does not exist', ['id'], 'NOT_FOUND');
    return this.shop.mutableOrder(order.index) as Order;
  }

  createOrder(input: CreateOrderInput = {}): Order {
    const shop = this.shop;
    const random = this.random;
    const now = shop.stamp();
    const order = shop.addOrder((index, id, number) => {
      const customer = shop.randomCustomer(random);
      let lineItems = shop.buildLineItems(random, index);
      if (input.lineItems?.length) {
        lineItems = input.lineItems.map((wanted, l) => {
          const variant = shop.variantsById.get(variantIdOf(wanted.variantId));
          if (!variant)
            throw new OperationError(`Variant ${wanted.variantId} does not exist`, ['lineItems', String(l), 'variantId']);
          const product = shop.products.find((p) => p.id === variant.productId);
          return {
            id: lineItems[0]!.id + BigInt(l),
            variantId: variant.id,
            productId: variant.productId,
            sku: variant.sku,
            title: product?.title ?? variant.title,
            variantTitle: variant.title,
            quantity: wanted.quantity,
            priceCents: variant.priceCents,
          };
        });
      }
      const subtotal = lineItems.reduce((sum, line) => sum + line.priceCents * line.quantity, 0);
      const location = shop.locations[0]!;
      return {
        index,
        id,
        number,
        name: `#${number}`,
        email: input.email ?? customer.email,
        phone: customer.phone,
        createdAt: now,
        updatedAt: now,
        processedAt: now,
        cancelledAt: null,
        cancelReason: null,
        closedAt: null,
        currency: shop.currency,
        financialStatus: input.financialStatus ?? 'paid',
        test: input.test ?? false,
        tags: input.tags ?? [],
        note: input.note ?? null,
        customer,
        shippingAddress: shop.addressFor(customer, random),
        lineItems,
        shippingCents: 599,
        taxCents: Math.round(subtotal * 0.08),
        discountCents: 0,
        fulfillmentOrders: [shop.fulfillmentOrderFor(index, lineItems, now, location.id)],
        fulfillments: [],
        returnIds: [],
      };
    });
    this.emitOrder('orders/create', order);
    if (order.financialStatus === 'paid') this.emitOrder('orders/paid', order);
    // Stock is committed from the first location, as a real checkout would.
    const location = shop.locations[0]!;
    for (const line of order.lineItems) {
      const variant = shop.variantsById.get(line.variantId);
      if (!variant) continue;
      this.applyInventory([{ inventoryItemId: variant.inventoryItemId, locationId: location.id, delta: -line.quantity }]);
    }
    return order;
  }

  updateOrder(
    id: bigint,
    patch: { tags?: string[]; note?: string | null; email?: string; financialStatus?: Order['financialStatus'] },
  ): Order {
    const order = this.requireOrder(id);
    if (patch.tags) order.tags = [...patch.tags];
    if (patch.note !== undefined) order.note = patch.note;
    if (patch.email) order.email = patch.email;
    if (patch.financialStatus) order.financialStatus = patch.financialStatus;
    this.shop.touch(order);
    this.emitOrder('orders/updated', order);
    return order;
  }

  /**
   * orderClose / orderOpen: closing archives the order (closed_at set); opening clears it.
   * Either is an order change: `orders/updated`. Already so: nothing changes, nothing is sent.
   */
  setOrderClosed(id: bigint, closed: boolean): Order {
    const order = this.requireOrder(id);
    if ((order.closedAt !== null) === closed) return order;
    this.shop.touch(order);
    order.closedAt = closed ? order.updatedAt : null;
    this.emitOrder('orders/updated', order);
    return order;
  }

  cancelOrder(id: bigint, reason = 'customer'): Order {
    const order = this.requireOrder(id);
    if (order.cancelledAt !== null) throw new OperationError('Order has already been cancelled', ['orderId'], 'INVALID');
    this.shop.touch(order);
    order.cancelledAt = order.updatedAt;
    order.cancelReason = reason;
    order.financialStatus = order.financialStatus === 'paid' ? 'refunded' : 'voided';
    for (const fo of order.fulfillmentOrders) {
      if (fo.status === 'OPEN' || fo.status === 'IN_PROGRESS') {
        fo.status = 'CANCELLED';
        fo.updatedAt = order.updatedAt;
      }
    }
    this.emitOrder('orders/cancelled', order);
    this.emitOrder('orders/updated', order);
    return order;
  }

  createFulfillment(
    items: Array<{ fulfillmentOrderId: bigint; lines?: Array<{ id: bigint; quantity: number }> }>,
    tracking: TrackingInfo | null,
  ): { order: Order; fulfillment: Fulfillment } {
    if (items.length === 0)
      throw new OperationError('Line items by fulfillment order must not be empty', [
        'fulfillment',
        'lineItemsByFulfillmentOrder',
      ]);
    const shop = this.shop;
    const first = shop.orderOfFulfillmentOrder(items[0]!.fulfillmentOrderId);
    if (!first)
      throw new OperationError('Fulfillment order does not exist.', [
        'fulfillment',
        'lineItemsByFulfillmentOrder',
        '0',
        'fulfillmentOrderId',
      ]);
    const order = shop.mutableOrder(first.index) as Order;
    const lines: Fulfillment['lines'] = [];
    let locationId = order.fulfillmentOrders[0]!.locationId;
    for (const [i, item] of items.entries()) {
      const fo = order.fulfillmentOrders.find((candidate) => candidate.id === item.fulfillmentOrderId);
      if (!fo)
        throw new OperationError('Fulfillment order does not exist.', [
          'fulfillment',
          'lineItemsByFulfillmentOrder',
          String(i),
          'fulfillmentOrderId',
        ]);
      if (fo.status !== 'OPEN' && fo.status !== 'IN_PROGRESS') {
        throw new OperationError(
          `Fulfillment order ${item.fulfillmentOrderId} has an unfulfillable status= ${fo.status.toLowerCase()}.`,
          ['fulfillment'],
        );
      }
      locationId = fo.locationId;
      const wanted = item.lines?.length
        ? item.lines
        : fo.lines.map((line) => ({ id: line.id, quantity: line.remainingQuantity }));
      for (const want of wanted) {
        const line = fo.lines.find((candidate) => candidate.id === want.id);
        if (!line)
          throw new OperationError('Fulfillment order line item does not exist.', [
            'fulfillment',
            'lineItemsByFulfillmentOrder',
            String(i),
          ]);
        if (want.quantity > line.remainingQuantity || want.quantity < 1) {
          if (want.quantity === 0 && !item.lines?.length) continue;
          throw new OperationError('Invalid fulfillment order line item quantity requested.', [
            'fulfillment',
            'lineItemsByFulfillmentOrder',
            String(i),
          ]);
        }
        line.remainingQuantity -= want.quantity;
        lines.push({ id: 0n, lineItemId: line.lineItemId, quantity: want.quantity });
      }
      fo.status = fo.lines.every((line) => line.remainingQuantity === 0) ? 'CLOSED' : 'IN_PROGRESS';
    }
    if (lines.length === 0) throw new OperationError('Fulfillment order has no remaining quantity.', ['fulfillment']);
    shop.touch(order);
    for (const fo of order.fulfillmentOrders)
      if (items.some((item) => item.fulfillmentOrderId === fo.id)) fo.updatedAt = order.updatedAt;
    for (const line of lines) line.id = shop.nextId('fulfillmentLineItem');
    const fulfillment: Fulfillment = {
      id: shop.nextId('fulfillment'),
      status: 'SUCCESS',
      createdAt: order.updatedAt,
      updatedAt: order.updatedAt,
      locationId,
      tracking: tracking && (tracking.number || tracking.url || tracking.company) ? [tracking] : [],
      lines,
    };
    order.fulfillments.push(fulfillment);
    const status = fulfillmentStatus(order);
    if (status === 'fulfilled') order.closedAt = order.updatedAt;
    this.webhooks.trigger(shop.domain, 'fulfillments/create', fulfillmentPayload(shop, order, fulfillment));
    this.emitOrder(status === 'fulfilled' ? 'orders/fulfilled' : 'orders/partially_fulfilled', order);
    this.emitOrder('orders/updated', order);
    return { order, fulfillment };
  }

  updateTracking(fulfillmentId: bigint, tracking: TrackingInfo): { order: Order; fulfillment: Fulfillment } {
    const found = this.shop.orderOfFulfillment(fulfillmentId);
    if (!found) throw new OperationError('Fulfillment does not exist.', ['fulfillmentId']);
    const order = this.shop.mutableOrder(found.index) as Order;
    const fulfillment = order.fulfillments.find((f) => f.id === fulfillmentId) as Fulfillment;
    fulfillment.tracking = [tracking];
    this.shop.touch(order);
    fulfillment.updatedAt = order.updatedAt;
    this.webhooks.trigger(this.shop.domain, 'fulfillments/update', fulfillmentPayload(this.shop, order, fulfillment));
    this.emitOrder('orders/updated', order);
    return { order, fulfillment };
  }

  createReturn(
    orderId: bigint,
    lines: Array<{ fulfillmentLineItemId: bigint; quantity: number; returnReason: string; customerNote?: string | null }>,
    status: 'REQUESTED' | 'OPEN',
  ): Return {
    const order = this.requireOrder(orderId);
    if (lines.length === 0)
      throw new OperationError('Return line items must not be empty', ['input', 'returnLineItems'], 'BLANK');
    const returned = new Map<bigint, number>();
    for (const id of order.returnIds) {
      const previous = this.shop.returns.get(id);
      if (!previous || previous.status === 'DECLINED' || previous.status === 'CANCELED') continue;
      for (const line of previous.lines)
        returned.set(line.fulfillmentLineItemId, (returned.get(line.fulfillmentLineItemId) ?? 0) + line.quantity);
    }
    for (const [i, line] of lines.entries()) {
      const fulfilled = order.fulfillments
        .flatMap((f) => f.lines)
        .find((candidate) => candidate.id === line.fulfillmentLineItemId);
      if (!fulfilled)
        throw new OperationError(
          'Fulfillment line item does not exist or does not belong to the order.',
          ['input', 'returnLineItems', String(i), 'fulfillmentLineItemId'],
          'NOT_FOUND',
        );
      const available = fulfilled.quantity - (returned.get(fulfilled.id) ?? 0);
      if (line.quantity < 1 || line.quantity > available) {
        throw new OperationError(
          `Quantity must be between 1 and ${available}.`,
          ['input', 'returnLineItems', String(i), 'quantity'],
          'GREATER_THAN',
        );
      }
    }
    this.shop.touch(order);
    const ret: Return = {
      id: this.shop.nextId('return'),
      orderIndex: order.index,
      name: `${order.name}-R${order.returnIds.length + 1}`,
      status,
      createdAt: order.updatedAt,
      lines: lines.map((line) => ({
        id: this.shop.nextId('returnLineItem'),
        fulfillmentLineItemId: line.fulfillmentLineItemId,
        quantity: line.quantity,
        returnReason: line.returnReason,
        customerNote: line.customerNote ?? null,
      })),
    };
    this.shop.returns.set(ret.id, ret);
    order.returnIds.push(ret.id);
    this.webhooks.trigger(
      this.shop.domain,
      status === 'REQUESTED' ? 'returns/request' : 'returns/approve',
      returnPayload(order, ret),
    );
    this.emitOrder('orders/updated', order);
    return ret;
  }

  approveReturn(returnId: bigint): Return {
    const ret = this.shop.returns.get(returnId);
    if (!ret) throw new OperationError('Return does not exist.', ['input', 'id'], 'NOT_FOUND');
    if (ret.status !== 'REQUESTED')
      throw new OperationError(
        'Return is not approvable. Only returns with status REQUESTED can be approved.',
        ['input', 'id'],
        'INVALID_STATE',
      );
    ret.status = 'OPEN';
    const order = this.shop.mutableOrder(ret.orderIndex) as Order;
    this.shop.touch(order);
    this.webhooks.trigger(this.shop.domain, 'returns/approve', returnPayload(order, ret));
    this.emitOrder('orders/updated', order);
    return ret;
  }

  declineReturn(returnId: bigint): Return {
    const ret = this.shop.returns.get(returnId);
    if (!ret) throw new OperationError('Return does not exist.', ['input', 'id'], 'NOT_FOUND');
    if (ret.status !== 'REQUESTED')
      throw new OperationError(
        'Return is not declinable. Only returns with status REQUESTED can be declined.',
        ['input', 'id'],
        'INVALID_STATE',
      );
    ret.status = 'DECLINED';
    const order = this.shop.mutableOrder(ret.orderIndex) as Order;
    this.shop.touch(order);
    this.webhooks.trigger(this.shop.domain, 'returns/decline', returnPayload(order, ret));
    this.emitOrder('orders/updated', order);
    return ret;
  }

  /**
   * Applies all changes or none: every item and location must exist and every
   * `changeFromQuantity` must match before anything is written.
   */
  applyInventory(changes: InventoryChange[], mode: 'adjust' | 'set' = 'adjust', quantities?: number[]): AppliedInventoryChange[] {
    const shop = this.shop;
    for (const [i, change] of changes.entries()) {
      const field = mode === 'adjust' ? ['input', 'changes', String(i)] : ['input', 'quantities', String(i)];
      if (!shop.variantByInventoryItem.has(change.inventoryItemId)) {
        throw new OperationError(
          'The specified inventory item could not be found.',
          [...field, 'inventoryItemId'],
          'INVALID_INVENTORY_ITEM',
        );
      }
      if (!shop.locations.some((location) => location.id === change.locationId)) {
        throw new OperationError('The specified location could not be found.', [...field, 'locationId'], 'INVALID_LOCATION');
      }
      const current = shop.level(change.inventoryItemId, change.locationId) ?? 0;
      if (typeof change.changeFromQuantity === 'number' && change.changeFromQuantity !== current) {
        throw new OperationError(
          'The specified compare quantity does not match the current quantity.',
          [...field, 'changeFromQuantity'],
          'CHANGE_FROM_QUANTITY_STALE',
        );
      }
      if (mode === 'set' && (quantities?.[i] ?? 0) < 0) {
        throw new OperationError("The quantity can't be negative.", [...field, 'quantity'], 'INVALID_QUANTITY_NEGATIVE');
      }
    }
    const now = shop.stamp();
    const applied: AppliedInventoryChange[] = [];
    for (const [i, change] of changes.entries()) {
      const key = `${change.inventoryItemId}:${change.locationId}`;
      const current = shop.inventory.get(key) ?? 0;
      const next = mode === 'set' ? (quantities?.[i] as number) : current + change.delta;
      shop.inventory.set(key, next);
      shop.inventoryUpdatedAt.set(key, now);
      applied.push({ ...change, delta: next - current, quantityAfterChange: next });
      this.webhooks.trigger(
        shop.domain,
        'inventory_levels/update',
        inventoryLevelPayload(shop, change.inventoryItemId, change.locationId),
      );
    }
    return applied;
  }

  /**
   * Deletes an order for good (orderDelete, or a merchant in the admin): Shopify sends
   * orders/delete with the id only.
   */
  deleteOrder(id: bigint): Order {
    const order = this.shop.orderById(id);
    if (!order) throw new OperationError('Order does not exist', ['orderId'], 'NOT_FOUND');
    this.shop.deleteOrder(order);
    this.webhooks.trigger(this.shop.domain, 'orders/delete', { id: order.id });
    return order;
  }

  /** Deletes a product with its variants and inventory items; products/delete carries the id only. */
  deleteProduct(id: bigint): Product {
    const product = this.shop.products.find((candidate) => candidate.id === id);
    if (!product) throw new OperationError('Product does not exist', ['id']);
    this.shop.deleteProduct(product);
    this.webhooks.trigger(this.shop.domain, 'products/delete', { id: product.id });
    return product;
  }

  /** Deletes a customer who has no orders (Shopify refuses the others); customers/delete carries the id only. */
  deleteCustomer(id: bigint): Customer {
    const customer = this.shop.customerById(id);
    if (!customer) throw new OperationError("Customer can't be found", ['id']);
    if (this.shop.customerHasOrders(id)) {
      throw new OperationError("Customer can't be deleted because they have associated orders", ['id']);
    }
    this.shop.deleteCustomer(customer);
    this.webhooks.trigger(this.shop.domain, 'customers/delete', { id: customer.id });
    return customer;
  }

  /** One random change, for live mode. */
  randomActivity(): string {
    const roll = this.random.next();
    if (roll < 0.5 || this.shop.orderCount === 0) {
      const order = this.createOrder();
      return `orders/create ${order.name}`;
    }
    const index = this.random.int(Math.max(0, this.shop.orderCount - 200), this.shop.orderCount - 1);
    const order = this.shop.order(index);
    if (!order) return `orders/create ${this.createOrder().name}`;
    if (roll < 0.65 && order.cancelledAt === null) {
      this.cancelOrder(order.id);
      return `orders/cancelled ${order.name}`;
    }
    if (roll < 0.8) {
      this.updateOrder(order.id, {
        tags: [...new Set([...order.tags, this.random.pick(['vip', 'gift', 'priority', 'repeat'])])],
      });
      return `orders/updated ${order.name}`;
    }
    const variant = this.random.pick(this.shop.allVariants);
    const location = this.random.pick(this.shop.locations);
    this.applyInventory([{ inventoryItemId: variant.inventoryItemId, locationId: location.id, delta: this.random.int(-5, 20) }]);
    return `inventory_levels/update ${variant.sku}`;
  }
}
