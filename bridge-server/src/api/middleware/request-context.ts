import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { Histogram } from 'prom-client';
import type { RequestLocals } from '../context.ts';

const CLIENT_REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;

/**
 * Gives every request an id (the caller's X-Request-Id when it is sane), echoes it on the
 * response, and writes one JSON log line per request carrying org and user ids.
 */
export function requestContext(logger: Logger, duration: Histogram<'method' | 'route' | 'status'>): RequestHandler {
  return (req, res, next) => {
    const incoming = req.get('x-request-id');
    const requestId = incoming && CLIENT_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    (res.locals as RequestLocals).requestId = requestId;
    res.setHeader('X-Request-Id', requestId);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      // The matched route pattern keeps label cardinality bounded; unmatched paths share one label.
      const route = req.route?.path ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched';
      duration.observe({ method: req.method, route, status: String(res.statusCode) }, seconds);
      const principal = (res.locals as RequestLocals).principal;
      logger.info(
        {
          requestId,
          method: req.method,
          // The full path, mount prefix included (req.path is relative to the router); never the
          // query string, which can carry tokens (connect_token, id_token, code…).
          path: req.originalUrl.split('?', 1)[0],
          status: res.statusCode,
          ms: Math.round(seconds * 1000 * 10) / 10,
          orgId: principal?.orgId,
          userId: principal?.userId,
        },
        'request',
      );
    });
    next();
  };
}
