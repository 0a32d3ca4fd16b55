import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServerOn, type Backend } from '../../../test/support/commerce-fixture.ts';
import { apiClient, memberSession, signedInOrg, type Api, type TestServer } from '../../../test/support/test-server.ts';

describe.each<Backend>(['postgres', 'pglite'])('/v1/views on %s', (backend) => {
  let server: TestServer;
  let api: Api;
  let org: Awaited<ReturnType<typeof signedInOrg>>;

  beforeAll(async () => {
    server = await startServerOn(backend);
    api = apiClient(server.url);
    org = await signedInOrg(server, 'Views');
  });
  afterAll(async () => {
    await server?.close();
  });

  it('creates, reads, changes and deletes a view of the order list, with an audit row each', async () => {
    const created = await api('POST', '/v1/views', {
      token: org.token,
      body: {
        name: 'Unfulfilled VIP',
        filters: { fulfillmentStatus: ['unfulfilled'], tag: 'vip', includeDeleted: false, q: ' grace ' },
        sort: '-total',
        columns: ['number', 'customerName', 'total'],
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const view = created.body.data;
    expect(view).toMatchObject({
      name: 'Unfulfilled VIP',
      filters: { fulfillmentStatus: ['unfulfilled'], tag: ['vip'], includeDeleted: false, q: 'grace' },
      sort: '-total',
      columns: ['number', 'customerName', 'total'],
    });

    expect((await api('GET', `/v1/views/${view.id}`, { token: org.token })).body.data).toEqual(view);
    const changed = await api('PATCH', `/v1/views/${view.id}`, { token: org.token, body: { name: 'VIP', sort: 'placed' } });
    expect(changed.status).toBe(200);
    expect(changed.body.data).toMatchObject({ name: 'VIP', sort: 'placed', columns: ['number', 'customerName', 'total'] });
    const second = await api('POST', '/v1/views', { token: org.token, body: { name: 'All' } });
    expect(second.body.data).toMatchObject({ filters: {}, sort: '-placed', columns: [] });
    expect((await api('GET', '/v1/views', { token: org.token })).body.data.map((v: { name: string }) => v.name)).toEqual([
      'All',
      'VIP',
    ]);
    // One name per user.
    expect((await api('POST', '/v1/views', { token: org.token, body: { name: 'VIP' } })).status).toBe(409);
    expect((await api('PATCH', `/v1/views/${second.body.data.id}`, { token: org.token, body: { name: 'VIP' } })).status).toBe(
      409,
    );

    expect((await api('DELETE', `/v1/views/${view.id}`, { token: org.token })).status).toBe(200);
    expect((await api('GET', `/v1/views/${view.id}`, { token: org.token })).status).toBe(404);
    const audit = await server.database.db.owner<{ action: string }[]>`
      select action from audit_log where org_id = ${org.orgId} and subject_type = 'view' order by id`;
    expect(audit.map((row) => row.action)).toEqual(['view.create', 'view.update', 'view.create', 'view.delete']);
  });

  it('keeps each user to its own views: another user’s id answers 404', async () => {
    const mine = await api('POST', '/v1/views', { token: org.token, body: { name: 'Mine only' } });
    const colleague = await memberSession(server, org.orgId, 'staff');
    const merchant = await memberSession(server, org.orgId, 'merchant', []);
    const elsewhere = await signedInOrg(server, 'Elsewhere');
    for (const other of [colleague, merchant, elsewhere]) {
      expect((await api('GET', `/v1/views/${mine.body.data.id}`, { token: other.token })).status).toBe(404);
      expect((await api('PATCH', `/v1/views/${mine.body.data.id}`, { token: other.token, body: { name: 'x' } })).status).toBe(
        404,
      );
      expect((await api('DELETE', `/v1/views/${mine.body.data.id}`, { token: other.token })).status).toBe(404);
      expect((await api('GET', '/v1/views', { token: other.token })).body.data).toEqual([]);
    }
    // The same name is free for someone else, and a merchant may keep views too.
    expect((await api('POST', '/v1/views', { token: colleague.token, body: { name: 'Mine only' } })).status).toBe(201);
    expect((await api('POST', '/v1/views', { token: merchant.token, body: { name: 'My store' } })).status).toBe(201);
    expect((await api('GET', `/v1/views/${mine.body.data.id}`, { token: org.token })).status).toBe(200);
  });

  it('keeps at most 100 views a person, so that the list of them stays bounded', async () => {
    const person = await memberSession(server, org.orgId, 'staff');
    const create = (name: string) => api('POST', '/v1/views', { token: person.token, body: { name, sort: '-placed' } });
    const made: string[] = [];
    for (let n = 0; n < 100; n++) {
      const answer = await create(`View ${n}`);
      expect(answer.status).toBe(201);
      made.push(answer.body.data.id);
    }
    const over = await create('One too many');
    expect(over.status).toBe(409);
    expect(over.body.error.message).toContain('delete one');
    // Everyone else keeps their own allowance.
    expect((await api('POST', '/v1/views', { token: org.token, body: { name: 'Owner’s next' } })).status).toBe(201);
    expect((await api('DELETE', `/v1/views/${made[0]}`, { token: person.token })).status).toBe(200);
    expect((await create('One too many')).status).toBe(201);
    expect((await api('GET', '/v1/views', { token: person.token })).body.data).toHaveLength(100);
  });

  it('validates filters, sort and columns by the order list’s names', async () => {
    for (const body of [
      { name: '' },
      { name: 'x', filters: { colour: 'red' } },
      { name: 'x', filters: { store: ['not-a-uuid'] } },
      { name: 'x', filters: { placedFrom: 'yesterday' } },
      { name: 'x', filters: { q: 'ab' } },
      { name: 'x', sort: 'price' },
      { name: 'x', columns: ['password'] },
      { name: 'x', extra: true },
    ]) {
      const answer = await api('POST', '/v1/views', { token: org.token, body });
      expect(answer.status, JSON.stringify(body)).toBe(400);
    }
    expect((await api('GET', '/v1/views/not-a-uuid', { token: org.token })).status).toBe(404);
  });
});
