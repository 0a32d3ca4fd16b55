-- Event ids are counted per organization. They were drawn from one sequence shared by every
-- organization, so the gaps between the ids an organization's stream receives told it how many
-- events all the others made (their order volume, hour by hour). Each organization now has its own
-- counter, raised by the statement that writes its events (realtime/outbox.ts): its ids go up by
-- one per event of its own, stay monotonic, and commit in id order (the counter's row stays
-- locked until the writing transaction ends). Ids already given out are kept. Each counter starts
-- at the organization's highest id, or the highest one pruned if that is more, so a client
-- resuming from an earlier id misses nothing.
-- No event is written while the counters are set up (a server of the previous release could
-- otherwise draw an id from the old sequence that a counter hands out again).
lock table events in exclusive mode;

create table event_counters (
  org_id uuid primary key references organizations (id) on delete cascade,
  last bigint not null
);
select dockhand.protect_tenant_table('event_counters', false, 'select, insert, update');

insert into event_counters (org_id, last)
select org_id, max(last) from (
  select org_id, max(id) as last from events group by org_id
  union all
  select org_id, pruned_through from event_horizons
) ids
group by org_id;

alter table events alter column id drop identity;

-- An insert that names no id (a server still running the previous release during a rolling
-- upgrade) draws it from the organization's counter too, one row at a time.
create function dockhand.next_event_id()
  returns trigger
  language plpgsql set search_path = public, pg_temp
  as $$
  begin
    if new.id is null then
      insert into event_counters as c (org_id, last) values (new.org_id, 1)
      on conflict (org_id) do update set last = c.last + 1
      returning c.last into new.id;
    end if;
    return new;
  end
  $$;
create trigger next_event_id before insert on events for each row execute function dockhand.next_event_id();
