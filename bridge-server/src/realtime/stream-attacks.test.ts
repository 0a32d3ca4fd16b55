import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SseClient } from '../../test/support/sse-client.ts';
import { apiClient, memberSession, signedInOrg, startTestServer, type TestServer } from '../../test/support/test-server.ts';
import { systemPrincipal, withPrincipal } from '../db/principal.ts';
import { emitEvents } from './outbox.ts';

/**
 * Attacks on GET /v1/stream by someone whose rights change while the stream is open, and by
 * another organization resuming from ids it guessed. (A revoked session is stream.test.ts.)
 */

let server: TestServer;
let orgId: string;
let ownerToken: string;
let storeA: string;
let storeB: string;

async function emit(storeId: string | null, org = orgId): Promise<string> {
  return withPrincipal(server.runtime.ctx.db, systemPrincipal(org), (tx) =>
    emitEvents(tx, org, [{ type: 'order.updated', storeId, subjectId: randomBytes(4).toString('hex'), data: {} }]),
  ).then(([id]) => id!);
}

beforeAll(async () => {
  server = await startTestServer({ env: { DOCKHAND_STREAM_HEARTBEAT_MS: '100' } });
  ({ orgId, token: ownerToken } = await signedInOrg(server, 'StreamAttacks'));
  const owner = server.runtime.ctx.db.owner;
  const stores: string[] = [];
  for (const n of [1, 2]) {
    const [store] = await owner<{ id: string }[]>`
      insert into stores (org_id, platform, name, shop_domain, status)
      values (${orgId}, 'shopify', ${`Store ${n}`}, ${`stream-attack-${randomBytes(4).toString('hex')}.myshopify.com`}, 'active')
      returning id`;
    stores.push(store!.id);
  }
  [storeA, storeB] = stores as [string, string];
});

afterAll(async () => {
  await server?.close();
});

describe('stream attacks: rights that change mid-stream', () => {
  it('a user disabled while streaming is cut off', async () => {
    const member = await memberSession(server, orgId, 'staff');
    const client = await SseClient.open(server.url, { token: member.token });
    try {
      await client.next((message) => message.event === 'ready');
      const disabled = await apiClient(server.url)('PATCH', `/v1/users/${member.userId}`, {
        token: ownerToken,
        body: { disabled: true },
      });
      expect(disabled.status).toBe(200);
      const error = await client.next((message) => message.event === 'error');
      expect(error.json).toMatchObject({ code: 'UNAUTHORIZED' });
      // Nothing emitted after the cut reaches it.
      await client.ended;
      await emit(storeA);
      expect(client.events().filter((message) => message.event === 'order.updated')).toEqual([]);
    } finally {
      client.close();
    }
  });

  it('a merchant moved from one store to another stops seeing the first store at once', async () => {
    const merchant = await memberSession(server, orgId, 'merchant', [storeA]);
    const client = await SseClient.open(server.url, { token: merchant.token });
    try {
      await client.next((message) => message.event === 'ready');
      const first = await emit(storeA);
      await client.next((message) => message.id === first);
      const moved = await apiClient(server.url)('PATCH', `/v1/users/${merchant.userId}`, {
        token: ownerToken,
        body: { storeIds: [storeB] },
      });
      expect(moved.status).toBe(200);
      // Three heartbeats: a re-check has run with the new stores.
      await client.heartbeats(3);
      const formerStore = await emit(storeA);
      const newStore = await emit(storeB);
      await client.next((message) => message.id === newStore);
      const seen = client.events().map((message) => message.id);
      expect(seen).toContain(first);
      expect(seen).not.toContain(formerStore);
    } finally {
      client.close();
    }
  });

  it('a staff member turned merchant of one store stops seeing the other store and organization-wide events', async () => {
    const member = await memberSession(server, orgId, 'staff');
    const client = await SseClient.open(server.url, { token: member.token });
    try {
      await client.next((message) => message.event === 'ready');
      const before = await emit(storeB);
      await client.next((message) => message.id === before);
      const demoted = await apiClient(server.url)('PATCH', `/v1/users/${member.userId}`, {
        token: ownerToken,
        body: { role: 'merchant', storeIds: [storeA] },
      });
      expect(demoted.status).toBe(200);
      await client.heartbeats(3);
      const hidden = [await emit(storeB), await emit(null)];
      const visible = await emit(storeA);
      await client.next((message) => message.id === visible);
      const seen = client.events().map((message) => message.id);
      for (const id of hidden) expect(seen).not.toContain(id);
    } finally {
      client.close();
    }
  });
});

describe('stream attacks: rights that change mid-stream, long before any heartbeat', () => {
  /** Heartbeats five minutes apart: only the access change's own announcement can act in time. */
  let quiet: TestServer;
  let quietOrg: Awaited<ReturnType<typeof signedInOrg>>;
  let quietStores: [string, string];
  const emitQuiet = (storeId: string) =>
    withPrincipal(quiet.runtime.ctx.db, systemPrincipal(quietOrg.orgId), (tx) =>
      emitEvents(tx, quietOrg.orgId, [{ type: 'order.updated', storeId, subjectId: randomBytes(4).toString('hex'), data: {} }]),
    ).then(([id]) => id!);

  beforeAll(async () => {
    quiet = await startTestServer({ env: { DOCKHAND_STREAM_HEARTBEAT_MS: '300000' } });
    quietOrg = await signedInOrg(quiet, 'QuietStreams');
    const stores: string[] = [];
    for (const n of [1, 2]) {
      const [store] = await quiet.runtime.ctx.db.owner<{ id: string }[]>`
        insert into stores (org_id, platform, name, shop_domain, status)
        values (${quietOrg.orgId}, 'shopify', ${`Quiet ${n}`}, ${`quiet-${randomBytes(4).toString('hex')}.myshopify.com`}, 'active')
        returning id`;
      stores.push(store!.id);
    }
    quietStores = stores as [string, string];
  });
  afterAll(async () => {
    await quiet?.close();
  });

  it.each([
    ['disabled by an admin', (userId: string) => ({ method: 'PATCH', path: `/v1/users/${userId}`, body: { disabled: true } })],
    [
      'given another password by an admin',
      (userId: string) => ({
        method: 'PATCH',
        path: `/v1/users/${userId}`,
        body: { password: 'an admin reset this one' },
      }),
    ],
  ] as const)('a member %s is cut off at once', async (_case, change) => {
    const member = await memberSession(quiet, quietOrg.orgId, 'staff');
    const client = await SseClient.open(quiet.url, { token: member.token });
    try {
      await client.next((message) => message.event === 'ready');
      const { method, path, body } = change(member.userId);
      expect((await apiClient(quiet.url)(method, path, { token: quietOrg.token, body })).status).toBe(200);
      const error = await client.next((message) => message.event === 'error', 10_000);
      expect(error.json).toMatchObject({ code: 'UNAUTHORIZED' });
      await client.ended;
    } finally {
      client.close();
    }
  });

  it('a member who signs out elsewhere is cut off at once', async () => {
    const member = await memberSession(quiet, quietOrg.orgId, 'staff');
    const client = await SseClient.open(quiet.url, { token: member.token });
    try {
      await client.next((message) => message.event === 'ready');
      await quiet.runtime.ctx.db.owner`
        update refresh_token_families set revoked_at = now(), revoked_reason = 'logout'
        where user_id = ${member.userId} and revoked_at is null`;
      expect((await client.next((message) => message.event === 'error', 10_000)).json).toMatchObject({ code: 'UNAUTHORIZED' });
    } finally {
      client.close();
    }
  });

  it('a merchant moved to another store sees the new store’s events and no more of the old one’s', async () => {
    const [storeOne, storeTwo] = quietStores;
    const merchant = await memberSession(quiet, quietOrg.orgId, 'merchant', [storeOne]);
    const client = await SseClient.open(quiet.url, { token: merchant.token });
    try {
      await client.next((message) => message.event === 'ready');
      const moved = await apiClient(quiet.url)('PATCH', `/v1/users/${merchant.userId}`, {
        token: quietOrg.token,
        body: { storeIds: [storeTwo] },
      });
      expect(moved.status).toBe(200);
      // Emitted after the move: only a stream that re-checked at once can be sent it.
      const first = await emitQuiet(storeTwo);
      await client.next((message) => message.id === first, 10_000);
      const formerStore = await emitQuiet(storeOne);
      const newStore = await emitQuiet(storeTwo);
      await client.next((message) => message.id === newStore);
      expect(client.events().map((message) => message.id)).not.toContain(formerStore);
    } finally {
      client.close();
    }
  });
});

describe('stream attacks: another organization resuming from guessed ids', () => {
  it('Last-Event-ID 0 replays only the caller’s organization', async () => {
    await emit(storeA);
    const attacker = await signedInOrg(server, 'Attacker');
    const own = await emit(null, attacker.orgId);
    const client = await SseClient.open(server.url, { token: attacker.token, lastEventId: '0' });
    try {
      await client.next((message) => message.id === own);
      // Ids are counted per organization, so they can coincide: what it was sent is told by the store.
      const seen = client.events().filter((message) => message.event === 'order.updated');
      expect(seen.map((message) => [message.id, message.json.storeId])).toEqual([[own, null]]);
    } finally {
      client.close();
    }
  });
});
