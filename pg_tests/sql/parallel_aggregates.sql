-- Partial and parallel aggregation of every churnkit aggregate: the plan
-- has Partial and Finalize steps (the states travel between processes as
-- core's bytes: serialise, deserialise, combine), and the results equal
-- those of the serial plan.
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
\set SHOW_CONTEXT never
\pset null '<NULL>'

-- regular (not temporary) tables: parallel workers cannot read temporary ones
CREATE TABLE pa_events AS
SELECT i % 1000 AS account,
       '2024-01-01'::timestamptz + (i::bigint * 7919 % 7776000) * interval '1 second' AS occurred_at,
       CASE WHEN i % 13 = 0 THEN NULL ELSE (i % 600)::float8 END AS duration_seconds,  -- whole seconds: sums are exact in any order
       CASE WHEN i % 11 = 0 THEN NULL ELSE i / 7 % 10 = 0 END AS is_key_action,
       CASE i / 1000 % 5 WHEN 0 THEN 'signed_up' WHEN 1 THEN 'created_project' WHEN 2 THEN 'invited_teammate'
                         WHEN 3 THEN 'first_report' ELSE 'other' END AS event,
       (i % 400)::float8 AS tenure_days,
       CASE WHEN i % 17 = 0 THEN NULL ELSE i % 3 = 0 END AS churned
FROM generate_series(1, 100000) AS i;
ANALYZE pa_events;

SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET enable_sort = off;   -- hash aggregation: one plan shape whatever the statistics

-- the queries, one per aggregate (grouped) plus all of them ungrouped;
-- the results are printed as text (the summary types have no equality)
CREATE TEMP TABLE pa_queries (name text PRIMARY KEY, q text);
INSERT INTO pa_queries VALUES
('engagement_agg', $$
    SELECT account % 10 AS g, churnkit.engagement_agg(occurred_at, duration_seconds, is_key_action)::text AS r
    FROM pa_events GROUP BY 1 $$),
('activity_agg', $$
    SELECT account AS g, churnkit.activity_agg(occurred_at, 'week')::text AS r
    FROM pa_events GROUP BY 1 $$),
('retention_counts', $$
    SELECT churnkit.cohort_start(a) AS g, churnkit.retention_counts(a)::text AS r
    FROM pa_activities GROUP BY 1 $$),
('retention_counts_unbounded', $$
    SELECT churnkit.cohort_start(a) AS g, churnkit.retention_counts(a, 'unbounded')::text AS r
    FROM pa_activities GROUP BY 1 $$),
('retention', $$
    SELECT account AS g, churnkit.retention(ARRAY[occurred_at < '2024-01-15', occurred_at >= '2024-02-01' AND occurred_at < '2024-02-15',
                                                  occurred_at >= '2024-03-01', is_key_action])::text AS r
    FROM pa_events GROUP BY 1 $$),
('window_funnel', $$
    SELECT account AS g, churnkit.window_funnel('3 days', occurred_at,
               ARRAY[event = 'signed_up', event = 'created_project', event = 'invited_teammate', event = 'first_report'])::text AS r
    FROM pa_events GROUP BY 1 $$),
('window_funnel_mode', $$
    SELECT account AS g, churnkit.window_funnel('3 days', occurred_at,
               ARRAY[event = 'signed_up', event = 'created_project', event = 'invited_teammate', event = 'first_report'],
               'strict_order')::text AS r
    FROM pa_events GROUP BY 1 $$),
('activity_trend', $$
    SELECT account AS g, churnkit.activity_trend(occurred_at, '2024-03-01', 14)::text AS r
    FROM pa_events GROUP BY 1 $$),
('survival_agg', $$
    SELECT account % 7 AS g, churnkit.survival_agg(tenure_days, churned)::text AS r
    FROM pa_events GROUP BY 1 $$),
('all_ungrouped', $$
    SELECT 0 AS g, concat_ws(' | ',
        churnkit.engagement_agg(occurred_at, duration_seconds, is_key_action)::text,
        churnkit.activity_agg(occurred_at, 'month')::text,
        churnkit.retention(ARRAY[occurred_at < '2024-01-15', is_key_action])::text,
        churnkit.window_funnel('1 hour', occurred_at, ARRAY[event = 'signed_up', event = 'created_project'])::text,
        churnkit.window_funnel('1 hour', occurred_at, ARRAY[event = 'signed_up', event = 'created_project'], 'strict_increase')::text,
        churnkit.activity_trend(occurred_at, '2024-03-01', 7)::text,
        churnkit.survival_agg(tenure_days, churned)::text) AS r
    FROM pa_events $$);

-- the input of retention_counts: 20000 customers' weekly activities (read
-- from text), in 10 weekly cohorts
CREATE TABLE pa_activities AS
SELECT c AS customer,
       format('{"version":1,"granularity":"week","periods":[%s]}',
              string_agg(format('"%s"', '2024-01-01'::date + 7 * w), ',' ORDER BY w))::churnkit.activity AS a
FROM generate_series(1, 20000) AS c, generate_series(0, 12) AS w
WHERE w = c % 10 OR (w > c % 10 AND (c * 7 + w * 3) % 4 <> 0)
GROUP BY c;
ANALYZE pa_activities;

-- the parallel plans: Partial HashAggregate / Partial Aggregate in the
-- workers, Finalize in the leader
CREATE FUNCTION pg_temp.plan(q text) RETURNS SETOF text LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY EXECUTE 'EXPLAIN (COSTS OFF) ' || q;
END $$;
SELECT name, p.plan FROM pa_queries, pg_temp.plan(q) WITH ORDINALITY AS p(plan, n) ORDER BY name, n;

-- the same, checked per aggregate: a Partial and a Finalize step
SELECT name,
       bool_or(p LIKE '%Partial%Aggregate%') AS partial,
       bool_or(p LIKE '%Finalize%Aggregate%') AS finalize,
       bool_or(p LIKE '%Gather%') AS gather
FROM pa_queries, pg_temp.plan(q) AS p
GROUP BY name ORDER BY name;

-- run every query in parallel, then serially
CREATE TEMP TABLE pa_results (name text, mode text, g text, r text);
CREATE FUNCTION pg_temp.run_all(mode text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    x record;
BEGIN
    FOR x IN SELECT * FROM pa_queries LOOP
        EXECUTE format('INSERT INTO pa_results SELECT %L, %L, g::text, r FROM (%s) AS t', x.name, mode, x.q);
    END LOOP;
END $$;
SELECT pg_temp.run_all('parallel');
SET max_parallel_workers_per_gather = 0;
SELECT name, p.serial_plan
FROM pa_queries, pg_temp.plan(q) WITH ORDINALITY AS p(serial_plan, n)
WHERE name IN ('engagement_agg', 'all_ungrouped') ORDER BY name, n;
SELECT pg_temp.run_all('serial');
SET max_parallel_workers_per_gather = 2;

-- identical results: no row of one run is missing from the other
SELECT name,
       count(*) FILTER (WHERE mode = 'parallel') AS groups,
       (SELECT count(*) FROM ((SELECT g, r FROM pa_results WHERE name = q.name AND mode = 'parallel'
                                EXCEPT SELECT g, r FROM pa_results WHERE name = q.name AND mode = 'serial')
                               UNION ALL
                               (SELECT g, r FROM pa_results WHERE name = q.name AND mode = 'serial'
                                EXCEPT SELECT g, r FROM pa_results WHERE name = q.name AND mode = 'parallel')) AS d) AS differences
FROM pa_results AS q
GROUP BY name ORDER BY name;

-- a sample of the values (they are real results, not empty states)
SELECT name, g, left(r, 120) AS r
FROM pa_results
WHERE mode = 'parallel' AND (name = 'all_ungrouped' OR g IN ('0', '1', '2', '2024-01-01 00:00:00+00', '2024-03-04 00:00:00+00'))
ORDER BY name, g;

-- an error in a parallel worker reaches the client with SQLSTATE 22023
SELECT regress.outcome($$
    SELECT churnkit.engagement_agg(occurred_at, CASE WHEN account = 999 THEN -1 ELSE duration_seconds END, is_key_action)
    FROM pa_events $$) AS worker_error;
-- (which granularity comes first depends on the workers' rows)
SELECT regexp_replace(regress.outcome($$
    SELECT churnkit.activity_agg(occurred_at, CASE WHEN account = 999 THEN 'week' ELSE 'month' END)
    FROM pa_events GROUP BY account % 2 $$), '\(got .*\)$', '(got ...)') AS mixed_granularity;

RESET enable_sort;
DROP TABLE pa_activities;
DROP TABLE pa_events;

SELECT 1 AS alive;
