-- Schema v1: tenants, people, stores and the commerce data synced from them.
-- Every tenant-owned table carries org_id, and every index leads with it.
-- Platform ids are text: Shopify's exceed 2^53.

create extension if not exists citext;

create table organizations (
  id uuid primary key,
  name text not null check (length(name) between 1 and 200),
  created_at timestamptz not null default now()
);
-- The organization row is its own tenant: its id is the org_id.
alter table organizations enable row level security;
alter table organizations force row level security;
create policy tenant_isolation on organizations
  using (id = (select dockhand.current_org_id())) with check (id = (select dockhand.current_org_id()));
grant select, insert, update on organizations to dockhand_app;

create table users (
  org_id uuid not null references organizations (id) on delete cascade,
  id uuid not null default gen_random_uuid(),
  email citext not null check (length(email) between 3 and 320),
  display_name text,
  password_hash text not null,
  role text not null check (role in ('owner', 'admin', 'staff', 'merchant')),
  totp_secret_ciphertext bytea,
  totp_secret_key_id text,
  totp_enabled boolean not null default false,
  failed_logins integer not null default 0,
  locked_until timestamptz,
  disabled_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (org_id, id),
  unique (id)
);
-- Console logins are by email alone, so an email belongs to one user across all organizations.
create unique index users_email_key on users (email);
select dockhand.protect_tenant_table('users', false);

create table stores (
  org_id uuid not null references organizations (id) on delete cascade,
  id uuid not null default gen_random_uuid(),
  platform text not null check (platform in ('shopify', 'woocommerce')),
  name text not null check (length(name) between 1 and 200),
  shop_domain text,
  site_url text,
  status text not null default 'pending' check (status in ('pending', 'active', 'disconnected', 'uninstalled')),
  scopes text,
  -- AES-256-GCM under the key ring; the key id is stored beside each value so keys rotate.
  credentials_ciphertext bytea,
  credentials_key_id text,
  webhook_secret_ciphertext bytea,
  webhook_secret_key_id text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (org_id, id),
  unique (id),
  check ((platform = 'shopify' and shop_domain is not null) or (platform = 'woocommerce' and site_url is not null)),
  check ((credentials_ciphertext is null) = (credentials_key_id is null)),
  check ((webhook_secret_ciphertext is null) = (webhook_secret_key_id is null))
);
create unique index stores_shop_domain_key on stores (org_id, shop_domain) where shop_domain is not null;
create unique index stores_site_url_key on stores (org_id, site_url) where site_url is not null;
-- A store's id is its own scope: a merchant sees only the stores it belongs to.
alter table stores enable row level security;
alter table stores force row level security;
create policy tenant_isolation on stores
  using (org_id = (select dockhand.current_org_id())) with check (org_id = (select dockhand.current_org_id()));
create policy store_scope on stores as restrictive
  using ((select dockhand.all_stores()) or id = any ((select dockhand.current_store_ids())::uuid[]))
  with check ((select dockhand.all_stores()) or id = any ((select dockhand.current_store_ids())::uuid[]));
grant select, insert, update, delete on stores to dockhand_app;

-- Which stores a merchant user may see.
create table user_stores (
  org_id uuid not null,
  user_id uuid not null,
  store_id uuid not null,
  primary key (org_id, user_id, store_id),
  foreign key (org_id, user_id) references users (org_id, id) on delete cascade,
  foreign key (org_id, store_id) references stores (org_id, id) on delete cascade
);
select dockhand.protect_tenant_table('user_stores', true);

create table customers (
  org_id uuid not null,
  id uuid not null default gen_random_uuid(),
  store_id uuid not null,
  platform_id text not null,
  email citext,
  first_name text,
  last_name text,
  phone text,
  raw jsonb not null default '{}',
  platform_updated_at timestamptz,
  redacted_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (org_id, id),
  unique (org_id, store_id, platform_id),
  foreign key (org_id, store_id) references stores (org_id, id) on delete cascade
);
select dockhand.protect_tenant_table('customers', true);

create table products (
  org_id uuid not null,
  id uuid not null default gen_random_uuid(),
  store_id uuid not null,
  platform_id text not null,
  title text not null,
  status text,
  raw jsonb not null default '{}',
  platform_updated_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (org_id, id),
  unique (org_id, store_id, platform_id),
  foreign key (org_id, store_id) references stores (org_id, id) on delete cascade
);
select dockhand.protect_tenant_table('products', true);

create table product_variants (
  org_id uuid not null,
  id uuid not null default gen_random_uuid(),
  store_id uuid not null,
  product_id uuid not null,
  platform_id text not null,
  inventory_item_id text,
  sku text,
  title text,
  price numeric(14, 2),
  raw jsonb not null default '{}',
  platform_updated_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (org_id, id),
  unique (org_id, store_id, platform_id),
  foreign key (org_id, product_id) references products (org_id, id) on delete cascade
);
create index product_variants_sku_idx on product_variants (org_id, store_id, sku);
select dockhand.protect_tenant_table('product_variants', true);

create table locations (
  org_id uuid not null,
  id uuid not null default gen_random_uuid(),
  store_id uuid not null,
  platform_id text not null,
  name text not null,
  primary key (org_id, id),
  unique (org_id, store_id, platform_id),
  foreign key (org_id, store_id) references stores (org_id, id) on delete cascade
);
select dockhand.protect_tenant_table('locations', true);

create table inventory_levels (
  org_id uuid not null,
  store_id uuid not null,
  variant_id uuid not null,
  location_id uuid not null,
  available integer not null,
  platform_updated_at timestamptz,
  updated_at timestamptz not null default now(),
  primary key (org_id, variant_id, location_id),
  foreign key (org_id, variant_id) references product_variants (org_id, id) on delete cascade,
  foreign key (org_id, location_id) references locations (org_id, id) on delete cascade
);
select dockhand.protect_tenant_table('inventory_levels', true);

create table inventory_requests (
  org_id uuid not null,
  id uuid not null default gen_random_uuid(),
  store_id uuid not null,
  variant_id uuid not null,
  location_id uuid not null,
  delta integer not null check (delta <> 0),
  reason text not null,
  status text not null default 'pending'
    check (status in ('pending', 'approved', 'rejected', 'applied', 'conflict', 'failed')),
  requested_by uuid not null,
  decided_by uuid,
  decided_at timestamptz,
  decision_note text,
  last_error text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (org_id, id),
  foreign key (org_id, variant_id) references product_variants (org_id, id),
  foreign key (org_id, location_id) references locations (org_id, id)
);
create index inventory_requests_status_idx on inventory_requests (org_id, status, created_at desc);
select dockhand.protect_tenant_table('inventory_requests', true);

-- Append-only: one row per real stock change.
create table inventory_ledger (
  org_id uuid not null,
  id bigint generated always as identity,
  store_id uuid not null,
  variant_id uuid not null,
  location_id uuid not null,
  delta integer not null,
  quantity_after integer,
  source text not null check (source in ('platform', 'request', 'reconcile', 'backfill')),
  request_id uuid,
  platform_event_id text,
  created_at timestamptz not null default now(),
  primary key (org_id, id)
);
create index inventory_ledger_variant_idx on inventory_ledger (org_id, variant_id, created_at desc);
select dockhand.protect_tenant_table('inventory_ledger', true, 'select, insert');
select dockhand.make_append_only('inventory_ledger');

-- Append-only: who did what.
create table audit_log (
  org_id uuid not null,
  id bigint generated always as identity,
  actor_kind text not null,
  actor_id text,
  action text not null,
  subject_type text,
  subject_id text,
  details jsonb not null default '{}',
  request_id text,
  created_at timestamptz not null default now(),
  primary key (org_id, id)
);
create index audit_log_created_idx on audit_log (org_id, created_at desc);
select dockhand.protect_tenant_table('audit_log', false, 'select, insert');
select dockhand.make_append_only('audit_log');

create table orders (
  org_id uuid not null,
  id uuid not null default gen_random_uuid(),
  store_id uuid not null,
  platform_id text not null,
  number text not null,
  email citext,
  customer_id uuid,
  status text not null,
  financial_status text,
  fulfillment_status text,
  currency char(3) not null,
  total numeric(14, 2) not null,
  placed_at timestamptz not null,
  platform_updated_at timestamptz not null,
  raw jsonb not null default '{}',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (org_id, id),
  unique (org_id, store_id, platform_id),
  foreign key (org_id, store_id) references stores (org_id, id) on delete cascade
);
-- The order table's default sort, keyset-paginated: newest first, id as tiebreaker.
create index orders_placed_idx on orders (org_id, placed_at desc, id desc);
create index orders_store_placed_idx on orders (org_id, store_id, placed_at desc, id desc);
create index orders_updated_idx on orders (org_id, store_id, platform_updated_at);
select dockhand.protect_tenant_table('orders', true);

create table order_lines (
  org_id uuid not null,
  id uuid not null default gen_random_uuid(),
  store_id uuid not null,
  order_id uuid not null,
  platform_id text not null,
  variant_id uuid,
  sku text,
  title text not null,
  quantity integer not null check (quantity >= 0),
  price numeric(14, 2) not null,
  primary key (org_id, id),
  unique (org_id, order_id, platform_id),
  foreign key (org_id, order_id) references orders (org_id, id) on delete cascade
);
select dockhand.protect_tenant_table('order_lines', true);

create table returns (
  org_id uuid not null,
  id uuid not null default gen_random_uuid(),
  store_id uuid not null,
  order_id uuid not null,
  platform_id text,
  status text not null default 'requested'
    check (status in ('requested', 'approved', 'declined', 'received', 'refunded', 'closed')),
  reason text,
  requested_by uuid,
  decided_by uuid,
  decided_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (org_id, id),
  foreign key (org_id, order_id) references orders (org_id, id) on delete cascade
);
create index returns_status_idx on returns (org_id, status, created_at desc);
select dockhand.protect_tenant_table('returns', true);

create table return_lines (
  org_id uuid not null,
  id uuid not null default gen_random_uuid(),
  store_id uuid not null,
  return_id uuid not null,
  order_line_id uuid not null,
  quantity integer not null check (quantity > 0),
  reason text,
  primary key (org_id, id),
  foreign key (org_id, return_id) references returns (org_id, id) on delete cascade,
  foreign key (org_id, order_line_id) references order_lines (org_id, id)
);
select dockhand.protect_tenant_table('return_lines', true);

create table tickets (
  org_id uuid not null,
  id uuid not null default gen_random_uuid(),
  store_id uuid,
  order_id uuid,
  subject text not null check (length(subject) between 1 and 300),
  status text not null default 'open' check (status in ('open', 'pending', 'resolved', 'closed')),
  priority text not null default 'normal' check (priority in ('low', 'normal', 'high', 'urgent')),
  opened_by uuid,
  assigned_to uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (org_id, id)
);
create index tickets_status_idx on tickets (org_id, status, updated_at desc);
select dockhand.protect_tenant_table('tickets', true);

create table ticket_messages (
  org_id uuid not null,
  id uuid not null default gen_random_uuid(),
  store_id uuid,
  ticket_id uuid not null,
  author_id uuid,
  author_kind text not null check (author_kind in ('merchant', 'operator', 'system')),
  body text not null,
  internal boolean not null default false,
  created_at timestamptz not null default now(),
  primary key (org_id, id),
  foreign key (org_id, ticket_id) references tickets (org_id, id) on delete cascade
);
create index ticket_messages_ticket_idx on ticket_messages (org_id, ticket_id, created_at);
select dockhand.protect_tenant_table('ticket_messages', true);

create table ticket_attachments (
  org_id uuid not null,
  id uuid not null default gen_random_uuid(),
  store_id uuid,
  message_id uuid not null,
  filename text not null,
  content_type text not null,
  size_bytes integer not null check (size_bytes >= 0),
  storage_key text not null,
  created_at timestamptz not null default now(),
  primary key (org_id, id),
  foreign key (org_id, message_id) references ticket_messages (org_id, id) on delete cascade
);
select dockhand.protect_tenant_table('ticket_attachments', true);

-- The webhook inbox: a delivery is stored before it is acknowledged; the same platform
-- event twice is a no-op. The raw body is kept as text (ids above 2^53 survive).
create table webhook_events (
  org_id uuid not null,
  id uuid not null default gen_random_uuid(),
  store_id uuid not null,
  platform text not null check (platform in ('shopify', 'woocommerce')),
  platform_event_id text not null,
  topic text not null,
  body text not null,
  headers jsonb not null default '{}',
  status text not null default 'received' check (status in ('received', 'applied', 'ignored', 'failed')),
  attempts integer not null default 0,
  last_error text,
  received_at timestamptz not null default now(),
  applied_at timestamptz,
  primary key (org_id, id),
  unique (org_id, store_id, platform_event_id),
  foreign key (org_id, store_id) references stores (org_id, id) on delete cascade
);
create index webhook_events_pending_idx on webhook_events (org_id, received_at) where status = 'received';
select dockhand.protect_tenant_table('webhook_events', true);

create table sync_state (
  org_id uuid not null,
  store_id uuid not null,
  entity text not null check (entity in ('orders', 'products', 'customers', 'inventory')),
  checkpoint timestamptz,
  cursor text,
  status text not null default 'idle' check (status in ('idle', 'running', 'failed')),
  processed integer not null default 0,
  total integer,
  last_run_at timestamptz,
  last_error text,
  updated_at timestamptz not null default now(),
  primary key (org_id, store_id, entity),
  foreign key (org_id, store_id) references stores (org_id, id) on delete cascade
);
select dockhand.protect_tenant_table('sync_state', true);

-- Rotating refresh tokens: each login starts a family; reusing a rotated token revokes it.
create table refresh_token_families (
  org_id uuid not null,
  id uuid not null default gen_random_uuid(),
  user_id uuid not null,
  created_at timestamptz not null default now(),
  revoked_at timestamptz,
  revoked_reason text,
  primary key (org_id, id),
  unique (id),
  foreign key (org_id, user_id) references users (org_id, id) on delete cascade
);
select dockhand.protect_tenant_table('refresh_token_families', false);

create table refresh_tokens (
  org_id uuid not null,
  id uuid not null default gen_random_uuid(),
  family_id uuid not null,
  token_hash bytea not null,
  expires_at timestamptz not null,
  rotated_at timestamptz,
  created_at timestamptz not null default now(),
  primary key (org_id, id),
  unique (id),
  foreign key (org_id, family_id) references refresh_token_families (org_id, id) on delete cascade
);
create index refresh_tokens_family_idx on refresh_tokens (org_id, family_id);
select dockhand.protect_tenant_table('refresh_tokens', false);

-- Before a principal exists there is no tenant context, so the two look-ups that find one
-- run as the owner and return only the organization to continue under. Nothing else does.
create function dockhand.login_lookup(login_email text)
  returns table (org_id uuid, user_id uuid)
  language sql stable security definer set search_path = public, pg_temp
  as $$ select u.org_id, u.id from users u where u.email = login_email::citext $$;

create function dockhand.refresh_token_org(token_id uuid) returns uuid
  language sql stable security definer set search_path = public, pg_temp
  as $$ select t.org_id from refresh_tokens t where t.id = token_id $$;

revoke all on function dockhand.login_lookup(text) from public;
revoke all on function dockhand.refresh_token_org(uuid) from public;
grant execute on function dockhand.login_lookup(text) to dockhand_app;
grant execute on function dockhand.refresh_token_org(uuid) to dockhand_app;
