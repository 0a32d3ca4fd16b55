import express, { type ErrorRequestHandler } from 'express';
import helmet from 'helmet';
import { requestIdOf, type AppContext } from './context.ts';
import { crossOrigin } from './cors.ts';
import { ApiError, NotFoundError } from './errors.ts';
import { createHttpMetrics, type HttpMetrics } from './metrics.ts';
import { bodyParserError, invalidTextError } from './refused-input.ts';
import { unavailableError } from './unavailable.ts';
import { rejectNulInput } from './validate.ts';
import { authenticate } from './middleware/authenticate.ts';
import { DEFAULT_RATE_LIMITS, rateLimits, type RateLimitOptions } from './middleware/rate-limit.ts';
import { requestContext } from './middleware/request-context.ts';
import { authRoutes } from './routes/auth-routes.ts';
import { storeRoutes } from './routes/store-routes.ts';
import { systemRoutes } from './routes/system-routes.ts';
import { userRoutes } from './routes/user-routes.ts';
import { orderRoutes } from './routes/order-routes.ts';
import { fulfillmentRoutes } from './routes/fulfillment-routes.ts';
import { viewRoutes } from './routes/view-routes.ts';
import { productRoutes } from './routes/product-routes.ts';
import { customerRoutes } from './routes/customer-routes.ts';
import { inventoryRoutes } from './routes/inventory-routes.ts';
import { statsRoutes } from './routes/stats-routes.ts';
import { streamRoutes } from '../realtime/stream-routes.ts';
import { webhookRoutes } from '../ingest/webhook-routes.ts';
import { wooCommerceConnectRoutes } from '../platforms/woocommerce/connect-routes.ts';
import { shopifyInstallRoutes } from '../platforms/shopify/install-routes.ts';

export interface AppOptions {
  rateLimits?: Partial<RateLimitOptions>;
  /** The registry the app records into; listen() shares it with the metrics port. */
  metrics?: HttpMetrics;
}

export function createApp(ctx: AppContext, options: AppOptions = {}) {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.set('query parser', 'simple');
  // No ETag: the API's answers are per principal and change with every write; nothing asks for
  // them conditionally, and hashing each body cost about 2 % of a list request's time.
  app.set('etag', false);

  const { registry: metrics, duration } = options.metrics ?? createHttpMetrics();

  app.use(requestContext(ctx.logger, duration));
  // No text of PostgreSQL can hold a NUL: refused in any query here, in any /v1 body after its
  // parser below, and in every other body by parseInput.
  app.use(rejectNulInput);
  // Platform-to-server traffic, the hottest path: raw bodies and signatures, mounted before
  // any JSON parser; browser security headers mean nothing to a webhook sender.
  app.use('/webhooks', webhookRoutes(ctx));
  app.use(helmet());
  app.use('/v1', crossOrigin(ctx.config.corsOrigins));
  // With DOCKHAND_METRICS_PORT, /metrics lives on that port only (see listen()).
  app.use(systemRoutes(ctx, ctx.config.metrics.port === undefined ? metrics : undefined));

  const limits = rateLimits(ctx.redis, { ...DEFAULT_RATE_LIMITS, ...options.rateLimits });
  app.use('/v1', limits.perIp, express.json({ limit: ctx.config.bodyLimit, strict: true }), rejectNulInput);
  app.use('/v1/auth', authRoutes(ctx));
  const authed = [authenticate(ctx.accessTokens), limits.perPrincipal];
  app.use('/v1/users', ...authed, userRoutes(ctx));
  app.use('/v1/stores', ...authed, storeRoutes(ctx));
  // Fulfillment first: its `/bulk` must not be read as an order id.
  app.use('/v1/orders', ...authed, fulfillmentRoutes(ctx), orderRoutes(ctx));
  app.use('/v1/views', ...authed, viewRoutes(ctx));
  app.use('/v1/products', ...authed, productRoutes(ctx));
  app.use('/v1/customers', ...authed, customerRoutes(ctx));
  app.use('/v1/inventory', ...authed, inventoryRoutes(ctx));
  app.use('/v1/stats', ...authed, statsRoutes(ctx));
  app.use('/v1/stream', ...authed, streamRoutes(ctx));
  app.use(
    '/shopify',
    limits.perIp,
    shopifyInstallRoutes(ctx, { shopify: ctx.shopify?.app, tokens: ctx.shopify?.tokens, shopBaseUrl: ctx.shopify?.shopBaseUrl }),
  );
  app.use('/woocommerce', limits.perIp, wooCommerceConnectRoutes(ctx, { guard: ctx.outbound, publicUrl: ctx.config.publicUrl }));

  app.use((req) => {
    throw new NotFoundError(`Route ${req.method} ${req.path}`);
  });

  const errorHandler: ErrorRequestHandler = (error: unknown, req, res, _next) => {
    const requestId = requestIdOf(res);
    let clientError =
      error instanceof ApiError ? error : bodyParserError(error, ctx.config.bodyLimit, req.get('content-encoding'));
    if (!clientError) {
      // Validation should have refused the value first; the warning shows where it did not.
      clientError = invalidTextError(error);
      if (clientError) ctx.logger.warn({ err: error, requestId }, 'the database refused a value the request sent');
    }
    // A database or queue that is down or busy is the client's cue to retry: 503, not 500.
    const unavailable = clientError ? undefined : unavailableError(error);
    if (unavailable) ctx.logger.warn({ err: error, requestId }, 'dependency unavailable');
    const known = clientError ?? unavailable;
    if (!known) ctx.logger.error({ err: error, requestId }, 'unhandled error');
    const answer = known ?? new ApiError('INTERNAL_ERROR', 'Something went wrong on our side');
    const retryable = answer.code === 'RATE_LIMITED' || answer.code === 'SERVICE_UNAVAILABLE';
    if (retryable && typeof answer.details['retryAfter'] === 'number') {
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
