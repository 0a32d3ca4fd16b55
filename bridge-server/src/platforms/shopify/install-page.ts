/**
 * The page an admin sees before Dockhand sends the browser to Shopify's authorize screen: it
 * names the shop and the organization it will join, and continues only by a POST from this page
 * (a link alone cannot skip it).
 */

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);

export interface InstallPageInput {
  shop: string;
  organizationName: string;
  /** Where the form posts (`/shopify/auth`). */
  action: string;
  connectToken: string;
}

export function installPage(input: InstallPageInput): string {
  const shop = escapeHtml(input.shop);
  const organization = escapeHtml(input.organizationName);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Connect ${shop} to Dockhand</title>
</head>
<body>
<main>
<h1>Connect ${shop} to Dockhand</h1>
<p>The shop <strong data-shop>${shop}</strong> will join the Dockhand organization
<strong data-organization>${organization}</strong>. That organization's admins will see its orders,
products, customers and stock, and change them through Dockhand.</p>
<p>Continue only if you started this yourself and the organization is the right one.</p>
<form method="post" action="${escapeHtml(input.action)}">
<input type="hidden" name="shop" value="${shop}">
<input type="hidden" name="connect_token" value="${escapeHtml(input.connectToken)}">
<button type="submit">Continue to Shopify</button>
</form>
</main>
</body>
</html>
`;
}

/** The page's own policy: nothing loads, and the form may go here and on to the shop's authorize page. */
export const installPagePolicy = (shop: string): string =>
  `default-src 'none'; form-action 'self' https://${shop}; frame-ancestors 'none'; base-uri 'none'`;
