import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import type { Config } from '../config/env.ts';
import { ApiError, ForbiddenError, NotFoundError, UnauthorizedError } from './errors.ts';

/** The Prometheus registry of one server and the request-duration histogram fed into it. */
export interface HttpMetrics {
  registry: Registry;
  duration: Histogram<'method' | 'route' | 'status'>;
}

export function createHttpMetrics(): HttpMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'dockhand_' });
  const duration = new Histogram({
    name: 'dockhand_http_request_duration_seconds',
    help: 'HTTP request duration by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  return { registry, duration };
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/** 127.0.0.0/8 and ::1, also as IPv4-mapped IPv6. */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const bare = address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
  return bare === '::1' || (isIP(bare) === 4 && bare.startsWith('127.'));
}

/**
 * Who may read /metrics (it shows traffic by route, memory and process details):
 * - `DOCKHAND_METRICS_TOKEN` set: only requests with `Authorization: Bearer <token>`;
 * - otherwise on the main port: only loopback clients. `req.ip` honours X-Forwarded-For from a
 *   loopback proxy, so traffic relayed by a local reverse proxy is not mistaken for local;
 * - otherwise on `DOCKHAND_METRICS_PORT`: whoever can reach that port (keep it internal).
 */
export function metricsAccess(metrics: Config['metrics'], onOwnPort: boolean): RequestHandler {
  const expected = metrics.token === undefined ? undefined : digest(metrics.token);
  return (req, _res, next) => {
    if (expected) {
      const presented = /^Bearer (.+)$/i.exec(req.get('authorization') ?? '')?.[1];
      if (!presented || !timingSafeEqual(digest(presented), expected)) {
        throw new UnauthorizedError('/metrics needs Authorization: Bearer <DOCKHAND_METRICS_TOKEN>');
      }
    } else if (!onOwnPort && !isLoopbackAddress(req.ip)) {
      throw new ForbiddenError(
        '/metrics answers loopback clients only; set DOCKHAND_METRICS_TOKEN or DOCKHAND_METRICS_PORT to scrape it from elsewhere',
      );
    }
    next();
  };
}

export function metricsHandler(registry: Registry): RequestHandler {
  return async (_req, res) => {
    res.type(registry.contentType).send(await registry.metrics());
  };
}

/** The app served on DOCKHAND_METRICS_PORT: /metrics and nothing else. */
export function metricsOnlyApp(metrics: Config['metrics'], registry: Registry) {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.get('/metrics', metricsAccess(metrics, true), metricsHandler(registry));
  app.use((req) => {
    throw new NotFoundError(`Route ${req.method} ${req.path}`);
  });
  const errorHandler: ErrorRequestHandler = (error: unknown, _req, res, _next) => {
    const answer = error instanceof ApiError ? error : new ApiError('INTERNAL_ERROR', 'Something went wrong on our side');
    res.status(answer.status).json({
      error: { code: answer.code, message: answer.message, details: answer.details, requestId: randomUUID() },
    });
  };
  app.use(errorHandler);
  return app;
}
