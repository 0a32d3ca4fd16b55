import { expect } from 'chai';
import { ApiClient, ApiError } from './api-client.ts';
import { EventStream, retryDelay, type StreamEvent } from './event-stream.ts';
import { TokenHost } from '../hosts/token-host.ts';
import { callApi, changeWooOrder, createFixture, until } from '../testing/fixture.ts';

describe('EventStream (SSE over fetch)', () => {
  it('resumes with Last-Event-ID after a drop and gets every missed event once, in order', async () => {
    const fixture = await createFixture({ woo: true, stores: 1 });
    const woo = fixture.woo!;
    const { body } = await callApi<{ data: Array<{ platformId: string; status: string }> }>(
      fixture,
      'GET',
      `/v1/orders?store=${woo.storeId}&limit=3`,
    );
    // A status each order does not have yet, so every change is a real one.
    const change = (index: number) => {
      const order = body.data[index]!;
      return changeWooOrder({
        siteId: woo.siteId,
        orderId: Number(order.platformId),
        status: order.status === 'on-hold' ? 'processing' : 'on-hold',
      });
    };
    const stream = new EventStream(new ApiClient('', TokenHost.fixed(fixture.token)));
    const seen: StreamEvent[] = [];
    let stop = stream.on('order.*', (event) => seen.push(event));
    await until(() => stream.state === 'open', 5_000, 'the stream');
    await until(() => stream.lastEventId !== undefined, 5_000, 'the ready event');

    await change(0);
    await until(() => seen.length >= 1, 5_000, 'the first event');
    stop();
    // Kept a moment for a listener that comes straight back, then closed.
    expect(stream.state).to.equal('open');
    await until(() => stream.state === 'idle', 5_000, 'the stream to close');

    // While nobody listens (the connection is closed), two more changes happen.
    const missedFrom = seen.length;
    await change(1);
    await change(2);

    stop = stream.on('order.*', (event) => seen.push(event));
    await until(() => seen.length >= missedFrom + 2, 10_000, 'the missed events');
    stop();
    const ids = seen.map((event) => BigInt(event.id));
    expect(new Set(ids.map(String)).size, 'no event twice').to.equal(ids.length);
    expect([...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).to.deep.equal(ids);
    expect(seen.slice(missedFrom).map((event) => event.type)).to.deep.equal(['order.updated', 'order.updated']);
  });

  it('backs off and tries again while the server refuses, without giving up', async () => {
    const stream = new EventStream(new ApiClient('', TokenHost.fixed('not-a-token')), { minDelayMs: 20, maxDelayMs: 200 });
    const states: string[] = [];
    stream.onState((state) => states.push(state));
    const stop = stream.on('*', () => {});
    await until(() => states.filter((state) => state === 'connecting').length >= 3, 5_000, 'three attempts');
    stop();
    expect(states).to.include('waiting');
    await until(() => stream.state === 'idle', 5_000, 'the stream to close');
  });

  it('keeps its connection for a listener that comes straight back, and never reopens once disposed', async () => {
    const fixture = await createFixture({ stores: 1 });
    const stream = new EventStream(new ApiClient('', TokenHost.fixed(fixture.token)));
    let stop = stream.on('*', () => {});
    await until(() => stream.state === 'open', 5_000, 'the stream');
    const states: string[] = [];
    stream.onState((state) => states.push(state));
    stop();
    stop = stream.on('*', () => {});
    // The same connection: it was neither closed nor opened again.
    expect(states).to.deep.equal([]);
    expect(stream.state).to.equal('open');
    stream.dispose();
    expect(stream.state).to.equal('idle');
    stop();
    stream.on('*', () => {});
    expect(stream.state).to.equal('idle');
  });

  it('waits what a refusal’s Retry-After says, and backs off after refusals whatever the server’s retry: said', () => {
    const base = { minDelayMs: 500, maxDelayMs: 30_000, serverRetryMs: 2_000, random: 0.999 };
    // A stream that ended: the server's retry: (jittered down to half at most).
    expect(retryDelay({ ...base, attempt: 6 })).to.be.within(1_000, 2_000);
    // Refused: the backoff, not the retry: of an earlier stream.
    const refused = new ApiError(401, 'UNAUTHORIZED', 'expired');
    expect(retryDelay({ ...base, attempt: 6, refusal: refused })).to.be.within(15_000, 30_000);
    // Too many open streams: never sooner than Retry-After, even past maxDelayMs.
    const full = new ApiError(429, 'RATE_LIMITED', 'Too many open event streams', { retryAfter: 10 });
    expect(retryDelay({ ...base, attempt: 0, refusal: full, random: 0 })).to.equal(10_000);
    expect(retryDelay({ ...base, attempt: 0, maxDelayMs: 5_000, refusal: full })).to.equal(10_000);
    const unavailable = new ApiError(503, 'SERVICE_UNAVAILABLE', 'database away', { retryAfter: 45 });
    expect(retryDelay({ ...base, attempt: 9, refusal: unavailable })).to.equal(45_000);
    // A network failure carries no Retry-After: the backoff alone.
    expect(retryDelay({ ...base, attempt: 1, refusal: new TypeError('Failed to fetch'), random: 0 })).to.equal(500);
  });
});
