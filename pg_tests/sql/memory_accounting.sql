-- 0.2.0 (CHANGELOG.md): aggregate states live in the aggregate memory context, so the
-- executor's accounting sees them. Hash aggregation measures its memory
-- (Peak Memory Usage) with the states' collections included, and spills to
-- disk (HashAgg Batches > 1) when they outgrow work_mem, with the same
-- results. In 0.1.0 the collections were on Rust's heap: Peak Memory Usage
-- was the hash table's alone (a few hundred kB here) and nothing spilled.
SET client_min_messages = warning;
SET max_parallel_workers_per_gather = 0;
SET enable_sort = off;
CREATE TEMP TABLE ma_rows AS SELECT i % 20000 AS g, i FROM generate_series(1, 400000) AS i;
ANALYZE ma_rows;

-- the hash aggregate node of a query's EXPLAIN (ANALYZE, FORMAT JSON)
CREATE FUNCTION pg_temp.hashagg(q text) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    plan jsonb;
BEGIN
    EXECUTE 'EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF, FORMAT JSON) ' || q INTO plan;
    RETURN plan -> 0 -> 'Plan';
END
$$;

-- 20,000 groups of 20 tenures each: at least 20,000 * 20 * 24 bytes = 9,375 kB
-- of survival_agg states, and 20,000 * 20 funnel events of 16 bytes
SET work_mem = '256MB';
SELECT p ->> 'Strategy' AS strategy, (p ->> 'HashAgg Batches')::int AS batches,
       (p ->> 'Peak Memory Usage')::int >= 9375 AS sees_the_states
FROM pg_temp.hashagg($$ SELECT g, churnkit.survival_agg(i::float8, true) FROM ma_rows GROUP BY g $$) AS p;
SELECT (p ->> 'Peak Memory Usage')::int >= 6250 AS sees_the_states
FROM pg_temp.hashagg($$ SELECT g, churnkit.window_funnel(interval '1 day', to_timestamp(i), ARRAY[true]) FROM ma_rows GROUP BY g $$) AS p;
SELECT count(*) AS groups, sum(m) AS total FROM (
    SELECT g, churnkit.median_lifetime(churnkit.survival_agg(i::float8, true)) AS m FROM ma_rows GROUP BY g) AS x;

-- the same under a work_mem the states do not fit: it spills, same result
SET work_mem = '1MB';
SELECT p ->> 'Strategy' AS strategy, (p ->> 'HashAgg Batches')::int > 1 AS spilled,
       (p ->> 'Peak Memory Usage')::int < 9375 AS within_work_mem
FROM pg_temp.hashagg($$ SELECT g, churnkit.survival_agg(i::float8, true) FROM ma_rows GROUP BY g $$) AS p;
SELECT count(*) AS groups, sum(m) AS total FROM (
    SELECT g, churnkit.median_lifetime(churnkit.survival_agg(i::float8, true)) AS m FROM ma_rows GROUP BY g) AS x;
SELECT count(*) AS groups, sum(d) AS total FROM (
    SELECT g, churnkit.active_days(churnkit.engagement_agg(to_timestamp(i * 3600), 1, true)) AS d FROM ma_rows GROUP BY g) AS x;
SELECT count(*) AS groups, count(DISTINCT c) AS distinct_cohorts FROM (
    SELECT g, churnkit.cohort_start(churnkit.activity_agg(to_timestamp(i * 3600), 'week')) AS c FROM ma_rows GROUP BY g) AS x;
RESET work_mem;
