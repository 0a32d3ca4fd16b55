import { createHash } from 'node:crypto';
import express, { Router, type Request, type Response } from 'express';
import type { AppContext } from '../api/context.ts';
import { BadRequestError, NotFoundError, ServiceUnavailableError, UnauthorizedError } from '../api/errors.ts';
import { documentRoute } from '../api/openapi.ts';
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
const WOO_PING = /^webhook_id=\d+$/;

function keptHeaders(req: Request): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (KEPT_HEADERS.test(name) && typeof value === 'string') kept[name] = value;
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
    const store = await ctx.ingest.directory.shopifyByDomain(domain);
    if (!store) throw new NotFoundError('Store');
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
