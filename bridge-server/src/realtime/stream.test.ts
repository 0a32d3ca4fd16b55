import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServerOn, type ServerOn } from '../../test/support/server-on.ts';
import { SseClient, type SseMessage } from '../../test/support/sse-client.ts';
import { memberSession, signedInOrg, startTestServer, type TestServer } from '../../test/support/test-server.ts';
import { sendWooWebhook } from '../../test/support/woo-fixture.ts';
import { openDatabase, type Database } from '../db/database.ts';
import { systemPrincipal, withPrincipal } from '../db/principal.ts';
import { startSyncWorkers } from '../runtime.ts';
import { emitEvent, emitEvents, type OutboxEvent } from './outbox.ts';

const WOO_SECRET = `woo-secret-${randomBytes(12).toString('hex')}`;

let server: TestServer;
let db: Database;
let orgId: string;
let token: string;
let storeA: string;
let storeB: string;

/** An event committed the way a change commits one: in its own transaction, last. */
async function emit(event: Partial<OutboxEvent> & { storeId: string | null }, on: Database = db, org = orgId): Promise<string> {
  return withPrincipal(on, systemPrincipal(org), (tx) =>
    emitEvents(tx, org, [{ type: 'order.updated', subjectId: randomBytes(4).toString('hex'), data: {}, ...event }]),
  ).then(([id]) => id!);
}

const ids = (messages: SseMessage[]) => messages.map((message) => message.id);

/** A signed WooCommerce delivery to store A, as the platform sends it. */
function wooDelivery(topic: string, body: string) {
  return sendWooWebhook(server.url, {
    storeId: storeA,
    secret: WOO_SECRET,
    topic,
    body,
    headers: {
      'x-wc-webhook-source': 'https://a.woo.example/',
      'x-wc-webhook-resource': topic.split('.')[0]!,
      'x-wc-webhook-event': topic.split('.')[1]!,
      'x-wc-webhook-id': '1',
      'x-wc-webhook-delivery-id': randomBytes(16).toString('hex'),
    },
  });
}

beforeAll(async () => {
  server = await startTestServer({ env: { DOCKHAND_STREAM_HEARTBEAT_MS: '200' } });
  db = server.runtime.ctx.db;
  ({ orgId, token } = await signedInOrg(server, 'Stream'));
  const principal = systemPrincipal(orgId);
  [storeA, storeB] = await withPrincipal(db, principal, async (tx) => {
    const a = await server.runtime.ctx.stores.create(tx, principal, {
      platform: 'woocommerce',
      name: 'Store A',
      siteUrl: 'https://a.woo.example',
      status: 'active',
      webhookSecret: WOO_SECRET,
    });
    const b = await server.runtime.ctx.stores.create(tx, principal, {
      platform: 'woocommerce',
      name: 'Store B',
      siteUrl: 'https://b.woo.example',
      status: 'active',
      webhookSecret: WOO_SECRET,
    });
    return [a.id, b.id];
  });
  await startSyncWorkers(server.runtime.ctx, { sweepEveryMs: 60_000 });
});

afterAll(async () => {
  await server?.close();
});

describe('GET /v1/stream', () => {
  it('answers an event stream that starts with `ready` and the last id, unbuffered', async () => {
    const last = await emit({ storeId: storeA });
    const client = await SseClient.open(server.url, { token });
    try {
      expect(client.response.status).toBe(200);
      expect(client.response.headers.get('content-type')).toMatch(/^text\/event-stream/);
      expect(client.response.headers.get('cache-control')).toMatch(/no-cache/);
      expect(client.response.headers.get('x-accel-buffering')).toBe('no');
      const ready = await client.next();
      expect(ready).toMatchObject({ event: 'ready', id: last, json: { lastEventId: last } });
      // Heartbeats are comments, every DOCKHAND_STREAM_HEARTBEAT_MS.
      const next = await emit({ storeId: storeA, type: 'fulfillment.created', data: { n: 1 } });
      const event = await client.next();
      expect(event).toMatchObject({
        id: next,
        event: 'fulfillment.created',
        json: { type: 'fulfillment.created', id: next, storeId: storeA, data: { n: 1 } },
      });
      expect(Date.parse(event.json.createdAt)).not.toBeNaN();
    } finally {
      client.close();
    }
  });

  it('answers 401 without a token and 400 for a malformed Last-Event-ID', async () => {
    expect((await fetch(`${server.url}/v1/stream`)).status).toBe(401);
    const bad = await fetch(`${server.url}/v1/stream`, { headers: { authorization: `Bearer ${token}`, 'last-event-id': 'abc' } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('BAD_REQUEST');
    // 19 digits but past the largest bigint: no event can have it, and the stream could read nothing after it.
    const past = await fetch(`${server.url}/v1/stream`, {
      headers: { authorization: `Bearer ${token}`, 'last-event-id': '9999999999999999999' },
    });
    expect(past.status).toBe(400);
    const pastQuery = await fetch(`${server.url}/v1/stream?lastEventId=9223372036854775808`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(pastQuery.status).toBe(400);
  });

  it('delivers inventory.level.updated when a webhook really changes a level, and nothing when it does not', async () => {
    const client = await SseClient.open(server.url, { token });
    try {
      await client.next((message) => message.event === 'ready');
      const product = (stock: number, modified: string) =>
        JSON.stringify({
          id: 4242,
          name: 'Mug',
          status: 'publish',
          type: 'simple',
          sku: 'MUG',
          price: '9.50',
          manage_stock: true,
          stock_quantity: stock,
          date_modified_gmt: modified,
        });
      const deliver = (body: string) => wooDelivery('product.updated', body);
      expect((await deliver(product(7, '2026-11-20T10:00:00'))).status).toBe(200);
      const first = await client.next((message) => message.event === 'inventory.level.updated');
      expect(first.json).toMatchObject({ storeId: storeA, data: { available: 7, delta: 7 } });
      expect(first.json.data.variantId).toBe(first.json.subjectId);
      expect(first.json.data.locationId).toEqual(expect.any(String));
      // The same level again changes nothing: no event. Then a real change: one event, after it.
      expect((await deliver(product(7, '2026-11-20T10:01:00'))).status).toBe(200);
      expect((await deliver(product(4, '2026-11-20T10:02:00'))).status).toBe(200);
      const second = await client.next((message) => message.event === 'inventory.level.updated');
      expect(second.json.data).toMatchObject({ available: 4, delta: -3, variantId: first.json.data.variantId });
      expect(client.events().filter((message) => message.event === 'inventory.level.updated')).toHaveLength(2);
    } finally {
      client.close();
    }
  });

  it('delivers order.created, then order.updated when a webhook changes the order', async () => {
    const client = await SseClient.open(server.url, { token });
    try {
      await client.next((message) => message.event === 'ready');
      const order = (status: string, modified: string) =>
        JSON.stringify({
          id: 9001,
          number: '9001',
          status,
          currency: 'EUR',
          total: '12.50',
          customer_id: 0,
          date_created_gmt: '2026-11-20T09:00:00',
          date_modified_gmt: modified,
          date_paid_gmt: null,
          date_completed_gmt: null,
          billing: { email: 'buyer@example.test' },
          line_items: [{ id: 1, product_id: 4242, variation_id: 0, sku: 'MUG', name: 'Mug', quantity: 1, price: '12.50' }],
        });
      expect((await wooDelivery('order.created', order('processing', '2026-11-20T09:00:00'))).status).toBe(200);
      const created = await client.next((message) => message.event.startsWith('order.'));
      expect(created.json).toMatchObject({ type: 'order.created', storeId: storeA });
      expect((await wooDelivery('order.updated', order('completed', '2026-11-20T09:30:00'))).status).toBe(200);
      const updated = await client.next((message) => message.event.startsWith('order.'));
      expect(updated.json).toMatchObject({ type: 'order.updated', storeId: storeA, subjectId: created.json.subjectId });
      expect(updated.json.data).toMatchObject({ status: 'completed' });
      expect(BigInt(updated.id!)).toBeGreaterThan(BigInt(created.id!));
    } finally {
      client.close();
    }
  });

  it('resumes with Last-Event-ID: every missed event exactly once, in order, then live ones', async () => {
    const client = await SseClient.open(server.url, { token });
    const seen = await client.next((message) => message.event === 'ready');
    const before = await emit({ storeId: storeA });
    const got = await client.next();
    expect(got.id, JSON.stringify(client.messages)).toBe(before);
    client.close();
    await client.ended;

    // Missed while away: single events, a batch of several in one transaction, an org-wide one.
    const missed = [await emit({ storeId: storeA }), await emit({ storeId: null, type: 'sync.status' })];
    missed.push(
      ...(await withPrincipal(db, systemPrincipal(orgId), (tx) =>
        emitEvents(
          tx,
          orgId,
          [1, 2, 3].map((n) => ({ type: 'order.created', storeId: storeB, subjectId: `o${n}`, data: { n } })),
        ),
      )),
    );
    missed.push(await emit({ storeId: storeB }));

    const again = await SseClient.open(server.url, { token, lastEventId: before });
    const viaQuery = await SseClient.open(server.url, { token, query: `?lastEventId=${before}` });
    try {
      for (const resumed of [again, viaQuery]) {
        expect((await resumed.next()).event).toBe('ready');
        for (const id of missed) {
          const message = await resumed.next();
          expect(message.id, JSON.stringify({ missed, got: resumed.messages })).toBe(id);
        }
      }
      const live = await emit({ storeId: storeA });
      expect((await again.next()).id).toBe(live);
      expect((await viaQuery.next()).id).toBe(live);
      for (const resumed of [again, viaQuery]) {
        const received = ids(resumed.events());
        expect(received).toEqual([...missed, live]);
        expect(new Set(received).size).toBe(received.length);
      }
      expect(seen.id).toBeDefined();
    } finally {
      again.close();
      viaQuery.close();
    }
  });

  it('keeps order and loses nothing under concurrent writers', async () => {
    const client = await SseClient.open(server.url, { token });
    try {
      await client.next((message) => message.event === 'ready');
      const written = (
        await Promise.all(Array.from({ length: 40 }, (_, n) => emit({ storeId: n % 2 ? storeA : storeB, data: { n } })))
      ).sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
      await client.next((message) => message.id === written[written.length - 1]);
      expect(ids(client.events())).toEqual(written);
    } finally {
      client.close();
    }
  });

  it('never announces an event whose transaction rolled back', async () => {
    const client = await SseClient.open(server.url, { token });
    try {
      await client.next((message) => message.event === 'ready');
      await expect(
        withPrincipal(db, systemPrincipal(orgId), async (tx) => {
          await emitEvent(tx, orgId, { type: 'order.updated', storeId: storeA, subjectId: 'rolled-back' });
          throw new Error('the change failed');
        }),
      ).rejects.toThrow('the change failed');
      const committed = await emit({ storeId: storeA, subjectId: 'committed' });
      await client.next((message) => message.id === committed);
      expect(client.events().map((message) => message.json.subjectId)).toEqual(['committed']);
      const [stored] = await db.owner<{ n: number }[]>`select count(*)::int as n from events where subject_id = 'rolled-back'`;
      expect(stored!.n).toBe(0);
    } finally {
      client.close();
    }
  });

  describe('for a merchant', () => {
    it("never sends another store's events nor organization-wide ones; the organization's admin gets them all", async () => {
      const merchant = await memberSession(server, orgId, 'merchant', [storeA]);
      const mine = await SseClient.open(server.url, { token: merchant.token });
      const admin = await SseClient.open(server.url, { token });
      try {
        await mine.next((message) => message.event === 'ready');
        await admin.next((message) => message.event === 'ready');
        const other = await emit({ storeId: storeB, subjectId: 'other store' });
        const orgWide = await emit({ storeId: null, type: 'sync.status', subjectId: 'org wide' });
        const own = await emit({ storeId: storeA, subjectId: 'own store' });
        // Ids are delivered in order, so once `own` is in, the two before it would have been too.
        await mine.next((message) => message.id === own);
        await admin.next((message) => message.id === own);
        expect(ids(mine.events())).toEqual([own]);
        expect(ids(admin.events())).toEqual([other, orgWide, own]);

        // Resuming from before them all, through the same scope.
        const resumed = await SseClient.open(server.url, { token: merchant.token, lastEventId: (BigInt(other) - 1n).toString() });
        await resumed.next((message) => message.id === own);
        expect(ids(resumed.events())).toEqual([own]);
        resumed.close();
      } finally {
        mine.close();
        admin.close();
      }
    });

    it("sees nothing of another organization's events", async () => {
      const other = await signedInOrg(server, 'Elsewhere');
      const client = await SseClient.open(server.url, { token: other.token });
      try {
        const ready = await client.next((message) => message.event === 'ready');
        await emit({ storeId: storeA, subjectId: 'not yours' });
        const theirs = await emit({ storeId: null, subjectId: 'yours' }, db, other.orgId);
        await client.next((message) => message.id === theirs);
        expect(client.events().map((message) => message.json.subjectId)).toEqual(['yours']);
        expect(BigInt(ready.id!)).toBeLessThan(BigInt(theirs));
      } finally {
        client.close();
      }
    });
  });

  it('ends the stream with an error event once the session is revoked', async () => {
    const member = await memberSession(server, orgId, 'staff');
    const client = await SseClient.open(server.url, { token: member.token });
    await client.next((message) => message.event === 'ready');
    await db.owner`update refresh_token_families set revoked_at = now() where user_id = ${member.userId}`;
    // At once, on the revocation's own announcement (stream-attacks.test.ts shows it without heartbeats).
    const error = await client.next((message) => message.event === 'error');
    expect(error.json).toMatchObject({ code: 'UNAUTHORIZED' });
    await client.ended;
  });

  it('sends `reset` for an id older than the retention window, and resumes normally after the horizon', async () => {
    const old = await emit({ storeId: storeA, subjectId: 'old' });
    const kept = await emit({ storeId: storeA, subjectId: 'kept' });
    await db.owner`update events set created_at = now() - interval '25 hours' where org_id = ${orgId} and id <= ${old}`;
    expect(await server.runtime.ctx.realtime.prune()).toBeGreaterThan(0);
    const [gone] = await db.owner<
      { n: number }[]
    >`select count(*)::int as n from events where org_id = ${orgId} and id <= ${old}`;
    expect(gone!.n).toBe(0);

    const tooOld = await SseClient.open(server.url, { token, lastEventId: (BigInt(old) - 1n).toString() });
    const fine = await SseClient.open(server.url, { token, lastEventId: old });
    try {
      const reset = await tooOld.next();
      expect(reset.event).toBe('reset');
      expect(BigInt(reset.id!)).toBeGreaterThanOrEqual(BigInt(kept));
      const after = await emit({ storeId: storeA, subjectId: 'after reset' });
      expect((await tooOld.next()).id).toBe(after);
      expect((await fine.next()).event).toBe('ready');
      expect((await fine.next()).id).toBe(kept);
      expect((await fine.next()).id).toBe(after);
    } finally {
      tooOld.close();
      fine.close();
    }
  });

  it('the app role cannot delete events, nor prune below an hour', async () => {
    await expect(
      withPrincipal(db, systemPrincipal(orgId), (tx) => tx`delete from events where org_id = ${orgId}`),
    ).rejects.toThrow(/permission denied/);
    await expect(db.app`select dockhand.prune_events(interval '5 minutes')`).rejects.toThrow(/at least one hour/);
  });

  it('catches up after the listening connection drops', async () => {
    const client = await SseClient.open(server.url, { token });
    try {
      await client.next((message) => message.event === 'ready');
      const [killed] = await db.owner<{ n: number }[]>`
        select count(pg_terminate_backend(pid))::int as n from pg_stat_activity
        where application_name = 'dockhand-listen' and datname = current_database()`;
      expect(killed!.n).toBe(1);
      const during = await emit({ storeId: storeA, subjectId: 'while reconnecting' });
      await client.next((message) => message.id === during);
      const afterwards = await emit({ storeId: storeA, subjectId: 'after' });
      await client.next((message) => message.id === afterwards);
      expect(ids(client.events())).toEqual([during, afterwards]);
    } finally {
      client.close();
    }
  });
});

describe('two server processes on one database', () => {
  let second: ServerOn;
  let secondDb: Database;

  beforeAll(async () => {
    // Its own pools and its own listening connection, as another process would have.
    secondDb = await openDatabase({ databaseUrl: server.database.ownerUrl, dataDir: '', appPoolSize: 2 });
    second = await startServerOn(secondDb, server.database.ownerUrl, {
      env: { DOCKHAND_JWT_SECRET: server.runtime.ctx.config.jwtSecret, DOCKHAND_KEYS: server.runtime.ctx.config.keyRing },
    });
  });
  afterAll(async () => {
    await second?.close();
    await secondDb?.close();
  });

  it('deliver an event made on either to the clients of both', async () => {
    const onFirst = await SseClient.open(server.url, { token });
    const onSecond = await SseClient.open(second.url, { token });
    try {
      await onFirst.next((message) => message.event === 'ready');
      await onSecond.next((message) => message.event === 'ready');
      const fromFirst = await emit({ storeId: storeA, subjectId: 'first' }, db);
      const fromSecond = await emit({ storeId: storeB, subjectId: 'second' }, secondDb);
      for (const client of [onFirst, onSecond]) {
        await client.next((message) => message.id === fromSecond);
        expect(ids(client.events())).toEqual([fromFirst, fromSecond]);
      }
    } finally {
      onFirst.close();
      onSecond.close();
    }
  });
});

describe('a server that stops', () => {
  it('ends its open streams and any stream that finishes opening after the stop began, so it can close', async () => {
    const stopping = await startTestServer();
    const session = await signedInOrg(stopping, 'Stopping');
    const open = await SseClient.open(stopping.url, { token: session.token });
    expect((await open.next()).event).toBe('ready');
    const hub = stopping.runtime.ctx.realtime;
    expect(hub.size).toBe(1);
    // The server's close ends the open stream (its client sees the end) and then returns.
    await stopping.close();
    await open.ended;
    expect(hub.size).toBe(0);
    // A stream still authenticating when the stop began joins afterwards: it is ended at once.
    let ended = 0;
    const leave = hub.subscribe({ principal: systemPrincipal(session.orgId), cursor: 0n, deliver: () => {} }, () => ended++);
    expect(ended).toBe(1);
    expect(hub.size).toBe(0);
    leave();
  });
});
