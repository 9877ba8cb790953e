-- churnkit functions composed with SQL: volatility in the planner, parallel
-- workers, expression indexes, prepared statements, per-row parameters.
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
\set SHOW_CONTEXT never
\pset null '<NULL>'

-- IMMUTABLE calls with constant arguments are folded by the planner ...
EXPLAIN (VERBOSE, COSTS OFF)
SELECT churnkit.engagement_score(600, 15, 30, 30), churnkit.health_tier(72),
       churnkit.health_score('{80,NULL,60}', '{1,5,1}'), churnkit.mrr_movement(NULL, 10, NULL),
       churnkit.cohort_period('2024-01-31', '2024-02-01', 'month'),
       churnkit.churn_risk_stage('2024-06-01', '2024-01-01', NULL, NULL, NULL);
-- ... STABLE ones (they read a time zone) are not
EXPLAIN (VERBOSE, COSTS OFF)
SELECT churnkit.cohort_period('2024-01-31', '2024-02-01', 'month', 'UTC'),
       churnkit.business_hours_between('2024-01-08 10:00+00', '2024-01-08 12:00+00');

-- an IMMUTABLE function can be indexed (a plain table: temporary tables are
-- never scanned by parallel workers, used below)
CREATE TABLE account_scores (id int PRIMARY KEY, score float8);
INSERT INTO account_scores SELECT i, (i * 37) % 101 FROM generate_series(1, 1000) i;
CREATE INDEX account_scores_tier ON account_scores (churnkit.health_tier(score));
ANALYZE account_scores;
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT count(*) FROM account_scores WHERE churnkit.health_tier(score) = 'poor';
SELECT count(*) FROM account_scores WHERE churnkit.health_tier(score) = 'poor';
RESET enable_seqscan;
-- scores (37 i mod 101) for i = 1..1000: 396 below 40, 297 in [40, 70), 307 at 70 or more
SELECT churnkit.health_tier(score) AS tier, count(*) FROM account_scores GROUP BY 1 ORDER BY 1;

-- PARALLEL SAFE: the functions run inside parallel workers, and an error in
-- a worker reaches the client with its SQLSTATE and message
SET force_parallel_mode = on;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;  -- rows are computed in the workers
EXPLAIN (COSTS OFF)
SELECT churnkit.health_tier(score), churnkit.engagement_score(score, 1, 1, 30),
       churnkit.health_score(ARRAY[score], '{1}'), churnkit.mrr_movement(score, 50, true),
       churnkit.cohort_period(now(), now(), 'day', 'UTC'),
       churnkit.business_hours_between(now(), now()),
       churnkit.churn_risk_stage(now(), now(), NULL, NULL, NULL)
FROM account_scores;
-- per row: 100*(0.3*min(1, s/100) + 0.4 + 0.3*min(1, s/30)); exact total 80432.2;
-- expansions: scores 1..49 (486 rows); hours: min(s, 8 per working day) from Monday 09:00
SELECT count(*) AS accounts,
       round(sum(churnkit.engagement_score(score * 9, 15, score, 30))::numeric, 6) AS total_engagement,
       count(*) FILTER (WHERE churnkit.mrr_movement(score, 50, true) = 'expansion') AS expansions,
       sum(churnkit.business_hours_between('2024-01-08 09:00+00', '2024-01-08 09:00+00'::timestamptz + score * interval '1 hour')) AS hours
FROM account_scores;
SELECT regress.outcome($$
    SELECT count(churnkit.engagement_score(score, 45, 0, 30)) FROM account_scores
$$) AS error_in_worker;
RESET force_parallel_mode;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
RESET parallel_leader_participation;

-- prepared statements: custom and generic plans give the same results
PREPARE stage(timestamptz, timestamptz, int) AS
    SELECT churnkit.churn_risk_stage($1, $2, NULL, $1 - interval '10 days', NULL, dormant_days => $3);
EXECUTE stage('2024-06-01', '2024-01-01', 14);
EXECUTE stage('2024-06-01', '2024-01-01', 7);
SET plan_cache_mode = force_generic_plan;
EXECUTE stage('2024-06-01', '2024-01-01', 14);
EXECUTE stage('2024-06-01', '2024-01-01', 7);
EXECUTE stage('2024-06-01', '2024-05-20', 7);
RESET plan_cache_mode;
DEALLOCATE stage;

-- parameters that change from row to row (the adapters cache the last parsed
-- value): each row must use its own time zone / hours / weights
SELECT n, time_zone, day_start,
       churnkit.business_hours_between('2024-01-08 06:00+00', '2024-01-08 18:00+00', time_zone, day_start) AS hours,
       churnkit.cohort_period('2024-01-31 12:00+00', '2024-01-31 23:30+00', 'day', time_zone) AS day_period
FROM (VALUES
    (1, 'UTC', '09:00'),            -- 8, 0
    (2, 'Europe/Berlin', '09:00'),  -- 07:00-18:00 CET -> 10:00-16:00 UTC clipped: 8, 1
    (3, 'UTC', '09:00'),            -- 8, 0
    (4, 'UTC', '13:00'),            -- 4, 0
    (5, 'Europe/Berlin', '09:00'),  -- 8, 1
    (6, 'Asia/Tokyo', '09:00'),     -- 15:00-03:00 JST: 17:00 - 15:00 = 2, 1
    (7, 'Europe/Berlin', '09:00')   -- 8, 1
) AS t(n, time_zone, day_start)
ORDER BY n;
SELECT n, churnkit.engagement_score(600, 15, 30, 30, w_time, w_freq, w_depth) AS score
FROM (VALUES (1, 1, 0, 0), (2, 0, 1, 0), (3, 1, 0, 0), (4, 3, 4, 3), (5, 0, 0, 1), (6, 3, 4, 3)) AS t(n, w_time, w_freq, w_depth)
ORDER BY n;
-- an invalid value in the middle of a column is an error for the statement,
-- and the next statement (same backend, same cache) is unaffected
SELECT regress.outcome($$
    SELECT string_agg(churnkit.cohort_period('2024-01-01', '2024-02-01', 'month', z)::text, ',')
    FROM unnest(ARRAY['UTC', 'Europe/Berlin', 'Mars/Base', 'UTC']) AS z
$$) AS bad_zone_in_column;
SELECT string_agg(churnkit.cohort_period('2024-01-31 23:30+00', '2024-02-01 00:30+00', 'month', z)::text, ',') AS periods
FROM unnest(ARRAY['UTC', 'Europe/Berlin', 'UTC', 'America/New_York']) AS z; -- 1,0,1,0

-- errors inside a subtransaction roll back cleanly and the session goes on
BEGIN;
SAVEPOINT s;
SELECT churnkit.health_tier(50, 40, 70);
ROLLBACK TO SAVEPOINT s;
SELECT churnkit.health_tier(50, 70, 40) AS after_rollback;
COMMIT;

-- every function, inside a view (the dump/restore path of analysts' views)
CREATE TEMP VIEW composed AS
SELECT churnkit.health_tier(churnkit.health_score(ARRAY[churnkit.engagement_score(600, 15, 30, 30), 50], '{3,1}')) AS tier,
       churnkit.churn_risk_stage('2024-06-01', '2024-01-01', NULL, '2024-05-31', NULL, activity_trend => -0.5) AS stage,
       churnkit.cohort_period('2024-01-01', '2024-06-01', 'month') AS months,
       churnkit.mrr_movement(100, 120, true) AS movement,
       churnkit.business_hours_between(start => '2024-01-08 10:00+00', "end" => '2024-01-08 12:30+00') AS hours;
SELECT * FROM composed;

DROP TABLE account_scores;

SELECT 1 AS alive;
