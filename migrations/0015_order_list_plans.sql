-- Plans for the order list's usual page: one store's live orders, filtered by status, newest first.
--
-- The planner takes a table's columns as independent unless told otherwise. A store belongs to
-- one organization, so `org_id = … and store_id = …` matches a whole store, not a two-hundredth
-- of it; and `fulfillmentStatus=unfulfilled` is the expression coalesce(fulfillment_status,
-- 'unfulfilled'), for which it has no statistics (it guessed 0.5 % of rows for a filter that
-- keeps most of them). Misled both ways, it read every order of the store and sorted them
-- instead of walking an index in page order and stopping after one page.
create statistics orders_org_store_stats (dependencies, ndistinct) on org_id, store_id from orders;
create statistics orders_fulfillment_stats on (coalesce(fulfillment_status, 'unfulfilled')) from orders;

-- A store's live orders (tombstones left out, as the list leaves them out unless asked) in the
-- default sort, so the page and its keyset cursor ride the index. Partial, like 0014's index on
-- (org_id, store_id, …) where deleted_at is null: the planner uses no extended statistics when it
-- costs a partial index, so that one looked as if it held fifty orders of the store and beat any
-- full index; this one looks as cheap and gives the page's order as well.
create index orders_store_live_placed_idx on orders (org_id, store_id, placed_at desc, id desc) where deleted_at is null;

analyze orders;

-- `q`: the matching orders' ids with their sort keys, in the principal's scope (as
-- search_order_ids of 0010, which stays for servers still running the previous release). The
-- list sorts these keys, cuts the keyset there, and joins orders (under row-level security, with
-- the other filters) in page order until the page is full: it reads the rows of one page, not
-- every match a second time by primary key.
-- Planned for each pattern (EXECUTE), for the reason 0010 gives.
create function dockhand.search_order_keys(pattern text)
  returns table (id uuid, placed_at timestamptz, platform_updated_at timestamptz, total numeric)
  language plpgsql stable security definer set search_path = public, pg_temp
  as $$
  begin
    return query execute
      'select o.id, o.placed_at, o.platform_updated_at, o.total::numeric from orders o
       where o.org_id = dockhand.current_org_id()
         and (dockhand.all_stores() or o.store_id = any (dockhand.current_store_ids()))
         and o.search_text like $1'
      using pattern;
  end
  $$;
revoke all on function dockhand.search_order_keys(text) from public;
grant execute on function dockhand.search_order_keys(text) to dockhand_app;
