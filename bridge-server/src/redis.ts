import { Redis, type RedisOptions } from 'ioredis';

/** REDIS_URL was set but Redis could not be reached at start-up. One line, naming the variable. */
export class RedisUnreachableError extends Error {
  constructor(url: string, reason: string) {
    super(`REDIS_URL ${redactRedisUrl(url)} cannot be reached: ${reason}`);
    this.name = 'RedisUnreachableError';
  }
}

export function redactRedisUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

/** How long start-up waits for Redis before giving up. */
export const REDIS_CONNECT_TIMEOUT_MS = 5_000;

/**
 * Opens an ioredis client and waits until it is ready. A Redis that refuses, does not answer,
 * or rejects the credentials stops start-up with RedisUnreachableError instead of ioredis'
 * bare "Connection is closed.", and the client is shut so it does not keep reconnecting.
 */
export async function connectRedis(url: string, options: RedisOptions = {}): Promise<Redis> {
  const redis = new Redis(url, { connectTimeout: REDIS_CONNECT_TIMEOUT_MS, ...options, lazyConnect: true });
  let lastError: Error | undefined;
  const remember = (error: Error) => {
    lastError = error;
  };
  redis.on('error', remember);
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      redis.connect(),
      new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${REDIS_CONNECT_TIMEOUT_MS} ms`)), REDIS_CONNECT_TIMEOUT_MS);
      }),
    ]);
    return redis;
  } catch (error) {
    redis.disconnect();
    const reason = lastError ?? (error as Error);
    throw new RedisUnreachableError(url, reason.message.replace(/\s+/g, ' '));
  } finally {
    clearTimeout(timer);
    redis.off('error', remember);
  }
}
