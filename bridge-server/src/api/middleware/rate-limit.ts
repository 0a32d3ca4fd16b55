import type { RequestHandler } from 'express';
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { RequestLocals } from '../context.ts';
import { RateLimitedError } from '../errors.ts';

export interface RateLimitOptions {
  /** Requests per minute from one IP address before authentication. */
  perIp: number;
  /** Requests per minute for one principal (org + subject). */
  perPrincipal: number;
  /** Key prefix in Redis; instances that share it share the limits. */
  prefix: string;
}

export const DEFAULT_RATE_LIMITS: RateLimitOptions = { perIp: 600, perPrincipal: 1200, prefix: 'dockhand:rl' };

/**
 * With Redis the limits are shared by every instance. While Redis is down or slow they neither
 * fail open nor take the API down with Redis: the limiter falls over at once (not ready → no
 * command sent; a hung command ends at the client's commandTimeout) to the same limits counted
 * in this instance's memory, rate-limiter-flexible's insurance limiter.
 */
function limiter(redis: Redis | undefined, keyPrefix: string, points: number): RateLimiterAbstract {
  const inMemory = new RateLimiterMemory({ keyPrefix, points, duration: 60 });
  return redis
    ? new RateLimiterRedis({
        storeClient: redis,
        keyPrefix,
        points,
        duration: 60,
        rejectIfRedisNotReady: true,
        insuranceLimiter: inMemory,
      })
    : inMemory;
}

async function consumeOrReject(rateLimiter: RateLimiterAbstract, key: string, what: string): Promise<void> {
  try {
    await rateLimiter.consume(key);
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) {
      throw new RateLimitedError(`Too many requests ${what}`, Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)));
    }
    // Neither store answered (the insurance limiter does not fail): let the request through.
  }
}

/** Per IP (before authentication) and per principal (after it), Redis-backed when Redis is configured. */
export function rateLimits(redis: Redis | undefined, options: RateLimitOptions) {
  const byIp = limiter(redis, `${options.prefix}:ip`, options.perIp);
  const byPrincipal = limiter(redis, `${options.prefix}:principal`, options.perPrincipal);
  const perIp: RequestHandler = async (req, _res, next) => {
    await consumeOrReject(byIp, req.ip ?? 'unknown', 'from this address');
    next();
  };
  const perPrincipal: RequestHandler = async (_req, res, next) => {
    const principal = (res.locals as RequestLocals).principal;
    if (principal) await consumeOrReject(byPrincipal, `${principal.orgId}:${principal.subject}`, 'for this user');
    next();
  };
  return { perIp, perPrincipal };
}
