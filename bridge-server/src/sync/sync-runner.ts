import type { Logger } from 'pino';
import type { Database } from '../db/database.ts';
import type { SyncEntity } from '../platforms/connector.ts';
import type { ConnectorDeps } from '../platforms/registry.ts';
import type { SyncMode } from './backfill.ts';
import type { SweepOptions } from './inbox-sweeper.ts';

export interface ApplyJob {
  orgId: string;
  eventId: string;
}

export interface SyncJob {
  orgId: string;
  storeId: string;
  mode: SyncMode;
  /** One entity; all of them (in dependency order) when absent. */
  entity?: SyncEntity | undefined;
}

export interface PushJob {
  orgId: string;
  requestId: string;
  /** The request's push round (an approval or a retry starts one): a re-queued request is a new job. */
  round?: number | undefined;
}

export interface SyncWorkerDeps {
  db: Database;
  logger: Logger;
  connectors: ConnectorDeps;
  /** How often each active store is reconciled (polled for changes webhooks missed). */
  reconcileEveryMs: number;
  /**
   * How often each active store's id sets are compared with Dockhand's, to tombstone records
   * deleted without a webhook (sync/deletion-reconcile.ts); default every 6 hours.
   */
  deletionsEveryMs?: number | undefined;
  sweep: SweepOptions & { everyMs: number };
}

/**
 * Where sync work goes: BullMQ queues (Redis, or PostgreSQL) when services are there, or an
 * in-process runner over the database's own durable tables for the no-services demo. The
 * server only enqueues; `startWorkers` runs the processors in this process.
 */
export interface SyncRunner {
  readonly kind: 'redis' | 'postgres' | 'embedded';
  enqueueApply(job: ApplyJob): Promise<void>;
  requestSync(job: SyncJob): Promise<void>;
  requestPush(job: PushJob): Promise<void>;
  startWorkers(deps: SyncWorkerDeps): Promise<void>;
  /** One round trip to where the jobs live (Redis, the PostgreSQL queue schema, or the inbox tables); rejects when it fails. */
  checkHealth(): Promise<void>;
  /** Stops taking work, lets running work finish, closes connections. */
  close(): Promise<void>;
}

export const DEFAULT_RECONCILE_EVERY_MS = 5 * 60_000;
