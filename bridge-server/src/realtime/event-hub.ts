import type { Logger } from 'pino';
import type { Database, Listener } from '../db/database.ts';
import { readWithPrincipal, systemPrincipal, type Principal } from '../db/principal.ts';
import { statement } from '../db/statement.ts';
import { EVENTS_CHANNEL, type EventType } from './outbox.ts';
import { StreamSlots, type StreamLimits } from './stream-slots.ts';

/** An event as /v1/stream sends it. */
export interface StreamEvent {
  id: string;
  type: EventType;
  storeId: string | null;
  subjectId: string | null;
  data: Record<string, unknown>;
  createdAt: string;
}

/** One open stream. */
export interface Subscriber {
  principal: Principal;
  /** The last id delivered to it: it is sent every event after this, in id order. */
  cursor: bigint;
  deliver(events: readonly StreamEvent[]): void;
  /**
   * Its member's access has just changed (disabled, signed out, another role or other stores;
   * migration 0026 announces it): check the token again now rather than at the next heartbeat.
   */
  accessChanged?(): void;
}

/** How a change to a member's access is announced on the events channel: `access:<org>:<user>`. */
const ACCESS_PREFIX = 'access:';

interface EventRow {
  id: string;
  type: EventType;
  store_id: string | null;
  subject_id: string | null;
  data: Record<string, unknown>;
  created_at: Date;
}

/** A page of events with the horizon it was read up to; a page with no event is one row of nulls. */
type EventPageRow = { horizon: string } & (EventRow | { [K in keyof EventRow]: null });

/** Rows read per round trip when catching up. */
const PAGE = 500;

/**
 * The subscribers that see exactly the same events (one organization, the same store scope):
 * one read through row-level security, as one of them, serves them all.
 */
class Audience {
  readonly subscribers = new Set<Subscriber>();
  constructor(
    readonly key: string,
    readonly principal: Principal,
  ) {}

  cursor(): bigint {
    let low: bigint | undefined;
    for (const subscriber of this.subscribers) if (low === undefined || subscriber.cursor < low) low = subscriber.cursor;
    return low ?? 0n;
  }
}

/** One organization's audiences in this process, and its passes (never two at once). */
class OrgFeed {
  readonly audiences = new Map<string, Audience>();
  running = false;
  again = false;
  constructor(readonly orgId: string) {}
}

/** What decides which events a principal sees (see the policies on `events`). */
export const audienceKey = (principal: Principal) =>
  `${principal.orgId}|${principal.storeIds === 'all' ? '*' : [...principal.storeIds].sort().join(',')}`;

/**
 * The highest event id of an organization below which nothing can still appear: its event
 * counter (migration 0018) as committed. A writer holds the counter's row from the moment it
 * draws its ids until it commits (see outbox.ts), so the writers of an organization commit in id
 * order: once a value of the counter is committed, every id up to it is committed too, or rolled
 * back for good, and an id drawn later is larger. One read, waiting for nobody: a writer in
 * flight is simply not counted yet. (It waited: the stream took an advisory lock exclusively
 * that every writer held shared until its commit, so each pass queued behind the writers in
 * flight and every new writer queued behind the pass.)
 */
export async function eventHorizon(db: Database, orgId: string): Promise<bigint> {
  const [row] = await readWithPrincipal<{ last: string }>(
    db,
    systemPrincipal(orgId, 'stream'),
    statement`select ${horizonOf(orgId)}::text as last`,
  );
  return BigInt(row!.last);
}

/** The expression eventHorizon reads, for a statement that reads events up to it in the same snapshot. */
const horizonOf = (orgId: string) => statement`coalesce((select c.last from event_counters c where c.org_id = ${orgId}), 0)`;

/**
 * The fan-out of one server process. One LISTEN connection hears every organization's
 * `orgId:id` notifications. On one, a pass over that organization has each of its audiences
 * read the events after its lowest cursor up to the organization's horizon (see eventHorizon),
 * once, in one statement through readWithPrincipal (row-level security decides what it sees),
 * and hand each subscriber the part after its own cursor. An organization's passes never overlap:
 * notifications during one are served by a single next pass. A lost notification costs only
 * latency: reads are `id > cursor`, and every organization is passed over again on each tick
 * and after the listening connection comes back.
 */
export class EventHub {
  private readonly feeds = new Map<string, OrgFeed>();
  private listening: Promise<Listener> | undefined;
  private tick: NodeJS.Timeout | undefined;
  private pruning: NodeJS.Timeout | undefined;
  private closed = false;
  /** Set once the server stops: a stream that finishes opening after that ends at once. */
  private ending = false;
  /** Streams to end when the server stops (they would otherwise keep it open). */
  private readonly closers = new Set<() => void>();
  /** How many streams each user and organization holds open here, against their limits. */
  readonly slots: StreamSlots;

  constructor(
    private readonly db: Database,
    private readonly logger: Logger,
    private readonly options: { tickMs: number; retentionHours: number; streams: StreamLimits },
  ) {
    this.slots = new StreamSlots(options.streams);
  }

  /** Starts listening (once); a stream calls it before it reads its starting point. */
  async start(): Promise<void> {
    this.listening ??= this.db
      .listen(EVENTS_CHANNEL, {
        onNotify: (payload) => this.notified(payload),
        onListening: () => this.passAll(),
        onError: (error) => this.logger.warn({ err: error }, 'event listener reconnection failed; retrying'),
      })
      .then((listener) => {
        this.tick ??= setInterval(() => this.passAll(), this.options.tickMs);
        this.tick.unref();
        return listener;
      })
      .catch((error: unknown) => {
        this.listening = undefined;
        throw error;
      });
    await this.listening;
  }

  /** Adds a stream and reads what it has not been sent yet. Answers how to remove it. */
  subscribe(subscriber: Subscriber, close: () => void): () => void {
    if (this.ending) {
      // It was still authenticating when the server began to stop: it would hold the server open.
      close();
      return () => {};
    }
    const { orgId } = subscriber.principal;
    const feed = this.feeds.get(orgId) ?? new OrgFeed(orgId);
    this.feeds.set(orgId, feed);
    const key = audienceKey(subscriber.principal);
    const audience = feed.audiences.get(key) ?? new Audience(key, subscriber.principal);
    feed.audiences.set(key, audience);
    audience.subscribers.add(subscriber);
    this.closers.add(close);
    this.pass(feed);
    return () => {
      this.closers.delete(close);
      audience.subscribers.delete(subscriber);
      if (audience.subscribers.size === 0 && feed.audiences.get(key) === audience) feed.audiences.delete(key);
      if (feed.audiences.size === 0 && this.feeds.get(orgId) === feed) this.feeds.delete(orgId);
    };
  }

  /** How many streams are open in this process. */
  get size(): number {
    return this.closers.size;
  }

  /**
   * Prunes events older than the retention window every `everyMs` (and once soon after the
   * start). Every server does; the database lets one at a time work (dockhand.prune_events).
   */
  startPruning(everyMs = 10 * 60_000, firstAfterMs = 60_000): void {
    if (this.pruning || this.closed) return;
    const prune = () => {
      void this.prune().catch((error: unknown) => this.logger.warn({ err: error }, 'pruning events failed'));
    };
    const first = setTimeout(() => {
      prune();
      this.pruning = setInterval(prune, everyMs);
      this.pruning.unref();
    }, firstAfterMs);
    first.unref();
    this.pruning = first;
  }

  /** Removes the events older than the retention window; answers how many went. */
  async prune(): Promise<number> {
    const [row] = await this.db.app<{ removed: string }[]>`
      select dockhand.prune_events(${this.options.retentionHours} * interval '1 hour')::text as removed`;
    const removed = Number(row!.removed);
    if (removed > 0) this.logger.info({ removed, retentionHours: this.options.retentionHours }, 'pruned events');
    return removed;
  }

  /** Ends every open stream (their clients reconnect, with Last-Event-ID, to another server). */
  endStreams(): void {
    this.ending = true;
    for (const close of [...this.closers]) close();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.tick);
    clearInterval(this.pruning);
    clearTimeout(this.pruning);
    this.endStreams();
    const listening = this.listening;
    this.listening = undefined;
    if (listening) await listening.then((listener) => listener.close()).catch(() => {});
  }

  private notified(payload: string): void {
    if (payload.startsWith(ACCESS_PREFIX)) {
      const [orgId, userId] = payload.slice(ACCESS_PREFIX.length).split(':');
      for (const audience of this.feeds.get(orgId!)?.audiences.values() ?? []) {
        for (const subscriber of audience.subscribers) {
          if (subscriber.principal.userId === userId) subscriber.accessChanged?.();
        }
      }
      return;
    }
    const feed = this.feeds.get(payload.slice(0, payload.indexOf(':')));
    if (feed) this.pass(feed);
  }

  private passAll(): void {
    for (const feed of this.feeds.values()) this.pass(feed);
  }

  private pass(feed: OrgFeed): void {
    if (this.closed) return;
    if (feed.running) {
      feed.again = true;
      return;
    }
    feed.running = true;
    feed.again = false;
    void Promise.all([...feed.audiences.values()].map((audience) => this.drain(audience)))
      .catch((error: unknown) => {
        // The next notification or tick tries again from the same cursors.
        this.logger.warn({ err: error, orgId: feed.orgId }, 'reading events for the stream failed');
      })
      .finally(() => {
        feed.running = false;
        if (feed.again) this.pass(feed);
      });
  }

  /**
   * Reads the audience's events after its lowest cursor, a page at a time. Each page is read up
   * to the horizon (see eventHorizon) that the same statement reads, in the same snapshot: every
   * event up to it is there to be read, and none can still appear below it. (`offset 0` keeps the
   * planner from copying the horizon's subquery into the page's, which read the counter twice.)
   */
  private async drain(audience: Audience): Promise<void> {
    const { orgId } = audience.principal;
    for (;;) {
      const after = audience.cursor();
      if (audience.subscribers.size === 0) return;
      const rows = await readWithPrincipal<EventPageRow>(
        this.db,
        audience.principal,
        statement`
          select h.horizon::text as horizon, e.id::text as id, e.type, e.store_id, e.subject_id, e.data, e.created_at
          from (select ${horizonOf(orgId)} as horizon offset 0) h
          left join lateral (
            select id, type, store_id, subject_id, data, created_at from events
            where org_id = ${orgId} and id > ${after.toString()} and id <= h.horizon
            order by events.id limit ${PAGE}
          ) e on true
          order by e.id`,
      );
      const events = rows.filter((row): row is EventPageRow & EventRow => row.id !== null);
      // Nothing after the cursor up to the horizon is still to come: everyone is past it.
      const through = events.length < PAGE ? BigInt(rows[0]!.horizon) : BigInt(events[events.length - 1]!.id);
      deliver(audience, after, through, events.map(toStreamEvent));
      if (events.length < PAGE) return;
    }
  }
}

function toStreamEvent(row: EventRow): StreamEvent {
  return {
    id: row.id,
    type: row.type,
    storeId: row.store_id,
    subjectId: row.subject_id,
    data: row.data,
    createdAt: row.created_at.toISOString(),
  };
}

/**
 * Hands each subscriber the events after its cursor, and moves every cursor the read covered
 * to `through`. One that joined during the read with an older cursor is left for the next pass
 * (its join asked for one): this read did not cover what it lacks.
 */
function deliver(audience: Audience, after: bigint, through: bigint, events: StreamEvent[]): void {
  for (const subscriber of [...audience.subscribers]) {
    if (subscriber.cursor >= through || subscriber.cursor < after) continue;
    const cursor = subscriber.cursor;
    const unseen = events.filter((event) => BigInt(event.id) > cursor);
    subscriber.cursor = through;
    if (unseen.length > 0) subscriber.deliver(unseen);
  }
}
