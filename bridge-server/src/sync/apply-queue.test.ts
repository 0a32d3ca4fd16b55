import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { dropRedisKeys } from '../../test/support/redis-keys.ts';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import { systemPrincipal, withPrincipal } from '../db/principal.ts';
import { createOrganization } from '../domain/users/user-service.ts';
import { WebhookInbox } from '../ingest/webhook-inbox.ts';
import { startSyncWorkers } from '../runtime.ts';
import { createQueueBackend, type QueueBackend } from './queue-backend.ts';
import { QueueSyncRunner } from './sync-queues.ts';

const redisUrl = process.env['DOCKHAND_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const prefix = `dh_test_applyq_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;

let backend: QueueBackend;
let runner: QueueSyncRunner;
let server: TestServer;
let orgId: string;
let storeId: string;

const order = (id: number) =>
  `{"id":${id},"name":"#${id}","email":"ann@example.test","created_at":"2026-11-01T10:00:00Z","updated_at":"2026-11-01T10:00:00Z",` +
  `"currency":"USD","financial_status":"paid","fulfillment_status":null,"total_price":"5.00","customer":null,"line_items":[]}`;

async function deliver(id: number): Promise<string> {
  const stored = await new WebhookInbox(server.runtime.ctx.db).store({
    orgId,
    storeId,
    platform: 'shopify',
    eventId: randomUUID(),
    topic: 'orders/create',
    body: order(id),
    headers: {},
  });
  return stored.id;
}

const statuses = (ids: string[]) =>
  server.runtime.ctx.db.owner<{ id: string; status: string }[]>`
    select id::text, status from webhook_events where id = any(${ids}::uuid[]) order by id`;

const applied = (ids: string[]) =>
  vi.waitFor(
    async () => {
      const rows = await statuses(ids);
      expect(rows.map((row) => row.status)).toEqual(ids.map(() => 'applied'));
    },
    { timeout: 20_000, interval: 25 },
  );

beforeAll(async () => {
  backend = await createQueueBackend({ redisUrl, prefix });
  runner = new QueueSyncRunner(backend);
  server = await startTestServer({ sync: runner });
  ({ orgId } = await createOrganization(server.runtime.ctx.db, {
    name: 'Apply queue',
    adminEmail: `applyq-${randomBytes(3).toString('hex')}@example.test`,
    adminPassword: 'apply queue password 1',
  }));
  const store = await withPrincipal(server.runtime.ctx.db, systemPrincipal(orgId), (tx) =>
    server.runtime.ctx.stores.create(tx, systemPrincipal(orgId), {
      platform: 'shopify',
      name: 'Queue',
      shopDomain: `applyq-${randomBytes(3).toString('hex')}.myshopify.com`,
      status: 'active',
    }),
  );
  storeId = store.id;
});

afterAll(async () => {
  await server?.close();
  await dropRedisKeys(redisUrl, prefix);
});

describe('apply jobs on BullMQ', () => {
  it('queues the rows of one inbox write as one job, and a row queued again is applied once', async () => {
    const ids = await Promise.all([9101, 9102, 9103, 9104].map(deliver));
    // Enqueued in one turn of the event loop, as the webhook route does after one inbox write.
    await Promise.all(ids.map((eventId) => runner.enqueueApply({ orgId, eventId })));
    const queued = await backend.queue<{ orgId: string; eventIds?: string[] }>('apply').getJobs(['waiting']);
    expect(queued).toHaveLength(1);
    expect(queued[0]!.data).toEqual({ orgId, eventIds: ids });

    await startSyncWorkers(server.runtime.ctx);
    await applied(ids);

    // The sweeper's kind of re-enqueue: an applied row with a new one, in another job.
    const fresh = await deliver(9105);
    await Promise.all([ids[0]!, fresh].map((eventId) => runner.enqueueApply({ orgId, eventId })));
    await applied([fresh]);
    const [events] = await server.runtime.ctx.db.owner<{ n: number }[]>`
      select count(*)::int as n from events where org_id = ${orgId} and type = 'order.created'`;
    expect(events!.n).toBe(5);
  });
});
