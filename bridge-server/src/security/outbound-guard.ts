import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import { isIP, type LookupFunction } from 'node:net';
import { Readable } from 'node:stream';

/**
 * SSRF protection for URLs a tenant gives us (WooCommerce store URLs). A URL is refused when
 * its scheme is not http(s), it carries credentials, its port is not a web port, or ANY
 * address its host resolves to is private, loopback, link-local (cloud metadata), CGNAT,
 * unspecified, multicast, reserved or an IPv6 form embedding one of those — unless the
 * host (and port) is on the explicit allowlist, which dev setups and the emulator use.
 *
 * `fetch` connects to exactly the addresses that were checked (the lookup is pinned), so a
 * DNS answer that changes between check and connect (rebinding) cannot slip through, and it
 * never follows redirects on its own.
 */

export class OutboundUrlRefusedError extends Error {
  constructor(
    readonly url: string,
    readonly reason: string,
  ) {
    super(`Refusing outbound request to ${redact(url)}: ${reason}`);
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
  /** Timeout of one request made through `fetch`, in ms. Default 30 s. */
  timeoutMs?: number;
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

function ipv4Octets(address: string): number[] | null {
  const parts = address.split('.');
  if (parts.length !== 4) return null;
  const octets = parts.map((part) => (/^\d{1,3}$/.test(part) ? Number(part) : NaN));
  return octets.every((octet) => Number.isInteger(octet) && octet >= 0 && octet <= 255) ? octets : null;
}

/** Eight 16-bit groups of an IPv6 address (with an optional trailing dotted quad), or null. */
export function ipv6Groups(address: string): number[] | null {
  let text = address.toLowerCase();
  const zone = text.indexOf('%');
  if (zone !== -1) text = text.slice(0, zone);
  let tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    const octets = ipv4Octets(text.slice(lastColon + 1));
    if (!octets) return null;
    tail = [(octets[0]! << 8) | octets[1]!, (octets[2]! << 8) | octets[3]!];
    // "::ffff:1.2.3.4" → "::ffff"; "::1.2.3.4" → "::"
    text = text.slice(0, lastColon + 1);
    if (!text.endsWith('::')) text = text.slice(0, -1);
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const parse = (part: string): number[] | null => {
    if (part === '') return [];
    const groups = part.split(':').map((group) => (/^[0-9a-f]{1,4}$/.test(group) ? parseInt(group, 16) : NaN));
    return groups.every((group) => !Number.isNaN(group)) ? groups : null;
  };
  const head = parse(halves[0]!);
  const rest = halves.length === 2 ? parse(halves[1]!) : [];
  if (!head || !rest) return null;
  const known = head.length + rest.length + tail.length;
  if (halves.length === 2) {
    if (known > 7) return null;
    return [...head, ...new Array<number>(8 - known).fill(0), ...rest, ...tail];
  }
  return known === 8 ? [...head, ...tail] : null;
}

function v4InRange(octets: number[], base: [number, number, number, number], bits: number): boolean {
  const value = ((octets[0]! << 24) | (octets[1]! << 16) | (octets[2]! << 8) | octets[3]!) >>> 0;
  const start = ((base[0] << 24) | (base[1] << 16) | (base[2] << 8) | base[3]) >>> 0;
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return (value & mask) >>> 0 === (start & mask) >>> 0;
}

const IPV4_BLOCKED: Array<[[number, number, number, number], number, string]> = [
  [[0, 0, 0, 0], 8, 'unspecified / "this network"'],
  [[10, 0, 0, 0], 8, 'private'],
  [[100, 64, 0, 0], 10, 'carrier-grade NAT'],
  [[127, 0, 0, 0], 8, 'loopback'],
  [[169, 254, 0, 0], 16, 'link-local (cloud metadata)'],
  [[172, 16, 0, 0], 12, 'private'],
  [[192, 0, 0, 0], 24, 'IETF protocol assignments'],
  [[192, 0, 2, 0], 24, 'documentation'],
  [[192, 88, 99, 0], 24, '6to4 relay'],
  [[192, 168, 0, 0], 16, 'private'],
  [[198, 18, 0, 0], 15, 'benchmarking'],
  [[198, 51, 100, 0], 24, 'documentation'],
  [[203, 0, 113, 0], 24, 'documentation'],
  [[224, 0, 0, 0], 4, 'multicast'],
  [[240, 0, 0, 0], 4, 'reserved / broadcast'],
];

function classifyV4(octets: number[]): string | null {
  for (const [base, bits, label] of IPV4_BLOCKED) if (v4InRange(octets, base, bits)) return label;
  return null;
}

const v4From = (high: number, low: number): number[] => [high >> 8, high & 0xff, low >> 8, low & 0xff];

function classifyV6(groups: number[]): string | null {
  const [g0, g1, g2, g3, g4, g5, g6, g7] = groups as [number, number, number, number, number, number, number, number];
  const zeroPrefix = (n: number) => groups.slice(0, n).every((group) => group === 0);
  if (zeroPrefix(8)) return 'unspecified';
  if (zeroPrefix(7) && g7 === 1) return 'loopback';
  // IPv4-mapped ::ffff:a.b.c.d, IPv4-compatible ::a.b.c.d, IPv4-translated ::ffff:0:a.b.c.d
  if (zeroPrefix(5) && g5 === 0xffff) return classifyV4(v4From(g6, g7));
  if (zeroPrefix(6)) return 'IPv4-compatible (deprecated)';
  if (zeroPrefix(4) && g4 === 0xffff && g5 === 0) return 'IPv4-translated';
  // NAT64 well-known prefix 64:ff9b::/96 and the local-use 64:ff9b:1::/48
  if (g0 === 0x64 && g1 === 0xff9b)
    return g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0 ? (classifyV4(v4From(g6, g7)) ?? null) : 'NAT64 local-use';
  if (g0 === 0x2002) return classifyV4(v4From(g1, g2)) ? '6to4 embedding a blocked IPv4 address' : null;
  if (g0 === 0x2001 && g1 === 0) return 'Teredo';
  if (g0 === 0x2001 && g1 === 0xdb8) return 'documentation';
  if (g0 === 0x0100 && g1 === 0 && g2 === 0 && g3 === 0) return 'discard-only';
  if ((g0 & 0xfe00) === 0xfc00) return 'unique local (private)';
  if ((g0 & 0xffc0) === 0xfe80) return 'link-local';
  if ((g0 & 0xffc0) === 0xfec0) return 'site-local (deprecated)';
  if ((g0 & 0xff00) === 0xff00) return 'multicast';
  return null;
}

/** Why an address must not be reached from the server, or null when it is a public unicast address. */
export function blockedAddressReason(address: string): string | null {
  const family = isIP(address);
  if (family === 4) return classifyV4(ipv4Octets(address)!);
  if (family === 6) {
    const groups = ipv6Groups(address);
    return groups ? classifyV6(groups) : 'unparseable IPv6 address';
  }
  return 'not an IP address';
}

// ------------------------------------------------------------------ the guard

const defaultPort = (protocol: string): number => (protocol === 'https:' ? 443 : 80);

function portOf(url: URL): number {
  return url.port === '' ? defaultPort(url.protocol) : Number(url.port);
}

function matchesAllowlist(url: URL, patterns: readonly string[]): boolean {
  const host = url.hostname.toLowerCase(); // IPv6 keeps its brackets here
  const port = portOf(url);
  return patterns.some((pattern) => {
    const match = /^(\[[^\]]+\]|[^:]+)(?::(\*|\d+))?$/.exec(pattern);
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

export function createOutboundGuard(options: OutboundGuardOptions = {}): OutboundGuard {
  const allowHosts = (options.allowHosts ?? []).map((entry) => entry.trim().toLowerCase()).filter(Boolean);
  const allowPorts = new Set(options.allowPorts ?? DEFAULT_PORTS);
  const resolveHost = options.resolve ?? defaultResolve;
  const timeoutMs = options.timeoutMs ?? 30_000;

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
    if (!allowlisted && !allowPorts.has(port)) {
      throw new OutboundUrlRefusedError(text, `port ${port} is not allowed`);
    }
    const bare = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    let addresses: LookupAddress[];
    if (isIP(bare)) addresses = [{ address: bare, family: isIP(bare) }];
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
        if (reason) throw new OutboundUrlRefusedError(text, `${url.hostname} resolves to ${address}, a ${reason} address`);
      }
    }
    return { url, addresses, allowlisted };
  }

  async function guardedFetch(input: string | URL, init: GuardedRequestInit = {}): Promise<Response> {
    const target = await inspect(input);
    const pinned: LookupFunction = (_hostname, lookupOptions, callback) => {
      const wanted = typeof lookupOptions === 'object' && lookupOptions ? lookupOptions.family : undefined;
      const candidates = target.addresses.filter((entry) => !wanted || entry.family === wanted);
      const chosen = candidates.length ? candidates : target.addresses;
      if (typeof lookupOptions === 'object' && lookupOptions?.all) {
        (callback as unknown as (error: null, addresses: LookupAddress[]) => void)(null, chosen);
      } else callback(null, chosen[0]!.address, chosen[0]!.family);
    };
    return nodeFetch(target.url, init, pinned, timeoutMs, options.ca);
  }

  return { check: async (url) => void (await inspect(url)), inspect, fetch: guardedFetch };
}

/** A minimal `fetch` on node:http(s) whose connection uses the given lookup. */
function nodeFetch(
  url: URL,
  init: GuardedRequestInit,
  lookup: LookupFunction,
  timeoutMs: number,
  ca: string | undefined,
): Promise<Response> {
  const client = url.protocol === 'https:' ? https : http;
  return new Promise<Response>((resolve, reject) => {
    const body = init.body === undefined ? undefined : Buffer.isBuffer(init.body) ? init.body : Buffer.from(init.body);
    const headers: Record<string, string> = { ...init.headers };
    if (body) headers['content-length'] = String(body.length);
    const request = client.request(
      url,
      {
        method: init.method ?? 'GET',
        headers,
        lookup,
        timeout: timeoutMs,
        agent: false,
        ...(ca && url.protocol === 'https:' ? { ca: [...tls.rootCertificates, ca] } : {}),
        ...(init.signal ? { signal: init.signal } : {}),
      },
      (response) => {
        const responseHeaders = new Headers();
        for (const [name, value] of Object.entries(response.headers)) {
          if (value === undefined) continue;
          for (const item of Array.isArray(value) ? value : [value]) responseHeaders.append(name, item);
        }
        const status = response.statusCode ?? 502;
        const noBody = status === 204 || status === 304 || (init.method ?? 'GET').toUpperCase() === 'HEAD';
        if (noBody) response.resume();
        resolve(
          new Response(noBody ? null : (Readable.toWeb(response) as ReadableStream<Uint8Array>), {
            status,
            statusText: response.statusMessage ?? '',
            headers: responseHeaders,
          }),
        );
      },
    );
    request.on('timeout', () => request.destroy(new Error(`request to ${url.host} timed out after ${timeoutMs} ms`)));
    request.on('error', reject);
    request.end(body);
  });
}
