import type { Response } from 'express';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { AccessTokens } from '../auth/access-tokens.ts';
import type { SessionService } from '../auth/session-service.ts';
import type { Config } from '../config/env.ts';
import type { Database } from '../db/database.ts';
import type { Principal } from '../db/principal.ts';
import type { StoreService } from '../domain/stores/store-service.ts';
import type { StoreDirectory } from '../ingest/store-directory.ts';
import type { WebhookInbox } from '../ingest/webhook-inbox.ts';
import type { SyncRunner } from '../sync/sync-runner.ts';
import type { Shopify } from '@shopify/shopify-api';
import type { ShopifyTokenService } from '../platforms/shopify/shopify-token-service.ts';
import type { KeyRing } from '../security/key-ring.ts';
import type { OutboundGuard } from '../security/outbound-guard.ts';
import type { EventHub } from '../realtime/event-hub.ts';
import { UnauthorizedError } from './errors.ts';

/** Everything a route may use, built once at start-up. */
export interface AppContext {
  config: Config;
  db: Database;
  keyRing: KeyRing;
  /** Every request to a store URL goes through it (SSRF protection). */
  outbound: OutboundGuard;
  logger: Logger;
  redis: Redis | undefined;
  accessTokens: AccessTokens;
  sessions: SessionService;
  stores: StoreService;
  /** Present when SHOPIFY_API_KEY/SECRET are set. */
  shopify:
    | {
        app: Shopify;
        tokens: ShopifyTokenService;
        /** The Admin API base of a shop: `https://{shop}`, or SHOPIFY_ADMIN_BASE_URL (emulators). */
        shopBaseUrl: ((shop: string) => string) | undefined;
      }
    | undefined;
  /** Where sync work is sent (queues, or the in-process runner on PGlite). */
  sync: SyncRunner;
  ingest: {
    directory: StoreDirectory;
    inbox: WebhookInbox;
    /** Hands a stored webhook to the apply queue (job id = inbox row id). */
    enqueueApply(job: { orgId: string; eventId: string }): Promise<void>;
  };
  /** The fan-out of /v1/stream in this process (LISTEN/NOTIFY; started by the first stream). */
  realtime: EventHub;
  version: string;
  startedAt: number;
}

export interface RequestLocals {
  requestId: string;
  principal?: Principal;
}

export function requestIdOf(res: Response): string {
  return (res.locals as RequestLocals).requestId;
}

export function principalOf(res: Response): Principal {
  const principal = (res.locals as RequestLocals).principal;
  if (!principal) throw new UnauthorizedError();
  return principal;
}
