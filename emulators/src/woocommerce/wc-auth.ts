/**
 * The app-key endpoint `/wc-auth/v1/authorize` after `WC_Auth`:
 * all five parameters are required, `scope` is read / write / read_write, both URLs must
 * be valid and `callback_url` must be https. Approval creates a key, POSTs
 * `{key_id, user_id, consumer_key, consumer_secret, key_permissions}` as JSON to the
 * callback (60 s timeout) through `wp_safe_remote_post`, so a callback on a local address or a
 * port other than 80 / 443 / 8080 is refused ("A valid URL was not provided."; see
 * `wc-auth-safe-url.ts`); anything but exactly 200 deletes the key and ends on
 * WooCommerce's "Access denied" page; success redirects to `return_url?success=1&user_id=…`,
 * denial to `…success=0…`.
 *
 * The emulator has no logged-in admin: with `autoApprove` (the default) the request is
 * approved at once, otherwise a small consent page links to approve and deny.
 */
import type { KeyPermissions } from './auth.ts';
import { phpJson, wcDate } from './format.ts';
import { post, type Outbound } from './webhooks.ts';
import type { Site } from './site.ts';
import { wpHttpValidateUrl } from './wc-auth-safe-url.ts';

export interface WcAuthOptions {
  autoApprove: boolean;
  /** Accept `http://` callbacks on loopback hosts (127.0.0.1, localhost, ::1) — tests have no TLS receiver. */
  allowInsecureLoopbackCallback: boolean;
  outbound: Outbound;
}

export interface HtmlResult {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const REQUIRED = ['app_name', 'user_id', 'return_url', 'callback_url', 'scope'] as const;
const SCOPES: readonly KeyPermissions[] = ['read', 'write', 'read_write'];

function escapeHtml(text: string): string {
  const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#039;' };
  return text.replace(/[&<>"']/g, (c) => entities[c] ?? c);
}

/** `wp_die()` with WooCommerce's "Access denied" title and a 401; `note` is the emulator's own, below it. */
function accessDenied(message: string, note?: string): HtmlResult {
  const extra = note ? `\n<p class="emulator-note">${escapeHtml(note)}</p>` : '';
  const body = `<!DOCTYPE html>
<html lang="en-US"><head><meta charset="UTF-8"><title>Access denied</title></head>
<body id="error-page"><div class="wp-die-message">Error: ${escapeHtml(message)}.</div>${extra}</body></html>`;
  return { status: 401, headers: { 'Content-Type': 'text/html; charset=UTF-8' }, body };
}

function redirect(location: string): HtmlResult {
  return { status: 302, headers: { Location: location }, body: '' };
}

function withQuery(url: string, params: Record<string, string>): string {
  const [base, hash] = url.split('#', 2);
  const query = Object.entries(params)
    .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
    .join('&');
  return `${base}${base?.includes('?') ? '&' : '?'}${query}${hash !== undefined ? `#${hash}` : ''}`;
}

function isLoopback(url: URL): boolean {
  return ['127.0.0.1', 'localhost', '[::1]', '::1'].includes(url.hostname);
}

/**
 * WooCommerce's refusal of a loopback callback, as WooCommerce words it, is right but names no way
 * out; the emulator adds the setting that lets a local server receive the keys.
 */
function loopbackNote(callbackUrl: string | null, opts: WcAuthOptions): string | undefined {
  if (opts.allowInsecureLoopbackCallback || !callbackUrl || !URL.canParse(callbackUrl)) return undefined;
  if (!isLoopback(new URL(callbackUrl))) return undefined;
  return (
    'Emulator: a callback on a loopback host is accepted (over http too) when the emulator is started ' +
    'with --loopback-callbacks (dockhand-emulators) or allowInsecureLoopbackCallback: true.'
  );
}

function validate(params: URLSearchParams, opts: WcAuthOptions): Record<(typeof REQUIRED)[number], string> | string {
  const data = {} as Record<(typeof REQUIRED)[number], string>;
  for (const name of REQUIRED) {
    const value = params.get(name);
    if (!value) return `Missing parameter ${name}`;
    data[name] = value;
  }
  if (!SCOPES.includes(data.scope as KeyPermissions)) return `Invalid scope ${data.scope}`;
  for (const name of ['return_url', 'callback_url'] as const) {
    try {
      new URL(data[name]);
    } catch {
      return `The ${data[name]} is not a valid URL`;
    }
  }
  const callback = new URL(data.callback_url);
  const insecureAllowed = opts.allowInsecureLoopbackCallback && callback.protocol === 'http:' && isLoopback(callback);
  if (callback.protocol !== 'https:' && !insecureAllowed) return 'The callback_url needs to be over SSL';
  return data;
}

export async function handleWcAuth(
  site: Site,
  endpoint: string,
  params: URLSearchParams,
  opts: WcAuthOptions,
  siteUrl: string,
): Promise<HtmlResult> {
  const data = validate(params, opts);
  if (typeof data === 'string') return accessDenied(data, loopbackNote(params.get('callback_url'), opts));

  if (endpoint === 'access_denied') {
    return redirect(withQuery(data.return_url, { success: '0', user_id: data.user_id }));
  }
  if (endpoint === 'authorize' && !opts.autoApprove) {
    const query = new URLSearchParams(REQUIRED.map((name): [string, string] => [name, data[name]])).toString();
    const scope = data.scope === 'read_write' ? 'Read/Write' : data.scope === 'read' ? 'Read' : 'Write';
    const body = `<!DOCTYPE html>
<html lang="en-US"><head><meta charset="UTF-8"><title>${escapeHtml(site.name)} &rsaquo; Connect</title></head>
<body class="wc-auth wp-core-ui"><h1>${escapeHtml(site.name)}</h1>
<p><strong>${escapeHtml(data.app_name)}</strong> would like to connect to your store.</p>
<p>This will give &quot;${escapeHtml(data.app_name)}&quot; <strong>${scope}</strong> access.</p>
<p class="wc-auth-actions">
<a href="${escapeHtml(`${siteUrl}/wc-auth/v1/access_granted?${query}`)}" class="button button-primary wc-auth-approve">Approve</a>
<a href="${escapeHtml(`${siteUrl}/wc-auth/v1/access_denied?${query}`)}" class="button wc-auth-deny">Deny</a>
</p></body></html>`;
    return { status: 200, headers: { 'Content-Type': 'text/html; charset=UTF-8' }, body };
  }
  if (endpoint !== 'authorize' && endpoint !== 'access_granted') {
    return accessDenied('Invalid request');
  }

  const permissions = data.scope as KeyPermissions;
  const key = site.addKey({
    permissions,
    userId: 1,
    description: `${data.app_name} - API (${(wcDate(site.now()) ?? '').replace('T', ' ')})`,
  });
  const consumerData = {
    key_id: key.keyId,
    user_id: data.user_id,
    consumer_key: key.consumerKey,
    consumer_secret: key.consumerSecret,
    key_permissions: permissions,
  };
  // wp_safe_remote_post(): WordPress refuses local addresses and unusual ports before sending.
  // The loopback allowance (tests without TLS) is the emulator's one deliberate exception.
  const callback = new URL(data.callback_url);
  const loopbackAllowed = opts.allowInsecureLoopbackCallback && isLoopback(callback);
  if (!loopbackAllowed && !(await wpHttpValidateUrl(data.callback_url, siteUrl))) {
    site.deleteKey(key.keyId);
    return accessDenied('A valid URL was not provided.', loopbackNote(data.callback_url, opts));
  }
  const status = await post(
    data.callback_url,
    phpJson(consumerData),
    { 'Content-Type': 'application/json;charset=UTF-8', 'User-Agent': `WordPress/6.8.8; ${siteUrl}` },
    opts.outbound,
  );
  if (status !== 200) {
    site.deleteKey(key.keyId);
    return accessDenied(
      status === 0
        ? "cURL error 7: Couldn't connect to server"
        : 'An error occurred in the request and at the time were unable to send the consumer data',
    );
  }
  return redirect(withQuery(data.return_url, { success: '1', user_id: data.user_id }));
}
