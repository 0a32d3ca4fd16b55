-- Order search reads only the searching organization's part of the index.
--
-- 0010's index holds org_id and the trigrams of search_text as separate entries of one GIN
-- index, so a search for `hopper` read the posting lists of `hop`, `opp`, `ppe` and `per` of
-- every organization and intersected them with the list of all of its own orders. With
-- 1,000,000 orders in 100 organizations that was about 0.6 ms of the search's 0.8 ms, and it
-- grows with every other tenant's orders. Here each key is the organization's id (its first 8
-- hex digits) followed by three characters of one word of search_text, so a search reads the
-- lists of its own organization's keys only (measured: 0.1 ms, the whole search 0.3 ms).
-- Organizations that share the 8 digits share keys; LIKE is checked on every row the index
-- gives, so they only cost each other a few rows, never a wrong answer.

-- Every run of three characters inside a word (words are separated by spaces, as search_text
-- is written), each with the organization's prefix, within the bounds search_text keeps (0019:
-- each word's first 100 characters, 10,000 in all; held here too, so that no text can make the
-- work grow faster than its length). Duplicates are left in: GIN keeps each key once.
create function dockhand.org_trigrams(org uuid, words text) returns text[]
  language plpgsql immutable strict parallel safe
  as $$
  declare
    prefix text := left(org::text, 8);
    keys text[] := '{}';
    word text;
    i integer;
  begin
    foreach word in array string_to_array(left(words, 10000), ' ') loop
      word := left(word, 100);
      for i in 1 .. length(word) - 2 loop
        keys := keys || (prefix || substr(word, i, 3));
      end loop;
    end loop;
    return keys;
  end
  $$;

-- The keys every text that matches a LIKE pattern (backslash escapes) must have: the three
-- character runs of the pattern's literal parts, cut at its wildcards and spaces. Any text the
-- pattern matches contains each such run inside one of its words. Empty when no literal part
-- is three characters long; the search then reads the organization's orders without the index.
create function dockhand.org_pattern_trigrams(org uuid, pattern text) returns text[]
  language plpgsql immutable strict parallel safe
  as $$
  declare
    runs text[] := '{}';
    run text := '';
    escaped boolean := false;
    c text;
  begin
    foreach c in array regexp_split_to_array(pattern, '') loop
      if escaped then
        run := run || c;
        escaped := false;
      elsif c = '\' then
        escaped := true;
      elsif c in ('%', '_', ' ') then
        runs := runs || run;
        run := '';
      else
        run := run || c;
      end if;
    end loop;
    return dockhand.org_trigrams(org, array_to_string(runs || run, ' '));
  end
  $$;

create index orders_search_keys_idx on orders using gin (dockhand.org_trigrams(org_id, search_text))
  with (fastupdate = off);
drop index orders_search_idx;

-- 0015's search through the new index; and 0010's, which servers of older releases still call.
-- Its statements are planned once per connection for any pattern: unlike a LIKE on 0010's index,
-- the keys are a value the index takes as it is. The organization is compared as text so that
-- the keys' index is the only one the plan can use; combined with an index on org_id, a plan made
-- without the pattern's keys read all of the organization's index entries as well (5 ms, not 0.3).
-- The principal's scope is read once into variables: written into the statement, the settings
-- were read again for every row the index gave.
create or replace function dockhand.search_order_keys(pattern text)
  returns table (id uuid, placed_at timestamptz, platform_updated_at timestamptz, total numeric)
  language plpgsql stable security definer
  set search_path = public, pg_temp
  set plan_cache_mode = force_generic_plan
  as $$
  declare
    org uuid := dockhand.current_org_id();
    every_store boolean := dockhand.all_stores();
    stores uuid[] := dockhand.current_store_ids();
    keys text[] := dockhand.org_pattern_trigrams(org, pattern);
  begin
    if keys <> '{}' then
      return query
        select o.id, o.placed_at, o.platform_updated_at, o.total::numeric from orders o
        where dockhand.org_trigrams(o.org_id, o.search_text) @> keys
          and o.org_id::text = org::text
          and (every_store or o.store_id = any (stores))
          and o.search_text like pattern;
    else
      return query
        select o.id, o.placed_at, o.platform_updated_at, o.total::numeric from orders o
        where o.org_id = org
          and (every_store or o.store_id = any (stores))
          and o.search_text like pattern;
    end if;
  end
  $$;

create or replace function dockhand.search_order_ids(pattern text) returns setof uuid
  language plpgsql stable security definer set search_path = public, pg_temp
  as $$
  begin
    return query select s.id from dockhand.search_order_keys(pattern) s;
  end
  $$;

analyze orders;
