import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { systemPrincipal, withPrincipal } from '../db/principal.ts';
import { StoreService } from '../domain/stores/store-service.ts';
import { KeyRing } from '../security/key-ring.ts';
import { dropRedisKeys } from '../../test/support/redis-keys.ts';
import { apiClient, signedInOrg, startTestServer, type TestServer } from '../../test/support/test-server.ts';
import { createQueueBackend } from './queue-backend.ts';
import { startSyncWorkers } from '../runtime.ts';
import { QueueSyncRunner } from './sync-queues.ts';
import type { SyncRunner } from './sync-runner.ts';

const redisUrl = process.env['DOCKHAND_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/** An active store whose sync cannot start: no credentials, or credentials sealed under a key the server lacks. */
async function brokenStore(server: TestServer, orgId: string, kind: 'no-credentials' | 'unknown-key'): Promise<string> {
  // A key ring the server does not hold: what a process started before a key rotation meets.
  const stores =
    kind === 'unknown-key' ? new StoreService(new KeyRing(`k2:${KeyRing.generateKey()}`)) : server.runtime.ctx.stores;
  const store = await withPrincipal(server.runtime.ctx.db, systemPrincipal(orgId), (tx) =>
    stores.create(tx, systemPrincipal(orgId), {
      platform: 'woocommerce',
      name: kind,
      siteUrl: `https://${kind}-${randomBytes(4).toString('hex')}.example.test`,
      status: 'active',
      ...(kind === 'unknown-key' ? { credentials: { consumerKey: 'ck_x', consumerSecret: 'cs_x' } } : {}),
    }),
  );
  return store.id;
}

function describeRunner(name: string, makeRunner: () => Promise<{ runner?: SyncRunner; cleanup: () => Promise<void> }>) {
  describe(`when a sync cannot open the store's connector (${name})`, () => {
    let server: TestServer;
    let cleanup: () => Promise<void>;
    let org: Awaited<ReturnType<typeof signedInOrg>>;

    beforeAll(async () => {
      const made = await makeRunner();
      cleanup = made.cleanup;
      server = await startTestServer(made.runner ? { sync: made.runner } : {});
      await startSyncWorkers(server.runtime.ctx);
      org = await signedInOrg(server, 'SyncFailures');
    });

    afterAll(async () => {
      await server?.close();
      await cleanup?.();
    });

    it.each([
      ['no-credentials', /has no credentials/],
      ['unknown-key', /No key "k2" in the key ring/],
    ] as const)('a store with %s shows failed with the reason, and the worker log warns', async (kind, reason) => {
      const api = apiClient(server.url);
      const storeId = await brokenStore(server, org.orgId, kind);
      const started = await api('POST', `/v1/stores/${storeId}/sync`, { token: org.token, body: { mode: 'backfill' } });
      expect(started.status).toBe(202);
      const warning = await vi.waitFor(
        () => {
          const line = server.logs.find(
            (entry) => entry['storeId'] === storeId && String(entry['msg']).startsWith('sync failed'),
          );
          expect(line).toBeDefined();
          return line!;
        },
        { timeout: 30_000, interval: 20 },
      );
      expect(warning['level']).toBe(40);
      expect((warning['err'] as { message: string }).message).toMatch(reason);
      const status = await api('GET', `/v1/stores/${storeId}/sync`, { token: org.token });
      expect(status.status).toBe(200);
      for (const entity of status.body.data.entities) {
        expect(entity.status, entity.entity).toBe('failed');
        expect(entity.lastError, entity.entity).toMatch(reason);
      }
    });
  });
}

// startTestServer's default runner is the embedded one.
describeRunner('embedded runner', async () => ({ cleanup: async () => {} }));

describeRunner('BullMQ on Redis', async () => {
  const prefix = `dh_test_fail_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const backend = await createQueueBackend({ redisUrl, prefix });
  return { runner: new QueueSyncRunner(backend), cleanup: () => dropRedisKeys(redisUrl, prefix) };
});
