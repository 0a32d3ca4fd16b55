import type { Database } from '../db/database.ts';
import { systemPrincipal, withPrincipal } from '../db/principal.ts';
import { recordAudit } from '../domain/audit/audit-log.ts';
import { liveIdsBetween, markDeletedMany, type DeletableRecord } from '../domain/catalog/tombstones.ts';
import { compareIds, type DeletableEntity, type StoreConnector } from '../platforms/connector.ts';
import { openConnector, type ConnectorDeps } from '../platforms/registry.ts';

/**
 * Deletions whose webhook was lost. A deleted record never shows up in "changed since the
 * checkpoint", so the changed-since reconcile cannot see it; this run compares the store's id
 * set with Dockhand's instead, a page at a time: the store lists its ids ascending, and for each
 * page [lo, hi] the records Dockhand holds with ids in (previous hi, hi] that the page lacks are
 * gone (after the last page, everything above the previous hi that the page lacks). Memory holds
 * one page of each side plus the ids found gone.
 *
 * Tombstones are written only once the whole listing has been read: an error, or a listing that
 * is not in ascending order, tombstones nothing. Records Dockhand wrote after the run started
 * (a webhook, a sync) are not judged by a listing that may predate them. A listing that covers
 * only a window (`IdPage.coversFrom`) is compared with Dockhand's orders placed inside it only.
 */

export const DELETABLE_ENTITIES: readonly DeletableEntity[] = ['orders', 'products', 'customers'];

const RECORD_OF: Record<DeletableEntity, DeletableRecord> = { orders: 'order', products: 'product', customers: 'customer' };

/** The pages of one listing declared different windows: nothing is tombstoned. */
export class ShiftingWindowError extends Error {
  constructor(entity: DeletableEntity, first: string | undefined, next: string | undefined) {
    super(
      `The store's ${entity} listing changed its window (${next ?? 'all'} after ${first ?? 'all'}); no deletion was inferred`,
    );
    this.name = 'ShiftingWindowError';
  }
}

/** Dockhand's ids read per statement while walking a range. */
const LOCAL_CHUNK = 1_000;

export interface DeletionTarget {
  orgId: string;
  storeId: string;
}

export interface DeletionRunResult {
  entity: DeletableEntity;
  /** Pages of ids the store answered. */
  pages: number;
  /** Ids the store listed. */
  listed: number;
  /** Platform ids Dockhand kept as live that the store no longer has, now tombstones. */
  tombstoned: string[];
}

/** The store listed ids out of order: the comparison would be wrong, so nothing is tombstoned. */
export class UnorderedListingError extends Error {
  constructor(entity: DeletableEntity, previous: string, next: string) {
    super(`The store listed ${entity} ids out of order (${next} after ${previous}); no deletion was inferred`);
    this.name = 'UnorderedListingError';
  }
}

async function databaseNow(db: Database): Promise<Date> {
  const [row] = await db.app<{ now: Date }[]>`select now() as now`;
  return row!.now;
}

/** Reconciles one entity of one store: the ids it no longer has become tombstones. */
export async function reconcileDeletions(
  db: Database,
  target: DeletionTarget,
  connector: StoreConnector,
  entity: DeletableEntity,
): Promise<DeletionRunResult> {
  const record = RECORD_OF[entity];
  const principal = systemPrincipal(target.orgId, `deletions:${entity}`);
  // Taken before the first page: a row written after it may be newer than the listing.
  const unchangedSince = await databaseNow(db);
  const gone: string[] = [];
  let compared: string | null = null;
  let lastListed: string | null = null;
  let cursor: string | null = null;
  let pages = 0;
  let listed = 0;
  // The window the listing covers (Shopify orders: the last 59 days), fixed by its first page:
  // Dockhand judges only its records inside it, an older one is not "gone" for being unlisted.
  let coversFrom: string | undefined;
  let placedFrom: Date | undefined;
  for (;;) {
    const page = await connector.listIds(entity, cursor);
    if (pages === 0) {
      coversFrom = page.coversFrom;
      placedFrom = coversFrom === undefined ? undefined : new Date(coversFrom);
      if (placedFrom !== undefined && (entity !== 'orders' || Number.isNaN(placedFrom.getTime()))) {
        throw new ShiftingWindowError(entity, undefined, coversFrom);
      }
    } else if (page.coversFrom !== coversFrom) {
      throw new ShiftingWindowError(entity, coversFrom, page.coversFrom);
    }
    pages++;
    listed += page.ids.length;
    for (const id of page.ids) {
      if (lastListed !== null && compareIds(id, lastListed) <= 0) throw new UnorderedListingError(entity, lastListed, id);
      lastListed = id;
    }
    const last = page.nextCursor === null;
    // An empty page in the middle of a listing covers no range; the last one covers the rest.
    if (page.ids.length > 0 || last) {
      const upTo = last ? null : page.ids[page.ids.length - 1]!;
      const present = new Set(page.ids);
      let after = compared;
      for (;;) {
        const range = { after, upTo, unchangedSince, placedFrom };
        const local = await withPrincipal(db, principal, (tx) => liveIdsBetween(tx, target, record, range, LOCAL_CHUNK));
        for (const id of local) if (!present.has(id)) gone.push(id);
        if (local.length < LOCAL_CHUNK) break;
        after = local[local.length - 1]!;
      }
      compared = upTo;
    }
    if (last) break;
    cursor = page.nextCursor;
  }
  const tombstoned = gone.length
    ? await withPrincipal(db, principal, async (tx) => {
        const marked: string[] = [];
        for (let at = 0; at < gone.length; at += LOCAL_CHUNK) {
          marked.push(...(await markDeletedMany(tx, target, record, gone.slice(at, at + LOCAL_CHUNK), unchangedSince)));
        }
        if (marked.length) {
          await recordAudit(tx, principal, {
            action: 'sync.deletions_reconciled',
            subjectType: 'store',
            subjectId: target.storeId,
            details: { entity, tombstoned: marked.length, sample: marked.slice(0, 20) },
          });
        }
        return marked;
      })
    : [];
  return { entity, pages, listed, tombstoned };
}

/** One scheduled run: every deletable entity of a store (or one), each on its own so one failure stops only itself. */
export interface DeletionJob {
  orgId: string;
  storeId: string;
  entity?: DeletableEntity | undefined;
}

/** How often each active store's id sets are compared: far less often than the changed-since reconcile. */
export const DEFAULT_DELETIONS_EVERY_MS = 6 * 60 * 60_000;

/** Runs a deletion job (both sync runners call this). Rejects with the first entity's failure, after trying the others. */
export async function runDeletionJob(db: Database, connectors: ConnectorDeps, job: DeletionJob): Promise<DeletionRunResult[]> {
  const target = { orgId: job.orgId, storeId: job.storeId };
  const connector = await openConnector(connectors, target);
  const results: DeletionRunResult[] = [];
  let failure: unknown;
  for (const entity of job.entity ? [job.entity] : DELETABLE_ENTITIES) {
    try {
      results.push(await reconcileDeletions(db, target, connector, entity));
    } catch (error) {
      failure ??= error;
    }
  }
  if (failure !== undefined) throw failure;
  return results;
}
