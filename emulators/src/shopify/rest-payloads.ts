import {
  fulfillmentStatus,
  gid,
  isoSeconds,
  money,
  subtotalCents,
  totalCents,
  type Fulfillment,
  type Order,
  type Product,
  type Return,
  type ShopStore,
} from './store.ts';

/** Webhook bodies in Shopify's REST shape; ids stay `bigint` (written as raw JSON numbers). */

const iso = (ms: number | null): string | null => (ms === null ? null : isoSeconds(ms));

export function orderPayload(shop: ShopStore, order: Order): Record<string, unknown> {
  const address = order.shippingAddress;
  const restAddress = {
    first_name: address.firstName,
    last_name: address.lastName,
    name: `${address.firstName} ${address.lastName}`,
    address1: address.address1,
    address2: address.address2,
    city: address.city,
    province: address.province,
    province_code: address.provinceCode,
    zip: address.zip,
    country: address.country,
    country_code: address.countryCode,
    phone: address.phone,
    company: null,
  };
  return {
    id: order.id,
    admin_graphql_api_id: gid('order', order.id),
    name: order.name,
    order_number: order.number,
    number: order.number - 1000,
    email: order.email,
    contact_email: order.email,
    phone: order.phone,
    created_at: iso(order.createdAt),
    updated_at: iso(order.updatedAt),
    processed_at: iso(order.processedAt),
    cancelled_at: iso(order.cancelledAt),
    cancel_reason: order.cancelReason,
    closed_at: iso(order.closedAt),
    confirmed: true,
    currency: order.currency,
    presentment_currency: order.currency,
    financial_status: order.financialStatus,
    fulfillment_status: fulfillmentStatus(order),
    total_price: money(totalCents(order)),
    subtotal_price: money(subtotalCents(order) - order.discountCents),
    total_line_items_price: money(subtotalCents(order)),
    total_tax: money(order.taxCents),
    total_discounts: money(order.discountCents),
    total_shipping_price_set: {
      shop_money: { amount: money(order.shippingCents), currency_code: order.currency },
      presentment_money: { amount: money(order.shippingCents), currency_code: order.currency },
    },
    tags: order.tags.join(', '),
    note: order.note,
    test: order.test,
    source_name: 'web',
    customer: {
      id: order.customer.id,
      email: order.customer.email,
      first_name: order.customer.firstName,
      last_name: order.customer.lastName,
      phone: order.customer.phone,
      admin_graphql_api_id: gid('customer', order.customer.id),
    },
    billing_address: restAddress,
    shipping_address: restAddress,
    line_items: order.lineItems.map((line) => ({
      id: line.id,
      admin_graphql_api_id: gid('lineItem', line.id),
      variant_id: line.variantId,
      product_id: line.productId,
      sku: line.sku,
      title: line.title,
      variant_title: line.variantTitle,
      name: line.variantTitle === 'Default Title' ? line.title : `${line.title} - ${line.variantTitle}`,
      quantity: line.quantity,
      current_quantity: order.cancelledAt === null ? line.quantity : 0,
      price: money(line.priceCents),
      fulfillable_quantity: remainingFor(order, line.id),
      requires_shipping: true,
      taxable: true,
    })),
    fulfillments: order.fulfillments.map((fulfillment) => fulfillmentPayload(shop, order, fulfillment)),
    shop_id: shop.id,
  };
}

function remainingFor(order: Order, lineItemId: bigint): number {
  let remaining = 0;
  for (const fo of order.fulfillmentOrders) {
    if (fo.status === 'CANCELLED') continue;
    for (const line of fo.lines) if (line.lineItemId === lineItemId) remaining += line.remainingQuantity;
  }
  return remaining;
}

export function fulfillmentPayload(_shop: ShopStore, order: Order, fulfillment: Fulfillment): Record<string, unknown> {
  const first = fulfillment.tracking[0];
  return {
    id: fulfillment.id,
    admin_graphql_api_id: gid('fulfillment', fulfillment.id),
    order_id: order.id,
    name: `${order.name}.${order.fulfillments.indexOf(fulfillment) + 1}`,
    status: fulfillment.status.toLowerCase(),
    created_at: isoSeconds(fulfillment.createdAt),
    updated_at: isoSeconds(fulfillment.updatedAt),
    location_id: fulfillment.locationId,
    tracking_company: first?.company ?? null,
    tracking_number: first?.number ?? null,
    tracking_numbers: fulfillment.tracking.map((t) => t.number).filter((n) => n !== null),
    tracking_url: first?.url ?? null,
    tracking_urls: fulfillment.tracking.map((t) => t.url).filter((u) => u !== null),
    line_items: fulfillment.lines.map((line) => {
      const item = order.lineItems.find((l) => l.id === line.lineItemId);
      return {
        id: line.lineItemId,
        variant_id: item?.variantId ?? null,
        sku: item?.sku ?? null,
        title: item?.title ?? null,
        quantity: line.quantity,
      };
    }),
  };
}

/** A product as the REST Admin API (and the products/* webhooks) show it. */
export function productPayload(shop: ShopStore, product: Product): Record<string, unknown> {
  const available = (variant: Product['variants'][number]) =>
    shop.locations.reduce((sum, location) => sum + (shop.inventory.get(`${variant.inventoryItemId}:${location.id}`) ?? 0), 0);
  return {
    id: product.id,
    admin_graphql_api_id: gid('product', product.id),
    title: product.title,
    body_html: null,
    vendor: product.vendor,
    product_type: product.productType,
    handle: product.handle,
    created_at: iso(product.createdAt),
    updated_at: iso(product.updatedAt),
    published_at: product.status === 'ACTIVE' ? iso(product.createdAt) : null,
    template_suffix: null,
    published_scope: 'global',
    tags: '',
    status: product.status.toLowerCase(),
    variants: product.variants.map((variant, index) => ({
      id: variant.id,
      admin_graphql_api_id: gid('variant', variant.id),
      product_id: product.id,
      title: variant.title,
      price: money(variant.priceCents),
      sku: variant.sku,
      position: index + 1,
      inventory_policy: 'deny',
      compare_at_price: null,
      option1: variant.title,
      option2: null,
      option3: null,
      created_at: iso(variant.createdAt),
      updated_at: iso(variant.updatedAt),
      taxable: true,
      barcode: null,
      inventory_item_id: variant.inventoryItemId,
      inventory_quantity: available(variant),
      requires_shipping: true,
    })),
    options: [{ product_id: product.id, name: 'Title', position: 1, values: product.variants.map((variant) => variant.title) }],
    images: [],
    image: null,
  };
}

export function inventoryLevelPayload(shop: ShopStore, inventoryItemId: bigint, locationId: bigint): Record<string, unknown> {
  const key = `${inventoryItemId}:${locationId}`;
  return {
    inventory_item_id: inventoryItemId,
    location_id: locationId,
    available: shop.inventory.get(key) ?? 0,
    updated_at: isoSeconds(shop.inventoryUpdatedAt.get(key) ?? Date.now()),
    admin_graphql_api_id: `gid://shopify/InventoryLevel/${locationId}?inventory_item_id=${inventoryItemId}`,
  };
}

export function returnPayload(order: Order, ret: Return): Record<string, unknown> {
  return {
    id: ret.id,
    admin_graphql_api_id: gid('return', ret.id),
    order: { id: order.id, admin_graphql_api_id: gid('order', order.id) },
    name: ret.name,
    status: ret.status.toLowerCase(),
    total_return_line_items: ret.lines.reduce((sum, line) => sum + line.quantity, 0),
    return_line_items: ret.lines.map((line) => ({
      id: line.id,
      admin_graphql_api_id: gid('returnLineItem', line.id),
      fulfillment_line_item: {
        id: line.fulfillmentLineItemId,
        admin_graphql_api_id: gid('fulfillmentLineItem', line.fulfillmentLineItemId),
      },
      quantity: line.quantity,
      return_reason: line.returnReason.toLowerCase(),
      customer_note: line.customerNote,
    })),
  };
}
