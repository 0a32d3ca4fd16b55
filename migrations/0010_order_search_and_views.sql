-- Order search, the list indexes of the operations API, and saved views.
--
-- Search is trigram (pg_trgm): `q` matches any part of an order's number, email, customer name
-- or a line's SKU. btree_gin lets one GIN index lead with org_id, so a search inside one
-- organization is driven by the index rather than filtered after it. Both extensions ship with
-- PostgreSQL and with PGlite (loaded by db/embedded.ts).
create extension if not exists pg_trgm;
create extension if not exists btree_gin;

-- The customer's name as an order's own payload gives it: REST (webhooks) `customer`,
-- `billing_address`, `shipping_address`; Admin GraphQL (backfill) `customer`, `billingAddress`,
-- `shippingAddress`; WooCommerce `billing`, `shipping`. Null when the payload names nobody.
create function dockhand.person_name(first_name text, last_name text) returns text
  language sql immutable parallel safe
  as $$ select nullif(btrim(coalesce(first_name, '') || ' ' || coalesce(last_name, '')), '') $$;

create function dockhand.order_payload_names(raw jsonb) returns text[]
  language sql immutable parallel safe
  as $$
    select array(
      select distinct name from unnest(array[
        dockhand.person_name(raw #>> '{customer,first_name}', raw #>> '{customer,last_name}'),
        dockhand.person_name(raw #>> '{customer,firstName}', raw #>> '{customer,lastName}'),
        dockhand.person_name(raw #>> '{billing_address,first_name}', raw #>> '{billing_address,last_name}'),
        dockhand.person_name(raw #>> '{billingAddress,firstName}', raw #>> '{billingAddress,lastName}'),
        dockhand.person_name(raw #>> '{billing,first_name}', raw #>> '{billing,last_name}'),
        dockhand.person_name(raw #>> '{shipping_address,first_name}', raw #>> '{shipping_address,last_name}'),
        dockhand.person_name(raw #>> '{shippingAddress,firstName}', raw #>> '{shippingAddress,lastName}'),
        dockhand.person_name(raw #>> '{shipping,first_name}', raw #>> '{shipping,last_name}')
      ]) as name
      where name is not null)
  $$;

-- An array member of a payload, or an empty array when it is missing or not an array.
create function dockhand.json_array(value jsonb) returns jsonb
  language sql immutable parallel safe
  as $$ select case when jsonb_typeof(value) = 'array' then value else '[]'::jsonb end $$;

-- What `q` searches, lower-cased: number, email, every name the payload gives, the customer
-- record's name, and every line's SKU (REST and WooCommerce `line_items`, GraphQL `lineItems.nodes`).
create function dockhand.order_search_text(number text, email text, raw jsonb, customer_name text) returns text
  language sql immutable parallel safe
  as $$
    select lower(concat_ws(' ',
      number,
      email,
      array_to_string(dockhand.order_payload_names(raw), ' '),
      customer_name,
      (select string_agg(line ->> 'sku', ' ')
         from jsonb_array_elements(dockhand.json_array(raw -> 'line_items') || dockhand.json_array(raw #> '{lineItems,nodes}')) line
         where jsonb_typeof(line -> 'sku') = 'string')))
  $$;

-- An order's tags, trimmed and lower-cased: Shopify REST sends one comma-separated string, the
-- Admin GraphQL API an array; WooCommerce orders have none unless a `tags` meta entry gives them.
create function dockhand.order_tags(raw jsonb) returns text[]
  language sql immutable parallel safe
  as $$
    with given as (
      select raw -> 'tags' as tags
      union all
      select meta -> 'value' from jsonb_array_elements(dockhand.json_array(raw -> 'meta_data')) meta where meta ->> 'key' = 'tags'
    ), words as (
      select unnest(string_to_array(tags #>> '{}', ',')) as tag from given where jsonb_typeof(tags) = 'string'
      union all
      select jsonb_array_elements_text(tags) from given where jsonb_typeof(tags) = 'array'
    )
    select coalesce(array_agg(distinct lower(btrim(tag))) filter (where btrim(tag) <> ''), '{}') from words
  $$;

alter table orders add column search_text text not null default '';
alter table orders add column tags text[] not null default '{}';

-- Kept by the database on every write of the fields they come from, whoever writes them (sync,
-- redaction, tombstones): a redacted order can no longer be found by the email it had.
create function dockhand.order_search_fields() returns trigger
  language plpgsql
  as $$
  begin
    new.tags := dockhand.order_tags(new.raw);
    new.search_text := dockhand.order_search_text(new.number, new.email::text, new.raw,
      (select dockhand.person_name(c.first_name, c.last_name) from customers c
       where c.org_id = new.org_id and c.id = new.customer_id));
    return new;
  end
  $$;
create trigger search_fields before insert or update of number, email, raw, customer_id on orders
  for each row execute function dockhand.order_search_fields();

-- A customer renamed (or redacted) is found under its new name (or no longer found).
create function dockhand.customer_name_to_orders() returns trigger
  language plpgsql
  as $$
  begin
    update orders o
       set search_text = dockhand.order_search_text(o.number, o.email::text, o.raw, dockhand.person_name(new.first_name, new.last_name))
     where o.org_id = new.org_id and o.customer_id = new.id;
    return null;
  end
  $$;
create trigger name_to_orders after update of first_name, last_name on customers
  for each row when (old.first_name is distinct from new.first_name or old.last_name is distinct from new.last_name)
  execute function dockhand.customer_name_to_orders();

update orders o set
  tags = dockhand.order_tags(o.raw),
  search_text = dockhand.order_search_text(o.number, o.email::text, o.raw,
    (select dockhand.person_name(c.first_name, c.last_name) from customers c where c.org_id = o.org_id and c.id = o.customer_id));

-- `q` inside one organization: org_id and the trigrams in one index.
create index orders_search_idx on orders using gin (org_id, search_text gin_trgm_ops);

-- Under row-level security a query's own conditions that are not leakproof (LIKE is not) are
-- checked only after the policies, so they cannot drive an index scan: the trigram index would
-- go unused and a search would read every order of the organization. The search therefore runs
-- here, as the owner, with the same scope the policies give (organization, and the principal's
-- stores), and the list query takes its ids (`id = any(…)`, which is leakproof).
-- The statement is planned for each pattern (EXECUTE): planned once for any pattern, as a SQL
-- function's would be, it cannot know the pattern's trigrams and reads the whole organization.
create function dockhand.search_order_ids(pattern text) returns setof uuid
  language plpgsql stable security definer set search_path = public, pg_temp
  as $$
  begin
    return query execute
      'select o.id from orders o
       where o.org_id = dockhand.current_org_id()
         and (dockhand.all_stores() or o.store_id = any (dockhand.current_store_ids()))
         and o.search_text like $1'
      using pattern;
  end
  $$;
revoke all on function dockhand.search_order_ids(text) from public;
grant execute on function dockhand.search_order_ids(text) to dockhand_app;

-- The other two sorts (placed has orders_placed_idx); a b-tree reads both directions.
create index orders_updated_sort_idx on orders (org_id, platform_updated_at, id);
create index orders_total_idx on orders (org_id, total, id);
-- A customer's orders (its detail, and the rename trigger above).
create index orders_customer_idx on orders (org_id, customer_id) where customer_id is not null;
-- An order's Dockhand actions, for its timeline.
create index audit_log_subject_idx on audit_log (org_id, subject_type, subject_id, created_at);

-- Products by title or SKU, customers by name or email: the same way as orders (see
-- search_order_ids), in the principal's scope. A redacted customer is never found.
create function dockhand.customer_search_text(first_name text, last_name text, email text) returns text
  language sql immutable parallel safe
  as $$ select lower(coalesce(first_name, '') || ' ' || coalesce(last_name, '') || ' ' || coalesce(email, '')) $$;
create index products_search_idx on products using gin (org_id, lower(title) gin_trgm_ops);
create index product_variants_search_idx on product_variants using gin (org_id, lower(sku) gin_trgm_ops);
create index customers_search_idx on customers using gin (org_id, dockhand.customer_search_text(first_name, last_name, email::text) gin_trgm_ops);

create function dockhand.search_product_ids(pattern text) returns setof uuid
  language plpgsql stable security definer set search_path = public, pg_temp
  as $$
  begin
    return query execute
      'select p.id from products p
       where p.org_id = dockhand.current_org_id()
         and (dockhand.all_stores() or p.store_id = any (dockhand.current_store_ids()))
         and lower(p.title) like $1
       union
       select v.product_id from product_variants v
       where v.org_id = dockhand.current_org_id()
         and (dockhand.all_stores() or v.store_id = any (dockhand.current_store_ids()))
         and lower(v.sku) like $1'
      using pattern;
  end
  $$;
create function dockhand.search_customer_ids(pattern text) returns setof uuid
  language plpgsql stable security definer set search_path = public, pg_temp
  as $$
  begin
    return query execute
      'select c.id from customers c
       where c.org_id = dockhand.current_org_id()
         and (dockhand.all_stores() or c.store_id = any (dockhand.current_store_ids()))
         and c.redacted_at is null
         and dockhand.customer_search_text(c.first_name, c.last_name, c.email::text) like $1'
      using pattern;
  end
  $$;
revoke all on function dockhand.search_product_ids(text) from public;
revoke all on function dockhand.search_customer_ids(text) from public;
grant execute on function dockhand.search_product_ids(text) to dockhand_app;
grant execute on function dockhand.search_customer_ids(text) to dockhand_app;
create index products_updated_idx on products (org_id, updated_at, id);
-- A product's variants (its list row and detail).
create index product_variants_product_idx on product_variants (org_id, product_id);
create index customers_updated_idx on customers (org_id, updated_at, id);

-- Saved views: a user's named filters, sort and columns for a list. Each user sees only its own.
create table saved_views (
  org_id uuid not null,
  id uuid not null default gen_random_uuid(),
  user_id uuid not null,
  name text not null check (length(name) between 1 and 100),
  filters jsonb not null default '{}',
  sort text,
  columns text[] not null default '{}',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (org_id, id),
  unique (org_id, user_id, name),
  foreign key (org_id, user_id) references users (org_id, id) on delete cascade
);
select dockhand.protect_tenant_table('saved_views', false);
create policy owner_only on saved_views as restrictive
  using (user_id = (select dockhand.current_user_id()))
  with check (user_id = (select dockhand.current_user_id()));
