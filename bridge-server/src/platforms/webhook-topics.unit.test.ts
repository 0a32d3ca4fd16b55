import { describe, expect, it } from 'vitest';
import type { Platform } from '../domain/stores/store-service.ts';
import { WEBHOOK_PLATFORMS } from './registry.ts';
import { SHOPIFY_WEBHOOK_TOPICS } from './shopify/connector.ts';
import { SHOPIFY_COMPLIANCE_TOPICS } from './shopify/webhook-identity.ts';
import { WOO_WEBHOOK_TOPICS } from './woocommerce/connector.ts';

/**
 * Rules over every platform's webhook topics, generated from the platform modules: a topic
 * handled but never subscribed (or subscribed and never handled) fails here. A new platform
 * must add its rows to these tables (they are typed by Platform).
 */

/** What each connector's `registerWebhooks` subscribes, in the platform's own names. */
const SUBSCRIBED_BY_CONNECTOR: Record<Platform, readonly string[]> = {
  shopify: SHOPIFY_WEBHOOK_TOPICS,
  woocommerce: WOO_WEBHOOK_TOPICS,
};

/** Topics the platform sends because the app's configuration declares them (not subscribable through the API). */
const DECLARED_IN_APP_CONFIG: Record<Platform, readonly string[]> = {
  shopify: SHOPIFY_COMPLIANCE_TOPICS,
  woocommerce: [],
};

/** WooCommerce's topic grammar (wc_is_webhook_valid_topic), Shopify's `resource/event`. */
const TOPIC_SHAPE: Record<Platform, RegExp> = {
  shopify: /^[a-z_]+\/[a-z_]+$/,
  woocommerce: /^(coupon|customer|order|product)\.(created|updated|deleted|restored)$|^product\.published$/,
};

describe.each(WEBHOOK_PLATFORMS.map((webhooks) => [webhooks.platform, webhooks] as const))(
  '%s webhook topics',
  (platform, webhooks) => {
    const handled = Object.keys(webhooks.topics);
    const bySubscription = new Map(handled.map((topic) => [webhooks.subscriptionName(topic), topic]));

    it('gives every topic the connector subscribes to a handler', () => {
      expect(SUBSCRIBED_BY_CONNECTOR[platform].length).toBeGreaterThan(0);
      for (const subscription of SUBSCRIBED_BY_CONNECTOR[platform]) {
        const topic = bySubscription.get(subscription);
        expect(topic, `${subscription} is subscribed but not handled`).toBeDefined();
        expect(webhooks.topics[topic!]!.subscribedBy).toBe('api');
      }
    });

    it('subscribes to every topic it handles (or the app configuration declares it)', () => {
      const subscribed = new Set(SUBSCRIBED_BY_CONNECTOR[platform]);
      for (const topic of handled) {
        const declared = DECLARED_IN_APP_CONFIG[platform].includes(topic);
        expect(subscribed.has(webhooks.subscriptionName(topic)) || declared, `${topic} is handled but never subscribed`).toBe(
          true,
        );
        expect(webhooks.topics[topic]!.subscribedBy).toBe(declared ? 'app-config' : 'api');
      }
      for (const topic of DECLARED_IN_APP_CONFIG[platform]) expect(handled).toContain(topic);
    });

    it('names each subscription once, and only well-formed topics', () => {
      expect(bySubscription.size).toBe(handled.length);
      for (const topic of handled) expect(topic).toMatch(TOPIC_SHAPE[platform]);
    });
  },
);

describe('the platform modules', () => {
  it('cover every platform once', () => {
    const platforms = WEBHOOK_PLATFORMS.map((webhooks) => webhooks.platform);
    expect(new Set(platforms).size).toBe(platforms.length);
    expect([...platforms].sort()).toEqual(Object.keys(SUBSCRIBED_BY_CONNECTOR).sort());
  });
});
