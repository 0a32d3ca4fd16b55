import { randomBytes } from 'node:crypto';
import type { AppContext } from '../../api/context.ts';
import { BadRequestError, ConflictError } from '../../api/errors.ts';
import { withPrincipal, type Principal } from '../../db/principal.ts';
import { StoreExistsError, type StoreView } from '../../domain/stores/store-service.ts';
import { activateWithVerifiedKeys, StoreAlreadyActiveError } from './store-activation.ts';
import { startConnectedStore } from './connected-store.ts';
import { normalizeStoreUrl } from './store-url.ts';
import { StoreKeysRejectedError, verifyStoreKeys, type WooCommerceKeys } from './store-keys.ts';

export interface StoreWithKeysInput {
  name: string;
  siteUrl: string;
  credentials: WooCommerceKeys;
  webhookSecret?: string | undefined;
}

/**
 * `POST /v1/stores` for WooCommerce: keys made by hand in the store's admin. They join the
 * organization only once a real authenticated REST call with them succeeds against that store
 * (through the outbound guard); then the store is saved `active` (a disconnected row for the same
 * URL is reused; an active one is a conflict), its first backfill is queued at once and its
 * webhooks are registered. Keys that do not work store nothing (400).
 */
export async function createStoreWithVerifiedKeys(
  ctx: AppContext,
  principal: Principal,
  input: StoreWithKeysInput,
  requestId: string,
): Promise<StoreView> {
  const siteUrl = normalizeStoreUrl(input.siteUrl);
  try {
    await verifyStoreKeys(ctx.outbound, siteUrl, input.credentials);
  } catch (error) {
    if (error instanceof StoreKeysRejectedError) throw new BadRequestError(error.message, { reason: error.reason });
    throw error;
  }
  const webhookSecret = input.webhookSecret ?? randomBytes(32).toString('hex');
  const store = await withPrincipal(ctx.db, principal, async (tx) => {
    const id = await activateWithVerifiedKeys(
      tx,
      ctx.stores,
      principal,
      {
        storeUrl: siteUrl,
        name: input.name,
        credentials: { consumerKey: input.credentials.consumerKey, consumerSecret: input.credentials.consumerSecret },
        webhookSecret,
        refuseActive: true,
      },
      requestId,
    );
    return (await ctx.stores.get(tx, id))!;
  }).catch((error: unknown) => {
    if (error instanceof StoreAlreadyActiveError || error instanceof StoreExistsError) throw new ConflictError(error.message);
    throw error;
  });
  ctx.ingest.directory.forget(store.id);
  startConnectedStore(
    ctx,
    { orgId: principal.orgId, storeId: store.id, siteUrl, keys: input.credentials, webhookSecret },
    { guard: ctx.outbound, publicUrl: ctx.config.publicUrl },
  );
  return store;
}
