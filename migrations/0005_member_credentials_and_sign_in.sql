-- Sign-in: credentials per membership, the same email in several organizations, single-use TOTP
-- codes, and a sign-in throttle per (email, source) instead of a lock on the account.
--
-- Each users row is a membership and keeps its own credentials (password hash, TOTP secret, last
-- accepted TOTP step). Nothing is shared between organizations: a password one organization's
-- admin chose for an email opens that organization's membership and never another's, so adding
-- an email that some other organization created first cannot hand that organization a way in.
-- The email is unique per organization only, so it is never "taken" by another organization and
-- nothing tells an admin that it exists elsewhere.

drop index users_email_key;
create unique index users_org_email_key on users (org_id, email);
-- Sign-in looks an email up across organizations (dockhand.sign_in_candidates).
create index users_email_idx on users (email);

-- The last 30-second step whose code was accepted for this membership: a code at or before it is
-- refused (a re-sent code, the previous window, the code that confirmed enrolment).
alter table users add column totp_last_step bigint;
-- The throttle below replaces the per-user lock, which let a stranger lock the owner out.
alter table users drop column failed_logins, drop column locked_until;

-- Sign-in attempts per (account, source address). The account is a hash of the email as typed,
-- whether or not any membership has it, so unknown and known emails are throttled alike.
-- Deliberately global (no org_id): sign-in is counted before any organization is known. Row-level
-- security is forced with no policy and the app role has no privilege on it: it is reached only
-- through sign_in_attempt and sign_in_succeeded below.
create table sign_in_throttle (
  account_key bytea not null,
  source text not null,
  attempts integer not null,
  next_attempt_at timestamptz not null,
  updated_at timestamptz not null default now(),
  primary key (account_key, source)
);
create index sign_in_throttle_updated_idx on sign_in_throttle (updated_at);
alter table sign_in_throttle enable row level security;
alter table sign_in_throttle force row level security;

-- What sign-in needs to check a password (and a code) against each enabled membership with this
-- email, before any organization is known: nothing else. At most 20 rows, oldest memberships first
-- (then by organization id), so memberships added later cannot push out the ones a person already
-- had, and the argon2 work one attempt can cause stays bounded however many organizations add the
-- same email. only_org narrows it to one organization's membership (the orgId a person names).
-- The TOTP secret is returned only when it is on (an unconfirmed enrolment plays no part).
create function dockhand.sign_in_candidates(login_email text, only_org uuid)
  returns table (org_id uuid, org_name text, user_id uuid, role text, password_hash text, totp_enabled boolean,
                 totp_secret_ciphertext bytea, totp_secret_key_id text)
  language sql stable security definer set search_path = public, pg_temp
  as $$
    select u.org_id, o.name, u.id, u.role, u.password_hash, u.totp_enabled,
           case when u.totp_enabled then u.totp_secret_ciphertext end,
           case when u.totp_enabled then u.totp_secret_key_id end
    from users u join organizations o on o.id = u.org_id
    where u.email = login_email::citext and u.disabled_at is null and (only_org is null or u.org_id = only_org)
    order by u.created_at, u.org_id, u.id
    limit 20
  $$;

-- Counts one sign-in attempt for (account, source) and answers how many milliseconds to wait
-- before it may be made (0: go ahead). Attempts before `free_attempts` cost nothing; from then
-- on each one pushes the next back by base_ms, doubling, up to cap_ms. A throttled attempt is
-- not counted. Counting happens before the password is checked, so parallel guesses cannot
-- slip past; a successful sign-in clears the row (sign_in_succeeded).
create function dockhand.sign_in_attempt(account bytea, from_source text, free_attempts integer, base_ms integer, cap_ms integer)
  returns integer
  language plpgsql volatile security definer set search_path = public, pg_temp
  as $$
  declare
    entry sign_in_throttle;
    wait_ms bigint;
  begin
    insert into sign_in_throttle (account_key, source, attempts, next_attempt_at)
    values (account, from_source, 0, clock_timestamp())
    on conflict (account_key, source) do nothing;
    select * into entry from sign_in_throttle t where t.account_key = account and t.source = from_source for update;
    if entry.updated_at < now() - interval '1 day' then
      entry.attempts := 0;
    elsif entry.next_attempt_at > clock_timestamp() then
      return greatest(1, ceil(extract(epoch from entry.next_attempt_at - clock_timestamp()) * 1000))::integer;
    end if;
    entry.attempts := entry.attempts + 1;
    wait_ms := case when entry.attempts < free_attempts then 0
                    else least(cap_ms::numeric, base_ms::numeric * power(2::numeric, least(entry.attempts - free_attempts, 30)))::bigint end;
    update sign_in_throttle t
    set attempts = entry.attempts,
        next_attempt_at = clock_timestamp() + make_interval(secs => wait_ms / 1000.0),
        updated_at = now()
    where t.account_key = account and t.source = from_source;
    -- Rows of abandoned attempts are forgotten after a day.
    delete from sign_in_throttle t where t.updated_at < now() - interval '1 day';
    return 0;
  end
  $$;

create function dockhand.sign_in_succeeded(account bytea, from_source text) returns void
  language sql volatile security definer set search_path = public, pg_temp
  as $$ delete from sign_in_throttle t where t.account_key = account and t.source = from_source $$;

revoke all on function dockhand.sign_in_candidates(text, uuid) from public;
revoke all on function dockhand.sign_in_attempt(bytea, text, integer, integer, integer) from public;
revoke all on function dockhand.sign_in_succeeded(bytea, text) from public;
grant execute on function dockhand.sign_in_candidates(text, uuid) to dockhand_app;
grant execute on function dockhand.sign_in_attempt(bytea, text, integer, integer, integer) to dockhand_app;
grant execute on function dockhand.sign_in_succeeded(bytea, text) to dockhand_app;
