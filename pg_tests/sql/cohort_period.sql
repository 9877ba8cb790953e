-- churnkit.cohort_period(cohort_start, ts, granularity [, time_zone]) (docs/functions.md)
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
\set SHOW_CONTEXT never
\pset null '<NULL>'

-- calendar periods between the truncated timestamps (UTC)
SELECT n, cohort_start, ts, granularity,
       churnkit.cohort_period(cohort_start, ts, granularity) AS period
FROM (VALUES
    (1,  '2024-01-31 00:00+00'::timestamptz, '2024-02-01 00:00+00'::timestamptz, 'month'),   -- 1
    (2,  '2024-01-31 00:00+00', '2024-02-01 00:00+00', 'day'),                               -- 1
    (3,  '2024-01-31 00:00+00', '2024-02-01 00:00+00', 'quarter'),                           -- 0
    (4,  '2024-01-31 00:00+00', '2024-04-01 00:00+00', 'quarter'),                           -- 1
    (5,  '2023-12-31 23:59:59.999999+00', '2024-01-01 00:00+00', 'year'),                    -- 1
    (6,  '2024-02-01 00:00+00', '2024-01-31 23:59:59.999999+00', 'month'),                   -- -1
    (7,  '2024-01-07 12:00+00', '2024-01-08 00:00+00', 'week'),                              -- 1 (Sunday -> Monday)
    (8,  '2024-01-01 00:00+00', '2024-01-07 23:59:59.999999+00', 'week'),                    -- 0 (Monday .. Sunday)
    (9,  '2024-01-01 00:00+00', '2024-01-01 23:59:59.999999+00', 'day'),                     -- 0
    (10, '1969-12-31 00:00+00', '1970-01-01 00:00+00', 'Month'),                             -- 1
    (11, '2020-03-15 10:00+00', '2024-06-01 00:00+00', 'day'),                               -- 1539
    (12, '2020-03-15 10:00+00', '2024-06-01 00:00+00', 'week'),                              -- 220
    (13, '2020-03-15 10:00+00', '2024-06-01 00:00+00', 'month'),                             -- 51
    (14, '2020-03-15 10:00+00', '2024-06-01 00:00+00', 'quarter'),                           -- 17
    (15, '2020-03-15 10:00+00', '2024-06-01 00:00+00', 'year'),                              -- 4
    (16, '2024-06-01 00:00+00', '2020-03-15 10:00+00', 'week'),                              -- -220
    (17, '2024-02-29 00:00+00', '2025-02-28 00:00+00', 'year'),                              -- 1
    (18, '1900-02-28 00:00+00', '1900-03-01 00:00+00', 'day'),                               -- 1 (1900 is not a leap year)
    (19, '2024-05-15 00:00+00', '2024-05-15 00:00+00', ' WEEK '),                            -- 0
    (20, '0001-01-01 00:00+00 BC', '0001-01-01 00:00+00', 'year')                            -- 1 (no year 0)
) AS t(n, cohort_start, ts, granularity)
ORDER BY n;

-- a time zone moves the period boundaries: 2024-01-31 23:30 UTC is already
-- February in Berlin, and 2024-01-01 03:00 UTC is still 2023 in New York
SELECT churnkit.cohort_period('2024-01-15 00:00+00', '2024-01-31 23:30+00', 'month')                    AS utc,         -- 0
       churnkit.cohort_period('2024-01-15 00:00+00', '2024-01-31 23:30+00', 'month', 'UTC')             AS explicit_utc,-- 0
       churnkit.cohort_period('2024-01-15 00:00+00', '2024-01-31 23:30+00', 'month', 'Europe/Berlin')   AS berlin,      -- 1
       churnkit.cohort_period('2024-01-15 00:00+00', '2024-01-31 23:30+00', 'month', 'europe/berlin')   AS lower_case,  -- 1
       churnkit.cohort_period('2024-01-01 03:00+00', '2024-01-01 05:00+00', 'year', 'America/New_York') AS new_york,    -- 1
       churnkit.cohort_period('2024-01-01 03:00+00', '2024-01-01 05:00+00', 'year')                     AS ny_in_utc,   -- 0
       churnkit.cohort_period('2024-03-31 00:30+00', '2024-03-31 01:30+00', 'day', 'Europe/London')     AS bst_start,   -- 0 (00:30 GMT, 02:30 BST)
       churnkit.cohort_period('2024-01-01 00:00+00', '2024-01-01 10:00+00', 'day', ' Z ')               AS zulu,        -- 0
       churnkit.cohort_period('2024-01-01 23:00+00', '2024-01-02 01:00+00', 'day', 'Asia/Kolkata')      AS kolkata;     -- 0 (04:30 and 06:30 on Jan 2)

-- named arguments
SELECT churnkit.cohort_period(granularity => 'month', ts => '2024-06-01', cohort_start => '2024-01-15') AS named,        -- 5
       churnkit.cohort_period(cohort_start => '2024-01-15', ts => '2024-06-01',
                              granularity => 'week', time_zone => 'Pacific/Auckland')                   AS named_zone; -- 19 (Mon 2024-01-15 NZDT .. Sat 2024-06-01 NZST)

-- the session TimeZone does not change the 3-argument (UTC) form
SET TimeZone = 'Asia/Tokyo';
SELECT churnkit.cohort_period('2024-01-31 20:00+00', '2024-02-01 01:00+00', 'month') AS utc_in_tokyo_session; -- 1
SET TimeZone = 'UTC';

-- STRICT
SELECT churnkit.cohort_period(NULL, '2024-01-01', 'day') IS NULL              AS null_start,
       churnkit.cohort_period('2024-01-01', NULL, 'day') IS NULL              AS null_ts,
       churnkit.cohort_period('2024-01-01', '2024-01-01', NULL) IS NULL       AS null_granularity,
       churnkit.cohort_period('2024-01-01', '2024-01-01', 'day', NULL) IS NULL AS null_zone,
       churnkit.cohort_period('2024-01-01', NULL, 'fortnight', 'Mars/Base') IS NULL AS null_beats_invalid;

-- every error: SQLSTATE 22023
SELECT n, call, regress.outcome('SELECT ' || call) AS outcome
FROM (VALUES
    (1,  $$churnkit.cohort_period('2024-01-01', '2024-02-01', 'fortnight')$$),
    (2,  $$churnkit.cohort_period('2024-01-01', '2024-02-01', '')$$),
    (3,  $$churnkit.cohort_period('2024-01-01', '2024-02-01', 'months')$$),
    (4,  $$churnkit.cohort_period('2024-01-01', '2024-02-01', 'month', 'Mars/Base')$$),
    (5,  $$churnkit.cohort_period('2024-01-01', '2024-02-01', 'month', '+02:00')$$),
    (6,  $$churnkit.cohort_period('2024-01-01', '2024-02-01', 'month', '')$$),
    -- the granularity is checked before the time zone
    (7,  $$churnkit.cohort_period('2024-01-01', '2024-02-01', 'fortnight', 'Mars/Base')$$)
) AS t(n, call)
ORDER BY n;

-- odd inputs: infinite and extreme timestamps
SELECT n, call, regress.outcome('SELECT ' || call) AS outcome
FROM (VALUES
    (1,  $$churnkit.cohort_period('-infinity', 'infinity', 'day')$$),
    (2,  $$churnkit.cohort_period('infinity', '-infinity', 'day')$$),
    (3,  $$churnkit.cohort_period('-infinity', 'infinity', 'year')$$),
    (4,  $$churnkit.cohort_period('infinity', 'infinity', 'week')$$),
    (5,  $$churnkit.cohort_period('2024-01-01', 'infinity', 'month', 'UTC')$$),
    (6,  $$churnkit.cohort_period('-infinity', '2024-01-01', 'month', 'Europe/Berlin')$$),
    (7,  $$churnkit.cohort_period('2024-01-01', 'infinity', 'month', 'Europe/Berlin')$$),
    (8,  $$churnkit.cohort_period('4713-01-01 00:00+00 BC', '2000-01-01 00:00+00', 'day')$$),
    (9,  $$churnkit.cohort_period('4713-01-01 00:00+00 BC', '2000-01-01 00:00+00', 'year')$$),
    (10, $$churnkit.cohort_period('2000-01-01 00:00+00', '294000-01-01 00:00+00', 'month')$$),
    (11, $$churnkit.cohort_period('4713-01-01 00:00+00 BC', '294276-12-31 23:59:59+00', 'day')$$),
    (12, $$churnkit.cohort_period('4713-01-01 00:00+00 BC', '2024-01-01', 'year', 'Europe/Berlin')$$),
    (13, $$churnkit.cohort_period('2024-01-01', '294276-12-31 23:59:59+00', 'year', 'Europe/Berlin')$$)
) AS t(n, call)
ORDER BY n;

-- a cohort matrix: granularity and time zone read from columns
CREATE TEMP TABLE events (user_id int, occurred_at timestamptz);
INSERT INTO events VALUES
    (1, '2024-01-03 10:00+00'), (1, '2024-01-20 10:00+00'), (1, '2024-02-14 10:00+00'), (1, '2024-04-01 10:00+00'),
    (2, '2024-01-31 23:30+00'), (2, '2024-02-02 10:00+00'), (2, '2024-03-05 10:00+00'),
    (3, '2024-02-10 10:00+00'), (3, '2024-03-10 10:00+00');
WITH firsts AS (
    SELECT user_id, occurred_at, min(occurred_at) OVER (PARTITION BY user_id) AS cohort_start FROM events
)
SELECT date_trunc('month', cohort_start) AS cohort,
       churnkit.cohort_period(cohort_start, occurred_at, 'month') AS period,
       count(DISTINCT user_id) AS users
FROM firsts GROUP BY 1, 2 ORDER BY 1, 2;

CREATE TEMP TABLE report_settings (name text, granularity text, time_zone text);
INSERT INTO report_settings VALUES
    ('monthly UTC', 'month', 'UTC'), ('monthly Berlin', 'month', 'Europe/Berlin'),
    ('weekly UTC', 'week', 'UTC'), ('weekly Berlin', 'week', 'Europe/Berlin'),
    ('quarterly Sydney', 'QUARTER', 'australia/sydney');
SELECT r.name, e.user_id, e.occurred_at,
       churnkit.cohort_period('2024-01-03 10:00+00', e.occurred_at, r.granularity, r.time_zone) AS period
FROM report_settings r CROSS JOIN events e
WHERE e.user_id = 2
ORDER BY r.name, e.occurred_at;

SELECT 1 AS alive;
