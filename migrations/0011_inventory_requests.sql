-- Inventory requests as a workflow: a request asks for a change (a delta, or a new quantity),
-- an approval records the quantity it saw, the push compare-and-sets against it, and a push
-- that fails is retried with backoff. The ledger says why and by whom each movement happened.
-- Low-stock thresholds per variant (and optionally per location).

-- The ledger is append-only: only nullable columns, old rows keep nulls.
alter table inventory_ledger add column reason text;
alter table inventory_ledger add column actor_id text;

-- The time of a movement is taken when its row is written, under the level's lock, not when
-- its transaction began: a writer that began earlier but waited for the lock must not appear
-- before the movement it waited for, so "the last movement at or before T" is well defined.
alter table inventory_ledger alter column created_at set default clock_timestamp();

-- A movement made by a request carries the request's reason and the approver who let it
-- through, whichever code path writes it (the push, or a later reconcile naming the request).
create function dockhand.ledger_request_details() returns trigger
  language plpgsql
  as $$
  begin
    select coalesce(new.reason, r.reason), coalesce(new.actor_id, r.decided_by::text)
      into new.reason, new.actor_id
      from inventory_requests r
      where r.org_id = new.org_id and r.id = new.request_id;
    return new;
  end
  $$;
create trigger request_details before insert on inventory_ledger
  for each row when (new.request_id is not null) execute function dockhand.ledger_request_details();

-- A request is a delta (`delta`) or a new quantity (`set_to`): exactly one of them.
alter table inventory_requests add column kind text not null default 'delta' check (kind in ('delta', 'set'));
alter table inventory_requests add column set_to integer;
alter table inventory_requests alter column delta drop not null;
alter table inventory_requests drop constraint if exists inventory_requests_delta_check;
alter table inventory_requests add constraint inventory_requests_change_check check (
  (kind = 'delta' and delta is not null and delta <> 0 and set_to is null)
  or (kind = 'set' and set_to is not null and set_to >= 0 and delta is null));
-- What Dockhand held when the request was (last) approved: the push's compare-and-set value.
alter table inventory_requests add column expected_available integer;
-- What the platform held instead, when the push found it moved (status `conflict`).
alter table inventory_requests add column actual_available integer;
-- Tries of the current push round (an approval or a retry starts one), and when the next try is
-- due (the in-process runner's loop; the queue runners' sweeper backstop).
alter table inventory_requests add column attempts integer not null default 0;
alter table inventory_requests add column next_attempt_at timestamptz;
-- Each approval pushes with its own idempotency key: a conflict needs a fresh approval, and a
-- platform answers a reused key with its first answer. A retry keeps the key (the failed try
-- may have reached the platform); its queue job is told apart by the round.
alter table inventory_requests add column approvals integer not null default 0;
alter table inventory_requests add column push_round integer not null default 0;
-- The approver's comment or the rejection's reason (0002's decision_note was never written).
alter table inventory_requests add column decision_comment text;

create index inventory_requests_store_idx on inventory_requests (org_id, store_id, created_at desc, id desc);
create index inventory_requests_created_idx on inventory_requests (org_id, created_at desc, id desc);
create index inventory_requests_due_idx on inventory_requests (next_attempt_at) where status = 'approved';
create index inventory_ledger_level_idx on inventory_ledger (org_id, variant_id, location_id, id);

-- Approved requests whose push is due, in every organization: what the in-process runner
-- (no queue service) works through. Answers only ids; the work runs under each org's principal.
create function dockhand.due_inventory_pushes(max_rows integer)
  returns table (org_id uuid, id uuid)
  language sql stable security definer set search_path = public, pg_temp
  as $$
    select r.org_id, r.id from inventory_requests r
    where r.status = 'approved' and r.next_attempt_at <= now()
    order by r.next_attempt_at
    limit max_rows
  $$;
revoke all on function dockhand.due_inventory_pushes(integer) from public;
grant execute on function dockhand.due_inventory_pushes(integer) to dockhand_app;

-- Low stock: a level at or below its threshold. A threshold names a variant and either one
-- location, or none (then it holds for every location of the variant without its own).
create table inventory_thresholds (
  org_id uuid not null,
  id uuid not null default gen_random_uuid(),
  store_id uuid not null,
  variant_id uuid not null,
  location_id uuid,
  threshold integer not null check (threshold >= 0),
  updated_by text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (org_id, id),
  unique nulls not distinct (org_id, variant_id, location_id),
  foreign key (org_id, variant_id) references product_variants (org_id, id) on delete cascade,
  foreign key (org_id, location_id) references locations (org_id, id) on delete cascade
);
select dockhand.protect_tenant_table('inventory_thresholds', true);
