import express, { type ErrorRequestHandler } from 'express';
import helmet from 'helmet';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import { requestIdOf, type AppContext } from './context.ts';
import { ApiError, BadRequestError, NotFoundError, PayloadTooLargeError } from './errors.ts';
import { authenticate } from './middleware/authenticate.ts';
import { DEFAULT_RATE_LIMITS, rateLimits, type RateLimitOptions } from './middleware/rate-limit.ts';
import { requestContext } from './middleware/request-context.ts';
import { authRoutes } from './routes/auth-routes.ts';
import { storeRoutes } from './routes/store-routes.ts';
import { systemRoutes } from './routes/system-routes.ts';
import { userRoutes } from './routes/user-routes.ts';
import { webhookRoutes } from '../ingest/webhook-routes.ts';
import { wooCommerceConnectRoutes } from '../platforms/woocommerce/connect-routes.ts';
import { shopifyInstallRoutes } from '../platforms/shopify/install-routes.ts';

export interface AppOptions {
  rateLimits?: Partial<RateLimitOptions>;
}

/** Errors raised by body-parser carry a `type`; these are the client's fault. */
function bodyParserError(error: unknown, limit: string): ApiError | undefined {
  const type = (error as { type?: string } | null)?.type;
  if (type === 'entity.too.large') return new PayloadTooLargeError(limit);
  if (type === 'entity.parse.failed') return new BadRequestError('The request body is not valid JSON');
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') return new BadRequestError('Unsupported body encoding');
  if (type === 'request.aborted') return new BadRequestError('The request was aborted');
  return undefined;
}

export function createApp(ctx: AppContext, options: AppOptions = {}) {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.set('query parser', 'simple');

  const metrics = new Registry();
  collectDefaultMetrics({ register: metrics, prefix: 'dockhand_' });
  const duration = new Histogram({
    name: 'dockhand_http_request_duration_seconds',
    help: 'HTTP request duration by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [metrics],
  });

  app.use(requestContext(ctx.logger, duration));
  // Platform-to-server traffic, the hottest path: raw bodies and signatures, mounted before
  // any JSON parser; browser security headers mean nothing to a webhook sender.
  app.use('/webhooks', webhookRoutes(ctx));
  app.use(helmet());
  app.use(systemRoutes(ctx, metrics));

  const limits = rateLimits(ctx.redis, { ...DEFAULT_RATE_LIMITS, ...options.rateLimits });
  app.use('/v1', limits.perIp, express.json({ limit: ctx.config.bodyLimit, strict: true }));
  app.use('/v1/auth', authRoutes(ctx));
  const authed = [authenticate(ctx.accessTokens), limits.perPrincipal];
  app.use('/v1/users', ...authed, userRoutes(ctx));
  app.use('/v1/stores', ...authed, storeRoutes(ctx));
  app.use(
    '/shopify',
    limits.perIp,
    shopifyInstallRoutes(ctx, { shopify: ctx.shopify?.app, tokens: ctx.shopify?.tokens, shopBaseUrl: ctx.shopify?.shopBaseUrl }),
  );
  app.use('/woocommerce', limits.perIp, wooCommerceConnectRoutes(ctx, { guard: ctx.outbound, publicUrl: ctx.config.publicUrl }));

  app.use((req) => {
    throw new NotFoundError(`Route ${req.method} ${req.path}`);
  });

  const errorHandler: ErrorRequestHandler = (error: unknown, _req, res, _next) => {
    const known = error instanceof ApiError ? error : bodyParserError(error, ctx.config.bodyLimit);
    const requestId = requestIdOf(res);
    if (!known) ctx.logger.error({ err: error, requestId }, 'unhandled error');
    const answer = known ?? new ApiError('INTERNAL_ERROR', 'Something went wrong on our side');
    if (answer.code === 'RATE_LIMITED' && typeof answer.details['retryAfter'] === 'number') {
      res.setHeader('Retry-After', String(answer.details['retryAfter']));
    }
    if (res.headersSent) return;
    res.status(answer.status).json({
      error: { code: answer.code, message: answer.message, details: answer.details, requestId },
    });
  };
  app.use(errorHandler);
  return app;
}
