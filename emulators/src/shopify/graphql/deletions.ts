import { type GraphQLFieldResolver } from 'graphql';
import { OperationError } from '../operations.ts';
import { gid, parseGid, type IdKind } from '../store.ts';
import { type Args, type RequestContext, type View } from './context.ts';
import { invalidGlobalId, shopView } from './views.ts';

/**
 * orderDelete, productDelete and customerDelete with Shopify's arguments and payloads. Each
 * deletes for good and sends the `*\/delete` webhook (the id only) through ShopOperations.
 */

/** The id's number when it is a global id of `kind`; null for another type's (answered as not found). */
function idOf(value: unknown, kind: IdKind): bigint | null {
  const text = String(value);
  // A malformed id is refused before the mutation runs, as for any ID argument.
  if (!/^gid:\/\/shopify\/[A-Za-z]+\/[^/?]+(\?.*)?$/.test(text)) throw invalidGlobalId(text);
  return parseGid(text, kind);
}

function userErrors(error: unknown, withCode: boolean): View[] {
  if (!(error instanceof OperationError)) throw error;
  return [{ field: error.field, message: error.message, ...(withCode ? { code: error.code } : {}) }];
}

export const deletionMutations: Record<string, GraphQLFieldResolver<unknown, RequestContext>> = {
  orderDelete: (_source, args: Args, ctx) => {
    try {
      const order = ctx.ops.deleteOrder(idOf(args.orderId, 'order') ?? -1n);
      return { deletedId: gid('order', order.id), userErrors: [] };
    } catch (error) {
      return { deletedId: null, userErrors: userErrors(error, true) };
    }
  },
  productDelete: (_source, args: Args, ctx) => {
    const input = args.input as Args;
    try {
      const product = ctx.ops.deleteProduct(idOf(input.id, 'product') ?? -1n);
      const deletedProductId = gid('product', product.id);
      // `synchronous: false` asks for a background operation; here it is complete at once.
      if (args.synchronous === false) {
        return {
          deletedProductId: null,
          productDeleteOperation: {
            id: `gid://shopify/ProductDeleteOperation/${product.id}`,
            status: 'COMPLETE',
            deletedProductId,
            product: null,
            userErrors: [],
          },
          shop: () => shopView(ctx),
          userErrors: [],
        };
      }
      return { deletedProductId, productDeleteOperation: null, shop: () => shopView(ctx), userErrors: [] };
    } catch (error) {
      return {
        deletedProductId: null,
        productDeleteOperation: null,
        shop: () => shopView(ctx),
        userErrors: userErrors(error, false),
      };
    }
  },
  customerDelete: (_source, args: Args, ctx) => {
    const input = args.input as Args;
    try {
      const customer = ctx.ops.deleteCustomer(idOf(input.id, 'customer') ?? -1n);
      return { deletedCustomerId: gid('customer', customer.id), shop: () => shopView(ctx), userErrors: [] };
    } catch (error) {
      return { deletedCustomerId: null, shop: () => shopView(ctx), userErrors: userErrors(error, false) };
    }
  },
};
