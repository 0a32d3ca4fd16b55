/** Turns internal records into the JSON the WooCommerce REST API v3 answers with, field for field. */
import { money, wcDate } from './format.ts';
import type { CustomerRecord, OrderNoteRecord, OrderRecord, ProductRecord, RefundRecord, WebhookRecord } from './model.ts';
import { effectivePrice, orderShippingCents, orderSubtotalCents, orderTotalCents, type Site } from './site.ts';

const ALL_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

function selfLinks(
  restBase: string,
  path: string,
  collection: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    self: [{ href: `${restBase}/${path}`, targetHints: { allow: ALL_METHODS } }],
    collection: [{ href: `${restBase}/${collection}` }],
    ...extra,
  };
}

function dates(name: string, seconds: number | null): Record<string, string | null> {
  return { [name]: wcDate(seconds), [`${name}_gmt`]: wcDate(seconds) };
}

export function renderOrder(site: Site, order: OrderRecord, restBase: string): Record<string, unknown> {
  const subtotal = orderSubtotalCents(order);
  const shipping = orderShippingCents(order);
  const total = orderTotalCents(order);
  const refundIds = site.refundsByOrder.get(order.id) ?? [];
  const editable =
    order.status === 'pending' || order.status === 'on-hold' || order.status === 'checkout-draft' || order.status === 'failed';
  const needsPayment = (order.status === 'pending' || order.status === 'failed') && total > 0;
  const links: Record<string, unknown> = {};
  if (order.customerId) links['customer'] = [{ href: `${restBase}/customers/${order.customerId}` }];
  const siteUrl = restBase.replace(/\/wp-json\/wc\/v3$/, '');
  return {
    id: order.id,
    parent_id: order.parentId,
    status: order.status,
    currency: order.currency,
    version: order.version,
    prices_include_tax: false,
    date_created: wcDate(order.created),
    date_modified: wcDate(order.modified),
    discount_total: money(order.discountCents),
    discount_tax: '0.00',
    shipping_total: money(shipping),
    shipping_tax: '0.00',
    cart_tax: '0.00',
    total: money(total),
    total_tax: '0.00',
    customer_id: order.customerId,
    order_key: order.orderKey,
    billing: { ...order.billing },
    shipping: { ...order.shipping },
    payment_method: order.paymentMethod,
    payment_method_title: order.paymentMethodTitle,
    transaction_id: order.transactionId,
    customer_ip_address: order.customerIp,
    customer_user_agent: order.customerUserAgent,
    created_via: order.createdVia,
    customer_note: order.customerNote,
    date_completed: wcDate(order.completed),
    date_paid: wcDate(order.paid),
    cart_hash: order.cartHash,
    number: String(order.id),
    meta_data: order.metaData.map((m) => ({ ...m })),
    line_items: order.lineItems.map((item) => {
      const lineTotal = item.unitCents * item.quantity;
      return {
        id: item.id,
        name: item.name,
        product_id: item.productId,
        variation_id: item.variationId,
        quantity: item.quantity,
        tax_class: item.taxClass,
        subtotal: money(lineTotal),
        subtotal_tax: '0.00',
        total: money(lineTotal),
        total_tax: '0.00',
        taxes: [],
        meta_data: item.metaData.map((m) => ({ ...m })),
        sku: item.sku,
        price: item.unitCents / 100,
        image: { id: '', src: '' },
        parent_name: item.parentName,
      };
    }),
    tax_lines: [],
    shipping_lines: order.shippingLines.map((line) => ({
      id: line.id,
      method_title: line.methodTitle,
      method_id: line.methodId,
      instance_id: line.instanceId,
      total: money(line.totalCents),
      total_tax: '0.00',
      taxes: [],
      tax_status: 'taxable',
      meta_data: [],
    })),
    fee_lines: [],
    coupon_lines: [],
    refunds: refundIds.map((id) => {
      const refund = site.refunds.get(id) as RefundRecord;
      return { id, reason: refund.reason, total: money(-refund.amountCents) };
    }),
    payment_url: `${siteUrl}/checkout/order-pay/${order.id}/?pay_for_order=true&key=${order.orderKey}`,
    is_editable: editable,
    needs_payment: needsPayment,
    needs_processing: subtotal > 0,
    date_created_gmt: wcDate(order.created),
    date_modified_gmt: wcDate(order.modified),
    date_completed_gmt: wcDate(order.completed),
    date_paid_gmt: wcDate(order.paid),
    currency_symbol: order.currencySymbol,
    _links: selfLinks(restBase, `orders/${order.id}`, 'orders', links),
  };
}

export function renderProduct(site: Site, product: ProductRecord, restBase: string): Record<string, unknown> {
  const siteUrl = restBase.replace(/\/wp-json\/wc\/v3$/, '');
  const price = productPrice(site, product);
  return {
    id: product.id,
    name: product.name,
    slug: product.slug,
    permalink: `${siteUrl}/product/${product.slug}/`,
    ...dates('date_created', product.created),
    ...dates('date_modified', product.modified),
    type: product.type,
    status: product.status,
    featured: false,
    catalog_visibility: 'visible',
    description: product.description,
    short_description: product.shortDescription,
    sku: product.sku,
    price: price === null ? '' : money(price),
    regular_price: product.regularCents === null ? '' : money(product.regularCents),
    sale_price: product.saleCents === null ? '' : money(product.saleCents),
    date_on_sale_from: null,
    date_on_sale_from_gmt: null,
    date_on_sale_to: null,
    date_on_sale_to_gmt: null,
    on_sale: product.saleCents !== null,
    purchasable: price !== null && product.status === 'publish',
    total_sales: product.totalSales,
    virtual: false,
    downloadable: false,
    downloads: [],
    download_limit: -1,
    download_expiry: -1,
    external_url: '',
    button_text: '',
    tax_status: 'taxable',
    tax_class: '',
    manage_stock: product.manageStock,
    stock_quantity: product.stockQuantity,
    backorders: product.backorders,
    backorders_allowed: product.backorders !== 'no',
    backordered: false,
    low_stock_amount: null,
    sold_individually: false,
    weight: '',
    dimensions: { length: '', width: '', height: '' },
    shipping_required: true,
    shipping_taxable: true,
    shipping_class: '',
    shipping_class_id: 0,
    reviews_allowed: true,
    average_rating: '0.00',
    rating_count: 0,
    upsell_ids: [],
    cross_sell_ids: [],
    parent_id: 0,
    purchase_note: '',
    categories: [{ id: 15, name: 'Uncategorized', slug: 'uncategorized' }],
    brands: [],
    tags: [],
    images: [],
    attributes: product.attributes.map((a, position) => ({
      id: a.id,
      name: a.name,
      slug: a.name.toLowerCase(),
      position,
      visible: true,
      variation: product.type === 'variable',
      options: a.options ?? [],
    })),
    default_attributes: [],
    variations: [...product.variationIds],
    grouped_products: [],
    menu_order: product.menuOrder,
    price_html: '',
    related_ids: [],
    meta_data: product.metaData.map((m) => ({ ...m })),
    stock_status: product.stockStatus,
    has_options: product.type === 'variable',
    post_password: '',
    global_unique_id: '',
    _links: selfLinks(restBase, `products/${product.id}`, 'products'),
  };
}

/** A variable product's price is its cheapest variation's. */
function productPrice(site: Site, product: ProductRecord): number | null {
  if (product.type !== 'variable') return effectivePrice(product);
  const prices = product.variationIds
    .map((id) => site.products.get(id))
    .map((v) => (v ? effectivePrice(v) : null))
    .filter((p): p is number => p !== null);
  return prices.length ? Math.min(...prices) : null;
}

export function renderVariation(variation: ProductRecord, restBase: string): Record<string, unknown> {
  const siteUrl = restBase.replace(/\/wp-json\/wc\/v3$/, '');
  const price = effectivePrice(variation);
  return {
    id: variation.id,
    type: 'variation',
    ...dates('date_created', variation.created),
    ...dates('date_modified', variation.modified),
    description: variation.description,
    permalink: `${siteUrl}/product/${variation.slug}/`,
    sku: variation.sku,
    global_unique_id: '',
    price: price === null ? '' : money(price),
    regular_price: variation.regularCents === null ? '' : money(variation.regularCents),
    sale_price: variation.saleCents === null ? '' : money(variation.saleCents),
    date_on_sale_from: null,
    date_on_sale_from_gmt: null,
    date_on_sale_to: null,
    date_on_sale_to_gmt: null,
    on_sale: variation.saleCents !== null,
    status: variation.status,
    purchasable: price !== null,
    virtual: false,
    downloadable: false,
    downloads: [],
    download_limit: -1,
    download_expiry: -1,
    tax_status: 'taxable',
    tax_class: '',
    manage_stock: variation.manageStock,
    stock_quantity: variation.stockQuantity,
    stock_status: variation.stockStatus,
    backorders: variation.backorders,
    backorders_allowed: variation.backorders !== 'no',
    backordered: false,
    low_stock_amount: null,
    weight: '',
    dimensions: { length: '', width: '', height: '' },
    shipping_class: '',
    shipping_class_id: 0,
    image: null,
    attributes: variation.attributes.map((a) => ({ id: a.id, name: a.name, slug: a.name.toLowerCase(), option: a.option ?? '' })),
    menu_order: variation.menuOrder,
    meta_data: variation.metaData.map((m) => ({ ...m })),
    name: variation.name,
    parent_id: variation.parentId,
    _links: {
      ...selfLinks(
        restBase,
        `products/${variation.parentId}/variations/${variation.id}`,
        `products/${variation.parentId}/variations`,
      ),
      up: [{ href: `${restBase}/products/${variation.parentId}` }],
    },
  };
}

export function renderCustomer(customer: CustomerRecord, restBase: string): Record<string, unknown> {
  return {
    id: customer.id,
    ...dates('date_created', customer.created),
    ...dates('date_modified', customer.modified),
    email: customer.email,
    first_name: customer.firstName,
    last_name: customer.lastName,
    role: customer.role,
    username: customer.username,
    billing: { ...customer.billing },
    shipping: { ...customer.shipping },
    is_paying_customer: customer.isPayingCustomer,
    avatar_url: `https://secure.gravatar.com/avatar/${customer.id.toString(16).padStart(32, '0')}?s=96&d=mm&r=g`,
    meta_data: customer.metaData.map((m) => ({ ...m })),
    _links: selfLinks(restBase, `customers/${customer.id}`, 'customers'),
  };
}

export function renderRefund(refund: RefundRecord, restBase: string, withParent: boolean): Record<string, unknown> {
  const body: Record<string, unknown> = {
    id: refund.id,
    ...(withParent ? { parent_id: refund.orderId } : {}),
    date_created: wcDate(refund.created),
    date_created_gmt: wcDate(refund.created),
    amount: money(refund.amountCents),
    reason: refund.reason,
    refunded_by: refund.refundedBy,
    refunded_payment: refund.refundedPayment,
    meta_data: [],
    line_items: [],
    shipping_lines: [],
    tax_lines: [],
    fee_lines: [],
  };
  body['_links'] = {
    ...selfLinks(restBase, `orders/${refund.orderId}/refunds/${refund.id}`, `orders/${refund.orderId}/refunds`),
    up: [{ href: `${restBase}/orders/${refund.orderId}` }],
  };
  return body;
}

/** An order note as `WC_REST_Order_Notes_Controller` (v3) renders it. */
export function renderOrderNote(note: OrderNoteRecord, restBase: string): Record<string, unknown> {
  return {
    id: note.id,
    author: note.author,
    ...dates('date_created', note.created),
    note: note.note,
    customer_note: note.customerNote,
    _links: {
      ...selfLinks(restBase, `orders/${note.orderId}/notes/${note.id}`, `orders/${note.orderId}/notes`),
      up: [{ href: `${restBase}/orders/${note.orderId}` }],
    },
  };
}

const TOPIC_HOOKS: Record<string, string[]> = {
  'order.created': ['woocommerce_new_order'],
  'order.updated': ['woocommerce_update_order', 'woocommerce_order_refunded'],
  'order.deleted': ['wp_trash_post', 'woocommerce_trash_order', 'woocommerce_delete_order'],
  'order.restored': ['untrashed_post', 'woocommerce_untrash_order'],
  'product.created': ['woocommerce_process_product_meta', 'woocommerce_new_product', 'woocommerce_new_product_variation'],
  'product.updated': ['woocommerce_process_product_meta', 'woocommerce_update_product', 'woocommerce_update_product_variation'],
  'product.deleted': ['wp_trash_post'],
  'product.restored': ['untrashed_post'],
  'product.published': ['woocommerce_product_published'],
  'customer.created': ['user_register', 'woocommerce_created_customer', 'woocommerce_new_customer'],
  'customer.updated': ['profile_update', 'woocommerce_update_customer'],
  'customer.deleted': ['delete_user'],
  'coupon.created': ['woocommerce_process_shop_coupon_meta', 'woocommerce_new_coupon'],
  'coupon.updated': ['woocommerce_process_shop_coupon_meta', 'woocommerce_update_coupon'],
  'coupon.deleted': ['wp_trash_post'],
  'coupon.restored': ['untrashed_post'],
};

export function renderWebhook(webhook: WebhookRecord, restBase: string): Record<string, unknown> {
  const [resource, event] = webhook.topic.split('.');
  return {
    id: webhook.id,
    name: webhook.name,
    status: webhook.status,
    topic: webhook.topic,
    resource: resource ?? '',
    event: event ?? '',
    hooks: TOPIC_HOOKS[webhook.topic] ?? [],
    delivery_url: webhook.deliveryUrl,
    date_created: wcDate(webhook.created),
    date_created_gmt: wcDate(webhook.created),
    date_modified: wcDate(webhook.modified),
    date_modified_gmt: wcDate(webhook.modified),
    _links: selfLinks(restBase, `webhooks/${webhook.id}`, 'webhooks'),
  };
}
