import { createHmac } from 'node:crypto';

/**
 * The secret of one topic's webhook: derived from the store's webhook secret and the topic, so
 * that a delivery's signature says which topic it was sent for (WooCommerce signs the body with
 * the webhook's secret, and its topic header is not signed). Base64url, which WordPress's
 * sanitizing and `wp_specialchars_decode` leave as it is.
 */
export function topicSecret(storeSecret: string, topic: string): string {
  return createHmac('sha256', storeSecret).update(`dockhand woocommerce webhook ${topic}`).digest('base64url');
}
