-- The event outbox keeps a retention window (DOCKHAND_EVENT_RETENTION_HOURS, default 24 h).
-- Pruning records, per organization, the highest id it removed: a client resuming from a
-- Last-Event-ID below it may have missed events that are gone, and is told to start over
-- (`event: reset`). Pruning by id, not by time alone, keeps that mark exact: ids commit in id
-- order within an organization, but created_at is each transaction's start, not its commit.
create table event_horizons (
  org_id uuid primary key references organizations (id) on delete cascade,
  pruned_through bigint not null
);
select dockhand.protect_tenant_table('event_horizons', false, 'select');

-- The app role has no DELETE on events and keeps none: it may only ask for this pruning, which
-- never goes below an hour of retention, and runs in one server at a time (the others skip).
create function dockhand.prune_events(retention interval)
  returns bigint
  language plpgsql security definer set search_path = public, pg_temp
  as $$
  declare
    removed bigint := 0;
  begin
    if retention < interval '1 hour' then
      raise exception 'event retention must be at least one hour, not %', retention;
    end if;
    if not pg_try_advisory_xact_lock(hashtextextended('dockhand.events:prune', 0)) then
      return 0;
    end if;
    with cut as (
      select org_id, max(id) as through from events where created_at < now() - retention group by org_id
    ), marked as (
      insert into event_horizons (org_id, pruned_through)
      select org_id, through from cut
      on conflict (org_id) do update set pruned_through = greatest(event_horizons.pruned_through, excluded.pruned_through)
    ), gone as (
      delete from events e using cut where e.org_id = cut.org_id and e.id <= cut.through
      returning 1
    )
    select count(*) into removed from gone;
    return removed;
  end
  $$;
revoke all on function dockhand.prune_events(interval) from public;
grant execute on function dockhand.prune_events(interval) to dockhand_app;
