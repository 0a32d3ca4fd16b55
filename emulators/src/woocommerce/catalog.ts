/** Products (with variations) and customers. */
import { WpError } from './errors.ts';
import { parseMoney } from './format.ts';
import type { CustomerRecord, ProductRecord, StockStatus } from './model.ts';
import { renderCustomer, renderProduct, renderVariation } from './render.ts';
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
import { emptyAddress, setStockQuantity, type Site } from './site.ts';

const PRODUCT_STATUSES = ['draft', 'pending', 'private', 'publish'] as const;
const STOCK_STATUSES: readonly StockStatus[] = ['instock', 'outofstock', 'onbackorder'];

const invalidProductId = (status: number): WpError =>
  new WpError('woocommerce_rest_product_invalid_id', 'Invalid ID.', { status });
const invalidVariationId = (status: number): WpError =>
  new WpError('woocommerce_rest_product_variation_invalid_id', 'Invalid ID.', { status });

function slugify(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/** Applies the writable product fields of a REST body; shared by products and variations. */
function applyProductFields(site: Site, product: ProductRecord, body: Record<string, unknown>): void {
  if (typeof body['name'] === 'string') {
    product.name = body['name'];
    if (typeof body['slug'] !== 'string' && product.type !== 'variation') product.slug = slugify(body['name']);
  }
  if (typeof body['slug'] === 'string') product.slug = body['slug'];
  if (typeof body['status'] === 'string' && (PRODUCT_STATUSES as readonly string[]).includes(body['status'])) {
    product.status = body['status'] as ProductRecord['status'];
  }
  if (typeof body['sku'] === 'string' && body['sku'] !== product.sku) {
    const taken = body['sku'] !== '' && [...site.products.values()].some((p) => p.sku === body['sku'] && p.id !== product.id);
    if (taken)
      throw new WpError('product_invalid_sku', 'Invalid or duplicated SKU.', {
        status: 400,
        resource_id: product.id,
        unique_sku: `${body['sku']}-1`,
      });
    product.sku = body['sku'];
  }
  if (body['regular_price'] !== undefined) product.regularCents = parseMoney(body['regular_price']);
  if (body['sale_price'] !== undefined) product.saleCents = parseMoney(body['sale_price']);
  if (typeof body['description'] === 'string') product.description = body['description'];
  if (typeof body['short_description'] === 'string') product.shortDescription = body['short_description'];
  if (typeof body['backorders'] === 'string' && ['no', 'notify', 'yes'].includes(body['backorders'])) {
    product.backorders = body['backorders'] as ProductRecord['backorders'];
  }
  if (body['manage_stock'] !== undefined) {
    product.manageStock = isTrue(body['manage_stock']);
    if (!product.manageStock) product.stockQuantity = null;
    else if (product.stockQuantity === null) product.stockQuantity = 0;
  }
  if (body['stock_quantity'] !== undefined && product.manageStock) setStockQuantity(product, toInt(body['stock_quantity']));
  if (
    typeof body['stock_status'] === 'string' &&
    STOCK_STATUSES.includes(body['stock_status'] as StockStatus) &&
    !product.manageStock
  ) {
    product.stockStatus = body['stock_status'] as StockStatus;
  }
  if (typeof body['menu_order'] === 'number') product.menuOrder = body['menu_order'];
  for (const raw of asArray(body['meta_data'])) {
    const entry = asObject(raw);
    if (typeof entry['key'] !== 'string') continue;
    const existing = product.metaData.find((m) => m.key === entry['key']);
    if (existing) existing.value = entry['value'];
    else product.metaData.push({ id: site.newMetaId(), key: entry['key'], value: entry['value'] });
  }
}

export function createProduct(site: Site, body: Record<string, unknown>, parent?: ProductRecord): ProductRecord {
  if (body['id'] !== undefined && toInt(body['id']) !== 0) {
    throw new WpError(
      `woocommerce_rest_${parent ? 'product_variation' : 'product'}_exists`,
      `Cannot create existing ${parent ? 'product_variation' : 'product'}.`,
      { status: 400 },
    );
  }
  const now = site.now();
  const type = parent ? 'variation' : body['type'] === 'variable' ? 'variable' : 'simple';
  const product: ProductRecord = {
    id: 0,
    parentId: parent?.id ?? 0,
    type,
    name: parent ? parent.name : 'Product',
    slug: '',
    status: 'publish',
    sku: '',
    regularCents: null,
    saleCents: null,
    manageStock: false,
    stockQuantity: null,
    stockStatus: 'instock',
    backorders: 'no',
    description: '',
    shortDescription: '',
    created: now,
    modified: now,
    totalSales: 0,
    attributes: [],
    variationIds: [],
    menuOrder: 0,
    metaData: [],
  };
  applyProductFields(site, product, body);
  if (parent) {
    const options = asArray(body['attributes']).map((a) => asObject(a));
    product.attributes = options.map((a) => ({
      id: toInt(a['id']),
      name: String(a['name'] ?? ''),
      option: String(a['option'] ?? ''),
    }));
    product.name = `${parent.name}${product.attributes.length ? ` - ${product.attributes.map((a) => a.option).join(', ')}` : ''}`;
  } else if (!product.slug) product.slug = slugify(product.name);
  product.id = site.newProductId();
  site.products.set(product.id, product);
  if (parent) {
    parent.variationIds.push(product.id);
    site.touchProduct(parent.id);
  } else {
    site.change('product', 'created', product.id);
    if (product.status === 'publish') site.change('product', 'published', product.id);
  }
  return product;
}

export function updateProduct(site: Site, id: number, body: Record<string, unknown>): ProductRecord {
  const product = site.products.get(id);
  if (!product || product.type === 'variation') throw invalidProductId(400);
  const wasPublished = product.status === 'publish';
  applyProductFields(site, product, body);
  site.touchProduct(id);
  if (!wasPublished && product.status === 'publish') site.change('product', 'published', id);
  return product;
}

function deleteProduct(site: Site, id: number, force: boolean): ProductRecord {
  const product = site.products.get(id);
  if (!product || product.type === 'variation') throw invalidProductId(404);
  if (!force) {
    if (product.status === 'trash')
      throw new WpError('woocommerce_rest_already_trashed', `The product has already been deleted.`, { status: 410 });
    product.status = 'trash';
    product.modified = site.now();
  } else {
    site.products.delete(id);
    for (const variationId of product.variationIds) site.products.delete(variationId);
  }
  site.change('product', 'deleted', id);
  return product;
}

export function catalogRoutes(): Route[] {
  const productList = listArgs(
    [...POST_ORDERBY, 'price', 'popularity', 'rating', 'menu_order'],
    { orderby: 'date', order: 'desc' },
    {
      status: { type: 'string', enum: ['any', 'future', 'trash', ...PRODUCT_STATUSES], default: 'any' },
      type: { type: 'string', enum: ['simple', 'grouped', 'external', 'variable'] },
      sku: { type: 'string' },
      stock_status: { type: 'string', enum: STOCK_STATUSES },
      parent: { type: 'integer[]', default: [] },
    },
  );
  const variationList = listArgs(
    [...POST_ORDERBY, 'menu_order'],
    { orderby: 'date', order: 'desc' },
    { sku: { type: 'string' } },
  );
  const customerList = listArgs(
    ['id', 'include', 'name', 'registered_date'],
    { orderby: 'name', order: 'asc' },
    {
      email: { type: 'string' },
      role: {
        type: 'string',
        enum: ['all', 'administrator', 'editor', 'author', 'contributor', 'subscriber', 'customer', 'shop_manager'],
        default: 'customer',
      },
    },
  );

  const productOf = (req: RestRequest, id: number): ProductRecord => {
    const product = req.site.products.get(id);
    if (!product || product.type === 'variation') throw invalidProductId(404);
    return product;
  };
  const variationOf = (req: RestRequest, parentId: number, id: number, status = 404): ProductRecord => {
    const variation = req.site.products.get(id);
    if (!variation || variation.type !== 'variation' || variation.parentId !== parentId) throw invalidVariationId(status);
    return variation;
  };
  const customerOf = (req: RestRequest, id: number, status = 404): CustomerRecord => {
    const customer = req.site.customers.get(id);
    if (!customer) throw new WpError('woocommerce_rest_invalid_id', 'Invalid resource ID.', { status });
    return customer;
  };
  const productItems = (products: ProductRecord[]) =>
    products.map((p) => ({ id: p.id, created: p.created, modified: p.modified, title: p.name, slug: p.slug }));

  const createCustomer = (site: Site, body: Record<string, unknown>): CustomerRecord => {
    if (body['id'] !== undefined && toInt(body['id']) !== 0) {
      throw new WpError('woocommerce_rest_customer_exists', 'Cannot create existing resource.', { status: 400 });
    }
    const email = typeof body['email'] === 'string' ? body['email'].trim().toLowerCase() : '';
    if (!email) {
      throw new WpError('rest_missing_callback_param', 'Missing parameter(s): email', { status: 400, params: ['email'] });
    }
    if ([...site.customers.values()].some((c) => c.email === email)) {
      throw new WpError('registration-error-email-exists', 'An account is already registered with your email address.', {
        status: 400,
      });
    }
    const now = site.now();
    const customer: CustomerRecord = {
      id: site.newCustomerId(),
      created: now,
      modified: now,
      email,
      firstName: String(body['first_name'] ?? ''),
      lastName: String(body['last_name'] ?? ''),
      username: typeof body['username'] === 'string' ? body['username'] : (email.split('@')[0] ?? email),
      role: 'customer',
      billing: { ...emptyAddress(), ...pickAddress(body['billing']) },
      shipping: { ...emptyAddress(), ...pickAddress(body['shipping']), email: '' },
      isPayingCustomer: false,
      metaData: [],
    };
    site.customers.set(customer.id, customer);
    site.change('customer', 'created', customer.id);
    return customer;
  };

  const updateCustomer = (site: Site, customer: CustomerRecord, body: Record<string, unknown>): CustomerRecord => {
    if (typeof body['email'] === 'string') customer.email = body['email'];
    if (typeof body['first_name'] === 'string') customer.firstName = body['first_name'];
    if (typeof body['last_name'] === 'string') customer.lastName = body['last_name'];
    if (body['billing'] !== undefined) customer.billing = { ...customer.billing, ...pickAddress(body['billing']) };
    if (body['shipping'] !== undefined) customer.shipping = { ...customer.shipping, ...pickAddress(body['shipping']) };
    customer.modified = site.now();
    site.change('customer', 'updated', customer.id);
    return customer;
  };

  return [
    {
      pattern: /^\/products\/?$/,
      handlers: {
        GET: {
          op: 'list',
          args: productList,
          handle(req, args) {
            const status = String(args['status']);
            const parents = (args['parent'] as number[]) ?? [];
            const search = typeof args['search'] === 'string' ? args['search'].toLowerCase() : '';
            const products = [...req.site.products.values()].filter(
              (p) =>
                p.type !== 'variation' &&
                (status === 'any' ? p.status !== 'trash' : p.status === status) &&
                (args['type'] === undefined || p.type === args['type']) &&
                (args['sku'] === undefined || String(args['sku']).split(',').includes(p.sku)) &&
                (args['stock_status'] === undefined || p.stockStatus === args['stock_status']) &&
                (parents.length === 0 || parents.includes(p.parentId)) &&
                (search === '' || p.name.toLowerCase().includes(search) || p.sku.toLowerCase().includes(search)),
            );
            const sorted = filterAndSort(productItems(products), args);
            const { page, headers } = paginate(sorted, args, req, 'products');
            return { body: page.map((item) => renderProduct(req.site, req.site.products.get(item.id)!, req.restBase)), headers };
          },
        },
        POST: {
          op: 'create',
          handle(req) {
            const product = createProduct(req.site, req.body);
            return created(req, renderProduct(req.site, product, req.restBase), `/products/${product.id}`);
          },
        },
      },
    },
    {
      pattern: /^\/products\/batch\/?$/,
      handlers: editable({
        op: 'batch',
        handle(req) {
          return batch(req, {
            create: (item) => renderProduct(req.site, createProduct(req.site, item), req.restBase),
            update: (item) => renderProduct(req.site, updateProduct(req.site, toInt(item['id']), item), req.restBase),
            delete: (id) => {
              const body = renderProduct(req.site, productOf(req, id), req.restBase);
              deleteProduct(req.site, id, true);
              return body;
            },
          });
        },
      }),
    },
    {
      pattern: /^\/products\/(?<id>\d+)\/?$/,
      handlers: {
        GET: {
          op: 'view',
          handle: (req) => ({ body: renderProduct(req.site, productOf(req, toInt(req.routeParams['id'])), req.restBase) }),
        },
        ...editable({
          op: 'edit',
          handle: (req) => ({
            body: renderProduct(req.site, updateProduct(req.site, toInt(req.routeParams['id']), req.body), req.restBase),
          }),
        }),
        DELETE: {
          op: 'delete',
          args: { force: { type: 'boolean', default: false } },
          handle(req, args) {
            const id = toInt(req.routeParams['id']);
            const before = renderProduct(req.site, productOf(req, id), req.restBase);
            const product = deleteProduct(req.site, id, args['force'] === true);
            return { body: args['force'] === true ? before : renderProduct(req.site, product, req.restBase) };
          },
        },
      },
    },
    {
      pattern: /^\/products\/(?<product_id>\d+)\/variations\/?$/,
      handlers: {
        GET: {
          op: 'list',
          args: variationList,
          handle(req, args) {
            const parent = productOf(req, toInt(req.routeParams['product_id']));
            const variations = parent.variationIds
              .map((id) => req.site.products.get(id))
              .filter((v): v is ProductRecord => v !== undefined);
            const sorted = filterAndSort(productItems(variations), args);
            const { page, headers } = paginate(sorted, args, req, `products/${parent.id}/variations`);
            return { body: page.map((item) => renderVariation(req.site.products.get(item.id)!, req.restBase)), headers };
          },
        },
        POST: {
          op: 'create',
          handle(req) {
            const parent = productOf(req, toInt(req.routeParams['product_id']));
            const variation = createProduct(req.site, req.body, parent);
            return { status: 201, body: renderVariation(variation, req.restBase) };
          },
        },
      },
    },
    {
      pattern: /^\/products\/(?<product_id>\d+)\/variations\/(?<id>\d+)\/?$/,
      handlers: {
        GET: {
          op: 'view',
          handle: (req) => ({
            body: renderVariation(
              variationOf(req, toInt(req.routeParams['product_id']), toInt(req.routeParams['id'])),
              req.restBase,
            ),
          }),
        },
        ...editable({
          op: 'edit',
          handle(req) {
            const variation = variationOf(req, toInt(req.routeParams['product_id']), toInt(req.routeParams['id']), 400);
            applyProductFields(req.site, variation, req.body);
            req.site.touchProduct(variation.id);
            return { body: renderVariation(variation, req.restBase) };
          },
        }),
        DELETE: {
          op: 'delete',
          args: { force: { type: 'boolean', default: false } },
          handle(req, args) {
            if (args['force'] !== true) {
              throw new WpError('woocommerce_rest_trash_not_supported', 'The product_variation does not support trashing.', {
                status: 501,
              });
            }
            const parentId = toInt(req.routeParams['product_id']);
            const variation = variationOf(req, parentId, toInt(req.routeParams['id']));
            const body = renderVariation(variation, req.restBase);
            req.site.products.delete(variation.id);
            const parent = req.site.products.get(parentId);
            if (parent) parent.variationIds = parent.variationIds.filter((id) => id !== variation.id);
            req.site.change('product', 'deleted', variation.id);
            return { body };
          },
        },
      },
    },
    {
      pattern: /^\/customers\/?$/,
      handlers: {
        GET: {
          op: 'list',
          args: customerList,
          handle(req, args) {
            const search = typeof args['search'] === 'string' ? args['search'].toLowerCase() : '';
            const customers = [...req.site.customers.values()].filter(
              (c) =>
                (args['role'] === 'all' || c.role === args['role']) &&
                (args['email'] === undefined || c.email === String(args['email']).toLowerCase()) &&
                (search === '' || `${c.email} ${c.firstName} ${c.lastName} ${c.username}`.toLowerCase().includes(search)),
            );
            const items = customers.map((c) => ({
              id: c.id,
              created: c.created,
              modified: c.modified,
              title: c.username,
              slug: c.username,
            }));
            const orderby = args['orderby'] === 'registered_date' ? 'date' : args['orderby'];
            const sorted = filterAndSort(items, { ...args, orderby });
            const { page, headers } = paginate(sorted, args, req, 'customers');
            return { body: page.map((item) => renderCustomer(req.site.customers.get(item.id)!, req.restBase)), headers };
          },
        },
        POST: {
          op: 'create',
          handle(req) {
            const customer = createCustomer(req.site, req.body);
            return created(req, renderCustomer(customer, req.restBase), `/customers/${customer.id}`);
          },
        },
      },
    },
    {
      pattern: /^\/customers\/(?<id>\d+)\/?$/,
      handlers: {
        GET: {
          op: 'view',
          handle: (req) => ({ body: renderCustomer(customerOf(req, toInt(req.routeParams['id'])), req.restBase) }),
        },
        ...editable({
          op: 'edit',
          handle: (req) => ({
            body: renderCustomer(
              updateCustomer(req.site, customerOf(req, toInt(req.routeParams['id']), 400), req.body),
              req.restBase,
            ),
          }),
        }),
        DELETE: {
          op: 'delete',
          args: { force: { type: 'boolean', default: false } },
          handle(req, args) {
            if (args['force'] !== true) {
              throw new WpError('woocommerce_rest_trash_not_supported', 'Customers do not support trashing.', { status: 501 });
            }
            const customer = customerOf(req, toInt(req.routeParams['id']));
            const body = renderCustomer(customer, req.restBase);
            req.site.customers.delete(customer.id);
            req.site.change('customer', 'deleted', customer.id);
            return { body };
          },
        },
      },
    },
  ];
}

function pickAddress(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(asObject(value))) {
    if (typeof v === 'string' && k in emptyAddress()) out[k] = v;
  }
  return out;
}
