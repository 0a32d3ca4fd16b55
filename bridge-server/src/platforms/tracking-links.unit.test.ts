import { describe, expect, it } from 'vitest';
import { webUrl } from './model.ts';
import { normalizeShopifyOrder } from './shopify/normalize.ts';

/**
 * A tracking link comes from whoever runs the store (or a plugin there). Only http(s) links are
 * kept, so no page that makes one clickable can be handed `javascript:`.
 */
describe('tracking links from a platform', () => {
  it('keeps http(s) links and drops every other scheme', () => {
    expect(webUrl('https://track.example/abc?n=1')).toBe('https://track.example/abc?n=1');
    expect(webUrl('http://track.example/abc')).toBe('http://track.example/abc');
    for (const hostile of [
      'javascript:alert(1)',
      'JavaScript:alert(1)',
      ' javascript:alert(1)',
      'java\tscript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'vbscript:msgbox(1)',
      '//evil.example/x',
      'not a url',
      '',
    ]) {
      expect(webUrl(hostile), hostile).toBeNull();
    }
    expect(webUrl(null)).toBeNull();
    expect(webUrl(undefined)).toBeNull();
  });

  it('are dropped from a Shopify order when they are not http(s)', () => {
    const order = normalizeShopifyOrder({
      id: 1001,
      name: '#1001',
      email: null,
      created_at: '2026-11-20T10:00:00Z',
      updated_at: '2026-11-20T10:00:00Z',
      cancelled_at: null,
      closed_at: null,
      currency: 'USD',
      financial_status: 'paid',
      fulfillment_status: 'fulfilled',
      total_price: '10.00',
      fulfillments: [
        {
          id: 1,
          status: 'success',
          created_at: null,
          tracking_number: 'A',
          tracking_company: 'UPS',
          tracking_url: 'javascript:alert(1)',
        },
        {
          id: 2,
          status: 'success',
          created_at: null,
          tracking_number: 'B',
          tracking_company: 'UPS',
          tracking_url: 'https://ups.example/B',
        },
      ],
      line_items: [],
    });
    expect(order.fulfillments?.map((fulfillment) => fulfillment.trackingUrl)).toEqual([null, 'https://ups.example/B']);
  });
});
