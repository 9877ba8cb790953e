-- churnkit.as_of(): the reference time of the warehouse views (docs/warehouse.md).
-- The setting churnkit.as_of when set and not empty, else now().
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
\set SHOW_CONTEXT never
\pset null '<NULL>'

-- STABLE (the same value within a statement; never folded at plan time),
-- parallel safe, C (no SET clause), no arguments
SELECT p.provolatile, p.proparallel, p.prosecdef, p.proconfig,
       l.lanname, pg_get_function_result(p.oid) AS result
FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
WHERE p.oid = 'churnkit.as_of()'::regprocedure;

-- not set: now() (the transaction start)
SELECT current_setting('churnkit.as_of', true) AS setting, churnkit.as_of() = now() AS is_now;
BEGIN;
SELECT churnkit.as_of() = now() AS is_now_in_transaction,
       churnkit.as_of() = statement_timestamp() AS is_statement_time;
COMMIT;

-- set: that timestamp
SET churnkit.as_of = '2024-07-01 00:00:00+00';
SELECT churnkit.as_of();
-- any timestamptz input form
SET churnkit.as_of = '2024-07-01T12:30:00Z';
SELECT churnkit.as_of();
SET churnkit.as_of = 'July 1, 2024 08:00 America/New_York';
SELECT churnkit.as_of();
SET churnkit.as_of = 'infinity';
SELECT churnkit.as_of();
-- without an offset: read in the session time zone, re-read when it changes
SET churnkit.as_of = '2024-07-01 00:00';
SELECT churnkit.as_of();
SET TimeZone = 'Europe/Paris';
SELECT churnkit.as_of() AT TIME ZONE 'UTC' AS as_of_utc;
SET TimeZone = 'UTC';
SELECT churnkit.as_of();
-- and DateStyle's field order, for the ambiguous forms
SET churnkit.as_of = '02/03/2024 00:00+00';
SET DateStyle = 'ISO, MDY';
SELECT churnkit.as_of();
SET DateStyle = 'ISO, DMY';
SELECT churnkit.as_of();
SET DateStyle = 'ISO, YMD';
-- 'now' / 'today' are read in the calling transaction, never cached across
SET churnkit.as_of = 'now';
BEGIN;
SELECT churnkit.as_of() = now() AS is_now;
COMMIT;
BEGIN;
SELECT pg_sleep(0.01);
SELECT churnkit.as_of() = now() AS is_now_in_a_later_transaction;
COMMIT;
SET churnkit.as_of = 'today';
SELECT churnkit.as_of() = date_trunc('day', now()) AS is_today;

-- empty, blank or RESET: now() again
SET churnkit.as_of = '';
SELECT churnkit.as_of() = now() AS is_now;
SET churnkit.as_of = '   ';
SELECT churnkit.as_of() = now() AS is_now;
SET churnkit.as_of = '2024-07-01 00:00:00+00';
RESET churnkit.as_of;
SELECT churnkit.as_of() = now() AS is_now;

-- SET LOCAL: for one transaction; set_config works too
BEGIN;
SET LOCAL churnkit.as_of = '2023-01-01 00:00:00+00';
SELECT churnkit.as_of();
COMMIT;
SELECT churnkit.as_of() = now() AS is_now_after_commit;
SELECT set_config('churnkit.as_of', '2022-05-05 05:05:05+00', false);
SELECT churnkit.as_of();
RESET churnkit.as_of;

-- a setting that is not a timestamp: 22023, naming the setting
SET churnkit.as_of = 'yesterday-ish';
SELECT regress.outcome($$ SELECT churnkit.as_of() $$);
SET churnkit.as_of = '2024-13-45';
SELECT regress.outcome($$ SELECT churnkit.as_of() $$);
SET churnkit.as_of = '2024-07-01 00:00:00 Mars/Olympus_Mons';
SELECT regress.outcome($$ SELECT churnkit.as_of() $$);
-- as an analyst sees it in psql
\set VERBOSITY default
SELECT churnkit.as_of();
\set VERBOSITY sqlstate
SELECT churnkit.as_of();
\set VERBOSITY default
-- a good setting afterwards works again (the failed parse is not cached)
SET churnkit.as_of = '2024-07-01 00:00:00+00';
SELECT churnkit.as_of();

-- in parallel workers: the leader's setting (GUCs are copied to workers)
CREATE TABLE as_of_rows AS SELECT i FROM generate_series(1, 1000) i;
ANALYZE as_of_rows;
SET force_parallel_mode = on;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF) SELECT count(*) FROM as_of_rows WHERE churnkit.as_of() < '2025-01-01';
SELECT count(*) FROM as_of_rows WHERE churnkit.as_of() < '2025-01-01';
SELECT count(DISTINCT churnkit.as_of()) AS distinct_values, min(churnkit.as_of()) FROM as_of_rows;
RESET churnkit.as_of;
SELECT count(*) FILTER (WHERE churnkit.as_of() = now()) AS rows_at_now FROM as_of_rows;
RESET force_parallel_mode;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
RESET parallel_leader_participation;
DROP TABLE as_of_rows;
