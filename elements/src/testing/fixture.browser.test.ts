import { expect } from 'chai';
import { callApi, createFixture } from './fixture.ts';

describe('the browser test fixture', () => {
  it('reaches a real bridge server through the page origin with a fresh organization', async () => {
    const fixture = await createFixture({ orders: 10 });
    const me = await callApi<{ data: { email: string } }>(fixture, 'GET', '/v1/auth/me');
    expect(me.status).to.equal(200);
    expect(me.body.data.email).to.equal(fixture.email);
    expect(fixture.storeIds).to.have.length(2);
  });
});
