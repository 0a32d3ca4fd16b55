-- Every sort of the product and customer lists reads its page from an index.
--
-- Their lists sort by updated (0010's indexes), created, and title or name. The last two had no
-- index: every page of a product list sorted by title read all of the organization's products
-- and sorted them (37 ms for 200,000 products, growing with the catalog), and so did a
-- merchant's page of one small store. These indexes give the page's order, so a page reads
-- its own rows and its cursor starts the next one inside the index.
create index products_title_idx on products (org_id, title, id);
create index products_created_idx on products (org_id, created_at, id);
create index customers_created_idx on customers (org_id, created_at, id);

-- A customer's name as the list sorts it (last name, then first name, lower case). The sort is a
-- column, not an expression: under row-level security a cursor's condition on lower(…) (not
-- leakproof) could not be an index condition, so each page would walk the index from its start.
-- Kept by PostgreSQL itself, through imports and redactions alike. Adding it rewrites the table
-- and rebuilds its indexes while holding its lock: measured here, 17 s for 300,000 customers,
-- during which webhook applies that touch customers wait (or fail and are retried later).
alter table customers
  add column sort_name text generated always as (lower(coalesce(last_name, '') || ' ' || coalesce(first_name, ''))) stored;
create index customers_sort_name_idx on customers (org_id, sort_name, id);

analyze products;
analyze customers;
