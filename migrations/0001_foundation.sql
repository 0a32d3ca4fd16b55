-- Foundation: the application role, the tenant context helpers and the migration-time
-- helper that gives every tenant-owned table the same row-level security.

-- The role the server works as. It owns nothing, cannot bypass RLS and only gets the
-- privileges granted below. Roles are cluster-wide, so create it only once.
do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'dockhand_app') then
    create role dockhand_app login nosuperuser nocreatedb nocreaterole noinherit nobypassrls;
  end if;
end
$$;

create schema if not exists dockhand;
grant usage on schema dockhand to dockhand_app;
grant usage on schema public to dockhand_app;

-- The tenant context is set per transaction by withPrincipal() through set_config(…, true).
-- A missing or empty setting yields NULL, and NULL matches no row: missing context fails closed.
create function dockhand.current_org_id() returns uuid
  language sql stable parallel safe
  as $$ select nullif(current_setting('dockhand.org_id', true), '')::uuid $$;

create function dockhand.current_user_id() returns uuid
  language sql stable parallel safe
  as $$ select nullif(current_setting('dockhand.user_id', true), '')::uuid $$;

-- 'all' for organization-wide principals, else a comma-separated list of store ids.
create function dockhand.all_stores() returns boolean
  language sql stable parallel safe
  as $$ select coalesce(current_setting('dockhand.store_ids', true) = 'all', false) $$;

-- NULL (matches nothing) when unset or 'all'; callers check all_stores() first.
create function dockhand.current_store_ids() returns uuid[]
  language sql stable parallel safe
  as $$
    select case when current_setting('dockhand.store_ids', true) = 'all' then null
                else string_to_array(nullif(current_setting('dockhand.store_ids', true), ''), ',')::uuid[] end
  $$;

-- Append-only tables reject UPDATE, DELETE and TRUNCATE for everyone, the owner included.
create function dockhand.reject_change() returns trigger
  language plpgsql
  as $$
  begin
    raise exception '% is append-only: % is not allowed', tg_table_name, tg_op
      using errcode = 'insufficient_privilege';
  end
  $$;

-- Gives a tenant-owned table RLS ENABLED and FORCED, the organization policy (USING and
-- WITH CHECK) and, when it has a store_id, a restrictive store-scope policy for principals
-- limited to some stores. Grants the app role the listed privileges.
-- The context functions are wrapped in scalar sub-selects so the planner evaluates them
-- once per statement (an InitPlan) instead of once per row; org_id = (…) also stays an
-- index condition.
create function dockhand.protect_tenant_table(tbl regclass, has_store boolean, privileges text default 'select, insert, update, delete')
  returns void
  language plpgsql
  as $$
  begin
    execute format('alter table %s enable row level security', tbl);
    execute format('alter table %s force row level security', tbl);
    execute format(
      'create policy tenant_isolation on %s using (org_id = (select dockhand.current_org_id())) with check (org_id = (select dockhand.current_org_id()))',
      tbl);
    if has_store then
      execute format(
        'create policy store_scope on %s as restrictive using ((select dockhand.all_stores()) or store_id = any ((select dockhand.current_store_ids())::uuid[])) with check ((select dockhand.all_stores()) or store_id = any ((select dockhand.current_store_ids())::uuid[]))',
        tbl);
    end if;
    execute format('grant %s on %s to dockhand_app', privileges, tbl);
  end
  $$;

-- Append-only: the app may read and insert; the trigger stops UPDATE/DELETE/TRUNCATE by anyone.
create function dockhand.make_append_only(tbl regclass) returns void
  language plpgsql
  as $$
  begin
    execute format(
      'create trigger append_only before update or delete on %s for each row execute function dockhand.reject_change()',
      tbl);
    execute format(
      'create trigger append_only_truncate before truncate on %s for each statement execute function dockhand.reject_change()',
      tbl);
  end
  $$;
