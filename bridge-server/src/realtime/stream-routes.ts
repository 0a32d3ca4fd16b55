import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { AppContext } from '../api/context.ts';
import { principalOf } from '../api/context.ts';
import { ApiError, BadRequestError, RateLimitedError } from '../api/errors.ts';
import { principalOfBearer } from '../api/middleware/authenticate.ts';
import { documentRoute } from '../api/openapi.ts';
import { authorize, can } from '../api/policy.ts';
import { parseInput } from '../api/validate.ts';
import { readWithPrincipal, type Principal } from '../db/principal.ts';
import { statement } from '../db/statement.ts';
import { audienceKey, eventHorizon, type StreamEvent, type Subscriber } from './event-hub.ts';
import { EVENT_TYPES } from './outbox.ts';

/** A stream whose client reads slower than this many bytes behind is ended; it resumes with Last-Event-ID. */
const MAX_BUFFERED_BYTES = 1 << 20;

/** When a refused stream is told to try again: a slot frees only when another stream ends. */
const STREAM_RETRY_AFTER_SECONDS = 10;

/** The largest event id there can be (a PostgreSQL bigint); a larger one could only be made up. */
const LARGEST_EVENT_ID = 2n ** 63n - 1n;
const isEventId = (value: string) => /^\d{1,19}$/.test(value) && BigInt(value) <= LARGEST_EVENT_ID;
const streamQuery = z.object({
  lastEventId: z.string().refine(isEventId, 'must be an event id').optional().meta({
    description: 'Resume after this event id when the client cannot send the `Last-Event-ID` header (the header wins).',
  }),
});

const eventData = z
  .object({
    type: z.enum(EVENT_TYPES),
    id: z.string(),
    storeId: z.uuid().nullable(),
    subjectId: z.string().nullable(),
    data: z.record(z.string(), z.unknown()),
    createdAt: z.string(),
  })
  .meta({ id: 'StreamEvent' });

documentRoute({
  method: 'get',
  path: '/v1/stream',
  summary: 'Live events (Server-Sent Events) of the organization; a merchant sees its own stores only',
  description: [
    'A `text/event-stream`. Each event is `id: <id>`, `event: <type>` and `data:` one JSON `StreamEvent`',
    `(types: ${EVENT_TYPES.join(', ')}). Ids grow; resume with the \`Last-Event-ID\` header (or`,
    '`?lastEventId=`): every event after it is sent once, in order. Without it the stream starts now and',
    'first sends `event: ready` whose `id:` is the last event id, to resume from later. When events after the',
    'given id were already pruned (older than the retention window, `DOCKHAND_EVENT_RETENTION_HOURS`, default',
    '24 h), the first event is `event: reset` (with the current id): reload what is shown, then carry on.',
    'A `: ping` comment is sent every 15 s, and the access token is checked again each time: when it has expired',
    'or its session ended, an `event: error` (`{"code":"UNAUTHORIZED"}`) ends the stream; reconnect with a new',
    'token and the last id. Authenticate with `Authorization: Bearer` (use a fetch-based SSE client in browsers).',
    'One server holds at most `DOCKHAND_STREAMS_PER_USER` open streams of a user (default 20) and',
    '`DOCKHAND_STREAMS_PER_ORG` of an organization (default 1000); past either, the stream is refused with 429.',
  ].join(' '),
  tags: ['stream'],
  query: streamQuery,
  response: eventData,
  responseMediaType: 'text/event-stream',
  errors: {
    403: 'The role may not read the stream',
    429: 'Rate limited, or the user or the organization already holds as many open streams on this server as it may (`Retry-After`)',
  },
});

/** One SSE message; `data` is a single line of JSON. */
export function sseMessage(event: string, data: unknown, id?: string): string {
  return `${id === undefined ? '' : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * Where a new stream starts, and what it says first. "Now" is the organization's event horizon
 * (see eventHorizon): an event committed after it has a larger id, so none is skipped.
 */
async function startingPoint(
  ctx: AppContext,
  principal: Principal,
  lastEventId: string | undefined,
): Promise<{ cursor: bigint; first: string }> {
  const [[mark], last] = await Promise.all([
    readWithPrincipal<{ pruned_through: string }>(
      ctx.db,
      principal,
      statement`select coalesce((select pruned_through from event_horizons where org_id = ${principal.orgId}), 0)::text as pruned_through`,
    ),
    eventHorizon(ctx.db, principal.orgId),
  ]);
  if (lastEventId === undefined) {
    return { cursor: last, first: sseMessage('ready', { lastEventId: last.toString() }, last.toString()) };
  }
  const resumeAfter = BigInt(lastEventId);
  if (resumeAfter < BigInt(mark!.pruned_through)) {
    // Events after it are gone: the client must reload, then follow from now.
    return {
      cursor: last,
      first: sseMessage('reset', { lastEventId: last.toString(), requested: lastEventId }, last.toString()),
    };
  }
  return { cursor: resumeAfter, first: sseMessage('ready', { lastEventId: lastEventId, resumed: true }) };
}

const toWire = (event: StreamEvent) =>
  sseMessage(
    event.type,
    {
      type: event.type,
      id: event.id,
      storeId: event.storeId,
      subjectId: event.subjectId,
      data: event.data,
      createdAt: event.createdAt,
    },
    event.id,
  );

export function streamRoutes(ctx: AppContext): Router {
  const router = Router();

  router.get('/', authorize('GET /v1/stream'), async (req: Request, res: Response) => {
    const query = parseInput(streamQuery, req.query, 'query');
    const header = req.get('last-event-id');
    if (header !== undefined && !isEventId(header.trim())) {
      throw new BadRequestError('Last-Event-ID must be an event id', { header: 'Last-Event-ID' });
    }
    const lastEventId = header?.trim() ?? query.lastEventId;
    let principal = principalOf(res);
    const slot = ctx.realtime.slots.take(principal);
    if ('refused' in slot) {
      const { scope, limit } = slot.refused;
      throw new RateLimitedError(
        `Too many open event streams for this ${scope} on this server (${limit}); end one, or resume it with Last-Event-ID`,
        STREAM_RETRY_AFTER_SECONDS,
      );
    }

    let ended = false;
    let heartbeat: NodeJS.Timeout | undefined = undefined;
    let unsubscribe: () => void = () => {};
    const end = (last?: string) => {
      if (ended) return;
      ended = true;
      clearInterval(heartbeat);
      unsubscribe();
      slot.release();
      // Until the stream's headers are out, the error handler answers, not the stream.
      if (res.headersSent && !res.writableEnded) {
        if (last) res.write(last);
        res.end();
      }
    };
    // Watched from the start: a client that leaves while the stream opens must not leave a
    // subscription (and its slot) behind for a response nobody reads. It may have left already,
    // while it was being authenticated: its connection is then closed, and no `close` will come.
    res.on('close', () => end());
    if (req.socket.destroyed) end();

    let start: Awaited<ReturnType<typeof startingPoint>>;
    try {
      // Listening before the starting point is read: nothing committed after it can be missed.
      await ctx.realtime.start();
      start = await startingPoint(ctx, principal, lastEventId);
    } catch (error) {
      end();
      throw error;
    }
    if (ended) return;

    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache, no-transform');
    res.setHeader('X-Accel-Buffering', 'no');
    res.setHeader('Connection', 'keep-alive');
    res.flushHeaders();
    req.socket.setNoDelay(true);
    res.write(`retry: 2000\n${start.first}`);

    const subscriber: Subscriber = {
      principal,
      cursor: start.cursor,
      deliver: (events) => {
        if (ended) return;
        res.write(events.map(toWire).join(''));
        if (res.writableLength > MAX_BUFFERED_BYTES) {
          ctx.logger.info({ principal: principal.subject }, 'event stream client too slow; ending its stream');
          end();
        }
      },
      accessChanged: () => void recheck(),
    };
    const join = () => {
      unsubscribe = ctx.realtime.subscribe(subscriber, () => end());
    };

    let checking = false;
    let checkAgain = false;
    /**
     * The token is checked again on every heartbeat, and as soon as its member's access changes:
     * an expired or revoked one ends the stream. A change heard during a check (which may have
     * read the state before it) is checked again after it.
     */
    const recheck = async () => {
      if (ended) return;
      if (checking) {
        checkAgain = true;
        return;
      }
      checking = true;
      try {
        const now = await principalOfBearer(ctx.accessTokens, req.get('authorization'));
        if (ended) return;
        if (!can(now, 'stream.read')) {
          end(sseMessage('error', { code: 'FORBIDDEN', message: 'Your role may not stream.read' }));
          return;
        }
        if (audienceKey(now) !== audienceKey(principal)) {
          // Its stores changed: it now sees another set of events, from its cursor on.
          unsubscribe();
          principal = now;
          subscriber.principal = now;
          join();
        }
      } catch (error) {
        if (error instanceof ApiError && error.code === 'UNAUTHORIZED') {
          end(sseMessage('error', { code: error.code, message: error.message, details: error.details }));
        } else {
          // The database is away: the stream stays; the next heartbeat checks again.
          ctx.logger.warn({ err: error }, 'could not re-check an event stream token');
        }
      } finally {
        checking = false;
        if (checkAgain) {
          checkAgain = false;
          void recheck();
        }
      }
    };
    heartbeat = setInterval(() => {
      if (ended) return;
      res.write(': ping\n\n');
      void recheck();
    }, ctx.config.events.heartbeatMs);

    join();
  });

  return router;
}
