-- Product and customer search read only the searching organization's part of their indexes, as
-- order search does since 0020.
--
-- 0010's indexes hold org_id and the trigrams of a title, a SKU or a customer's name and email as
-- separate entries of one GIN index: a search read the posting lists of its trigrams in every
-- organization and intersected them with the list of all of its own rows, a cost that grows with
-- every other tenant's catalog. The keys here are dockhand.org_trigrams (0020): the organization's
-- id (its first 8 hex digits) followed by three characters of one word, within the bounds it
-- keeps (each word's first 100 characters, 10,000 in all), so that no title a store writes can
-- make a write cost more than its length. Organizations that share the 8 digits share keys; the
-- functions check the organization and LIKE on every row the index gives.

create index products_search_keys_idx on products using gin (dockhand.org_trigrams(org_id, lower(title)))
  with (fastupdate = off);
create index product_variants_search_keys_idx on product_variants using gin (dockhand.org_trigrams(org_id, lower(sku)))
  with (fastupdate = off);
create index customers_search_keys_idx on customers
  using gin (dockhand.org_trigrams(org_id, dockhand.customer_search_text(first_name, last_name, email::text)))
  with (fastupdate = off);
drop index products_search_idx;
drop index product_variants_search_idx;
drop index customers_search_idx;

-- 0010's functions, through the new indexes, written as search_order_keys is (0020): static
-- statements planned once per connection for any pattern, the organization compared as text so
-- that the keys' index is the only one a plan can use, and the principal's scope read once.
-- A pattern without a literal run of three characters has no keys and reads the organization's
-- rows without the index, as before.
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
          and p.org_id::text = org::text
          and (every_store or p.store_id = any (stores))
          and lower(p.title) like pattern
        union
        select v.product_id from product_variants v
        where dockhand.org_trigrams(v.org_id, lower(v.sku)) @> keys
          and v.org_id::text = org::text
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
          and c.org_id::text = org::text
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

analyze products;
analyze product_variants;
analyze customers;
