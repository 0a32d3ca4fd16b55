import type { Database } from '../../db/database.ts';
import { readWithPrincipal, type Principal, type TenantSql } from '../../db/principal.ts';
import { statement } from '../../db/statement.ts';
import type { KeyRing } from '../../security/key-ring.ts';
import { recordAudit } from '../audit/audit-log.ts';

export type Platform = 'shopify' | 'woocommerce';
export type StoreStatus = 'pending' | 'active' | 'disconnected' | 'uninstalled';

export interface StoreView {
  id: string;
  platform: Platform;
  name: string;
  shopDomain: string | null;
  siteUrl: string | null;
  status: StoreStatus;
  hasCredentials: boolean;
  createdAt: string;
  updatedAt: string;
}

interface StoreRow {
  id: string;
  org_id: string;
  platform: Platform;
  name: string;
  shop_domain: string | null;
  site_url: string | null;
  status: StoreStatus;
  credentials_key_id: string | null;
  created_at: Date;
  updated_at: Date;
}

const COLUMN_LIST = statement`id, org_id, platform, name, shop_domain, site_url, status, credentials_key_id, created_at, updated_at`;
const COLUMNS = COLUMN_LIST.text;

export const toStoreView = (row: StoreRow): StoreView => ({
  id: row.id,
  platform: row.platform,
  name: row.name,
  shopDomain: row.shop_domain,
  siteUrl: row.site_url,
  status: row.status,
  hasCredentials: row.credentials_key_id !== null,
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
});

/** The associated data bound into sealed store secrets: a ciphertext opens only on its own row. */
export const storeSecretContext = (orgId: string, storeId: string, field: 'credentials' | 'webhook_secret'): string =>
  `store:${orgId}:${storeId}:${field}`;

/** The sealed columns of a store row, each with the field name bound into its ciphertext. */
const SEALED_FIELDS = [
  { field: 'credentials', ciphertext: 'credentials_ciphertext', keyId: 'credentials_key_id' },
  { field: 'webhook_secret', ciphertext: 'webhook_secret_ciphertext', keyId: 'webhook_secret_key_id' },
] as const;

/** Sets the store's status and drops every sealed secret (disconnect, uninstall, shop/redact). */
export async function forgetStore(
  tx: TenantSql,
  storeId: string,
  status: 'disconnected' | 'uninstalled',
): Promise<StoreRow | undefined> {
  const [row] = await tx<StoreRow[]>`
    update stores set status = ${status}, credentials_ciphertext = null, credentials_key_id = null,
                      webhook_secret_ciphertext = null, webhook_secret_key_id = null, updated_at = now()
    where id = ${storeId}
    returning ${tx.unsafe(COLUMNS)}`;
  return row;
}

export class StoreExistsError extends Error {
  constructor() {
    super('This organization already has a store with that shop domain or site URL');
    this.name = 'StoreExistsError';
  }
}

/** The shop is active in another organization: one shop belongs to one organization at a time. */
export class ShopTakenError extends Error {
  constructor() {
    super('This shop is connected to another Dockhand organization; it must be disconnected or uninstalled there first');
    this.name = 'ShopTakenError';
  }
}

/**
 * A store turns active only by connecting it: with credentials, and for a Shopify shop the shop
 * id its token answered for (see `activateShopify`). Renaming or a PATCH cannot revive a store.
 */
export class StoreActivationRefusedError extends Error {
  constructor() {
    super('A store becomes active only by connecting it again (install, or credentials verified against the platform)');
    this.name = 'StoreActivationRefusedError';
  }
}

const isUniqueViolation = (error: unknown) => (error as { code?: string }).code === '23505';

/** The one active Shopify store per shop: the index that holds a shop's domain while it is active. */
const isShopTaken = (error: unknown) =>
  isUniqueViolation(error) && (error as { constraint_name?: string }).constraint_name === 'stores_shopify_domain_active';

export interface NewStore {
  platform: Platform;
  name: string;
  shopDomain?: string | undefined;
  siteUrl?: string | undefined;
  status?: StoreStatus | undefined;
  /** Shopify: the shop id its token answered for (webhook bodies that name a shop are checked against it). */
  platformShopId?: string | undefined;
  credentials?: Record<string, string> | undefined;
  webhookSecret?: string | undefined;
}

export class StoreService {
  constructor(private readonly keyRing: KeyRing) {}

  async create(tx: TenantSql, principal: Principal, input: NewStore, requestId?: string): Promise<StoreView> {
    let row: StoreRow | undefined;
    try {
      [row] = await tx<StoreRow[]>`
        insert into stores (org_id, platform, name, shop_domain, site_url, status, platform_shop_id, connected_at)
        values (${principal.orgId}, ${input.platform}, ${input.name}, ${input.shopDomain ?? null},
                ${input.siteUrl ?? null}, ${input.status ?? 'pending'}, ${input.platformShopId ?? null},
                ${input.status === 'active' ? new Date() : null})
        returning ${tx.unsafe(COLUMNS)}`;
    } catch (error) {
      if (isShopTaken(error)) throw new ShopTakenError();
      if (isUniqueViolation(error)) throw new StoreExistsError();
      throw error;
    }
    const store = row!;
    if (input.credentials) await this.setCredentials(tx, store.org_id, store.id, input.credentials);
    if (input.webhookSecret) await this.setWebhookSecret(tx, store.org_id, store.id, input.webhookSecret);
    await recordAudit(tx, principal, {
      action: 'store.created',
      subjectType: 'store',
      subjectId: store.id,
      details: { platform: store.platform },
      requestId,
    });
    return (await this.get(tx, store.id))!;
  }

  async get(tx: TenantSql, storeId: string): Promise<StoreView | undefined> {
    const [row] = await tx<StoreRow[]>`select ${tx.unsafe(COLUMNS)} from stores where id = ${storeId}`;
    return row ? toStoreView(row) : undefined;
  }

  /** One page of the principal's stores, read in one round trip. */
  async list(
    db: Database,
    principal: Principal,
    page: { limit: number; after?: [string, string] | undefined },
  ): Promise<StoreView[]> {
    const after = page.after
      ? statement`where (date_trunc('milliseconds', created_at), id) > (${page.after[0]}::timestamptz, ${page.after[1]}::uuid)`
      : statement``;
    const rows = await readWithPrincipal<StoreRow>(
      db,
      principal,
      statement`
        select ${COLUMN_LIST} from stores ${after}
        order by date_trunc('milliseconds', created_at), id
        limit ${page.limit + 1}`,
    );
    return rows.map(toStoreView);
  }

  async update(
    tx: TenantSql,
    principal: Principal,
    storeId: string,
    changes: { name?: string | undefined; status?: StoreStatus | undefined },
    requestId?: string,
  ): Promise<StoreView | undefined> {
    if (changes.status === 'active') {
      const [current] = await tx<{ status: StoreStatus; connectable: boolean }[]>`
        select status, credentials_key_id is not null and (platform <> 'shopify' or platform_shop_id is not null) as connectable
        from stores where id = ${storeId} for update`;
      if (!current) return undefined;
      if (current.status !== 'active' && !current.connectable) throw new StoreActivationRefusedError();
    }
    const [row] = await tx<StoreRow[]>`
      update stores set
        name = coalesce(${changes.name ?? null}, name),
        status = coalesce(${changes.status ?? null}, status),
        updated_at = now()
      where id = ${storeId}
      returning ${tx.unsafe(COLUMNS)}`.catch((error: unknown) => {
      throw isShopTaken(error) ? new ShopTakenError() : error;
    });
    if (!row) return undefined;
    await recordAudit(tx, principal, {
      action: 'store.updated',
      subjectType: 'store',
      subjectId: storeId,
      details: changes,
      requestId,
    });
    return toStoreView(row);
  }

  /**
   * Connects a Shopify store with proof (OAuth, token exchange, or a token verified against the
   * shop): seals the credentials, records the shop id the token answered for, and makes it
   * active. Throws ShopTakenError while the shop is active in another organization.
   */
  async activateShopify(
    tx: TenantSql,
    principal: Principal,
    storeId: string,
    proof: { platformShopId: string; credentials: Record<string, string>; via: string },
    requestId?: string,
  ): Promise<StoreView | undefined> {
    let row: StoreRow | undefined;
    try {
      [row] = await tx<StoreRow[]>`
        update stores set status = 'active', platform_shop_id = ${proof.platformShopId}, connected_at = now(), updated_at = now()
        where id = ${storeId} and platform = 'shopify'
        returning ${tx.unsafe(COLUMNS)}`;
    } catch (error) {
      if (isShopTaken(error)) throw new ShopTakenError();
      throw error;
    }
    if (!row) return undefined;
    await this.setCredentials(tx, row.org_id, storeId, proof.credentials);
    await recordAudit(tx, principal, {
      action: 'store.connected',
      subjectType: 'store',
      subjectId: storeId,
      details: { via: proof.via, platformShopId: proof.platformShopId },
      requestId,
    });
    return (await this.get(tx, storeId))!;
  }

  /** Disconnecting forgets the credentials; the synced data stays until the store is purged. */
  async disconnect(tx: TenantSql, principal: Principal, storeId: string, requestId?: string): Promise<StoreView | undefined> {
    const row = await forgetStore(tx, storeId, 'disconnected');
    if (!row) return undefined;
    await recordAudit(tx, principal, { action: 'store.disconnected', subjectType: 'store', subjectId: storeId, requestId });
    return toStoreView(row);
  }

  setCredentials(tx: TenantSql, orgId: string, storeId: string, credentials: Record<string, string>): Promise<void> {
    return this.sealInto(tx, orgId, storeId, SEALED_FIELDS[0], JSON.stringify(credentials));
  }

  setWebhookSecret(tx: TenantSql, orgId: string, storeId: string, secret: string): Promise<void> {
    return this.sealInto(tx, orgId, storeId, SEALED_FIELDS[1], secret);
  }

  private async sealInto(
    tx: TenantSql,
    orgId: string,
    storeId: string,
    field: (typeof SEALED_FIELDS)[number],
    plaintext: string,
  ): Promise<void> {
    const sealed = this.keyRing.seal(plaintext, storeSecretContext(orgId, storeId, field.field));
    await tx`
      update stores set ${tx(field.ciphertext)} = ${sealed.ciphertext}, ${tx(field.keyId)} = ${sealed.keyId}, updated_at = now()
      where id = ${storeId}`;
  }

  async readCredentials(tx: TenantSql, storeId: string): Promise<Record<string, string> | undefined> {
    const [row] = await tx<{ org_id: string; credentials_ciphertext: Buffer | null; credentials_key_id: string | null }[]>`
      select org_id, credentials_ciphertext, credentials_key_id from stores where id = ${storeId}`;
    if (!row?.credentials_ciphertext || !row.credentials_key_id) return undefined;
    const json = this.keyRing.open(
      { ciphertext: row.credentials_ciphertext, keyId: row.credentials_key_id },
      storeSecretContext(row.org_id, storeId, 'credentials'),
    );
    return JSON.parse(json) as Record<string, string>;
  }

  /**
   * The store's webhook secret, and whether its webhooks were registered with each topic's own
   * secret derived from it (migration 0025; if not, the store's secret itself also signs).
   */
  async readWebhookSigning(tx: TenantSql, storeId: string): Promise<{ secret: string | undefined; topicSecrets: boolean }> {
    const [row] = await tx<
      {
        org_id: string;
        webhook_secret_ciphertext: Buffer | null;
        webhook_secret_key_id: string | null;
        webhook_topic_secrets: boolean;
      }[]
    >`
      select org_id, webhook_secret_ciphertext, webhook_secret_key_id, webhook_topic_secrets from stores where id = ${storeId}`;
    const topicSecrets = row?.webhook_topic_secrets ?? true;
    if (!row?.webhook_secret_ciphertext || !row.webhook_secret_key_id) return { secret: undefined, topicSecrets };
    const secret = this.keyRing.open(
      { ciphertext: row.webhook_secret_ciphertext, keyId: row.webhook_secret_key_id },
      storeSecretContext(row.org_id, storeId, 'webhook_secret'),
    );
    return { secret, topicSecrets };
  }

  /** Re-seals every store secret of the principal's organization that is not under the active key. */
  async rotateSecrets(tx: TenantSql): Promise<number> {
    const rows = await tx<
      {
        id: string;
        org_id: string;
        credentials_ciphertext: Buffer | null;
        credentials_key_id: string | null;
        webhook_secret_ciphertext: Buffer | null;
        webhook_secret_key_id: string | null;
      }[]
    >`
      select id, org_id, credentials_ciphertext, credentials_key_id, webhook_secret_ciphertext, webhook_secret_key_id
      from stores
      where credentials_key_id <> ${this.keyRing.activeKeyId} or webhook_secret_key_id <> ${this.keyRing.activeKeyId}
      for update`;
    let resealed = 0;
    for (const row of rows) {
      for (const sealedField of SEALED_FIELDS) {
        const ciphertext = row[sealedField.ciphertext];
        const keyId = row[sealedField.keyId];
        if (!ciphertext || !keyId || !this.keyRing.needsRotation(keyId)) continue;
        const context = storeSecretContext(row.org_id, row.id, sealedField.field);
        const sealed = this.keyRing.seal(this.keyRing.open({ ciphertext, keyId }, context), context);
        await tx`
          update stores set ${tx(sealedField.ciphertext)} = ${sealed.ciphertext}, ${tx(sealedField.keyId)} = ${sealed.keyId}
          where id = ${row.id}`;
        resealed++;
      }
    }
    return resealed;
  }
}
