-- Shopify shops join an organization only with proof (OAuth install, token exchange, or an
-- admin token the server verified against the shop), belong to one organization at a time,
-- and only an active store receives webhooks. Inbox headers are a JSON object without the
-- signature.

-- platform_shop_id: the shop's own id as the Admin API answered it with the store's token
-- (webhook bodies that name a shop are checked against it). connected_at: when the store last
-- joined through proof; a shop that reinstalls returns to the store connected last.
alter table stores add column platform_shop_id text, add column connected_at timestamptz;

-- Before this migration only the install flows made a Shopify store active.
update stores set connected_at = updated_at where platform = 'shopify' and status = 'active';

-- A shop is held only while it is active: a pending (unproven), disconnected or uninstalled
-- row frees the domain.
drop index stores_shopify_domain_installed;
create unique index stores_shopify_domain_active on stores (lower(shop_domain))
  where platform = 'shopify' and status = 'active';

-- The ingest look-up: active stores only.
drop function dockhand.shopify_store_by_domain(text);
create function dockhand.shopify_store_by_domain(domain text)
  returns table (org_id uuid, store_id uuid, status text, platform_shop_id text)
  language sql stable security definer set search_path = public, pg_temp
  as $$
    select s.org_id, s.id, s.status, s.platform_shop_id from stores s
    where s.platform = 'shopify' and lower(s.shop_domain) = lower(domain) and s.status = 'active'
  $$;

-- Where a shop belongs when it installs or sends a compliance request: its active store, else
-- the store it was connected to last (uninstalled or disconnected). Unproven rows never count.
create function dockhand.shopify_shop_home(domain text)
  returns table (org_id uuid, store_id uuid, status text, platform_shop_id text)
  language sql stable security definer set search_path = public, pg_temp
  as $$
    select s.org_id, s.id, s.status, s.platform_shop_id from stores s
    where s.platform = 'shopify' and lower(s.shop_domain) = lower(domain)
      and (s.status = 'active' or s.connected_at is not null)
    order by s.status = 'active' desc, s.connected_at desc nulls last
    limit 1
  $$;

-- Whether any of `ids` (Shopify ids of one kind) is already known in another Shopify store.
-- Shopify's ids are unique across shops, so such a body belongs to another shop. Answers a
-- yes or no only; every probe is an index look-up that leads with org_id.
create function dockhand.shopify_ids_elsewhere(store uuid, kind text, ids text[])
  returns boolean
  language plpgsql stable security definer set search_path = public, pg_temp
  as $$
  begin
    if ids is null or cardinality(ids) = 0 then
      return false;
    end if;
    return case kind
      when 'order' then exists (
        select 1 from stores s join orders o on o.org_id = s.org_id and o.store_id = s.id
        where s.platform = 'shopify' and s.id <> store and o.platform_id = any (ids))
      when 'product' then exists (
        select 1 from stores s join products p on p.org_id = s.org_id and p.store_id = s.id
        where s.platform = 'shopify' and s.id <> store and p.platform_id = any (ids))
      when 'variant' then exists (
        select 1 from stores s join product_variants v on v.org_id = s.org_id and v.store_id = s.id
        where s.platform = 'shopify' and s.id <> store and v.platform_id = any (ids))
      when 'inventory_item' then exists (
        select 1 from stores s join product_variants v on v.org_id = s.org_id and v.store_id = s.id
        where s.platform = 'shopify' and s.id <> store and v.inventory_item_id = any (ids))
      when 'customer' then exists (
        select 1 from stores s join customers c on c.org_id = s.org_id and c.store_id = s.id
        where s.platform = 'shopify' and s.id <> store and c.platform_id = any (ids))
      when 'location' then exists (
        select 1 from stores s join locations l on l.org_id = s.org_id and l.store_id = s.id
        where s.platform = 'shopify' and s.id <> store and l.platform_id = any (ids))
      else null
    end;
  end
  $$;

create index product_variants_inventory_item_idx on product_variants (org_id, store_id, inventory_item_id);

revoke all on function dockhand.shopify_store_by_domain(text) from public;
revoke all on function dockhand.shopify_shop_home(text) from public;
revoke all on function dockhand.shopify_ids_elsewhere(uuid, text, text[]) from public;
grant execute on function dockhand.shopify_store_by_domain(text) to dockhand_app;
grant execute on function dockhand.shopify_shop_home(text) to dockhand_app;
grant execute on function dockhand.shopify_ids_elsewhere(uuid, text, text[]) to dockhand_app;

-- Inbox headers were stored as a JSON string holding the object, signature included.
update webhook_events
set headers = (case when jsonb_typeof(headers) = 'string' then (headers #>> '{}')::jsonb else headers end)
              - 'x-shopify-hmac-sha256' - 'x-wc-webhook-signature'
where jsonb_typeof(headers) = 'string' or headers ? 'x-shopify-hmac-sha256' or headers ? 'x-wc-webhook-signature';
alter table webhook_events add constraint webhook_events_headers_object check (jsonb_typeof(headers) = 'object');
