import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import tls from 'node:tls';
import ipaddr from 'ipaddr.js';
import { Agent, Pool, type Dispatcher } from 'undici';

/**
 * SSRF protection for URLs a tenant gives us (WooCommerce store URLs). A URL is refused when
 * its scheme is not http(s), it carries credentials, its port is not a web port, or ANY
 * address its host resolves to is private, loopback, link-local (cloud metadata), CGNAT,
 * unspecified, multicast, reserved or an IPv6 form embedding one of those (classified by
 * ipaddr.js) — unless the host (and port) is on the explicit allowlist
 * (`DOCKHAND_OUTBOUND_ALLOW_HOSTS`), which dev setups and the emulator use. A refusal the
 * allowlist could lift names the variable and the exact entry that would.
 *
 * `fetch` connects to exactly the addresses that were checked (the lookup is pinned), so a
 * DNS answer that changes between check and connect (rebinding) cannot slip through, and it
 * never follows redirects on its own. Connections are kept alive and reused per origin (one
 * undici Agent per guard): every connection it ever opened went to an address checked for
 * that origin.
 */

/** The setting that lifts the guard for named hosts; refusals name it. */
export const ALLOW_HOSTS_VARIABLE = 'DOCKHAND_OUTBOUND_ALLOW_HOSTS';

export class OutboundUrlRefusedError extends Error {
  constructor(
    readonly url: string,
    readonly reason: string,
    /** The `DOCKHAND_OUTBOUND_ALLOW_HOSTS` entry that would allow this URL; undefined when none would. */
    readonly allowEntry?: string,
  ) {
    super(
      `Refusing outbound request to ${redact(url)}: ${reason}` +
        (allowEntry === undefined
          ? ''
          : `; to allow it (development, a store on your own network), add ${allowEntry} to ${ALLOW_HOSTS_VARIABLE}`),
    );
    this.name = 'OutboundUrlRefusedError';
  }
}

export interface OutboundGuardOptions {
  /**
   * Hosts let through whatever they resolve to: `host` (default ports only), `host:port`, or
   * `host:*` (any port). IPv6 as `[::1]:*`. Matched against the URL's host, never against the
   * resolved address, so a public name pointing at an allowlisted address is still refused.
   */
  allowHosts?: readonly string[];
  /** Ports allowed for non-allowlisted hosts. Default 80, 443, 8080, 8443. */
  allowPorts?: readonly number[];
  /** DNS resolution; injectable for tests. Default `dns.lookup` with `all: true`. */
  resolve?: (hostname: string) => Promise<LookupAddress[]>;
  /** Timeout of one request made through `fetch`, in ms, for its headers and for each wait between parts of its body. Default 30 s. */
  timeoutMs?: number;
  /**
   * The longest one request may take in all, connecting to its last byte, in ms. A store that
   * sends a byte now and then never trips `timeoutMs`. Default four times `timeoutMs`, at least a minute.
   */
  deadlineMs?: number;
  /**
   * The largest answer read, in bytes; a larger one fails the request. Every caller reads the
   * answer whole, so a store that answers without end would otherwise take the process's memory,
   * and every organization's requests with it. Default 32 MiB (a page of 100 WooCommerce orders
   * is well under 1 MiB).
   */
  maxResponseBytes?: number;
  /** Extra CA certificates (PEM) to trust over https, e.g. a dev store's self-signed one. */
  ca?: string | undefined;
}

export interface CheckedTarget {
  url: URL;
  addresses: LookupAddress[];
  allowlisted: boolean;
}

export interface OutboundGuard {
  /** Resolves when the URL may be requested; rejects with OutboundUrlRefusedError otherwise. */
  check(url: string | URL): Promise<void>;
  /** Like `check`, and answers what was resolved (used by `fetch` to pin the connection). */
  inspect(url: string | URL): Promise<CheckedTarget>;
  /** `fetch` for guarded URLs: checked, pinned to the checked addresses, redirects returned as they are. */
  fetch(url: string | URL, init?: GuardedRequestInit): Promise<Response>;
  /** Closes the kept-alive connections (at shutdown). */
  close(): Promise<void>;
}

export interface GuardedRequestInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  signal?: AbortSignal;
}

const DEFAULT_PORTS = [80, 443, 8080, 8443] as const;

/** Parses `DOCKHAND_OUTBOUND_ALLOW_HOSTS` style lists: comma or whitespace separated. */
export function parseAllowHosts(value: string | undefined): string[] {
  return (value ?? '')
    .split(/[\s,]+/)
    .map((entry) => entry.trim().toLowerCase())
    .filter((entry) => entry !== '');
}

function redact(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    parsed.search = '';
    return parsed.toString();
  } catch {
    return '(not a URL)';
  }
}

// ------------------------------------------------------------------ address classification

/** ipaddr.js range names → why such an address must not be reached. Anything but `unicast` is refused. */
const RANGE_REASONS: Record<string, string> = {
  unspecified: 'unspecified / "this network"',
  broadcast: 'broadcast',
  multicast: 'multicast',
  linkLocal: 'link-local (cloud metadata)',
  loopback: 'loopback',
  carrierGradeNat: 'carrier-grade NAT',
  private: 'private',
  reserved: 'reserved or documentation',
  benchmarking: 'benchmarking',
  amt: 'AMT relay anycast',
  as112: 'AS112 DNS sink',
  as112v6: 'AS112 DNS sink',
  uniqueLocal: 'unique local (private)',
  deprecatedSiteLocal: 'site-local (deprecated)',
  rfc6145: 'IPv4-translated',
  teredo: 'Teredo',
  discard: 'discard-only',
  deprecatedOrchid: 'ORCHID',
  orchid2: 'ORCHIDv2',
  droneRemoteIdProtocolEntityTags: 'drone remote ID',
  segmentRouting: 'segment routing (SRv6)',
};

/** IPv6 ranges that carry an IPv4 address: judged by the address they carry. */
const EMBEDDING_V4 = new Set(['ipv4Mapped', 'rfc6052', '6to4']);
const NAT64_WELL_KNOWN = ipaddr.IPv6.parseCIDR('64:ff9b::/96');
const IPV4_COMPATIBLE = ipaddr.IPv6.parseCIDR('::/96');
const GLOBAL_UNICAST = ipaddr.IPv6.parseCIDR('2000::/3');

function classifyV4(address: ipaddr.IPv4): string | null {
  const range = address.range();
  return range === 'unicast' ? null : (RANGE_REASONS[range] ?? range);
}

function classifyV6(address: ipaddr.IPv6): string | null {
  const range = address.range();
  if (EMBEDDING_V4.has(range)) {
    const [g0, g1, g2, , , , g6, g7] = address.parts as [number, number, number, number, number, number, number, number];
    if (range === 'ipv4Mapped') return classifyV4(address.toIPv4Address());
    if (range === '6to4') {
      return classifyV4(new ipaddr.IPv4([g1 >> 8, g1 & 0xff, g2 >> 8, g2 & 0xff]))
        ? '6to4 embedding a blocked IPv4 address'
        : null;
    }
    // NAT64: the well-known prefix carries the IPv4 address in its last 32 bits; the local-use one is private.
    if (g0 === 0x64 && address.match(NAT64_WELL_KNOWN))
      return classifyV4(new ipaddr.IPv4([g6 >> 8, g6 & 0xff, g7 >> 8, g7 & 0xff]));
    return 'NAT64 local-use';
  }
  if (range !== 'unicast') return RANGE_REASONS[range] ?? range;
  if (address.match(IPV4_COMPATIBLE)) return 'IPv4-compatible (deprecated)';
  if (!address.match(GLOBAL_UNICAST)) return 'outside global unicast (2000::/3)';
  return null;
}

/**
 * Why an address must not be reached from the server, or null when it is a public unicast
 * address. Takes any form ipaddr.js parses: dotted, decimal, octal or hex IPv4, IPv6 with an
 * embedded IPv4 address or a zone.
 */
export function blockedAddressReason(address: string): string | null {
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    parsed = ipaddr.parse(address);
  } catch {
    return 'not an IP address';
  }
  return parsed.kind() === 'ipv4' ? classifyV4(parsed as ipaddr.IPv4) : classifyV6(parsed as ipaddr.IPv6);
}

// ------------------------------------------------------------------ the guard

const defaultPort = (protocol: string): number => (protocol === 'https:' ? 443 : 80);

function portOf(url: URL): number {
  return url.port === '' ? defaultPort(url.protocol) : Number(url.port);
}

/** A pattern of the allowlist is `host`, `host:port` or `host:*`; IPv6 in brackets. */
const ALLOW_PATTERN = /^(\[[^\]]+\]|[^:/\s[\]]+)(?::(\*|\d{1,5}))?$/;

function matchesAllowlist(url: URL, patterns: readonly string[]): boolean {
  const host = url.hostname.toLowerCase(); // IPv6 keeps its brackets here
  const port = portOf(url);
  return patterns.some((pattern) => {
    const match = ALLOW_PATTERN.exec(pattern);
    if (!match) return false;
    let patternHost = match[1]!.toLowerCase();
    // Normalise IP literals the way URL does (e.g. [::ffff:127.0.0.1] → [::ffff:7f00:1]).
    try {
      patternHost = new URL(`http://${patternHost}/`).hostname;
    } catch {
      return false;
    }
    if (patternHost !== host) return false;
    const patternPort = match[2];
    if (patternPort === '*') return true;
    if (patternPort === undefined) return port === defaultPort(url.protocol);
    return Number(patternPort) === port;
  });
}

function defaultResolve(hostname: string): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) => {
    dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses) => (error ? reject(error) : resolve(addresses)));
  });
}

/** The entries of an allowlist that are not `host`, `host:port` or `host:*` (and so would never match). */
export function invalidAllowHosts(entries: readonly string[]): string[] {
  return entries.filter((entry) => {
    const match = ALLOW_PATTERN.exec(entry);
    if (!match || !URL.canParse(`http://${match[1]}/`)) return true;
    return match[2] !== undefined && match[2] !== '*' && Number(match[2]) > 65535;
  });
}

export function createOutboundGuard(options: OutboundGuardOptions = {}): OutboundGuard {
  const allowHosts = (options.allowHosts ?? []).map((entry) => entry.trim().toLowerCase()).filter(Boolean);
  const allowPorts = new Set(options.allowPorts ?? DEFAULT_PORTS);
  const resolveHost = options.resolve ?? defaultResolve;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const deadlineMs = options.deadlineMs ?? Math.max(timeoutMs * 4, 60_000);
  const maxResponseBytes = options.maxResponseBytes ?? 32 * 1024 * 1024;

  async function inspect(input: string | URL): Promise<CheckedTarget> {
    const text = String(input);
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw new OutboundUrlRefusedError(text, 'not a valid URL');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new OutboundUrlRefusedError(text, `scheme ${url.protocol} is not allowed (http and https only)`);
    }
    if (url.username !== '' || url.password !== '') {
      throw new OutboundUrlRefusedError(text, 'credentials in the URL are not allowed');
    }
    const allowlisted = matchesAllowlist(url, allowHosts);
    const port = portOf(url);
    // The exact entry that lets this host and port through whatever they resolve to.
    const entry = `${url.hostname}:${port}`;
    if (!allowlisted && !allowPorts.has(port)) {
      throw new OutboundUrlRefusedError(text, `port ${port} is not allowed (only ${[...allowPorts].join(', ')})`, entry);
    }
    const bare = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    let addresses: LookupAddress[];
    if (ipaddr.isValid(bare)) addresses = [{ address: bare, family: ipaddr.parse(bare).kind() === 'ipv4' ? 4 : 6 }];
    else {
      try {
        addresses = await resolveHost(bare);
      } catch (error) {
        throw new OutboundUrlRefusedError(
          text,
          `the host does not resolve (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
        );
      }
    }
    if (addresses.length === 0) throw new OutboundUrlRefusedError(text, 'the host does not resolve');
    if (!allowlisted) {
      for (const { address } of addresses) {
        const reason = blockedAddressReason(address);
        if (reason) {
          // The address itself is not said: the refusal reaches tenants, who would map the server's network by it.
          const what = ipaddr.isValid(bare) ? `${url.hostname} is` : `${url.hostname} resolves to`;
          throw new OutboundUrlRefusedError(text, `${what} a ${reason} address`, entry);
        }
      }
    }
    return { url, addresses, allowlisted };
  }

  /** The addresses last checked for each origin; a connection's lookup answers only these. */
  const pinned = new Map<string, LookupAddress[]>();
  const pinnedLookup =
    (origin: string): LookupFunction =>
    (hostname, lookupOptions, callback) => {
      const addresses = pinned.get(origin);
      if (!addresses) {
        callback(Object.assign(new Error(`no checked address for ${hostname}`), { code: 'ENOTFOUND' }), '', 4);
        return;
      }
      const wanted = typeof lookupOptions === 'object' && lookupOptions ? lookupOptions.family : undefined;
      const candidates = addresses.filter((entry) => !wanted || entry.family === wanted);
      const chosen = candidates.length ? candidates : addresses;
      if (typeof lookupOptions === 'object' && lookupOptions?.all) {
        (callback as unknown as (error: null, addresses: LookupAddress[]) => void)(null, chosen);
      } else callback(null, chosen[0]!.address, chosen[0]!.family);
    };
  const tlsOptions = options.ca ? { ca: [...tls.rootCertificates, options.ca] } : {};
  const agent = new Agent({
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    // One pool per origin, each connecting only to the addresses checked for that origin.
    factory: (origin, poolOptions) => {
      const key = new URL(String(origin)).origin;
      return new Pool(origin, {
        ...(poolOptions as Pool.Options),
        maxResponseSize: maxResponseBytes,
        connect: { timeout: Math.min(timeoutMs, 10_000), ...tlsOptions, lookup: pinnedLookup(key) },
      });
    },
  });

  /** Which limit a failed request passed, or the error's own words. */
  function whyFailed(error: unknown, overdue: boolean): string {
    const code = (error as { code?: string }).code;
    if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') {
      return `timed out after ${timeoutMs} ms`;
    }
    if (overdue) return `took longer than ${deadlineMs} ms in all`;
    if (code === 'UND_ERR_RES_EXCEEDED_MAX_SIZE') return `answered more than ${maxResponseBytes} bytes`;
    return (error as Error).message;
  }

  async function guardedFetch(input: string | URL, init: GuardedRequestInit = {}): Promise<Response> {
    const target = await inspect(input);
    pinned.set(target.url.origin, target.addresses);
    const method = (init.method ?? 'GET').toUpperCase();
    let answer: Dispatcher.ResponseData;
    let body: ArrayBuffer | null;
    const overdue = new AbortController();
    const deadline = overdue.signal;
    const timer = setTimeout(() => overdue.abort(), deadlineMs);
    try {
      answer = await agent.request({
        origin: target.url.origin,
        path: `${target.url.pathname}${target.url.search}`,
        method: method as Dispatcher.HttpMethod,
        headers: { ...init.headers },
        body: init.body ?? null,
        signal: init.signal ? AbortSignal.any([init.signal, deadline]) : deadline,
      });
      // Store answers are JSON pages every caller reads whole: read here, then wait the tick
      // undici takes to put the connection back in its pool, so the next call reuses it.
      const empty = answer.statusCode === 204 || answer.statusCode === 304 || method === 'HEAD';
      body = empty ? (await answer.body.dump(), null) : await answer.body.arrayBuffer();
      await new Promise((resolve) => setImmediate(resolve));
    } catch (error) {
      throw new Error(`request to ${target.url.host} failed: ${whyFailed(error, deadline.aborted && !init.signal?.aborted)}`, {
        cause: error,
      });
    } finally {
      clearTimeout(timer);
    }
    const headers = new Headers();
    for (const [name, value] of Object.entries(answer.headers)) {
      if (value === undefined) continue;
      for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
    }
    const status = answer.statusCode;
    return new Response(body, { status, headers });
  }

  return {
    check: async (url) => void (await inspect(url)),
    inspect,
    fetch: guardedFetch,
    close: () => agent.close(),
  };
}
