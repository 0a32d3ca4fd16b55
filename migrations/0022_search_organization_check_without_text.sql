-- The search functions check a row's organization without formatting its id.
--
-- 0020 and 0021 compare the organization as text (`o.org_id::text = org::text`), so that a plan
-- made for any pattern can use the keys' index alone: a comparison of the uuids themselves could
-- be combined with the index on org_id, which reads every index entry of the organization. But
-- the text form is made for each row the index gives: uuid_out writes 36 characters one at a
-- time, and a search of 1,000,000 orders that reads 336 rows spent about a tenth of its time
-- there. `(o.org_id = org) is true` is the same check (org is never null here, and neither is
-- org_id) that no index can serve either, at the cost of comparing 16 bytes: the statement of a
-- searched order page ran about 10 % faster. The functions are otherwise those of 0020 and 0021.

create or replace function dockhand.search_order_keys(pattern text)
  returns table (id uuid, placed_at timestamptz, platform_updated_at timestamptz, total numeric)
  language plpgsql stable security definer
  set search_path = public, pg_temp
  set plan_cache_mode = force_generic_plan
  as $$
  declare
    org uuid := dockhand.current_org_id();
    every_store boolean := dockhand.all_stores();
    stores uuid[] := dockhand.current_store_ids();
    keys text[] := dockhand.org_pattern_trigrams(org, pattern);
  begin
    if keys <> '{}' then
      return query
        select o.id, o.placed_at, o.platform_updated_at, o.total::numeric from orders o
        where dockhand.org_trigrams(o.org_id, o.search_text) @> keys
          and (o.org_id = org) is true
          and (every_store or o.store_id = any (stores))
          and o.search_text like pattern;
    else
      return query
        select o.id, o.placed_at, o.platform_updated_at, o.total::numeric from orders o
        where o.org_id = org
          and (every_store or o.store_id = any (stores))
          and o.search_text like pattern;
    end if;
  end
  $$;

create or replace function dockhand.search_product_ids(pattern text) returns setof uuid
  language plpgsql stable security definer
  set search_path = public, pg_temp
  set plan_cache_mode = force_generic_plan
  as $$
  declare
    org uuid := dockhand.current_org_id();
    every_store boolean := dockhand.all_stores();
    stores uuid[] := dockhand.current_store_ids();
    keys text[] := dockhand.org_pattern_trigrams(org, pattern);
  begin
    if keys <> '{}' then
      return query
        select p.id from products p
        where dockhand.org_trigrams(p.org_id, lower(p.title)) @> keys
          and (p.org_id = org) is true
          and (every_store or p.store_id = any (stores))
          and lower(p.title) like pattern
        union
        select v.product_id from product_variants v
        where dockhand.org_trigrams(v.org_id, lower(v.sku)) @> keys
          and (v.org_id = org) is true
          and (every_store or v.store_id = any (stores))
          and lower(v.sku) like pattern;
    else
      return query
        select p.id from products p
        where p.org_id = org
          and (every_store or p.store_id = any (stores))
          and lower(p.title) like pattern
        union
        select v.product_id from product_variants v
        where v.org_id = org
          and (every_store or v.store_id = any (stores))
          and lower(v.sku) like pattern;
    end if;
  end
  $$;

create or replace function dockhand.search_customer_ids(pattern text) returns setof uuid
  language plpgsql stable security definer
  set search_path = public, pg_temp
  set plan_cache_mode = force_generic_plan
  as $$
  declare
    org uuid := dockhand.current_org_id();
    every_store boolean := dockhand.all_stores();
    stores uuid[] := dockhand.current_store_ids();
    keys text[] := dockhand.org_pattern_trigrams(org, pattern);
  begin
    if keys <> '{}' then
      return query
        select c.id from customers c
        where dockhand.org_trigrams(c.org_id, dockhand.customer_search_text(c.first_name, c.last_name, c.email::text)) @> keys
          and (c.org_id = org) is true
          and (every_store or c.store_id = any (stores))
          and c.redacted_at is null
          and dockhand.customer_search_text(c.first_name, c.last_name, c.email::text) like pattern;
    else
      return query
        select c.id from customers c
        where c.org_id = org
          and (every_store or c.store_id = any (stores))
          and c.redacted_at is null
          and dockhand.customer_search_text(c.first_name, c.last_name, c.email::text) like pattern;
    end if;
  end
  $$;
