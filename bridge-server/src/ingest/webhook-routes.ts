import { createHash } from 'node:crypto';
import express, { Router, type Request, type Response } from 'express';
import type { AppContext } from '../api/context.ts';
import { BadRequestError, NotFoundError, ServiceUnavailableError, UnauthorizedError } from '../api/errors.ts';
import { documentRoute } from '../api/openapi.ts';
import { parsePlatformJson } from '../platforms/model.ts';
import { isComplianceTopic, namesShop, SHOPIFY_UNINSTALL_TOPIC, shopMismatch } from '../platforms/shopify/webhook-identity.ts';
import type { ShopifyStoreHome } from './store-directory.ts';
import type { InboundWebhook } from './webhook-inbox.ts';
import { verifyBase64Hmac } from './webhook-signature.ts';

documentRoute({
  method: 'post',
  path: '/webhooks/shopify',
  summary: 'Shopify webhook deliveries (HMAC-verified over the raw body)',
  tags: ['webhooks'],
  auth: false,
});
documentRoute({
  method: 'post',
  path: '/webhooks/woocommerce/:storeId',
  summary: 'WooCommerce webhook deliveries and pings',
  tags: ['webhooks'],
  auth: false,
});

const KEPT_HEADERS = /^x-(shopify|wc)-/;
/** A signature proves nothing once checked, and a stored one is a capture waiting to be re-sent. */
const SIGNATURE_HEADERS = new Set(['x-shopify-hmac-sha256', 'x-wc-webhook-signature']);
const WOO_PING = /^webhook_id=\d+$/;

function keptHeaders(req: Request): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (KEPT_HEADERS.test(name) && !SIGNATURE_HEADERS.has(name) && typeof value === 'string') kept[name] = value;
  }
  return kept;
}

function rawBody(req: Request): Buffer {
  return Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
}

function assertJson(body: Buffer): string {
  const text = body.toString('utf8');
  try {
    JSON.parse(text);
  } catch {
    throw new BadRequestError('The webhook body is not valid JSON');
  }
  return text;
}

/**
 * Verify the signature over the raw bytes, store in the inbox (a duplicate is a no-op),
 * answer 200, then enqueue. Losing the enqueue loses nothing: the sweeper finds the row.
 */
export function webhookRoutes(ctx: AppContext): Router {
  const router = Router();
  // Raw bytes: a JSON parser running first would destroy what the signature covers.
  const raw = express.raw({ type: () => true, limit: ctx.config.bodyLimit });

  async function accept(res: Response, event: InboundWebhook): Promise<void> {
    const stored = await ctx.ingest.inbox.store(event);
    res.status(200).json({ received: true, duplicate: stored.duplicate });
    if (stored.duplicate) return;
    ctx.ingest.enqueueApply({ orgId: event.orgId, eventId: stored.id }).catch((error: unknown) => {
      ctx.logger.warn({ err: error, eventId: stored.id }, 'enqueue failed; the sweeper will pick the event up');
    });
  }

  router.post('/shopify', raw, async (req, res) => {
    const secret = ctx.config.shopify?.apiSecret;
    if (!secret) throw new ServiceUnavailableError('Shopify is not configured on this server');
    const body = rawBody(req);
    if (!verifyBase64Hmac(body, secret, req.get('x-shopify-hmac-sha256'))) {
      throw new UnauthorizedError('The webhook signature does not match');
    }
    const topic = req.get('x-shopify-topic');
    const domain = req.get('x-shopify-shop-domain');
    const eventId = req.get('x-shopify-event-id') ?? req.get('x-shopify-webhook-id');
    if (!topic || !domain || !eventId) {
      throw new BadRequestError('X-Shopify-Topic, X-Shopify-Shop-Domain and X-Shopify-Event-Id are required');
    }
    const text = assertJson(body);
    const compliance = isComplianceTopic(topic);
    // Only an active store receives webhooks; a compliance request also reaches the store the
    // shop was last connected to (shop/redact comes 48 hours after the uninstall).
    const store = compliance
      ? await ctx.ingest.directory.shopifyComplianceHome(domain)
      : await ctx.ingest.directory.shopifyByDomain(domain);
    if (!store) {
      // Nothing is kept for the shop: a compliance request has nothing to act on.
      if (compliance) {
        res.status(200).json({ received: true, stored: false });
        return;
      }
      throw new NotFoundError('Store');
    }
    // The headers are not signed: a body that names a shop must name this one.
    const mismatch = namesShop(topic) ? shopMismatch(topic, parsePlatformJson(text), store) : null;
    if (mismatch) {
      ctx.logger.warn({ storeId: store.storeId, topic, reason: mismatch }, 'shopify webhook refused: addressed to another shop');
      throw new UnauthorizedError('The webhook body does not belong to the shop it is addressed to', { reason: mismatch });
    }
    if (topic === SHOPIFY_UNINSTALL_TOPIC && (await stillInstalled(store))) {
      // Shopify revokes the app's tokens on uninstall; a token that still works means it was not.
      ctx.logger.warn({ storeId: store.storeId }, 'shopify app/uninstalled ignored: the store token still works');
      res.status(200).json({ received: true, ignored: true });
      return;
    }
    await accept(res, {
      orgId: store.orgId,
      storeId: store.storeId,
      platform: 'shopify',
      eventId,
      topic,
      body: text,
      headers: keptHeaders(req),
    });
  });

  async function stillInstalled(store: ShopifyStoreHome): Promise<boolean> {
    const shopify = ctx.shopify;
    if (!shopify) return false;
    try {
      return await shopify.tokens.stillInstalled(store, { shopBaseUrl: shopify.shopBaseUrl?.(store.shopDomain) });
    } catch (error) {
      // Unknown: answer so that Shopify retries rather than act on an unverified uninstall.
      ctx.logger.warn({ err: error, storeId: store.storeId }, 'could not ask Shopify whether the app is installed');
      throw new ServiceUnavailableError('Could not verify the uninstall with Shopify; retry later');
    }
  }

  router.post('/woocommerce/:storeId', raw, async (req, res) => {
    const store = await ctx.ingest.directory.wooStore(String(req.params['storeId']));
    if (!store) throw new NotFoundError('Store');
    const body = rawBody(req);
    const signature = req.get('x-wc-webhook-signature');
    // WooCommerce pings a new webhook with a form body and no X-WC headers; it must get exactly 200.
    if (!signature && !req.get('x-wc-webhook-topic') && WOO_PING.test(body.toString('utf8'))) {
      res.status(200).json({ received: true, ping: true });
      return;
    }
    // Only an active store receives webhooks (a disconnected store keeps no secret either).
    if (store.status !== 'active') throw new NotFoundError('Store');
    if (!store.webhookSecret || !verifyBase64Hmac(body, store.webhookSecret, signature)) {
      throw new UnauthorizedError('The webhook signature does not match');
    }
    const topic = req.get('x-wc-webhook-topic');
    if (!topic) throw new BadRequestError('X-WC-Webhook-Topic is required');
    const text = assertJson(body);
    // WooCommerce has no event id and fires the same change several times: the same topic and
    // body is the same event.
    const eventId = `${topic}:${createHash('sha256').update(body).digest('hex')}`;
    await accept(res, {
      orgId: store.orgId,
      storeId: store.storeId,
      platform: 'woocommerce',
      eventId,
      topic,
      body: text,
      headers: keptHeaders(req),
    });
  });

  return router;
}
