-- The deletion reconcile walks a store's live records in the order of their numeric platform
-- ids, page by page, next to the store's own id listing. Platform ids are decimal text (Shopify's
-- exceed 2^53), so that order is (length, then the digits compared bytewise); these indexes
-- serve its range reads without sorting the store's rows on every page. Tombstones are left
-- out: the reconcile only judges records Dockhand still holds as live.

create index orders_live_platform_id_idx on orders (org_id, store_id, length(platform_id), (platform_id collate "C"))
  where deleted_at is null;
create index products_live_platform_id_idx on products (org_id, store_id, length(platform_id), (platform_id collate "C"))
  where deleted_at is null;
create index customers_live_platform_id_idx on customers (org_id, store_id, length(platform_id), (platform_id collate "C"))
  where deleted_at is null;
