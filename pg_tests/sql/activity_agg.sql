-- churnkit.activity_agg(occurred_at, granularity) -> activity, its accessors
-- cohort_start, is_active, lifecycle_state, and
-- churnkit.retention_counts(activity [, mode]) (docs/aggregates.md)
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
\set SHOW_CONTEXT never
\pset null '<NULL>'

CREATE TEMP TABLE aa_events (customer text, occurred_at timestamptz, granularity text);
INSERT INTO aa_events VALUES
    ('c1', '2024-01-15 10:00+00', 'month'),
    ('c1', '2024-02-03 10:00+00', 'month'),
    ('c1', '2024-04-20 10:00+00', 'month'),
    ('c1', '2024-05-20 10:00+00', NULL),        -- NULL granularity: skipped
    ('c2', '2024-01-31 23:59:59+00', 'month'),
    ('c2', '2024-03-01 00:00:00+00', 'Month'),  -- core parses it: case-insensitive
    ('c3', '2024-02-10 10:00+00', ' month '),   -- and blanks around it are ignored
    ('c4', '2024-02-29 10:00+00', 'month'),
    ('c4', '2024-03-31 10:00+00', 'month'),
    ('c4', '2024-04-01 10:00+00', 'month'),
    ('c4', '2024-04-02 10:00+00', 'month'),
    ('c5', NULL, 'month');                       -- NULL occurred_at: skipped

-- c1 active in January, February, April; c2 January, March; c3 February;
-- c4 February, March, April; c5 nothing (NULL, as for any empty group)
SELECT customer, churnkit.activity_agg(occurred_at, granularity) AS activity
FROM aa_events GROUP BY customer ORDER BY customer;

CREATE TEMP TABLE aa_customers AS
SELECT customer, churnkit.activity_agg(occurred_at, granularity) AS a
FROM aa_events GROUP BY customer;

-- cohort (first active period) and activity n periods later
SELECT customer, churnkit.cohort_start(a) AS cohort_start,
       churnkit.is_active(a, -1) AS p_minus_1, churnkit.is_active(a, 0) AS p0, churnkit.is_active(a, 1) AS p1,
       churnkit.is_active(a, 2) AS p2, churnkit.is_active(a, 3) AS p3, churnkit.is_active(a, 4) AS p4
FROM aa_customers ORDER BY customer;

-- PostHog lifecycle of each month: new (first active month), returning
-- (active now and last month), resurrecting (active now, not last month,
-- active before), dormant (not now, last month yes), NULL otherwise
SELECT customer, m::date AS month, churnkit.lifecycle_state(a, m) AS state
FROM aa_customers, generate_series('2023-12-01'::timestamptz, '2024-05-01', '1 month') AS m
WHERE a IS NOT NULL
ORDER BY customer, m;
-- any instant of the period names the period
SELECT churnkit.lifecycle_state(a, '2024-04-30 23:59:59+00') AS april_end,
       churnkit.lifecycle_state(a, '2024-05-01 00:00:00+00') AS may_start
FROM aa_customers WHERE customer = 'c1';

-- every granularity: days, ISO weeks (Monday), months, quarters, years (UTC)
SELECT g, churnkit.activity_agg(ts, g) AS activity, churnkit.cohort_start(churnkit.activity_agg(ts, g)) AS cohort_start
FROM (VALUES ('2024-01-07 23:00+00'::timestamptz), ('2024-01-08 01:00+00'), ('2024-03-31 12:00+00'),
             ('2024-04-01 12:00+00'), ('2025-01-01 00:00+00')) AS v(ts),
     unnest(ARRAY['day', 'week', 'month', 'quarter', 'year']) AS g
GROUP BY g ORDER BY min(array_position(ARRAY['day', 'week', 'month', 'quarter', 'year'], g));

-- UTC periods whatever the session time zone (IMMUTABLE)
SET TimeZone = 'Pacific/Auckland';
SELECT churnkit.activity_agg('2024-01-31 23:30:00+00'::timestamptz, 'month') AS auckland;
SET TimeZone = 'UTC';

-- retention per cohort: element 1 (SQL arrays start at 1) the cohort size,
-- element n+1 the customers active n periods after their cohort period.
-- January cohort c1, c2: Feb c1, Mar c2, Apr c1 -> {2,1,1,1};
-- February cohort c3, c4: Mar c4, Apr c4 -> {2,1,1}
SELECT churnkit.cohort_start(a)::date AS cohort,
       churnkit.retention_counts(a) AS classic,
       churnkit.retention_counts(a, 'classic') AS classic_explicit,
       churnkit.retention_counts(a, 'unbounded') AS unbounded,   -- active in period n or later
       churnkit.retention_counts(a, ' UNBOUNDED ') AS unbounded_case
FROM aa_customers GROUP BY 1 ORDER BY 1;

-- the cohort-retention matrix, from raw events: activity per customer,
-- retention per cohort, one row per (cohort, period). (The granularity is a
-- constant here, so c1's May event, skipped above for its NULL granularity,
-- counts: period 4 of the January cohort.)
WITH customers AS (
    SELECT customer, churnkit.activity_agg(occurred_at, 'month') AS a
    FROM aa_events GROUP BY customer
), cohorts AS (
    SELECT churnkit.cohort_start(a) AS cohort, churnkit.retention_counts(a) AS counts
    FROM customers WHERE a IS NOT NULL GROUP BY 1
)
SELECT cohort::date, p - 1 AS period, counts[1] AS cohort_size, counts[p] AS retained,
       round(counts[p]::numeric / counts[1], 3) AS rate
FROM cohorts, generate_subscripts(counts, 1) AS p
ORDER BY cohort, period;

-- retention_counts: NULL activities are skipped; no customer gives NULL
SELECT churnkit.retention_counts(a) AS with_null_customer FROM aa_customers;
SELECT churnkit.retention_counts(a) IS NULL AS only_null FROM aa_customers WHERE a IS NULL;
SELECT churnkit.retention_counts(a) IS NULL AS no_rows FROM aa_customers WHERE false;
SELECT churnkit.retention_counts(a, NULL) IS NULL AS null_mode_skips_rows FROM aa_customers;
-- activity_agg: empty groups
SELECT churnkit.activity_agg(occurred_at, granularity) IS NULL AS no_rows FROM aa_events WHERE false;
SELECT churnkit.cohort_start(NULL), churnkit.is_active(NULL, 0), churnkit.lifecycle_state(NULL, now()),
       churnkit.is_active('{"version":1,"granularity":"day","periods":["2024-01-01"]}', NULL);

-- long activities: 2000 days of daily activity, retention by day
SELECT churnkit.retention_counts(a) = array_fill(1::bigint, ARRAY[2000]) AS daily
FROM (SELECT churnkit.activity_agg(ts, 'day') AS a
      FROM generate_series('2020-01-01'::timestamptz, '2020-01-01'::timestamptz + interval '1999 days', '1 day') AS ts) AS t;

-- every error: SQLSTATE 22023, the function and the argument named
SELECT n, call, regress.outcome(call) AS outcome
FROM (VALUES
    (1, $$SELECT churnkit.activity_agg(now(), 'fortnight')$$),
    (2, $$SELECT churnkit.activity_agg(now(), '')$$),
    (3, $$SELECT churnkit.activity_agg(ts, g) FROM (VALUES ('2024-01-01'::timestamptz, 'month'), ('2024-01-02', 'week')) AS v(ts, g)$$),
    (4, $$SELECT churnkit.activity_agg(ts, g) FROM (VALUES ('2024-01-01'::timestamptz, 'week'), ('2024-01-02', NULL), ('2024-01-03', 'day')) AS v(ts, g)$$),
    (5, $$SELECT churnkit.retention_counts(a, 'x') FROM aa_customers$$),
    (6, $$SELECT churnkit.retention_counts(a, m) FROM aa_customers, (VALUES ('classic'), ('unbounded')) AS v(m)$$),
    (7, $$SELECT churnkit.retention_counts(a) FROM (SELECT churnkit.activity_agg(ts, 'day') AS a FROM (VALUES ('1900-01-01'::timestamptz), ('2200-01-01')) AS v(ts)) AS t$$),
    -- a valid activity (text) before Postgres' first timestamp (4713 BC)
    (8, $$SELECT churnkit.cohort_start('{"version":1,"granularity":"year","periods":["-100000-01-01"]}')$$)
) AS t(n, call)
ORDER BY n;
-- case 7: 1900-01-01 to 2200-01-01 is this many days
SELECT '2200-01-01'::date - '1900-01-01'::date AS days;

-- as an analyst sees it
SELECT churnkit.activity_agg(occurred_at, 'fortnight') FROM aa_events;

-- granularity from a column: one per group is fine
SELECT g, churnkit.activity_agg(ts, g) AS activity
FROM (VALUES ('2024-01-01'::timestamptz, 'week'), ('2024-01-09', 'week'), ('2024-01-01', 'quarter'), ('2024-05-01', 'quarter')) AS v(ts, g)
GROUP BY g ORDER BY g;

-- a user-lifecycle report: customers per lifecycle state per month
SELECT m::date AS month, churnkit.lifecycle_state(a, m) AS state, count(*) AS customers
FROM aa_customers, generate_series('2024-01-01'::timestamptz, '2024-05-01', '1 month') AS m
WHERE churnkit.lifecycle_state(a, m) IS NOT NULL
GROUP BY 1, 2 ORDER BY 1, 2;

-- a constant granularity is parsed once per query (the transition function
-- reads it from the query's Aggref): the same results as a per-row text
SELECT customer, churnkit.activity_agg(occurred_at, 'month')::text = churnkit.activity_agg(occurred_at, coalesce(granularity, 'month'))::text AS same
FROM aa_events WHERE occurred_at IS NOT NULL GROUP BY customer ORDER BY customer;
-- two constants in one query are two aggregates, each with its own value
SELECT churnkit.activity_agg(occurred_at, 'month') AS months, churnkit.activity_agg(occurred_at, 'year'::varchar) AS years
FROM aa_events;
-- a constant that is not a granularity is still an error only when a row
-- reaches it: with no non-NULL occurred_at the result is NULL
SELECT churnkit.activity_agg(NULL::timestamptz, 'fortnight') IS NULL AS no_rows_no_error;
SELECT churnkit.activity_agg(occurred_at, 'fortnight') FROM aa_events WHERE occurred_at IS NULL;
-- as a window aggregate (no Aggref: read row by row)
SELECT customer, occurred_at, churnkit.activity_agg(occurred_at, 'month') OVER (PARTITION BY customer ORDER BY occurred_at) AS so_far
FROM aa_events WHERE customer IN ('c1', 'c4') AND occurred_at IS NOT NULL ORDER BY customer, occurred_at;

SELECT 1 AS alive;
