import { createHash, randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Database } from '../../db/database.ts';
import { withPrincipal, type Principal, type TenantSql } from '../../db/principal.ts';
import type { StoreConnector } from '../../platforms/connector.ts';
import type { NormalizedFulfillment } from '../../platforms/model.ts';
import { emitEvent } from '../../realtime/outbox.ts';
import { recordAudit } from '../audit/audit-log.ts';

/**
 * Fulfillments (shipments with tracking) of an order, as the API shows them. Two sources:
 * `dockhand` (made through POST /v1/orders/:id/fulfillments and pushed to the platform) and
 * `platform` (made on the store, recorded when the order syncs). A Dockhand one is `pending`
 * while its push runs, then `pushed` or `failed` (`error` says the platform's reason).
 */
export const FULFILLMENT_STATUSES = ['pending', 'pushed', 'failed', 'cancelled'] as const;
export type FulfillmentStatus = (typeof FULFILLMENT_STATUSES)[number];

export const fulfillmentLine = z.object({ lineId: z.uuid(), quantity: z.number().int().min(1) }).meta({ id: 'FulfillmentLine' });

export const fulfillmentView = z
  .object({
    id: z.uuid(),
    orderId: z.uuid(),
    storeId: z.uuid(),
    status: z.enum(FULFILLMENT_STATUSES),
    source: z.enum(['dockhand', 'platform']),
    platformId: z.string().nullable(),
    trackingNumber: z.string().nullable(),
    carrier: z.string().nullable(),
    trackingUrl: z.string().nullable(),
    notify: z.boolean(),
    /** The lines shipped; null: everything that was unshipped. */
    lines: z.array(fulfillmentLine).nullable(),
    error: z.string().nullable(),
    createdBy: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Fulfillment' });
export type FulfillmentView = z.infer<typeof fulfillmentView>;

export interface FulfillmentRow {
  id: string;
  order_id: string;
  store_id: string;
  status: FulfillmentStatus;
  source: 'dockhand' | 'platform';
  platform_id: string | null;
  tracking_number: string | null;
  carrier: string | null;
  tracking_url: string | null;
  notify: boolean;
  lines: Array<{ lineId: string; quantity: number }> | null;
  last_error: string | null;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
}

export const FULFILLMENT_COLUMNS = `id, order_id, store_id, status, source, platform_id, tracking_number, carrier, tracking_url,
  notify, lines, last_error, created_by, created_at, updated_at`;

export function toFulfillmentView(row: FulfillmentRow): FulfillmentView {
  return {
    id: row.id,
    orderId: row.order_id,
    storeId: row.store_id,
    status: row.status,
    source: row.source,
    platformId: row.platform_id,
    trackingNumber: row.tracking_number,
    carrier: row.carrier,
    trackingUrl: row.tracking_url,
    notify: row.notify,
    lines: row.lines,
    error: row.last_error,
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/**
 * The fulfillments of one order, oldest first (for the order detail). Row-level security
 * scopes it: another organization's or store's order simply has none.
 */
export async function listOrderFulfillments(tx: TenantSql, orderId: string): Promise<FulfillmentView[]> {
  const rows = await tx.unsafe<FulfillmentRow[]>(
    `select ${FULFILLMENT_COLUMNS} from fulfillments where order_id = $1 order by created_at, id`,
    [orderId],
  );
  return rows.map(toFulfillmentView);
}

// ------------------------------------------------------------------ creating one (pushed to the platform)

export interface FulfillmentInput {
  lines?: Array<{ lineId: string; quantity: number }> | undefined;
  trackingNumber: string;
  carrier: string;
  trackingUrl?: string | undefined;
  notify?: boolean | undefined;
}

/** Opens the connector of a store (registry's openConnector, or one kept for a whole bulk action). */
export type ConnectorSource = (target: { orgId: string; storeId: string }) => Promise<StoreConnector>;

export interface FulfillmentDeps {
  db: Database;
  connectorFor: ConnectorSource;
  /** How long the request waits for the platform; default FULFILLMENT_PUSH_TIMEOUT_MS. */
  pushTimeoutMs?: number | undefined;
}

/** Long enough for the platform's few calls with their own retries; short enough for a person waiting. */
export const FULFILLMENT_PUSH_TIMEOUT_MS = 30_000;

/** Refusals before anything reaches the platform; the route turns them into the error envelope. */
export class FulfillmentRefusedError extends Error {
  constructor(
    readonly kind: 'NOT_FOUND' | 'BAD_REQUEST' | 'CONFLICT',
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'FulfillmentRefusedError';
  }
}

export type FulfillmentResult =
  | { ok: true; fulfillment: FulfillmentView; replayed: boolean }
  | { ok: false; fulfillment: FulfillmentView; reason: string; replayed: boolean };

class PushTimeoutError extends Error {
  constructor(ms: number) {
    super(
      `The platform did not answer within ${Math.round(ms / 1000)} s (it may still apply the fulfillment; a later sync records it)`,
    );
    this.name = 'PushTimeoutError';
  }
}

interface OrderRow {
  id: string;
  store_id: string;
  platform_id: string;
  status: string;
  fulfillment_status: string | null;
  deleted_at: Date | null;
}

/** What the idempotency key is bound to: the order and everything asked, lines in a stable order. */
export function fulfillmentRequestHash(orderId: string, input: FulfillmentInput): string {
  const lines = input.lines ? [...input.lines].sort((a, b) => (a.lineId < b.lineId ? -1 : a.lineId > b.lineId ? 1 : 0)) : null;
  const canonical = JSON.stringify([
    orderId,
    lines?.map((line) => [line.lineId, line.quantity]) ?? null,
    input.trackingNumber,
    input.carrier,
    input.trackingUrl ?? null,
    input.notify ?? false,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

type KeyedRow = FulfillmentRow & { request_hash: string | null };

async function fulfillmentByKey(tx: TenantSql, clientKey: string): Promise<KeyedRow | undefined> {
  const [row] = await tx.unsafe<KeyedRow[]>(
    `select ${FULFILLMENT_COLUMNS}, request_hash from fulfillments where client_key = $1`,
    [clientKey],
  );
  return row;
}

/**
 * The order lines asked for, checked against the order: each once, at most what is left of it
 * after the lines of the order's earlier fulfillments that reached the platform or are being
 * pushed (WooCommerce keeps no count of shipped units, so nothing there would stop a second
 * shipment of the same units).
 */
async function resolveLines(
  tx: TenantSql,
  orderId: string,
  lines: FulfillmentInput['lines'],
): Promise<Array<{ lineId: string; quantity: number; platformId: string }> | undefined> {
  if (!lines?.length) return undefined;
  const rows = await tx<{ id: string; platform_id: string; quantity: number; shipped: number }[]>`
    select ol.id, ol.platform_id, ol.quantity, coalesce(sum((l ->> 'quantity')::int), 0)::int as shipped
    from order_lines ol
    left join fulfillments f on f.order_id = ol.order_id and f.status in ('pushed', 'pending') and f.lines is not null
    left join lateral jsonb_array_elements(f.lines) l on (l ->> 'lineId')::uuid = ol.id
    where ol.order_id = ${orderId}
    group by ol.id, ol.platform_id, ol.quantity`;
  const seen = new Set<string>();
  return lines.map((line, index) => {
    const found = rows.find((row) => row.id === line.lineId);
    if (!found) throw new FulfillmentRefusedError('BAD_REQUEST', `lines.${index}.lineId is not a line of this order`);
    if (seen.has(line.lineId)) throw new FulfillmentRefusedError('BAD_REQUEST', `lines.${index}.lineId is listed twice`);
    seen.add(line.lineId);
    const left = Math.max(0, found.quantity - found.shipped);
    if (line.quantity > left) {
      throw new FulfillmentRefusedError(
        'BAD_REQUEST',
        `lines.${index}.quantity is more than the ${left} left to ship of the line's ${found.quantity}`,
      );
    }
    return { lineId: line.lineId, quantity: line.quantity, platformId: found.platform_id };
  });
}

/**
 * A fulfillment of this order, shipped or being pushed, with this tracking number: the same
 * parcel. Recording it twice would give two records one platform shipment (WooCommerce's id is
 * the order and the tracking number).
 */
async function sameParcel(tx: TenantSql, orderId: string, trackingNumber: string): Promise<string | undefined> {
  const [row] = await tx<{ id: string }[]>`
    select id from fulfillments
    where order_id = ${orderId} and tracking_number = ${trackingNumber} and status in ('pushed', 'pending')
    limit 1`;
  return row?.id;
}

/**
 * Whether `lines`, with the lines of the order's earlier fulfillments that reached the platform,
 * ship every unit of the order (an earlier one without lines shipped everything then left).
 */
async function shipsTheRest(
  tx: TenantSql,
  orderId: string,
  lines: Array<{ lineId: string; quantity: number }>,
): Promise<boolean> {
  const [row] = await tx<{ complete: boolean }[]>`
    with shipped as (
      select (l ->> 'lineId')::uuid as line_id, (l ->> 'quantity')::int as quantity
      from fulfillments f, jsonb_array_elements(f.lines) l
      where f.order_id = ${orderId} and f.status = 'pushed' and f.lines is not null
      union all
      select (l ->> 'lineId')::uuid, (l ->> 'quantity')::int
      from jsonb_array_elements(${JSON.stringify(lines)}::text::jsonb) l
    )
    select coalesce(bool_and(coalesce(s.quantity, 0) >= ol.quantity), true) as complete
    from order_lines ol
    left join (select line_id, sum(quantity) as quantity from shipped group by line_id) s on s.line_id = ol.id
    where ol.order_id = ${orderId}`;
  return row?.complete ?? false;
}

/** A previous request with the same key: the same answer, or a refusal when the request differs. */
async function replay(deps: FulfillmentDeps, principal: Principal, existing: KeyedRow, hash: string): Promise<FulfillmentResult> {
  if (existing.request_hash !== hash) {
    throw new FulfillmentRefusedError('CONFLICT', 'This Idempotency-Key was already used with a different request', {
      fulfillmentId: existing.id,
    });
  }
  let row: FulfillmentRow = existing;
  if (row.status === 'pending') {
    // Still being pushed by the first request, or that request died mid-push (a restart).
    const staleAfter = (deps.pushTimeoutMs ?? FULFILLMENT_PUSH_TIMEOUT_MS) + 60_000;
    if (Date.now() - row.updated_at.getTime() < staleAfter) {
      throw new FulfillmentRefusedError('CONFLICT', 'A request with this Idempotency-Key is still being pushed', {
        fulfillmentId: row.id,
      });
    }
    row = await settle(deps.db, principal, row, {
      ok: false,
      reason: 'The push was interrupted (server restart); the platform may have it, a later sync records it',
    });
  }
  const fulfillment = toFulfillmentView(row);
  if (row.status === 'failed') return { ok: false, fulfillment, reason: row.last_error ?? 'failed', replayed: true };
  return { ok: true, fulfillment, replayed: true };
}

/**
 * Creates a fulfillment and pushes it to the platform, synchronously: the person who clicked
 * "ship" waits for the platform's answer (one or two calls) and sees its refusal at once, with
 * nothing queued to poll for. The push runs outside any transaction (no connection is held
 * while the platform thinks): the record is committed `pending` first, with the client key, so
 * a retry with the same key never pushes twice; then `pushed` or `failed` is committed with the
 * audit row and the `fulfillment.created` event. A push that outlives the timeout answers as
 * failed, and still records `pushed` if it succeeds later.
 */
export async function createFulfillment(
  deps: FulfillmentDeps,
  principal: Principal,
  orderId: string,
  input: FulfillmentInput,
  options: { clientKey?: string | undefined; requestId?: string | undefined } = {},
): Promise<FulfillmentResult> {
  const hash = fulfillmentRequestHash(orderId, input);
  const clientKey = options.clientKey ?? `auto:${randomUUID()}`;
  type Started =
    | { existing: KeyedRow }
    | { row: FulfillmentRow; order: OrderRow; lines: Awaited<ReturnType<typeof resolveLines>>; completesOrder: boolean };
  const started = await withPrincipal(deps.db, principal, async (tx): Promise<Started> => {
    const [order] = await tx<OrderRow[]>`
      select id, store_id, platform_id, status, fulfillment_status, deleted_at from orders where id = ${orderId}`;
    if (!order) throw new FulfillmentRefusedError('NOT_FOUND', 'Order not found');
    const existing = await fulfillmentByKey(tx, clientKey);
    if (existing) return { existing };
    if (order.deleted_at) throw new FulfillmentRefusedError('CONFLICT', 'The order was deleted on the platform');
    if (order.status === 'cancelled') throw new FulfillmentRefusedError('CONFLICT', 'The order is cancelled');
    if (order.fulfillment_status === 'fulfilled') {
      throw new FulfillmentRefusedError('CONFLICT', 'Every unit of this order has shipped');
    }
    const parcel = await sameParcel(tx, order.id, input.trackingNumber);
    if (parcel) {
      throw new FulfillmentRefusedError('CONFLICT', 'This order already has a shipment with this tracking number', {
        fulfillmentId: parcel,
      });
    }
    const lines = await resolveLines(tx, order.id, input.lines);
    const completesOrder = lines ? await shipsTheRest(tx, order.id, lines) : true;
    const stored = lines?.map(({ lineId, quantity }) => ({ lineId, quantity })) ?? null;
    const [row] = await tx.unsafe<FulfillmentRow[]>(
      `insert into fulfillments (org_id, store_id, order_id, status, tracking_number, carrier, tracking_url, notify, lines,
                                 client_key, request_hash, source, created_by)
       values ($1, $2, $3, 'pending', $4, $5, $6, $7, $8::text::jsonb, $9, $10, 'dockhand', $11)
       on conflict (org_id, client_key) where client_key is not null do nothing
       returning ${FULFILLMENT_COLUMNS}`,
      [
        principal.orgId,
        order.store_id,
        order.id,
        input.trackingNumber,
        input.carrier,
        input.trackingUrl ?? null,
        input.notify ?? false,
        stored ? JSON.stringify(stored) : null,
        clientKey,
        hash,
        principal.userId ?? null,
      ],
    );
    // The same key committed by a concurrent request in the meantime.
    if (!row) {
      const raced = await fulfillmentByKey(tx, clientKey);
      if (!raced) throw new Error('fulfillment client key conflicted, then vanished');
      return { existing: raced };
    }
    await recordAudit(tx, principal, {
      action: 'fulfillment.requested',
      subjectType: 'order',
      subjectId: order.id,
      details: { fulfillmentId: row.id, trackingNumber: input.trackingNumber, carrier: input.carrier, lines: stored },
      requestId: options.requestId,
    });
    return { row, order, lines, completesOrder };
  });
  if ('existing' in started) return replay(deps, principal, started.existing, hash);

  const { row, order, lines, completesOrder } = started;
  const push = (async () => {
    const connector = await deps.connectorFor({ orgId: principal.orgId, storeId: order.store_id });
    return connector.pushFulfillment({
      orderPlatformId: order.platform_id,
      tracking: { number: input.trackingNumber, company: input.carrier, url: input.trackingUrl },
      notifyCustomer: input.notify ?? false,
      lines: lines?.map((line) => ({ lineItemPlatformId: line.platformId, quantity: line.quantity })),
      completesOrder,
    });
  })();
  const timeoutMs = deps.pushTimeoutMs ?? FULFILLMENT_PUSH_TIMEOUT_MS;
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([
    push.then((pushed) => ({ ok: true as const, platformId: pushed.fulfillmentPlatformId })),
    new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new PushTimeoutError(timeoutMs)), timeoutMs);
    }),
  ])
    .catch((error: unknown) => {
      if (error instanceof PushTimeoutError) {
        // Too late for this answer, not for the record: a late success still becomes `pushed`.
        push
          .then(
            (pushed) =>
              settle(deps.db, principal, row, { ok: true, platformId: pushed.fulfillmentPlatformId }, options.requestId),
            () => undefined,
          )
          .catch(() => undefined);
      }
      return { ok: false as const, reason: reasonOf(error) };
    })
    .finally(() => clearTimeout(timer));
  const settled = await settle(deps.db, principal, row, outcome, options.requestId);
  const fulfillment = toFulfillmentView(settled);
  if (settled.status === 'failed') return { ok: false, fulfillment, reason: settled.last_error ?? 'failed', replayed: false };
  return { ok: true, fulfillment, replayed: false };
}

function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.length > 1000 ? `${message.slice(0, 997)}...` : message;
}

/**
 * Records the push's outcome, with the audit row and (when it reached the platform) the
 * `fulfillment.created` event, as the transaction's last statement. A record the order sync
 * already matched to the platform's fulfillment (its webhook can arrive before this) stays as
 * the sync left it and is not announced twice.
 */
async function settle(
  db: Database,
  principal: Principal,
  pending: FulfillmentRow,
  outcome: { ok: true; platformId: string } | { ok: false; reason: string },
  requestId?: string,
): Promise<FulfillmentRow> {
  return withPrincipal(db, principal, async (tx) => {
    let updated: FulfillmentRow | undefined;
    if (outcome.ok) {
      // Two requests with one tracking number at once: the platform has one shipment, recorded by the first.
      const [recorded] = await tx<{ id: string }[]>`
        select id from fulfillments where store_id = ${pending.store_id} and platform_id = ${outcome.platformId}
          and source <> 'platform' and id <> ${pending.id}`;
      if (recorded) {
        outcome = { ok: false, reason: `The platform holds this shipment as fulfillment ${recorded.id} already` };
      }
    }
    if (outcome.ok) {
      // The sync may have recorded the platform's copy before matching it to this one: this one wins.
      await tx`
        delete from fulfillments where store_id = ${pending.store_id} and platform_id = ${outcome.platformId}
          and source = 'platform' and id <> ${pending.id}`;
      [updated] = await tx.unsafe<FulfillmentRow[]>(
        `update fulfillments set status = 'pushed', platform_id = $2, last_error = null, updated_at = now()
         where id = $1 and status in ('pending', 'failed') returning ${FULFILLMENT_COLUMNS}`,
        [pending.id, outcome.platformId],
      );
    } else {
      [updated] = await tx.unsafe<FulfillmentRow[]>(
        `update fulfillments set status = 'failed', last_error = $2, updated_at = now()
         where id = $1 and status = 'pending' returning ${FULFILLMENT_COLUMNS}`,
        [pending.id, outcome.reason],
      );
    }
    if (!updated) {
      const [current] = await tx.unsafe<FulfillmentRow[]>(`select ${FULFILLMENT_COLUMNS} from fulfillments where id = $1`, [
        pending.id,
      ]);
      // The sync matched it first (and announced it); the person's action is still on record.
      if (outcome.ok && current?.status === 'pushed' && current.platform_id === outcome.platformId) {
        await recordAudit(tx, principal, {
          action: 'fulfillment.created',
          subjectType: 'order',
          subjectId: current.order_id,
          details: { fulfillmentId: current.id, platformId: outcome.platformId, trackingNumber: current.tracking_number },
          requestId,
        });
      }
      return current ?? pending;
    }
    await recordAudit(tx, principal, {
      action: outcome.ok ? 'fulfillment.created' : 'fulfillment.failed',
      subjectType: 'order',
      subjectId: updated.order_id,
      details: outcome.ok
        ? { fulfillmentId: updated.id, platformId: outcome.platformId, trackingNumber: updated.tracking_number }
        : { fulfillmentId: updated.id, reason: outcome.reason },
      requestId,
    });
    if (outcome.ok) await announce(tx, principal.orgId, updated);
    return updated;
  });
}

/** `fulfillment.created`: subject is the order (what screens show), the fulfillment in `data`. */
async function announce(tx: TenantSql, orgId: string, row: FulfillmentRow): Promise<void> {
  await emitEvent(tx, orgId, {
    type: 'fulfillment.created',
    storeId: row.store_id,
    subjectId: row.order_id,
    data: {
      fulfillmentId: row.id,
      source: row.source,
      status: row.status,
      trackingNumber: row.tracking_number,
      carrier: row.carrier,
    },
  });
}

// ------------------------------------------------------------------ fulfillments arriving with synced orders

/** The platform's fulfillment states Dockhand shows as cancelled; anything else is on the platform. */
const CANCELLED_ON_PLATFORM = new Set(['cancelled', 'canceled', 'error', 'failure']);

/**
 * Records the fulfillments a synced order carries (made on the platform, or pushed by Dockhand),
 * inside the order upsert's transaction. Matching, in order: the same platform id (a known one:
 * its tracking and state follow the platform); else a Dockhand fulfillment of the order that is
 * still `pending` or `failed` with the same tracking number (its push reached the platform after
 * all, or its webhook came before the push's answer: adopted, not duplicated); else a new
 * `platform` one. Each newly recorded one is announced as `fulfillment.created`, last.
 * `fulfillments` undefined (the source did not say) touches nothing.
 */
export async function syncOrderFulfillments(
  tx: TenantSql,
  target: { orgId: string; storeId: string },
  orderId: string,
  fulfillments: readonly NormalizedFulfillment[] | undefined,
): Promise<void> {
  if (!fulfillments?.length) return;
  const announced: FulfillmentRow[] = [];
  for (const fulfillment of fulfillments) {
    const status: FulfillmentStatus = CANCELLED_ON_PLATFORM.has(fulfillment.status) ? 'cancelled' : 'pushed';
    const [known] = await tx.unsafe<FulfillmentRow[]>(
      `update fulfillments set
         status = $3,
         tracking_number = case when source = 'platform' then $4 else tracking_number end,
         carrier = case when source = 'platform' then $5 else carrier end,
         tracking_url = case when source = 'platform' then $6 else tracking_url end,
         updated_at = now()
       where store_id = $1 and platform_id = $2
         and (status, tracking_number, carrier, tracking_url) is distinct from
             ($3, case when source = 'platform' then $4 else tracking_number end,
                  case when source = 'platform' then $5 else carrier end,
                  case when source = 'platform' then $6 else tracking_url end)
       returning ${FULFILLMENT_COLUMNS}`,
      [target.storeId, fulfillment.platformId, status, fulfillment.trackingNumber, fulfillment.carrier, fulfillment.trackingUrl],
    );
    if (known) continue;
    const [exists] = await tx<{ id: string }[]>`
      select id from fulfillments where store_id = ${target.storeId} and platform_id = ${fulfillment.platformId}`;
    if (exists) continue;
    const [adopted] = fulfillment.trackingNumber
      ? await tx.unsafe<FulfillmentRow[]>(
          `update fulfillments set status = $4, platform_id = $3, last_error = null, updated_at = now()
           where id = (select id from fulfillments
                       where order_id = $1 and source = 'dockhand' and platform_id is null
                         and status in ('pending', 'failed') and tracking_number = $2
                       order by created_at limit 1)
           returning ${FULFILLMENT_COLUMNS}`,
          [orderId, fulfillment.trackingNumber, fulfillment.platformId, status],
        )
      : [];
    if (adopted) {
      if (adopted.status === 'pushed') announced.push(adopted);
      continue;
    }
    const [inserted] = await tx.unsafe<FulfillmentRow[]>(
      `insert into fulfillments (org_id, store_id, order_id, platform_id, status, tracking_number, carrier, tracking_url,
                                 source, created_at, updated_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, 'platform', coalesce($9::timestamptz, now()), now())
       returning ${FULFILLMENT_COLUMNS}`,
      [
        target.orgId,
        target.storeId,
        orderId,
        fulfillment.platformId,
        status,
        fulfillment.trackingNumber,
        fulfillment.carrier,
        fulfillment.trackingUrl,
        fulfillment.createdAt,
      ],
    );
    if (inserted && inserted.status === 'pushed') announced.push(inserted);
  }
  for (const row of announced) await announce(tx, target.orgId, row);
}
