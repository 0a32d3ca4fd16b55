-- An order's customer name as a column, kept by the database like the search fields.
--
-- The order list showed the customer's record's name, or else the first name the payload gives,
-- and worked it out for every row of every page: a join to customers and
-- dockhand.order_payload_names (eight jsonb path reads of the whole payload) per row. Measured on
-- a list page of 50 orders, out of 1,000,000, that was about nine tenths of the database's work
-- for the page (2.8 ms of 3.1 ms, planning included). The name is now written with the order,
-- whenever one of the fields it comes from changes, and read as it is. The search text is bounded
-- here too (below).

alter table orders add column customer_name text;

-- What an order's search covers, bounded: each word's first 100 characters, and the first 10,000
-- characters in all. The payload comes from the store, and a store's admin can write anything
-- into a SKU or a name: unbounded, one 1 MB word would be a million search index keys (0020), cut
-- out by position at minutes of CPU per write. No real SKU, email or name is that long,
-- and an order with hundreds of lines stays searchable. Text within the bounds is returned as it is.
create function dockhand.bounded_search_text(words text) returns text
  language plpgsql immutable strict parallel safe
  as $$
  begin
    if length(words) <= 10000 and words !~ '[^ ]{101}' then
      return words;
    end if;
    return left(array_to_string(array(
      select left(w.word, 100) from unnest(string_to_array(words, ' ')) with ordinality as w(word, n) order by w.n), ' '), 10000);
  end
  $$;

-- 0016's trigger, which now also keeps search_text within those bounds and writes customer_name:
-- the customer record's name, else the first name the payload gives (null when neither gives one).
create or replace function dockhand.order_search_fields() returns trigger
  language plpgsql
  as $$
  declare
    raw jsonb := new.raw;
    payload_names text[] := dockhand.order_payload_names(raw);
    customer text;
    words text[] := array[new.number, new.email::text];
    items jsonb;
    line jsonb;
    i integer;
  begin
    if raw -> 'meta_data' @> '[{"key": "tags"}]' or coalesce(btrim(raw ->> 'tags'), '') not in ('', '[]') then
      new.tags := dockhand.order_tags(raw);
    else
      new.tags := '{}';
    end if;

    if new.customer_id is not null then
      select dockhand.person_name(c.first_name, c.last_name) into customer
        from customers c where c.org_id = new.org_id and c.id = new.customer_id;
    end if;
    new.customer_name := coalesce(customer, payload_names[1]);

    words := words || payload_names;
    if new.customer_id is not null then
      words := words || customer;
    end if;

    foreach items in array array[raw -> 'line_items', raw #> '{lineItems,nodes}'] loop
      if jsonb_typeof(items) = 'array' then
        for i in 0 .. jsonb_array_length(items) - 1 loop
          line := items -> i;
          if jsonb_typeof(line -> 'sku') = 'string' then
            words := words || (line ->> 'sku');
          end if;
        end loop;
      end if;
    end loop;

    new.search_text := dockhand.bounded_search_text(lower(array_to_string(words, ' ')));
    return new;
  end
  $$;

-- 0010's rename trigger, which now also keeps search_text within the bounds and writes
-- customer_name: a renamed (or redacted) customer's orders show the new name (or the payload's,
-- or none).
create or replace function dockhand.customer_name_to_orders() returns trigger
  language plpgsql
  as $$
  declare
    name text := dockhand.person_name(new.first_name, new.last_name);
  begin
    update orders o
       set search_text = dockhand.bounded_search_text(dockhand.order_search_text(o.number, o.email::text, o.raw, name)),
           customer_name = coalesce(name, (dockhand.order_payload_names(o.raw))[1])
     where o.org_id = new.org_id and o.customer_id = new.id;
    return null;
  end
  $$;

-- The orders already there; those that name nobody keep null and are not rewritten.
update orders o
   set customer_name = coalesce(
     (select dockhand.person_name(c.first_name, c.last_name) from customers c where c.org_id = o.org_id and c.id = o.customer_id),
     (dockhand.order_payload_names(o.raw))[1])
 where o.customer_id is not null or dockhand.order_payload_names(o.raw) <> '{}';

-- Orders written before whose search text passes the bounds.
update orders set search_text = dockhand.bounded_search_text(search_text)
 where length(search_text) > 10000 or search_text ~ '[^ ]{101}';
