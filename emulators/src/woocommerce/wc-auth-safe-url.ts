/**
 * WordPress's `wp_http_validate_url()`, which `WC_Auth::post_consumer_data()` runs through
 * `wp_safe_remote_post()` before it sends the keys. A callback it refuses never gets the keys:
 * the request fails with "A valid URL was not provided.", the key is deleted and the merchant
 * sees "Access denied". Refused: a user or password in the URL; a host with `:#?[]` (so any IPv6
 * literal); a host that does not resolve (`gethostbyname`, IPv4 only) or resolves to 127/8, 10/8,
 * 0/8, 172.16/12 or 192.168/16, unless it is the site's own host; a port other than 80, 443 and
 * 8080, unless it is the site's own host and port.
 */
import { lookup } from 'node:dns/promises';

const DOTTED_QUAD = /^(([1-9]?\d|1\d\d|25[0-5]|2[0-4]\d)\.){3}([1-9]?\d|1\d\d|25[0-5]|2[0-4]\d)$/;
const SAFE_PORTS = [80, 443, 8080];

/** PHP's `parse_url` host and port: the host as written (brackets kept), the port only when given. */
function authority(url: string): { host: string; port: number | null; credentials: boolean } | null {
  const match = /^https?:\/\/([^/?#]*)/i.exec(url);
  if (!match) return null;
  const raw = match[1]!;
  const at = raw.lastIndexOf('@');
  const hostPort = at >= 0 ? raw.slice(at + 1) : raw;
  if (hostPort.startsWith('[')) {
    const close = hostPort.indexOf(']');
    return { host: close > 0 ? hostPort.slice(0, close + 1) : hostPort, port: null, credentials: at >= 0 };
  }
  const colon = hostPort.lastIndexOf(':');
  const host = colon >= 0 ? hostPort.slice(0, colon) : hostPort;
  const portText = colon >= 0 ? hostPort.slice(colon + 1) : '';
  return { host, port: portText ? Number(portText) : null, credentials: at >= 0 };
}

async function gethostbyname(host: string): Promise<string> {
  try {
    return (await lookup(host, { family: 4 })).address;
  } catch {
    return host;
  }
}

export async function wpHttpValidateUrl(url: string, homeUrl: string): Promise<boolean> {
  if (!/^https?:\/\//i.test(url)) return false;
  const parsed = authority(url);
  if (!parsed || !parsed.host || parsed.credentials) return false;
  if (/[:#?[\]]/.test(parsed.host)) return false;
  const home = authority(homeUrl);
  const sameHost = home !== null && home.host.toLowerCase() === parsed.host.toLowerCase();
  const host = parsed.host.replace(/^\.+|\.+$/g, '');
  if (!sameHost) {
    const ip = DOTTED_QUAD.test(host) ? host : await gethostbyname(host);
    if (ip === host && !DOTTED_QUAD.test(host)) return false;
    const [a, b] = ip.split('.').map((part) => Number.parseInt(part, 10));
    if (a === 127 || a === 10 || a === 0 || (a === 172 && b! >= 16 && b! <= 31) || (a === 192 && b === 168)) return false;
  }
  if (parsed.port === null) return true;
  if (SAFE_PORTS.includes(parsed.port)) return true;
  return sameHost && home?.port === parsed.port;
}
