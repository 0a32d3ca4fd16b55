-- The trigram search indexes of 0010 take each new entry into their main structure at once.
--
-- By default a GIN index first appends new entries to a pending list and merges the list into
-- the index when it passes gin_pending_list_limit (4 MB) or when VACUUM or ANALYZE runs. With
-- live webhooks that merge falls on whichever write fills the list: measured at 500 new orders a
-- second, the orders index's list filled every 10 seconds (about 5,000 orders) and the write that
-- merged it held its apply batch for a second or more, so every live event behind it waited.
-- PostgreSQL's documentation names the remedy for when steady response time matters more than
-- update speed: turn fastupdate off. Each write then does its own small share of the merge. The
-- pending list already there is merged now, before the setting takes effect.
select gin_clean_pending_list('orders_search_idx'::regclass);
select gin_clean_pending_list('products_search_idx'::regclass);
select gin_clean_pending_list('product_variants_search_idx'::regclass);
select gin_clean_pending_list('customers_search_idx'::regclass);
alter index orders_search_idx set (fastupdate = off);
alter index products_search_idx set (fastupdate = off);
alter index product_variants_search_idx set (fastupdate = off);
alter index customers_search_idx set (fastupdate = off);
