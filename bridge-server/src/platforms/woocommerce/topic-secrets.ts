import { createHmac } from 'node:crypto';
import type { Database } from '../../db/database.ts';
import { systemPrincipal, withPrincipal } from '../../db/principal.ts';
import type { WooCommerceConnector } from './connector.ts';
import type { WooRestClient } from './rest-client.ts';

/**
 * The secret of one topic's webhook: derived from the store's webhook secret and the topic, so
 * that a delivery's signature says which topic it was sent for (WooCommerce signs the body with
 * the webhook's secret, and its topic header is not signed). Base64url, which WordPress's
 * sanitizing and `wp_specialchars_decode` leave as it is.
 */
export function topicSecret(storeSecret: string, topic: string): string {
  return createHmac('sha256', storeSecret).update(`dockhand woocommerce webhook ${topic}`).digest('base64url');
}

/** Where a WooCommerce store's webhooks are delivered. */
export const wooWebhookUrl = (baseUrl: string, storeId: string): string =>
  `${baseUrl.replace(/\/+$/, '')}/webhooks/woocommerce/${storeId}`;

/** Records that a store's webhooks all have their topics' own secrets: the store's own no longer signs for any. */
export async function markTopicSecrets(db: Database, target: { orgId: string; storeId: string }): Promise<void> {
  await withPrincipal(
    db,
    systemPrincipal(target.orgId),
    (tx) => tx`update stores set webhook_topic_secrets = true where id = ${target.storeId} and not webhook_topic_secrets`,
  );
}

/**
 * A WooCommerce store whose webhooks were registered before topics had their own secrets has
 * them registered again (each existing webhook's secret is replaced), then recorded. Answers
 * whether it did. A failure leaves the store as it was, to be tried at its next sync.
 */
export async function renewTopicSecrets(
  db: Database,
  target: { orgId: string; storeId: string },
  connector: WooCommerceConnector,
  webhookBaseUrl: string,
): Promise<boolean> {
  if (!connector.webhooksOnStoreSecret) return false;
  // Only where its webhooks are: a process whose public URL is not the one they were registered
  // with would add webhooks elsewhere, and the old ones, refused once this is recorded, would be
  // turned off by WooCommerce after their failures.
  const url = wooWebhookUrl(webhookBaseUrl, target.storeId);
  if (!(await hasWebhookAt(connector.client, url))) return false;
  await connector.registerWebhooks(url);
  await markTopicSecrets(db, target);
  return true;
}

async function hasWebhookAt(client: WooRestClient, url: string): Promise<boolean> {
  for (let page = 1; ; page++) {
    const list = await client.list('webhooks', { per_page: 100, page });
    if (list.items.some((item) => (item.value as { delivery_url?: unknown } | null)?.delivery_url === url)) return true;
    if (list.items.length < 100) return false;
  }
}
