import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SseClient } from '../../test/support/sse-client.ts';
import { memberSession, signedInOrg, startTestServer, type TestServer } from '../../test/support/test-server.ts';

/**
 * How many event streams a user and an organization may hold open on one server, and that a
 * stream gives its slot back however it ends — including a client that leaves while its stream
 * is still opening, which used to leave its subscription behind until the token expired.
 */

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ env: { DOCKHAND_STREAMS_PER_USER: '2', DOCKHAND_STREAMS_PER_ORG: '3' } });
});

afterAll(async () => {
  await server?.close();
});

const slots = () => server.runtime.ctx.realtime.slots;

/** Resolves when a stream of the organization gives its slot back (set up before the stream ends). */
function releaseOf(orgId: string): Promise<void> {
  return new Promise((resolve) => {
    const onRelease = (released: string) => {
      if (released !== orgId) return;
      slots().off('release', onRelease);
      resolve();
    };
    slots().on('release', onRelease);
  });
}

async function opened(token: string): Promise<SseClient> {
  const client = await SseClient.open(server.url, { token });
  expect(client.response.status).toBe(200);
  await client.next((message) => message.event === 'ready');
  return client;
}

async function refused(token: string) {
  const response = await fetch(`${server.url}/v1/stream`, { headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body: (await response.json()) as any };
}

describe('open event streams per user and per organization', () => {
  it('a user holds at most its limit, the organization at most its own, and an ended stream frees its slot', async () => {
    const org = await signedInOrg(server, 'StreamLimits');
    const other = await memberSession(server, org.orgId, 'staff');
    const third = await memberSession(server, org.orgId, 'staff');
    const clients = [await opened(org.token), await opened(org.token)];
    try {
      const overUser = await refused(org.token);
      expect(overUser.status).toBe(429);
      expect(overUser.retryAfter).toBe('10');
      expect(overUser.body.error).toMatchObject({ code: 'RATE_LIMITED', details: { retryAfter: 10 } });
      expect(overUser.body.error.message).toContain('this user');

      // Another user of the organization is not held to the first one's count, until the organization's.
      clients.push(await opened(other.token));
      const overOrganization = await refused(third.token);
      expect(overOrganization.status).toBe(429);
      expect(overOrganization.body.error.message).toContain('this organization');
      // A refused request holds nothing.
      expect(slots().held(org.orgId)).toBe(3);

      // Another organization counts for itself.
      const elsewhere = await signedInOrg(server, 'StreamLimitsElsewhere');
      clients.push(await opened(elsewhere.token));

      const freed = releaseOf(org.orgId);
      clients.shift()!.close();
      await freed;
      expect(slots().held(org.orgId)).toBe(2);
      clients.push(await opened(third.token));
    } finally {
      for (const client of clients) client.close();
    }
  });

  it('a client that leaves while its stream opens leaves no stream behind', async () => {
    const org = await signedInOrg(server, 'StreamLeavers');
    const { port, hostname } = new URL(server.url);
    // More leavers than the user's limit: each must give its slot back for the next to get one.
    for (let n = 0; n < 5; n++) {
      const released = releaseOf(org.orgId);
      const socket = connect(Number(port), hostname);
      await new Promise((resolve) => socket.once('connect', resolve));
      // The request, and the connection closed at once, before any answer can come.
      socket.write(`GET /v1/stream HTTP/1.1\r\nHost: ${hostname}\r\nAuthorization: Bearer ${org.token}\r\n\r\n`);
      socket.destroy();
      await released;
    }
    expect(slots().held(org.orgId)).toBe(0);
    const client = await opened(org.token);
    client.close();
  });
});
