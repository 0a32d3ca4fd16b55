import { isIP } from 'node:net';
import { ApiError } from '../../api/errors.ts';

/**
 * WooCommerce posts the app keys to `callback_url` = PUBLIC_URL + `/woocommerce/keys-callback`
 * only when it is https (`WC_Auth`: "The callback_url needs to be over SSL"), and WordPress sends
 * it only to ports 80, 443 and 8080 and never to a private address (`wp_safe_remote_post`: "A
 * valid URL was not provided."). So a connect is refused before anyone is sent to the store when
 * PUBLIC_URL cannot work. The one exception is a loopback server talking to a loopback store: the
 * local emulator, which can be told to accept http callbacks on loopback (tests, demo).
 */
export class UnusableCallbackUrlError extends ApiError {
  constructor(publicUrl: string, problem: string) {
    super(
      'SERVICE_UNAVAILABLE',
      `PUBLIC_URL (${publicUrl}) ${problem}, so connecting would fail at the store: WooCommerce sends the keys ` +
        `to ${publicUrl}/woocommerce/keys-callback only over https, on port 443 (or 80, 8080) and to a public ` +
        'address. Set PUBLIC_URL to the https address this server is reached at.',
      { setting: 'PUBLIC_URL', publicUrl },
    );
  }
}

function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

/** A literal address WordPress treats as local (`wp_http_validate_url`), or any IPv6 literal it cannot parse. */
function isRefusedAddress(hostname: string): boolean {
  if (hostname.startsWith('[')) return true;
  if (isIP(hostname) !== 4) return false;
  const [a, b] = hostname.split('.').map(Number);
  return a === 127 || a === 10 || a === 0 || (a === 172 && b! >= 16 && b! <= 31) || (a === 192 && b === 168);
}

/** Throws UnusableCallbackUrlError unless WooCommerce will post the keys to PUBLIC_URL's callback. */
export function assertCallbackAccepted(publicUrl: string, storeUrl: string): void {
  const callback = new URL(publicUrl);
  const shown = publicUrl.replace(/\/+$/, '');
  if (isLoopbackHost(callback.hostname) && isLoopbackHost(new URL(storeUrl).hostname)) return;
  if (callback.protocol !== 'https:') throw new UnusableCallbackUrlError(shown, 'is not https');
  if (callback.port !== '' && !['80', '8080'].includes(callback.port)) {
    throw new UnusableCallbackUrlError(shown, `uses port ${callback.port}`);
  }
  if (isLoopbackHost(callback.hostname) || isRefusedAddress(callback.hostname)) {
    throw new UnusableCallbackUrlError(shown, 'is a private or loopback address');
  }
}
