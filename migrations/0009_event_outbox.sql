-- The event outbox: what /v1/stream announces. A row is written in the same transaction as the
-- change it describes, so a change that rolls back is never announced. Ids are monotonic per
-- organization in commit order: writers take the organization's transaction-level advisory lock
-- before inserting (see realtime/outbox.ts), so a reader resuming after id N never misses a
-- smaller id committed later. Rows are kept for the retention window, then pruned.
create table events (
  org_id uuid not null references organizations (id) on delete cascade,
  id bigint generated always as identity,
  -- null: an organization-wide event (merchants never see those).
  store_id uuid,
  type text not null check (length(type) between 1 and 100),
  subject_id text,
  data jsonb not null default '{}',
  created_at timestamptz not null default now(),
  primary key (org_id, id)
);
create index events_created_idx on events (created_at);
alter table events enable row level security;
alter table events force row level security;
create policy tenant_isolation on events
  using (org_id = (select dockhand.current_org_id())) with check (org_id = (select dockhand.current_org_id()));
-- A merchant sees the events of its own stores only; org-wide events are for organization-wide principals.
create policy store_scope on events as restrictive
  using ((select dockhand.all_stores()) or store_id = any ((select dockhand.current_store_ids())::uuid[]))
  with check ((select dockhand.all_stores()) or store_id = any ((select dockhand.current_store_ids())::uuid[]));
grant select, insert on events to dockhand_app;
