-- WooCommerce connect attempts: one row per try at connecting a store through wc-auth.
-- A connect token and the wc-auth state name an attempt, never a store, so a token is used
-- once, the keys callback is accepted once, and no store row exists until working keys
-- arrive. Rows are kept after the attempt ends: they are what refuses a replayed callback.

create table woocommerce_connect_attempts (
  org_id uuid not null references organizations (id) on delete cascade,
  id uuid not null default gen_random_uuid(),
  -- The normalised store URL the attempt may connect, fixed when it is created.
  store_url text not null check (length(store_url) between 1 and 2048),
  -- The principal subject that asked (audit).
  requested_by text not null check (length(requested_by) between 1 and 200),
  -- minted: a connect token exists, unused · started: the browser was sent to the store ·
  -- completed: keys arrived, worked and were stored · cancelled: replaced by a newer attempt
  -- for the same store, or the store was disconnected while the attempt was open.
  status text not null check (status in ('minted', 'started', 'completed', 'cancelled')),
  store_id uuid,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  started_at timestamptz,
  finished_at timestamptz,
  primary key (org_id, id),
  unique (id),
  -- The record outlives the store row: it still refuses a replay after the store is gone.
  foreign key (org_id, store_id) references stores (org_id, id) on delete set null (store_id),
  check ((status in ('completed', 'cancelled')) = (finished_at is not null)),
  check (status not in ('started', 'completed') or started_at is not null)
);
create index woocommerce_connect_attempts_open on woocommerce_connect_attempts (org_id, store_url)
  where status in ('minted', 'started');
select dockhand.protect_tenant_table('woocommerce_connect_attempts', true, 'select, insert, update');

-- Disconnecting (or deleting) a WooCommerce store ends every attempt still open for its URL,
-- so a wc-auth approval that arrives later cannot bring it back. Runs as the caller, under
-- the caller's tenant context and row-level security.
create function dockhand.end_woocommerce_connect_attempts() returns trigger
  language plpgsql
  as $$
  begin
    update woocommerce_connect_attempts set status = 'cancelled', finished_at = now()
    where org_id = old.org_id and store_url = old.site_url and status in ('minted', 'started');
    return null;
  end
  $$;

create trigger end_woocommerce_connect_attempts_on_disconnect
  after update of status on stores
  for each row
  when (old.platform = 'woocommerce' and new.status in ('disconnected', 'uninstalled') and old.status is distinct from new.status)
  execute function dockhand.end_woocommerce_connect_attempts();

create trigger end_woocommerce_connect_attempts_on_delete
  after delete on stores
  for each row
  when (old.platform = 'woocommerce')
  execute function dockhand.end_woocommerce_connect_attempts();
