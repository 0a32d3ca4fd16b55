-- Webhook ingest: a delivery names its store (Shopify by shop domain, WooCommerce by the
-- store id in the URL) before any principal exists. These look-ups run as the owner and
-- return only the organization and store to continue under.

-- A Shopify shop installs into one organization at a time, so its webhooks have one home.
create unique index stores_shopify_domain_installed on stores (lower(shop_domain))
  where platform = 'shopify' and status <> 'uninstalled';

create function dockhand.shopify_store_by_domain(domain text)
  returns table (org_id uuid, store_id uuid, status text)
  language sql stable security definer set search_path = public, pg_temp
  as $$
    select s.org_id, s.id, s.status from stores s
    where s.platform = 'shopify' and lower(s.shop_domain) = lower(domain) and s.status <> 'uninstalled'
  $$;

create function dockhand.store_home(store uuid)
  returns table (org_id uuid, platform text, status text)
  language sql stable security definer set search_path = public, pg_temp
  as $$ select s.org_id, s.platform, s.status from stores s where s.id = store $$;

revoke all on function dockhand.shopify_store_by_domain(text) from public;
revoke all on function dockhand.store_home(uuid) from public;
grant execute on function dockhand.shopify_store_by_domain(text) to dockhand_app;
grant execute on function dockhand.store_home(uuid) to dockhand_app;

-- The sweeper looks for inbox rows that were stored but never applied, across organizations.
create function dockhand.unapplied_webhook_events(older_than interval, max_rows integer)
  returns table (org_id uuid, id uuid)
  language sql stable security definer set search_path = public, pg_temp
  as $$
    select e.org_id, e.id from webhook_events e
    where e.status = 'received' and e.received_at < now() - older_than
    order by e.received_at
    limit max_rows
  $$;
revoke all on function dockhand.unapplied_webhook_events(interval, integer) from public;
grant execute on function dockhand.unapplied_webhook_events(interval, integer) to dockhand_app;
