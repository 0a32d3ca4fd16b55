/**
 * A page that plays the Shopify admin for an embedded app: it frames the app URL with the
 * query Shopify adds (shop, host, timestamp, hmac, embedded, id_token, session, locale) and
 * answers the frame's requests for a fresh id token over postMessage.
 *
 * Frame side: load `/_emulator/app-bridge.js` (instead of Shopify's CDN script) to get a
 * `shopify.idToken()` that asks this page; or post `{type: 'dockhand-emulator:id-token-request', requestId}`
 * to `window.parent` and wait for `{type: 'dockhand-emulator:id-token', requestId, idToken}`.
 */

const escapeHtml = (value: string): string =>
  value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

export function adminPageHtml(params: { shop: string; frameUrl: string; apiKey: string }): string {
  const config = JSON.stringify({ shop: params.shop }).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(params.shop)} · Shopify admin (emulated)</title>
<style>
  html, body { margin: 0; height: 100%; font-family: system-ui, sans-serif; background: #f1f1f1; }
  header { height: 44px; display: flex; align-items: center; padding: 0 16px; background: #1a1a1a; color: #fff; font-size: 14px; gap: 12px; }
  header code { color: #b5b5b5; }
  iframe { display: block; width: 100%; height: calc(100% - 44px); border: 0; background: #fff; }
</style>
</head>
<body>
<header><strong>Shopify admin</strong><code>${escapeHtml(params.shop)}</code><span>app ${escapeHtml(params.apiKey)}</span></header>
<iframe id="app-frame" name="app-iframe" title="App" src="${escapeHtml(params.frameUrl)}" allow="clipboard-write"></iframe>
<script type="module">
  const config = ${config};
  const frame = document.getElementById('app-frame');
  window.addEventListener('message', async (event) => {
    if (event.source !== frame.contentWindow) return;
    const message = event.data;
    if (!message || message.type !== 'dockhand-emulator:id-token-request') return;
    const response = await fetch('/_emulator/session-token', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ shop: config.shop }),
    });
    const { token } = await response.json();
    event.source.postMessage({ type: 'dockhand-emulator:id-token', requestId: message.requestId, idToken: token }, event.origin === 'null' ? '*' : event.origin);
  });
</script>
</body>
</html>
`;
}

/** A stand-in for App Bridge's global `shopify`, limited to `idToken()`. */
export const appBridgeShim = `(() => {
  if (window.shopify && window.shopify.idToken) return;
  let counter = 0;
  const pending = new Map();
  window.addEventListener('message', (event) => {
    const message = event.data;
    if (!message || message.type !== 'dockhand-emulator:id-token') return;
    const resolve = pending.get(message.requestId);
    if (resolve) { pending.delete(message.requestId); resolve(message.idToken); }
  });
  const config = new URLSearchParams(location.search);
  window.shopify = {
    config: { shop: config.get('shop'), host: config.get('host'), locale: config.get('locale') || 'en' },
    idToken() {
      const requestId = 'id-token-' + (++counter);
      return new Promise((resolve, reject) => {
        pending.set(requestId, resolve);
        window.parent.postMessage({ type: 'dockhand-emulator:id-token-request', requestId }, '*');
        setTimeout(() => { if (pending.delete(requestId)) reject(new Error('id token request timed out')); }, 5000);
      });
    },
  };
})();
`;

export function consentPageHtml(params: { shop: string; scopes: string; approveUrl: string; denyUrl: string }): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Install app · ${escapeHtml(params.shop)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:480px;margin:64px auto;padding:0 16px}a.button{display:inline-block;padding:8px 16px;border-radius:8px;background:#1a1a1a;color:#fff;text-decoration:none}</style>
</head>
<body>
<h1>Install app</h1>
<p>Store <strong>${escapeHtml(params.shop)}</strong> is asked to grant: <code>${escapeHtml(params.scopes || '(no scopes)')}</code></p>
<p><a class="button" id="install" href="${escapeHtml(params.approveUrl)}">Install app</a> <a id="cancel" href="${escapeHtml(params.denyUrl)}">Cancel</a></p>
</body>
</html>
`;
}
