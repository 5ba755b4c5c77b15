-- Prefixed, time-sortable ids: <prefix>_<12 hex ms since epoch><16 random hex>.
-- Sorting by id sorts by creation time, which keeps cursor pagination simple.

CREATE OR REPLACE FUNCTION fd_id(prefix text) RETURNS text
LANGUAGE sql VOLATILE AS $$
  SELECT prefix || '_' ||
         lpad(to_hex((extract(epoch from clock_timestamp()) * 1000)::bigint), 12, '0') ||
         substr(replace(gen_random_uuid()::text, '-', ''), 1, 16)
$$;
