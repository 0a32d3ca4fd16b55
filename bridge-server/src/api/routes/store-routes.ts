import { Router } from 'express';
import { z } from 'zod';
import { withPrincipal } from '../../db/principal.ts';
import { ShopTakenError, StoreActivationRefusedError } from '../../domain/stores/store-service.ts';
import { storeSyncStatus, SYNC_ENTITIES } from '../../sync/sync-status.ts';
import { createStoreWithVerifiedKeys } from '../../platforms/woocommerce/store-with-keys.ts';
import { createShopifyStore } from '../../platforms/shopify/store-with-token.ts';
import { principalOf, requestIdOf, type AppContext } from '../context.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import { authorize } from '../policy.ts';
import { dataOf, documentRoute, pageOf } from '../openapi.ts';
import { createdAtIdKey, decodeCursor, pageQuery, toPage } from '../pagination.ts';
import { parseInput, uuidParam } from '../validate.ts';

const SHOP_DOMAIN = /^[a-zA-Z0-9][a-zA-Z0-9-_]*\.myshopify\.(com|io)$/;

const store = z
  .object({
    id: z.uuid(),
    platform: z.enum(['shopify', 'woocommerce']),
    name: z.string(),
    shopDomain: z.string().nullable(),
    siteUrl: z.string().nullable(),
    status: z.enum(['pending', 'active', 'disconnected', 'uninstalled']),
    hasCredentials: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Store' });

const createStore = z
  .discriminatedUnion('platform', [
    z.object({
      platform: z.literal('shopify'),
      name: z.string().min(1).max(200),
      shopDomain: z.string().regex(SHOP_DOMAIN, 'must be a *.myshopify.com domain'),
      credentials: z.object({ accessToken: z.string().min(1).max(4096) }).optional(),
    }),
    z.object({
      platform: z.literal('woocommerce'),
      name: z.string().min(1).max(200),
      siteUrl: z.url({ protocol: /^https?$/ }).max(2048),
      // Required, and checked against the store with a real REST call before anything is saved.
      credentials: z.object({
        consumerKey: z.string().regex(/^ck_[A-Za-z0-9]{1,128}$/),
        consumerSecret: z.string().regex(/^cs_[A-Za-z0-9]{1,128}$/),
      }),
      webhookSecret: z.string().min(16).max(256).optional(),
    }),
  ])
  .meta({ id: 'CreateStore' });
const updateStore = z
  .object({ name: z.string().min(1).max(200).optional(), status: z.enum(['pending', 'active']).optional() })
  .meta({ id: 'UpdateStore' });
const idParams = z.object({ id: z.string() });
/** A store's sync health; the dashboard's stats (stats-routes.ts) carry it per store too. */
export const syncStatus = z
  .object({
    storeId: z.uuid(),
    entities: z.array(
      z.object({
        entity: z.enum(SYNC_ENTITIES),
        status: z.enum(['idle', 'running', 'failed']),
        checkpoint: z.string().nullable(),
        lagSeconds: z.number().nullable(),
        count: z.number().int(),
        processed: z.number().int(),
        total: z.number().int().nullable(),
        lastRunAt: z.string().nullable(),
        lastError: z.string().nullable(),
      }),
    ),
    inbox: z.object({ pending: z.number().int(), failed: z.number().int(), oldestPendingAt: z.string().nullable() }),
  })
  .meta({ id: 'StoreSyncStatus' });

documentRoute({
  method: 'get',
  path: '/v1/stores',
  summary: 'List stores (merchants see only their own)',
  tags: ['stores'],
  query: pageQuery,
  response: pageOf(store),
});
documentRoute({
  method: 'post',
  path: '/v1/stores',
  summary: 'Add a store by hand (the install flows add them too)',
  tags: ['stores'],
  body: createStore,
  response: dataOf(store),
  status: 201,
  errors: {
    400: 'Invalid input, or credentials the store or shop refused',
    403: 'Owners and admins only',
    409: 'The organization already has this store connected, or the shop is connected to another organization',
  },
});
documentRoute({
  method: 'get',
  path: '/v1/stores/:id',
  summary: 'One store',
  tags: ['stores'],
  params: idParams,
  response: dataOf(store),
});
documentRoute({
  method: 'patch',
  path: '/v1/stores/:id',
  summary: 'Rename or reactivate a store',
  tags: ['stores'],
  params: idParams,
  body: updateStore,
  response: dataOf(store),
  errors: {
    403: 'Owners and admins only',
    409: 'Only connecting makes a store active (with credentials verified against the platform)',
  },
});
documentRoute({
  method: 'delete',
  path: '/v1/stores/:id',
  summary: 'Disconnect a store and forget its credentials',
  tags: ['stores'],
  params: idParams,
  response: dataOf(store),
  errors: { 403: 'Owners and admins only' },
});

documentRoute({
  method: 'get',
  path: '/v1/stores/:id/sync',
  summary: 'Sync status per entity: checkpoint, lag, counts, progress, webhook backlog',
  tags: ['stores'],
  params: idParams,
  response: dataOf(syncStatus),
});

const syncRequest = z
  .object({
    mode: z.enum(['backfill', 'reconcile']).default('reconcile'),
    entity: z.enum(SYNC_ENTITIES).optional(),
  })
  .meta({ id: 'SyncRequest' });

documentRoute({
  method: 'post',
  path: '/v1/stores/:id/sync',
  summary: 'Start a sync now: reconcile (changes since the checkpoint, the default) or a full backfill',
  tags: ['stores'],
  params: idParams,
  body: syncRequest,
  response: dataOf(syncStatus),
  status: 202,
  errors: { 403: 'Owners and admins only', 409: 'The store is not active' },
});

export function storeRoutes(ctx: AppContext): Router {
  const router = Router();
  router.get('/', authorize('GET /v1/stores'), async (req, res) => {
    const query = parseInput(pageQuery, req.query, 'query');
    const after = query.cursor ? decodeCursor(query.cursor, createdAtIdKey) : undefined;
    const rows = await ctx.stores.list(ctx.db, principalOf(res), { limit: query.limit, after });
    res.json(toPage(rows, query.limit, (row) => [row.createdAt, row.id]));
  });

  router.post('/', authorize('POST /v1/stores'), async (req, res) => {
    const body = parseInput(createStore, req.body);
    const principal = principalOf(res);
    // A store joins only with proof of control, which each platform checks its own way.
    const created =
      body.platform === 'woocommerce'
        ? await createStoreWithVerifiedKeys(ctx, principal, body, requestIdOf(res))
        : await createShopifyStore(ctx, principal, body, requestIdOf(res));
    res.status(201).json({ data: created });
  });

  router.get('/:id', authorize('GET /v1/stores/:id'), async (req, res) => {
    const id = uuidParam(req.params);
    // Another organization's id, or a malformed one, is simply not found: nothing leaks.
    const found = id ? await withPrincipal(ctx.db, principalOf(res), (tx) => ctx.stores.get(tx, id)) : undefined;
    if (!found) throw new NotFoundError('Store');
    res.json({ data: found });
  });

  router.get('/:id/sync', authorize('GET /v1/stores/:id/sync'), async (req, res) => {
    const id = uuidParam(req.params);
    const status = id
      ? await withPrincipal(ctx.db, principalOf(res), async (tx) =>
          (await ctx.stores.get(tx, id)) ? storeSyncStatus(tx, id) : undefined,
        )
      : undefined;
    if (!status) throw new NotFoundError('Store');
    res.json({ data: status });
  });

  router.post('/:id/sync', authorize('POST /v1/stores/:id/sync'), async (req, res) => {
    const id = uuidParam(req.params);
    const body = parseInput(syncRequest, req.body ?? {});
    const principal = principalOf(res);
    const store = id ? await withPrincipal(ctx.db, principal, (tx) => ctx.stores.get(tx, id)) : undefined;
    if (!store) throw new NotFoundError('Store');
    if (store.status !== 'active') throw new ConflictError(`The store is ${store.status}; only active stores sync`);
    await ctx.sync.requestSync({ orgId: principal.orgId, storeId: store.id, mode: body.mode, entity: body.entity });
    const status = await withPrincipal(ctx.db, principal, (tx) => storeSyncStatus(tx, store.id));
    res.status(202).json({ data: status });
  });

  router.patch('/:id', authorize('PATCH /v1/stores/:id'), async (req, res) => {
    const id = uuidParam(req.params);
    const body = parseInput(updateStore, req.body);
    const principal = principalOf(res);
    const updated = id
      ? await withPrincipal(ctx.db, principal, async (tx) => {
          // Connecting (the install flows, or POST /v1/stores with credentials) verifies the
          // credentials, registers webhooks and queues the backfill; flipping the status by hand
          // would do none of that, so a store that is not active stays so here.
          const current = await ctx.stores.get(tx, id);
          if (!current) return undefined;
          if (body.status === 'active' && current.status !== 'active') throw new StoreActivationRefusedError();
          return ctx.stores.update(tx, principal, id, body, requestIdOf(res));
        }).catch((error: unknown) => {
          // Only the connect flows make a store active (with proof); one organization holds a shop.
          if (error instanceof StoreActivationRefusedError || error instanceof ShopTakenError)
            throw new ConflictError(error.message);
          throw error;
        })
      : undefined;
    if (!updated) throw new NotFoundError('Store');
    res.json({ data: updated });
  });

  router.delete('/:id', authorize('DELETE /v1/stores/:id'), async (req, res) => {
    const id = uuidParam(req.params);
    const principal = principalOf(res);
    const updated = id
      ? await withPrincipal(ctx.db, principal, (tx) => ctx.stores.disconnect(tx, principal, id, requestIdOf(res)))
      : undefined;
    if (!updated) throw new NotFoundError('Store');
    // A disconnected store receives no webhooks from this moment (the look-up's cache forgets it).
    ctx.ingest.directory.forget(updated.id);
    res.json({ data: updated });
  });

  return router;
}
