/** Orders, refunds and notes: `/orders`, `/orders/{id}`, `/orders/batch`, `/orders/{id}/refunds`, `/refunds`, `/orders/{id}/notes`. */
import { WpError } from './errors.ts';
import { parseMoney } from './format.ts';
import type { Address, LineItemRecord, OrderRecord } from './model.ts';
import { renderOrder, renderOrderNote, renderRefund } from './render.ts';
import {
  POST_ORDERBY,
  asArray,
  asObject,
  batch,
  created,
  editable,
  filterAndSort,
  isTrue,
  listArgs,
  paginate,
  toInt,
  type RestRequest,
  type Route,
} from './rest.ts';
import { ORDER_STATUSES, PAYMENT_METHODS, WC_VERSION, type OrderStatus } from './seed-data.ts';
import { emptyAddress, orderTotalCents, shippingFrom, type Site } from './site.ts';

const invalidOrderId = (status: number): WpError =>
  new WpError('woocommerce_rest_shop_order_invalid_id', 'Invalid ID.', { status });

function isOrderStatus(value: unknown): value is OrderStatus {
  return typeof value === 'string' && (ORDER_STATUSES as readonly string[]).includes(value);
}

function invalidParam(name: string, message: string): WpError {
  return new WpError('rest_invalid_param', `Invalid parameter(s): ${name}`, {
    status: 400,
    params: { [name]: message },
    details: { [name]: { code: 'rest_not_in_enum', message, data: null } },
  });
}

function mergeAddress(target: Address, patch: unknown): Address {
  const fields = asObject(patch);
  const out = { ...target };
  for (const key of Object.keys(out) as Array<keyof Address>) {
    if (typeof fields[key] === 'string') out[key] = fields[key] as string;
  }
  return out;
}

function buildLineItem(site: Site, input: Record<string, unknown>): LineItemRecord {
  const productId = toInt(input['product_id']);
  const variationId = toInt(input['variation_id']);
  let entry = site.catalogEntry(productId, variationId);
  if (!entry && typeof input['sku'] === 'string') {
    const bySku = [...site.products.values()].find((p) => p.sku === input['sku']);
    if (bySku) entry = site.catalogEntry(bySku.parentId || bySku.id, bySku.parentId ? bySku.id : 0);
  }
  if (!entry) throw new WpError('woocommerce_rest_invalid_product_id', 'Invalid product ID.', { status: 400 });
  const quantity = input['quantity'] === undefined ? 1 : toInt(input['quantity']);
  if (quantity <= 0)
    throw new WpError('woocommerce_rest_invalid_item_quantity', 'Quantity must be a positive number.', { status: 400 });
  const price = parseMoney(input['price']);
  const total = parseMoney(input['total']);
  return {
    id: site.newOrderItemId(),
    name: typeof input['name'] === 'string' ? input['name'] : entry.name,
    productId: entry.productId,
    variationId: entry.variationId,
    quantity,
    sku: entry.sku,
    taxClass: '',
    unitCents: total !== null ? Math.round(total / quantity) : (price ?? entry.unitCents),
    parentName: entry.parentName,
    metaData: [],
  };
}

function applyMeta(site: Site, order: OrderRecord, meta: unknown): void {
  for (const raw of asArray(meta)) {
    const entry = asObject(raw);
    const key = typeof entry['key'] === 'string' ? entry['key'] : null;
    if (!key) continue;
    const existing = order.metaData.find((m) => (entry['id'] !== undefined ? m.id === toInt(entry['id']) : m.key === key));
    if (existing) existing.value = entry['value'];
    else order.metaData.push({ id: site.newMetaId(), key, value: entry['value'] });
  }
}

const STOCK_REDUCING = new Set<OrderStatus>(['processing', 'completed', 'on-hold']);

/** Creates an order from a REST body (also used by batch and the control API). */
export function createOrder(site: Site, body: Record<string, unknown>): OrderRecord {
  if (body['id'] !== undefined && toInt(body['id']) !== 0) {
    throw new WpError('woocommerce_rest_shop_order_exists', 'Cannot create existing shop_order.', { status: 400 });
  }
  const status = body['status'] ?? 'pending';
  if (!isOrderStatus(status)) throw invalidParam('status', `status is not one of ${ORDER_STATUSES.join(', ')}.`);
  const customerId = toInt(body['customer_id']);
  const customer = site.customers.get(customerId);
  if (customerId !== 0 && !customer) {
    throw new WpError('woocommerce_rest_invalid_customer_id', 'Customer ID is invalid.', { status: 400 });
  }
  const lineItems = asArray(body['line_items']).map((item) => buildLineItem(site, asObject(item)));
  const billing = mergeAddress(customer ? { ...customer.billing } : emptyAddress(), body['billing']);
  const shipping = mergeAddress(customer ? { ...customer.shipping } : shippingFrom(billing), body['shipping']);
  const payment = PAYMENT_METHODS.find((m) => m.id === body['payment_method']);
  const now = site.now();
  const setPaid = isTrue(body['set_paid']);
  const finalStatus: OrderStatus = setPaid && status === 'pending' ? 'processing' : status;
  const shippingLines = asArray(body['shipping_lines']).map((raw) => {
    const line = asObject(raw);
    return {
      id: site.newOrderItemId(),
      methodTitle: String(line['method_title'] ?? 'Flat rate'),
      methodId: String(line['method_id'] ?? 'flat_rate'),
      instanceId: String(line['instance_id'] ?? ''),
      totalCents: parseMoney(line['total']) ?? 0,
    };
  });
  const order = site.insertOrder((id) => {
    const record: OrderRecord = {
      id,
      parentId: toInt(body['parent_id']),
      status: finalStatus,
      currency: typeof body['currency'] === 'string' ? body['currency'] : site.currency.code,
      currencySymbol: site.currency.symbol,
      version: WC_VERSION,
      created: now,
      modified: now,
      paid: setPaid || finalStatus === 'processing' || finalStatus === 'completed' ? now : null,
      completed: finalStatus === 'completed' ? now : null,
      customerId,
      orderKey: `wc_order_${site.runtimeRandom.hex(13)}`,
      billing,
      shipping,
      paymentMethod: typeof body['payment_method'] === 'string' ? body['payment_method'] : '',
      paymentMethodTitle:
        typeof body['payment_method_title'] === 'string' ? body['payment_method_title'] : (payment?.title ?? ''),
      transactionId: typeof body['transaction_id'] === 'string' ? body['transaction_id'] : '',
      customerIp: '',
      customerUserAgent: '',
      createdVia: typeof body['created_via'] === 'string' ? body['created_via'] : 'rest-api',
      customerNote: typeof body['customer_note'] === 'string' ? body['customer_note'] : '',
      cartHash: '',
      lineItems,
      shippingLines,
      discountCents: 0,
      metaData: [],
      stockReduced: false,
    };
    applyMeta(site, record, body['meta_data']);
    return record;
  });
  if (STOCK_REDUCING.has(order.status)) {
    order.stockReduced = true;
    for (const item of order.lineItems) site.adjustStock(item.variationId || item.productId, -item.quantity);
  }
  if (customer && order.paid !== null) customer.isPayingCustomer = true;
  return order;
}

/** Applies a REST update body to an order and emits `order.updated`. */
export function updateOrder(site: Site, id: number, body: Record<string, unknown>): OrderRecord {
  const existing = site.getOrder(id);
  if (!existing) throw invalidOrderId(400);
  if (body['status'] !== undefined && !isOrderStatus(body['status'])) {
    throw invalidParam('status', `status is not one of ${ORDER_STATUSES.join(', ')}.`);
  }
  if (body['customer_id'] !== undefined && toInt(body['customer_id']) !== 0 && !site.customers.has(toInt(body['customer_id']))) {
    throw new WpError('woocommerce_rest_invalid_customer_id', 'Customer ID is invalid.', { status: 400 });
  }
  const newItems: LineItemRecord[] = [];
  for (const raw of asArray(body['line_items'])) {
    const input = asObject(raw);
    if (input['id'] === undefined) newItems.push(buildLineItem(site, input));
  }
  return site.updateOrder(id, (order) => {
    if (isOrderStatus(body['status'])) order.status = body['status'];
    if (body['billing'] !== undefined) order.billing = mergeAddress(order.billing, body['billing']);
    if (body['shipping'] !== undefined) order.shipping = mergeAddress(order.shipping, body['shipping']);
    if (body['customer_id'] !== undefined) order.customerId = toInt(body['customer_id']);
    for (const field of ['customer_note', 'payment_method', 'payment_method_title', 'transaction_id', 'currency'] as const) {
      const value = body[field];
      if (typeof value !== 'string') continue;
      if (field === 'customer_note') order.customerNote = value;
      if (field === 'payment_method') order.paymentMethod = value;
      if (field === 'payment_method_title') order.paymentMethodTitle = value;
      if (field === 'transaction_id') order.transactionId = value;
      if (field === 'currency') order.currency = value;
    }
    for (const raw of asArray(body['line_items'])) {
      const input = asObject(raw);
      if (input['id'] === undefined) continue;
      const item = order.lineItems.find((li) => li.id === toInt(input['id']));
      if (!item) continue;
      if (input['quantity'] !== undefined) {
        const quantity = toInt(input['quantity']);
        if (quantity <= 0) order.lineItems = order.lineItems.filter((li) => li !== item);
        else item.quantity = quantity;
      }
    }
    order.lineItems.push(...newItems);
    if (isTrue(body['set_paid']) && order.paid === null) {
      order.paid = site.now();
      if (order.status === 'pending' || order.status === 'failed' || order.status === 'on-hold') order.status = 'processing';
    }
    applyMeta(site, order, body['meta_data']);
  }) as OrderRecord;
}

export function orderListItems(site: Site, args: Record<string, unknown>): number[] {
  const statuses = (args['status'] as string[] | undefined) ?? ['any'];
  const any = statuses.includes('any');
  const statusSet = new Set(statuses);
  const customer = typeof args['customer'] === 'number' ? args['customer'] : null;
  const parents = (args['parent'] as number[] | undefined) ?? [];
  const product = typeof args['product'] === 'number' ? args['product'] : null;
  const search = typeof args['search'] === 'string' && args['search'] !== '' ? args['search'].toLowerCase() : null;
  const items = [];
  for (const id of site.orderIds()) {
    const summary = site.orderSummary(id);
    if (!summary) continue;
    if (any ? summary.status === 'trash' : !statusSet.has(summary.status)) continue;
    if (customer !== null && summary.customerId !== customer) continue;
    if (parents.length || product !== null || search !== null) {
      const order = site.getOrder(id) as OrderRecord;
      if (parents.length && !parents.includes(order.parentId)) continue;
      if (product !== null && !order.lineItems.some((li) => li.productId === product || li.variationId === product)) continue;
      if (search !== null && !orderMatches(order, search)) continue;
    }
    items.push({ id, created: summary.created, modified: summary.modified, title: '', slug: '' });
  }
  return filterAndSort(items, args as never).map((item) => item.id);
}

function orderMatches(order: OrderRecord, needle: string): boolean {
  const haystack = [
    String(order.id),
    ...Object.values(order.billing),
    ...Object.values(order.shipping),
    ...order.lineItems.map((li) => li.name),
  ]
    .join(' ')
    .toLowerCase();
  return haystack.includes(needle);
}

function refundGuard(site: Site, orderId: number): OrderRecord {
  const order = site.getOrder(orderId);
  if (!order) throw new WpError('woocommerce_rest_invalid_order_id', 'Invalid order ID.', { status: 404 });
  return order;
}

/** `wc_create_refund` checks, then the refund; `api_refund` asks the gateway like WooCommerce does. */
export function createRefund(site: Site, orderId: number, body: Record<string, unknown>): number {
  const order = refundGuard(site, orderId);
  const amount = parseMoney(body['amount']);
  if (amount === null || amount <= 0) {
    throw new WpError('woocommerce_rest_invalid_order_refund', 'Refund amount must be greater than zero.', { status: 400 });
  }
  const remaining = orderTotalCents(order) - site.refundedCents(orderId);
  if (amount > remaining) {
    throw new WpError('woocommerce_rest_cannot_create_order_refund', 'Invalid refund amount.', { status: 500 });
  }
  const apiRefund = body['api_refund'] === undefined ? true : isTrue(body['api_refund']);
  if (apiRefund) {
    const gateway = PAYMENT_METHODS.find((m) => m.id === order.paymentMethod);
    if (!gateway || !gateway.refunds) {
      throw new WpError(
        'woocommerce_rest_cannot_create_order_refund',
        'The payment gateway for this order does not support automatic refunds.',
        { status: 500 },
      );
    }
  }
  const refund = site.addRefund(orderId, {
    amountCents: amount,
    reason: typeof body['reason'] === 'string' ? body['reason'] : '',
    refundedPayment: apiRefund,
  });
  return refund.id;
}

export function orderRoutes(): Route[] {
  const listSpec = listArgs(
    POST_ORDERBY,
    { orderby: 'date', order: 'desc' },
    {
      status: { type: 'enum[]', enum: ['any', ...ORDER_STATUSES], default: ['any'] },
      customer: { type: 'integer' },
      product: { type: 'integer' },
      parent: { type: 'integer[]', default: [] },
      parent_exclude: { type: 'integer[]', default: [] },
      dp: { type: 'integer', default: 2 },
    },
  );
  const refundListSpec = listArgs(POST_ORDERBY, { orderby: 'date', order: 'desc' }, { dp: { type: 'integer', default: 2 } });

  const getOrRender = (req: RestRequest, id: number): Record<string, unknown> => {
    const order = req.site.getOrder(id);
    if (!order) throw invalidOrderId(404);
    return renderOrder(req.site, order, req.restBase);
  };
  const deleteOne = (req: RestRequest, id: number, force: boolean): Record<string, unknown> => {
    const order = req.site.getOrder(id);
    if (!order) throw invalidOrderId(404);
    if (!force && order.status === 'trash') {
      throw new WpError('woocommerce_rest_already_trashed', 'The shop_order has already been deleted.', { status: 410 });
    }
    const before = renderOrder(req.site, order, req.restBase);
    const deleted = req.site.deleteOrder(id, force) as OrderRecord;
    return force ? before : renderOrder(req.site, deleted, req.restBase);
  };
  const refundsOf = (req: RestRequest, orderId: number) =>
    (req.site.refundsByOrder.get(orderId) ?? []).map((id) => req.site.refunds.get(id)).filter((r) => r !== undefined);

  return [
    {
      pattern: /^\/orders\/?$/,
      handlers: {
        GET: {
          op: 'list',
          args: listSpec,
          handle(req, args) {
            const ids = orderListItems(req.site, args);
            const { page, headers } = paginate(ids, args, req, 'orders');
            return { body: page.map((id) => getOrRender(req, id)), headers };
          },
        },
        POST: {
          op: 'create',
          args: { status: { type: 'string', enum: ORDER_STATUSES, default: 'pending' } },
          handle(req) {
            const order = createOrder(req.site, req.body);
            return created(req, renderOrder(req.site, order, req.restBase), `/orders/${order.id}`);
          },
        },
      },
    },
    {
      pattern: /^\/orders\/batch\/?$/,
      handlers: editable({
        op: 'batch',
        handle(req) {
          return batch(req, {
            create: (item) => renderOrder(req.site, createOrder(req.site, item), req.restBase),
            update: (item) => renderOrder(req.site, updateOrder(req.site, toInt(item['id']), item), req.restBase),
            delete: (id) => deleteOne(req, id, true),
          });
        },
      }),
    },
    {
      pattern: /^\/orders\/(?<id>\d+)\/?$/,
      handlers: {
        GET: { op: 'view', handle: (req) => ({ body: getOrRender(req, toInt(req.routeParams['id'])) }) },
        ...editable({
          op: 'edit',
          handle(req) {
            const order = updateOrder(req.site, toInt(req.routeParams['id']), req.body);
            return { body: renderOrder(req.site, order, req.restBase) };
          },
        }),
        DELETE: {
          op: 'delete',
          args: { force: { type: 'boolean', default: false } },
          handle: (req, args) => ({ body: deleteOne(req, toInt(req.routeParams['id']), args['force'] === true) }),
        },
      },
    },
    {
      pattern: /^\/orders\/(?<order_id>\d+)\/refunds\/?$/,
      handlers: {
        GET: {
          op: 'list',
          args: refundListSpec,
          handle(req, args) {
            const orderId = toInt(req.routeParams['order_id']);
            refundGuard(req.site, orderId);
            const items = refundsOf(req, orderId).map((r) => ({
              id: r.id,
              created: r.created,
              modified: r.created,
              title: '',
              slug: '',
            }));
            const { page, headers } = paginate(filterAndSort(items, args), args, req, `orders/${orderId}/refunds`);
            return { body: page.map((item) => renderRefund(req.site.refunds.get(item.id)!, req.restBase, false)), headers };
          },
        },
        POST: {
          op: 'create',
          handle(req) {
            const orderId = toInt(req.routeParams['order_id']);
            const refundId = createRefund(req.site, orderId, req.body);
            return created(
              req,
              renderRefund(req.site.refunds.get(refundId)!, req.restBase, false),
              `/orders/${orderId}/refunds/${refundId}`,
            );
          },
        },
      },
    },
    {
      pattern: /^\/orders\/(?<order_id>\d+)\/refunds\/(?<id>\d+)\/?$/,
      handlers: {
        GET: {
          op: 'view',
          handle(req) {
            const refund = req.site.refunds.get(toInt(req.routeParams['id']));
            if (!refund || refund.orderId !== toInt(req.routeParams['order_id'])) {
              throw new WpError('woocommerce_rest_shop_order_refund_invalid_id', 'Invalid ID.', { status: 404 });
            }
            return { body: renderRefund(refund, req.restBase, false) };
          },
        },
        DELETE: {
          op: 'delete',
          args: { force: { type: 'boolean', default: false } },
          handle(req, args) {
            if (args['force'] !== true) {
              throw new WpError('woocommerce_rest_trash_not_supported', 'The shop_order_refund does not support trashing.', {
                status: 501,
              });
            }
            const refund = req.site.refunds.get(toInt(req.routeParams['id']));
            if (!refund || refund.orderId !== toInt(req.routeParams['order_id'])) {
              throw new WpError('woocommerce_rest_shop_order_refund_invalid_id', 'Invalid ID.', { status: 404 });
            }
            const body = renderRefund(refund, req.restBase, false);
            req.site.deleteRefund(refund.id);
            return { body };
          },
        },
      },
    },
    ...orderNoteRoutes(),
    {
      pattern: /^\/refunds\/?$/,
      handlers: {
        GET: {
          op: 'list',
          args: refundListSpec,
          handle(req, args) {
            const items = [...req.site.refunds.values()].map((r) => ({
              id: r.id,
              created: r.created,
              modified: r.created,
              title: '',
              slug: '',
            }));
            const { page, headers } = paginate(filterAndSort(items, args), args, req, 'refunds');
            return { body: page.map((item) => renderRefund(req.site.refunds.get(item.id)!, req.restBase, true)), headers };
          },
        },
      },
    },
  ];
}

/**
 * `/orders/{order_id}/notes` and `/orders/{order_id}/notes/{id}` as `WC_REST_Order_Notes_Controller`
 * serves them: a list (newest first, `type` any|customer|internal), create (`note` required,
 * `customer_note` emails the customer, `added_by_user` credits the key's user), view, and
 * delete with `force=true` only (notes cannot be trashed). Adding a note does not save the
 * order: no `order.updated` webhook.
 */
function orderNoteRoutes(): Route[] {
  const orderOf = (req: RestRequest, code: string): OrderRecord => {
    const order = req.site.getOrder(toInt(req.routeParams['order_id']));
    if (!order) throw new WpError(code, 'Invalid order ID.', { status: 404 });
    return order;
  };
  const noteOf = (req: RestRequest) => {
    const order = orderOf(req, 'woocommerce_rest_order_invalid_id');
    const note = (req.site.orderNotes.get(order.id) ?? []).find((candidate) => candidate.id === toInt(req.routeParams['id']));
    if (!note) throw new WpError('woocommerce_rest_invalid_id', 'Invalid resource ID.', { status: 404 });
    return note;
  };
  return [
    {
      pattern: /^\/orders\/(?<order_id>\d+)\/notes\/?$/,
      handlers: {
        GET: {
          op: 'list',
          args: { type: { type: 'string', enum: ['any', 'customer', 'internal'], default: 'any' } },
          handle(req, args) {
            const order = orderOf(req, 'woocommerce_rest_shop_order_invalid_id');
            const notes = (req.site.orderNotes.get(order.id) ?? [])
              .filter((note) => args['type'] === 'any' || note.customerNote === (args['type'] === 'customer'))
              .sort((a, b) => b.created - a.created || b.id - a.id);
            return { body: notes.map((note) => renderOrderNote(note, req.restBase)) };
          },
        },
        POST: {
          op: 'create',
          args: { customer_note: { type: 'boolean', default: false }, added_by_user: { type: 'boolean', default: false } },
          handle(req, args) {
            if (req.body['note'] === undefined && req.query['note'] === undefined) {
              throw new WpError('rest_missing_callback_param', 'Missing parameter(s): note', { status: 400, params: ['note'] });
            }
            if (req.body['id'] !== undefined && toInt(req.body['id']) !== 0) {
              throw new WpError('woocommerce_rest_shop_order_exists', 'Cannot create existing shop_order.', { status: 400 });
            }
            const order = orderOf(req, 'woocommerce_rest_order_invalid_id');
            const text = req.body['note'] ?? req.query['note'];
            const note = req.site.addOrderNote(
              order.id,
              typeof text === 'string' ? text : String(text),
              args['customer_note'] === true,
              args['added_by_user'] === true ? 'admin' : 'system',
            );
            return created(req, renderOrderNote(note, req.restBase), `/orders/${order.id}/notes/${note.id}`);
          },
        },
      },
    },
    {
      pattern: /^\/orders\/(?<order_id>\d+)\/notes\/(?<id>\d+)\/?$/,
      handlers: {
        GET: { op: 'view', handle: (req) => ({ body: renderOrderNote(noteOf(req), req.restBase) }) },
        DELETE: {
          op: 'delete',
          args: { force: { type: 'boolean', default: false } },
          handle(req, args) {
            if (args['force'] !== true) {
              throw new WpError('woocommerce_rest_trash_not_supported', 'Webhooks do not support trashing.', { status: 501 });
            }
            const note = noteOf(req);
            const body = renderOrderNote(note, req.restBase);
            req.site.orderNotes.set(
              note.orderId,
              (req.site.orderNotes.get(note.orderId) ?? []).filter((candidate) => candidate !== note),
            );
            return { body };
          },
        },
      },
    },
  ];
}
