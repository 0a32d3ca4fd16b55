import { isSafeNumber, LosslessNumber, parse, stringify } from 'lossless-json';
import { PlatformAuthError, PlatformBusyError } from '../connector.ts';

/**
 * A small Admin GraphQL client: `POST {shopBaseUrl}/admin/api/{version}/graphql.json` with
 * `X-Shopify-Access-Token`. It paces itself on Shopify's cost bucket (the answer's
 * `extensions.cost.throttleStatus`): before a query it waits until the bucket, as last seen and
 * restored since, covers the query's requested cost, and a THROTTLED answer is waited out and
 * retried rather than failed. 5xx and network errors are retried a few times with backoff.
 * Answers are parsed without losing integers above 2^53.
 */

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

export interface QueryCost {
  requestedQueryCost: number;
  actualQueryCost: number | null;
  throttleStatus: ThrottleStatus;
}

export interface GraphqlError {
  message: string;
  extensions?: { code?: string; [key: string]: unknown };
  path?: Array<string | number>;
}

/** The query asks for more points than the shop's bucket can ever hold: make it smaller. */
export class QueryTooCostlyError extends Error {
  constructor(
    readonly requested: number,
    readonly maximumAvailable: number,
  ) {
    super(`The query costs ${requested} points but the bucket holds at most ${maximumAvailable}`);
    this.name = 'QueryTooCostlyError';
  }
}

/** The platform answered with errors that retrying does not fix (invalid query, access denied, …). */
export class ShopifyGraphqlError extends Error {
  constructor(
    readonly errors: GraphqlError[],
    readonly status: number,
  ) {
    super(`Shopify GraphQL: ${errors.map((error) => error.message).join('; ')}`);
    this.name = 'ShopifyGraphqlError';
  }

  get codes(): string[] {
    return this.errors.map((error) => String(error.extensions?.code ?? ''));
  }
}

export interface AdminClientOptions {
  shopDomain: string;
  /** The token, or a function answering a fresh one (expiring offline tokens are refreshed by the token service). */
  accessToken: string | (() => string | Promise<string>);
  apiVersion: string;
  /** `https://{shop}` in production; the emulator's shop `baseUrl` in tests. */
  shopBaseUrl?: string | undefined;
  fetch?: typeof fetch | undefined;
  /** Shared pacing state; by default one per shop domain in this process. */
  bucket?: CostBucket | undefined;
  /** Attempts for 5xx / network failures (default 5). */
  maxAttempts?: number | undefined;
  /** Attempts when throttled (default 50): each waits for the restore, so this is a safety stop. */
  maxThrottledAttempts?: number | undefined;
  sleep?: ((ms: number) => Promise<void>) | undefined;
  now?: (() => number) | undefined;
}

export interface GraphqlResult<T> {
  data: T;
  cost: QueryCost | null;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * What this process knows of one shop's bucket: the last throttleStatus, when it was seen,
 * and the points reserved by queries in flight. `waitFor(cost)` says how long until `cost` is
 * available.
 */
export class CostBucket {
  private status: ThrottleStatus | null = null;
  private seenAt = 0;
  private reserved = 0;
  /** The bucket's size; before any answer we assume the Standard plan. */
  get maximumAvailable(): number {
    return this.status?.maximumAvailable ?? 2000;
  }
  get restoreRate(): number {
    return this.status?.restoreRate ?? 100;
  }

  constructor(private readonly now: () => number = Date.now) {}

  /** Points available now, as projected from the last status, minus what is in flight. */
  available(): number {
    if (!this.status) return Number.POSITIVE_INFINITY;
    const restored = ((this.now() - this.seenAt) / 1000) * this.status.restoreRate;
    return Math.min(this.status.maximumAvailable, this.status.currentlyAvailable + restored) - this.reserved;
  }

  /** Milliseconds to wait before a query of `cost` points can run. */
  delayFor(cost: number): number {
    const available = this.available();
    const needed = Math.min(cost, this.maximumAvailable) - available;
    if (needed <= 0) return 0;
    return Math.ceil((needed / this.restoreRate) * 1000);
  }

  reserve(cost: number): () => void {
    this.reserved += cost;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.reserved -= cost;
    };
  }

  observe(status: ThrottleStatus): void {
    this.status = { ...status };
    this.seenAt = this.now();
  }
}

const buckets = new Map<string, CostBucket>();

/** One bucket per shop in this process, so every client of one shop paces together. */
export function bucketFor(shopDomain: string): CostBucket {
  const key = shopDomain.toLowerCase();
  let bucket = buckets.get(key);
  if (!bucket) {
    bucket = new CostBucket();
    buckets.set(key, bucket);
  }
  return bucket;
}

/** Parses JSON keeping integers above 2^53 exact (as LosslessNumber, written back verbatim by `toRawJson`). */
export function parseLossless(text: string): unknown {
  return parse(text, null, (value) => (isSafeNumber(value) ? Number(value) : new LosslessNumber(value)));
}

/** JSON text of a value parsed by `parseLossless`, numbers as they were sent. */
export function toRawJson(value: unknown): string {
  return stringify(value) ?? 'null';
}

interface GraphqlBody {
  data?: unknown;
  errors?: GraphqlError[] | string;
  extensions?: { cost?: QueryCost };
}

export class ShopifyAdminClient {
  readonly shopDomain: string;
  readonly endpoint: string;
  readonly bucket: CostBucket;
  private readonly fetchFn: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly maxAttempts: number;
  private readonly maxThrottledAttempts: number;
  /** The last requested cost seen per query text, for queries whose caller gives no estimate. */
  private readonly knownCosts = new Map<string, number>();
  /** Totals for this client (benchmarks, logs). */
  readonly stats = {
    requests: 0,
    throttled: 0,
    retries: 0,
    waitedMs: 0,
    actualCost: 0,
    requestedCost: 0,
    /** The last successful query's cost. */
    last: null as { requested: number; actual: number } | null,
  };

  constructor(private readonly options: AdminClientOptions) {
    this.shopDomain = options.shopDomain;
    const base = (options.shopBaseUrl ?? `https://${options.shopDomain}`).replace(/\/+$/, '');
    this.endpoint = `${base}/admin/api/${options.apiVersion}/graphql.json`;
    this.fetchFn = options.fetch ?? fetch;
    this.bucket = options.bucket ?? bucketFor(options.shopDomain);
    this.sleep = options.sleep ?? defaultSleep;
    this.maxAttempts = options.maxAttempts ?? 5;
    this.maxThrottledAttempts = options.maxThrottledAttempts ?? 50;
  }

  /**
   * Runs one query or mutation. `cost` is the caller's estimate of the requested cost (used to
   * wait for the bucket before sending); without it the last requested cost of the same query
   * text is used.
   */
  async request<T>(
    query: string,
    variables: Record<string, unknown> = {},
    options: { cost?: number } = {},
  ): Promise<GraphqlResult<T>> {
    let failures = 0;
    let throttles = 0;
    /** After a THROTTLED answer: the cost Shopify says the query needs. */
    let throttledCost = 0;
    for (;;) {
      const estimate = Math.max(options.cost ?? this.knownCosts.get(query) ?? 0, throttledCost);
      const delay = this.bucket.delayFor(estimate);
      if (delay > 0) {
        this.stats.waitedMs += delay;
        await this.sleep(delay);
      }
      const token = typeof this.options.accessToken === 'function' ? await this.options.accessToken() : this.options.accessToken;
      const release = this.bucket.reserve(estimate);
      let response: Response;
      let text: string;
      try {
        this.stats.requests++;
        response = await this.fetchFn(this.endpoint, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            accept: 'application/json',
            'x-shopify-access-token': token,
          },
          body: JSON.stringify({ query, variables }),
        });
        text = await response.text();
      } catch (error) {
        release();
        if (++failures >= this.maxAttempts) throw error;
        await this.backoff(failures);
        continue;
      }
      release();
      if (response.status === 401) {
        throw new PlatformAuthError(`Shopify refused the access token for ${this.shopDomain} (401)`);
      }
      if (response.status === 429) {
        const retryAfter = Number(response.headers.get('retry-after') ?? '1');
        if (++throttles >= this.maxThrottledAttempts) throw new PlatformBusyError('Shopify answered 429', retryAfter * 1000);
        this.stats.throttled++;
        await this.sleep(Math.max(0, retryAfter) * 1000);
        continue;
      }
      if (response.status >= 500) {
        if (++failures >= this.maxAttempts) {
          throw new PlatformBusyError(`Shopify answered ${response.status} ${failures} times`, this.backoffMs(failures));
        }
        await this.backoff(failures);
        continue;
      }
      let body: GraphqlBody;
      try {
        body = parseLossless(text) as GraphqlBody;
      } catch {
        throw new ShopifyGraphqlError(
          [{ message: `not JSON (HTTP ${response.status}): ${text.slice(0, 200)}` }],
          response.status,
        );
      }
      const cost = body.extensions?.cost ?? null;
      if (cost) {
        this.bucket.observe(cost.throttleStatus);
        this.knownCosts.set(query, cost.requestedQueryCost);
      }
      if (typeof body.errors === 'string') throw new ShopifyGraphqlError([{ message: body.errors }], response.status);
      if (response.status >= 400 && !body.errors) {
        throw new ShopifyGraphqlError([{ message: `HTTP ${response.status}` }], response.status);
      }
      const errors = body.errors ?? [];
      if (errors.some((error) => error.extensions?.code === 'THROTTLED')) {
        this.stats.throttled++;
        if (cost && cost.requestedQueryCost > cost.throttleStatus.maximumAvailable) {
          throw new QueryTooCostlyError(cost.requestedQueryCost, cost.throttleStatus.maximumAvailable);
        }
        if (++throttles >= this.maxThrottledAttempts) {
          throw new PlatformBusyError('Shopify kept answering THROTTLED', this.throttleWaitMs(cost, estimate));
        }
        if (cost) {
          // The bucket now holds the throttled answer's status: the wait before the next
          // attempt is (requested − available) / restoreRate.
          throttledCost = cost.requestedQueryCost + 1;
        } else {
          const wait = this.throttleWaitMs(cost, estimate);
          this.stats.waitedMs += wait;
          await this.sleep(wait);
        }
        continue;
      }
      if (errors.length) throw new ShopifyGraphqlError(errors, response.status);
      if (cost) {
        this.stats.requestedCost += cost.requestedQueryCost;
        this.stats.actualCost += cost.actualQueryCost ?? cost.requestedQueryCost;
        this.stats.last = { requested: cost.requestedQueryCost, actual: cost.actualQueryCost ?? cost.requestedQueryCost };
      }
      return { data: body.data as T, cost };
    }
  }

  /** (requested − available) / restoreRate, from the throttled answer itself. */
  private throttleWaitMs(cost: QueryCost | null, estimate: number): number {
    if (!cost) return 1000;
    const requested = cost.requestedQueryCost || estimate;
    const missing = requested - cost.throttleStatus.currentlyAvailable;
    const rate = cost.throttleStatus.restoreRate || 50;
    // +1 point: currentlyAvailable is rounded down.
    return Math.max(50, Math.ceil(((missing + 1) / rate) * 1000));
  }

  private backoffMs(attempt: number): number {
    return Math.min(10_000, 200 * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2);
  }

  private async backoff(attempt: number): Promise<void> {
    this.stats.retries++;
    await this.sleep(this.backoffMs(attempt));
  }
}
