import type { Principal, TenantSql } from '../../db/principal.ts';

/**
 * One try at connecting a WooCommerce store through wc-auth (`woocommerce_connect_attempts`).
 * The connect token and the wc-auth state name an attempt; the attempt names the one store URL
 * it may connect. `minted` → `started` (the browser is sent to the store) → `completed` (keys
 * arrived and worked) or `cancelled` (a newer attempt for the same store, or the store was
 * disconnected while this one was open). A completed or cancelled attempt never reopens, so a
 * replayed keys callback is refused however the store row changed since.
 */

export type AttemptStatus = 'minted' | 'started' | 'completed' | 'cancelled';

export interface ConnectAttempt {
  id: string;
  storeUrl: string;
  status: AttemptStatus;
  storeId: string | null;
  expired: boolean;
}

interface AttemptRow {
  id: string;
  store_url: string;
  status: AttemptStatus;
  store_id: string | null;
  expired: boolean;
}

const toAttempt = (row: AttemptRow): ConnectAttempt => ({
  id: row.id,
  storeUrl: row.store_url,
  status: row.status,
  storeId: row.store_id,
  expired: row.expired,
});

/** Records an attempt for a connect token (`minted`): nothing happens until the token is used. */
export async function mintAttempt(tx: TenantSql, principal: Principal, storeUrl: string, ttlSeconds: number): Promise<string> {
  const [row] = await tx<{ id: string }[]>`
    insert into woocommerce_connect_attempts (org_id, store_url, requested_by, status, expires_at)
    values (${principal.orgId}, ${storeUrl}, ${principal.subject}, 'minted', now() + make_interval(secs => ${ttlSeconds}))
    returning id`;
  return row!.id;
}

/** Ends the other open `started` attempts for the same store: the newest attempt replaces them. */
async function supersede(tx: TenantSql, storeUrl: string, keep: string): Promise<void> {
  await tx`
    update woocommerce_connect_attempts set status = 'cancelled', finished_at = now()
    where store_url = ${storeUrl} and status = 'started' and id <> ${keep}`;
}

/** Starts an attempt asked for directly with a bearer token. */
export async function startAttempt(tx: TenantSql, principal: Principal, storeUrl: string, ttlSeconds: number): Promise<string> {
  const [row] = await tx<{ id: string }[]>`
    insert into woocommerce_connect_attempts (org_id, store_url, requested_by, status, started_at, expires_at)
    values (${principal.orgId}, ${storeUrl}, ${principal.subject}, 'started', now(),
            now() + make_interval(secs => ${ttlSeconds}))
    returning id`;
  await supersede(tx, storeUrl, row!.id);
  return row!.id;
}

/**
 * Uses a minted attempt's connect token: `minted` → `started`, at most once (the update is the
 * check, so two browsers racing with one token get one start). Undefined when the token was
 * already used, expired or was cancelled.
 */
export async function consumeMintedAttempt(tx: TenantSql, attemptId: string, ttlSeconds: number): Promise<string | undefined> {
  const [row] = await tx<{ store_url: string }[]>`
    update woocommerce_connect_attempts
    set status = 'started', started_at = now(), expires_at = now() + make_interval(secs => ${ttlSeconds})
    where id = ${attemptId} and status = 'minted' and expires_at > now()
    returning store_url`;
  if (!row) return undefined;
  await supersede(tx, row.store_url, attemptId);
  return row.store_url;
}

/** One attempt; `lock` holds it until the transaction ends (serialises its keys callbacks). */
export async function findAttempt(
  tx: TenantSql,
  attemptId: string,
  options: { lock?: boolean } = {},
): Promise<ConnectAttempt | undefined> {
  const [row] = options.lock
    ? await tx<AttemptRow[]>`
        select id, store_url, status, store_id, expires_at <= now() as expired
        from woocommerce_connect_attempts where id = ${attemptId} for update`
    : await tx<AttemptRow[]>`
        select id, store_url, status, store_id, expires_at <= now() as expired
        from woocommerce_connect_attempts where id = ${attemptId}`;
  return row ? toAttempt(row) : undefined;
}

/** `started` → `completed`, naming the store the keys were stored on. */
export async function completeAttempt(tx: TenantSql, attemptId: string, storeId: string): Promise<void> {
  await tx`
    update woocommerce_connect_attempts set status = 'completed', store_id = ${storeId}, finished_at = now()
    where id = ${attemptId} and status = 'started'`;
}
