/**
 * The baseline of the ingest benchmark, built the way Shopify's documentation shows a Node
 * webhook receiver: Express with a raw-text body, `shopify.webhooks.validate`, then one
 * INSERT per request. Same database, same load. Prints one JSON line with its URL.
 */
import '@shopify/shopify-api/adapters/node';
import { ApiVersion, shopifyApi } from '@shopify/shopify-api';
import express from 'express';
import postgres from 'postgres';

const sql = postgres(process.env['BASELINE_DATABASE_URL']!, { max: 10, onnotice: () => {} });
await sql`create table if not exists baseline_webhooks (id bigint generated always as identity primary key, event_id text unique, topic text, shop text, body text)`;
const shopify = shopifyApi({
  apiKey: 'bench-key',
  apiSecretKey: process.env['SHOPIFY_API_SECRET']!,
  scopes: ['read_orders'],
  hostName: '127.0.0.1',
  apiVersion: ApiVersion.October25,
  isEmbeddedApp: true,
  logger: { level: 0 },
});
const app = express();
app.post('/webhooks', express.text({ type: '*/*', limit: '1mb' }), async (req, res) => {
  const check = await shopify.webhooks.validate({ rawBody: req.body as string, rawRequest: req, rawResponse: res });
  if (!check.valid) {
    res.status(401).send('invalid');
    return;
  }
  await sql`
    insert into baseline_webhooks (event_id, topic, shop, body)
    values (${check.eventId ?? null}, ${check.topic}, ${check.domain}, ${req.body as string})
    on conflict (event_id) do nothing`;
  res.status(200).send('ok');
});
const server = app.listen(0, '127.0.0.1', () => {
  const address = server.address() as { port: number };
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${address.port}` })}\n`);
});
process.once('SIGTERM', () => {
  server.close();
  void sql.end().then(() => process.exit(0));
});
