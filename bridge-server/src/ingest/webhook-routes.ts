import express, { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { AppContext } from '../api/context.ts';
import { documentRoute } from '../api/openapi.ts';
import { WEBHOOK_PLATFORMS } from '../platforms/registry.ts';
import type { PlatformWebhooks } from '../platforms/webhooks.ts';
import type { InboundWebhook } from './webhook-inbox.ts';

documentRoute({
  method: 'post',
  path: '/webhooks/shopify',
  summary: 'Shopify webhook deliveries (HMAC-verified over the raw body)',
  tags: ['webhooks'],
  auth: false,
  errors: {
    400: 'X-Shopify-Topic, X-Shopify-Shop-Domain or X-Shopify-Event-Id missing',
    401: 'The signature does not match, or the body names another shop',
    404: 'No store takes deliveries for this shop',
    413: 'The body is larger than DOCKHAND_BODY_LIMIT',
    503: 'The database is unavailable, Shopify is not configured, or an uninstall could not be checked with Shopify',
  },
});
documentRoute({
  method: 'post',
  path: '/webhooks/woocommerce/:storeId',
  summary: 'WooCommerce webhook deliveries and pings',
  tags: ['webhooks'],
  auth: false,
  params: z.object({ storeId: z.string().describe('The Dockhand store id the webhook was registered with') }),
  errors: {
    400: 'X-WC-Webhook-Topic missing',
    401: 'The signature does not match',
    404: 'No active store with this id',
    413: 'The body is larger than DOCKHAND_BODY_LIMIT',
  },
});

function keptHeaders(req: Request, platform: PlatformWebhooks): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (name.startsWith(platform.headerPrefix) && name !== platform.signatureHeader && typeof value === 'string') {
      kept[name] = value;
    }
  }
  return kept;
}

function rawBody(req: Request): Buffer {
  return Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
}

/**
 * Each platform verifies the signature over the raw bytes and finds the store; the event is
 * stored in the inbox (a duplicate is a no-op), answered 200, then enqueued. Losing the enqueue
 * loses nothing: the sweeper finds the row.
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

  for (const platform of WEBHOOK_PLATFORMS) {
    router.post(platform.path, raw, async (req, res) => {
      const reception = await platform.receive(ctx, {
        body: rawBody(req),
        header: (name) => req.get(name),
        param: (name) => {
          const value: unknown = req.params[name];
          return typeof value === 'string' ? value : undefined;
        },
      });
      if (reception.kind === 'answered') {
        res.status(200).json(reception.answer);
        return;
      }
      if (!Object.hasOwn(platform.topics, reception.topic)) {
        // Nothing would act on it; stored, every captured body could be stored again under any
        // made-up topic (the topic is not signed), a megabyte at a time.
        res.status(200).json({ received: true, ignored: true });
        return;
      }
      await accept(res, {
        orgId: reception.store.orgId,
        storeId: reception.store.storeId,
        platform: platform.platform,
        eventId: reception.eventId,
        topic: reception.topic,
        body: reception.body,
        headers: keptHeaders(req, platform),
      });
    });
  }

  return router;
}
