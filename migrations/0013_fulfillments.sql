-- Fulfillments: shipments of an order, with tracking. Two sources: made in Dockhand (pushed to
-- the platform through the connector) or made on the platform (arriving with synced orders).
-- A Dockhand-made one is recorded `pending` before the push and becomes `pushed` (the platform
-- has it; `platform_id` set) or `failed` (with the platform's reason in `last_error`). One made on
-- the platform arrives as `pushed` already; `cancelled` when the platform cancelled it.
create table fulfillments (
  org_id uuid not null,
  id uuid not null default gen_random_uuid(),
  store_id uuid not null,
  order_id uuid not null,
  -- The platform's id once it exists there (Shopify fulfillment id; WooCommerce: `order:tracking`).
  platform_id text,
  status text not null default 'pending' check (status in ('pending', 'pushed', 'failed', 'cancelled')),
  tracking_number text check (length(tracking_number) <= 200),
  carrier text check (length(carrier) <= 200),
  tracking_url text check (length(tracking_url) <= 2000),
  notify boolean not null default false,
  -- The order lines shipped: [{lineId, quantity}] (Dockhand order line ids); null = everything unshipped.
  lines jsonb,
  -- Idempotency: the client's key (unique per organization) and a digest of what was asked with it,
  -- so the same key with a different request is refused rather than answered for the first one.
  -- (A bulk request's key is kept per order as `key:order id`, hence the room.)
  client_key text check (length(client_key) between 1 and 300),
  request_hash text,
  source text not null default 'dockhand' check (source in ('dockhand', 'platform')),
  created_by uuid,
  last_error text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (org_id, id),
  foreign key (org_id, order_id) references orders (org_id, id) on delete cascade,
  foreign key (org_id, store_id) references stores (org_id, id) on delete cascade,
  check (source = 'platform' or client_key is not null)
);
create unique index fulfillments_client_key on fulfillments (org_id, client_key) where client_key is not null;
create unique index fulfillments_platform_id on fulfillments (org_id, store_id, platform_id) where platform_id is not null;
create index fulfillments_order_idx on fulfillments (org_id, order_id, created_at);
select dockhand.protect_tenant_table('fulfillments', true);
