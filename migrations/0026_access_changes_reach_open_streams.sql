-- An open event stream hears at once that its member's access changed.
--
-- A stream checks its token again on every heartbeat (15 s by default), so a member disabled,
-- signed out, given another role or other stores kept receiving events until then. Each of those
-- changes now announces itself on the events channel when it commits, as `access:<org>:<user>`,
-- and the stream hearing it checks its token at once (on every server: they all listen).
create function dockhand.announce_access_change() returns trigger
  language plpgsql
as $$
declare
  changed jsonb;
begin
  if tg_op = 'DELETE' then
    changed := to_jsonb(old);
  else
    changed := to_jsonb(new);
  end if;
  perform pg_notify('dockhand_events', 'access:' || (changed ->> 'org_id') || ':' || (changed ->> tg_argv[0]));
  return null;
end;
$$;

create trigger users_access_changed
  after update of disabled_at, role, password_hash on users
  for each row
  when (old.disabled_at is distinct from new.disabled_at
        or old.role is distinct from new.role
        or old.password_hash is distinct from new.password_hash)
  execute function dockhand.announce_access_change('id');

create trigger users_removed
  after delete on users
  for each row execute function dockhand.announce_access_change('id');

create trigger refresh_token_families_revoked
  after update of revoked_at on refresh_token_families
  for each row
  when (old.revoked_at is null and new.revoked_at is not null)
  execute function dockhand.announce_access_change('user_id');

create trigger user_stores_changed
  after insert or delete on user_stores
  for each row execute function dockhand.announce_access_change('user_id');
