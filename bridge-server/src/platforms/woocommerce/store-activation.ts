import { lockUntilCommit, type Principal, type TenantSql } from '../../db/principal.ts';
import type { StoreService } from '../../domain/stores/store-service.ts';

/** The organization already has this store connected (POST /v1/stores does not re-key an active store). */
export class StoreAlreadyActiveError extends Error {
  constructor() {
    super('This organization already has this WooCommerce store connected');
    this.name = 'StoreAlreadyActiveError';
  }
}

export interface VerifiedKeys {
  storeUrl: string;
  /** Name of a new store row (an existing row keeps its name). */
  name: string;
  credentials: Record<string, string>;
  webhookSecret: string;
  /** Refuse instead of re-keying when the store is already active. */
  refuseActive?: boolean;
}

/**
 * Seals keys that were verified against the store onto the organization's store row for that URL
 * and makes it active: the row is created, or reused when one exists (pending from an older
 * version, or disconnected: connecting again through the front door). Answers the store id.
 * Call only after the keys worked against `storeUrl`.
 */
export async function activateWithVerifiedKeys(
  tx: TenantSql,
  stores: StoreService,
  principal: Principal,
  keys: VerifiedKeys,
  requestId?: string,
): Promise<string> {
  // One store row per organization and URL, even when two connects finish at once.
  await lockUntilCommit(tx, `woocommerce-store:${principal.orgId}:${keys.storeUrl}`);
  const [existing] = await tx<{ id: string; status: string }[]>`
    select id, status from stores where platform = 'woocommerce' and site_url = ${keys.storeUrl} for update`;
  if (!existing) {
    const store = await stores.create(
      tx,
      principal,
      {
        platform: 'woocommerce',
        name: keys.name,
        siteUrl: keys.storeUrl,
        status: 'active',
        credentials: keys.credentials,
        webhookSecret: keys.webhookSecret,
      },
      requestId,
    );
    return store.id;
  }
  if (keys.refuseActive && existing.status === 'active') throw new StoreAlreadyActiveError();
  await stores.setCredentials(tx, principal.orgId, existing.id, keys.credentials);
  await stores.setWebhookSecret(tx, principal.orgId, existing.id, keys.webhookSecret);
  await stores.update(tx, principal, existing.id, { status: 'active' }, requestId);
  return existing.id;
}
