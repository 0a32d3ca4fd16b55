-- Deletions synced from the platforms: an order, product or customer deleted on the store is
-- kept as a tombstone with the time Dockhand learnt it went, not deleted here, so its history
-- (inventory ledger, returns, audit) stays whole. Null: the record exists on the store.
-- A record taken back out of the trash (WooCommerce `*.restored`) clears it.

alter table orders add column deleted_at timestamptz;
alter table products add column deleted_at timestamptz;
alter table customers add column deleted_at timestamptz;
