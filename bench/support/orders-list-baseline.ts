/**
 * The baseline of the orders-list benchmark: a bare `node:http` handler that answers the same
 * pages with the owner's plain SQL (an explicit `where org_id`; no authentication, no row-level
 * security, no validation). Same database, same load. Prints one JSON line with its URL.
 */
import { createServer } from 'node:http';
import postgres from 'postgres';

const sql = postgres(process.env['BASELINE_DATABASE_URL']!, { max: 10, onnotice: () => {} });
const orgId = process.env['BASELINE_ORG_ID']!;

const columns = sql`
  o.id, o.store_id, o.platform_id, o.number, o.email::text as email, o.status, o.financial_status, o.fulfillment_status,
  o.currency, o.total::text as total, o.tags, o.placed_at, o.platform_updated_at, o.updated_at, o.deleted_at,
  o.customer_name`;

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://baseline');
  const store = url.searchParams.get('store');
  const pattern = `%${(url.searchParams.get('q') ?? '').toLowerCase()}%`;
  const page = store
    ? sql`
        select ${columns} from orders o
        where o.org_id = ${orgId} and o.deleted_at is null and o.store_id = ${store} and o.status = 'open'
          and coalesce(o.fulfillment_status, 'unfulfilled') = 'unfulfilled'
        order by o.placed_at desc, o.id desc limit 51`
    : sql`
        select ${columns} from orders o
        where o.org_id = ${orgId} and o.deleted_at is null
          and dockhand.org_trigrams(o.org_id, o.search_text) @> dockhand.org_pattern_trigrams(${orgId}, ${pattern})
          and o.search_text like ${pattern}
        order by o.placed_at desc, o.id desc limit 51`;
  page.then(
    (rows) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ data: rows.slice(0, 50) }));
    },
    (error: unknown) => {
      res.writeHead(500);
      res.end(String(error));
    },
  );
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address() as { port: number };
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${address.port}` })}\n`);
});
process.once('SIGTERM', () => {
  server.close();
  void sql.end({ timeout: 1 }).then(() => process.exit(0));
});
