import { expect } from 'chai';
import type * as Dockhand from '../index.ts';
import { cleanup, createFixture, until, type Fixture } from '../testing/fixture.ts';

/**
 * An ERP page on its own origin: the elements come from one script tag and call the bridge server
 * at its own address, another port and so another origin than this page's (the runner lists this
 * page's origin in the bridge's DOCKHAND_CORS_ORIGINS). Nothing is forwarded by the dev server here.
 */
interface CrossOriginFixture extends Fixture {
  /** The bridge server's own address. */
  bridgeUrl: string;
}

const BUNDLE = '/__dockhand/dockhand.js';

/** Adds the module script tag a host page adds, and answers what it exports (the same module instance). */
async function loadDockhand(): Promise<typeof Dockhand> {
  await new Promise<void>((resolve, reject) => {
    const script = Object.assign(document.createElement('script'), { type: 'module', src: BUNDLE });
    script.addEventListener('load', () => resolve(), { once: true });
    script.addEventListener('error', () => reject(new Error(`${BUNDLE} did not load`)), { once: true });
    document.head.append(script);
  });
  return (await import(/* @vite-ignore */ BUNDLE)) as typeof Dockhand;
}

/** What fetch does when the browser's CORS check fails: a TypeError, the answer withheld from the page. */
async function blocked(request: Promise<Response>): Promise<boolean> {
  try {
    await request;
    return false;
  } catch (error) {
    return error instanceof TypeError;
  }
}

describe('the elements on a page of another origin than the bridge server', () => {
  let dockhand: typeof Dockhand;
  let fixture: CrossOriginFixture;

  before(async () => {
    dockhand = await loadDockhand();
    fixture = (await createFixture({ orders: 5, stores: 1 })) as CrossOriginFixture;
    expect(fixture.bridgeUrl, 'the fixture names the bridge server’s own address').to.be.a('string');
    expect(new URL(fixture.bridgeUrl).origin).to.not.equal(location.origin);
  });
  afterEach(cleanup);

  it('show the bridge’s orders through <dh-provider base-url> and a token', async () => {
    performance.clearResourceTimings();
    document.body.innerHTML = `<dh-provider base-url="${fixture.bridgeUrl}" token="${fixture.token}"><dh-order-table></dh-order-table></dh-provider>`;
    const table = document.querySelector('dh-order-table')!;
    await until(() => (table.shadowRoot?.querySelectorAll('.body [role=row]').length ?? 0) === 5, 10_000, 'five rows');
    // The rows came from the bridge's origin itself, not through this page's origin.
    const calls = performance.getEntriesByType('resource').map((entry) => entry.name);
    expect(calls.some((url) => url.startsWith(`${fixture.bridgeUrl}/v1/orders`))).to.equal(true);
    expect(calls.some((url) => url.startsWith(`${location.origin}/v1/`))).to.equal(false);
  });

  it('read error answers as the envelope, and the headers the client needs', async () => {
    const client = new dockhand.ApiClient(fixture.bridgeUrl, dockhand.TokenHost.fixed(fixture.token));
    const answer = await client.fetch('GET', '/v1/auth/me');
    expect(answer.headers.get('x-request-id')).to.match(/^[\w.-]{8,}$/);

    const missing = await client.get('/v1/orders/{id}', { params: { id: crypto.randomUUID() } }).catch((error: unknown) => error);
    expect(missing).to.be.instanceOf(dockhand.ApiError);
    expect(missing).to.include({ status: 404, code: 'NOT_FOUND' });
    expect((missing as Dockhand.ApiError).requestId).to.be.a('string');

    const stranger = new dockhand.ApiClient(fixture.bridgeUrl, dockhand.TokenHost.fixed('not-a-token'));
    const refused = await stranger.get('/v1/orders').catch((error: unknown) => error);
    expect(refused).to.be.instanceOf(dockhand.ApiError);
    expect(refused).to.include({ status: 401, code: 'UNAUTHORIZED' });
  });

  it('stream events over fetch, and resume with Last-Event-ID', async () => {
    const stream = new dockhand.EventStream(new dockhand.ApiClient(fixture.bridgeUrl, dockhand.TokenHost.fixed(fixture.token)));
    let stop = stream.on('*', () => {});
    try {
      await until(() => stream.state === 'open', 10_000, 'the stream');
      await until(() => stream.lastEventId !== undefined, 10_000, 'the ready event');
      stop();
      // Connecting again sends Last-Event-ID, a header the preflight must allow.
      const states: string[] = [];
      stream.onState((state) => states.push(state));
      stop = stream.on('*', () => {});
      await until(() => stream.state === 'open', 10_000, 'the resumed stream');
      expect(states).to.not.include('waiting');
    } finally {
      stop();
    }
  });

  it('cannot reach the refresh-cookie routes, nor send credentials', async () => {
    expect(await blocked(fetch(`${fixture.bridgeUrl}/v1/auth/refresh`, { method: 'POST' }))).to.equal(true);
    expect(
      await blocked(
        fetch(`${fixture.bridgeUrl}/v1/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: fixture.email, password: fixture.password }),
        }),
      ),
    ).to.equal(true);
    const bearer = { authorization: `Bearer ${fixture.token}` };
    expect(await blocked(fetch(`${fixture.bridgeUrl}/v1/auth/me`, { headers: bearer, credentials: 'include' }))).to.equal(true);
    // The same call without credentials is let through: what was refused is the credentials.
    expect((await fetch(`${fixture.bridgeUrl}/v1/auth/me`, { headers: bearer })).status).to.equal(200);
  });
});
