-- Sync scheduling: inbox rows that failed for a passing reason wait before the next try, and
-- the workers find the stores to keep in step without a principal.

alter table webhook_events add column next_attempt_at timestamptz;

create or replace function dockhand.unapplied_webhook_events(older_than interval, max_rows integer)
  returns table (org_id uuid, id uuid)
  language sql stable security definer set search_path = public, pg_temp
  as $$
    select e.org_id, e.id from webhook_events e
    where e.status = 'received' and e.received_at < now() - older_than
      and (e.next_attempt_at is null or e.next_attempt_at <= now())
    order by e.received_at
    limit max_rows
  $$;

-- Active stores of every organization: what the reconcile schedules cover.
create function dockhand.active_stores()
  returns table (org_id uuid, store_id uuid, platform text)
  language sql stable security definer set search_path = public, pg_temp
  as $$ select s.org_id, s.id, s.platform from stores s where s.status = 'active' order by s.created_at $$;
revoke all on function dockhand.active_stores() from public;
grant execute on function dockhand.active_stores() to dockhand_app;
