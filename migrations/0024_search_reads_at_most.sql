-- A search reads at most a given number of matches; a wider one is answered another way.
--
-- The search functions of 0022 return every match, and the page is sorted from them: the cost
-- grows with the matches. A word common to an organization's orders ("example" in every email,
-- a popular SKU) read all of them: 10,000 orders in 14–20 ms, a million in over a second, on
-- every page and every keystroke that sent one. These versions take `most`: past that many
-- matches they stop and raise SQLSTATE DH001 (nothing is returned). The server then reads the
-- page down the list's own sort index, checking the pattern on each row it passes, and stops at
-- a full page. A pattern that matches more than `most` rows needs, on average, fewer than
-- page × rows ÷ most rows read that way; one that matches fewer is read here, as before.
--
-- The one-argument versions stay for servers still running the previous release.

create function dockhand.search_order_keys(pattern text, most integer)
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
    found bigint;
  begin
    if keys <> '{}' then
      return query
        select o.id, o.placed_at, o.platform_updated_at, o.total::numeric from orders o
        where dockhand.org_trigrams(o.org_id, o.search_text) @> keys
          and (o.org_id = org) is true
          and (every_store or o.store_id = any (stores))
          and o.search_text like pattern
        limit most + 1;
    else
      return query
        select o.id, o.placed_at, o.platform_updated_at, o.total::numeric from orders o
        where o.org_id = org
          and (every_store or o.store_id = any (stores))
          and o.search_text like pattern
        limit most + 1;
    end if;
    get diagnostics found = row_count;
    if found > most then
      raise exception 'the pattern matches more than % rows', most using errcode = 'DH001';
    end if;
  end
  $$;

create function dockhand.search_product_ids(pattern text, most integer) returns setof uuid
  language plpgsql stable security definer
  set search_path = public, pg_temp
  set plan_cache_mode = force_generic_plan
  as $$
  declare
    org uuid := dockhand.current_org_id();
    every_store boolean := dockhand.all_stores();
    stores uuid[] := dockhand.current_store_ids();
    keys text[] := dockhand.org_pattern_trigrams(org, pattern);
    found bigint;
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
          and lower(v.sku) like pattern
        limit most + 1;
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
          and lower(v.sku) like pattern
        limit most + 1;
    end if;
    get diagnostics found = row_count;
    if found > most then
      raise exception 'the pattern matches more than % rows', most using errcode = 'DH001';
    end if;
  end
  $$;

create function dockhand.search_customer_ids(pattern text, most integer) returns setof uuid
  language plpgsql stable security definer
  set search_path = public, pg_temp
  set plan_cache_mode = force_generic_plan
  as $$
  declare
    org uuid := dockhand.current_org_id();
    every_store boolean := dockhand.all_stores();
    stores uuid[] := dockhand.current_store_ids();
    keys text[] := dockhand.org_pattern_trigrams(org, pattern);
    found bigint;
  begin
    if keys <> '{}' then
      return query
        select c.id from customers c
        where dockhand.org_trigrams(c.org_id, dockhand.customer_search_text(c.first_name, c.last_name, c.email::text)) @> keys
          and (c.org_id = org) is true
          and (every_store or c.store_id = any (stores))
          and c.redacted_at is null
          and dockhand.customer_search_text(c.first_name, c.last_name, c.email::text) like pattern
        limit most + 1;
    else
      return query
        select c.id from customers c
        where c.org_id = org
          and (every_store or c.store_id = any (stores))
          and c.redacted_at is null
          and dockhand.customer_search_text(c.first_name, c.last_name, c.email::text) like pattern
        limit most + 1;
    end if;
    get diagnostics found = row_count;
    if found > most then
      raise exception 'the pattern matches more than % rows', most using errcode = 'DH001';
    end if;
  end
  $$;

revoke all on function dockhand.search_order_keys(text, integer) from public;
revoke all on function dockhand.search_product_ids(text, integer) from public;
revoke all on function dockhand.search_customer_ids(text, integer) from public;
grant execute on function dockhand.search_order_keys(text, integer) to dockhand_app;
grant execute on function dockhand.search_product_ids(text, integer) to dockhand_app;
grant execute on function dockhand.search_customer_ids(text, integer) to dockhand_app;

-- The check of the walk. A function the planner cannot see into: it estimates that a third of
-- the rows pass, so a page is read down the sort index. A LIKE on a parameter it estimates at
-- 1 row in 200: the page looked like the organization's last few matches, and the plan read and
-- sorted all of its rows. PL/pgSQL, so that it is not inlined back into that LIKE.
create function dockhand.text_contains(haystack text, pattern text) returns boolean
  language plpgsql immutable strict parallel safe
  as $$ begin return haystack like pattern; end $$;

revoke all on function dockhand.text_contains(text, text) from public;
grant execute on function dockhand.text_contains(text, text) to dockhand_app;
