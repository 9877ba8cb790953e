-- churnkit.engagement_agg(occurred_at, duration_seconds, is_key_action)
-- -> engagement_summary, and its accessors (docs/aggregates.md)
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
\set SHOW_CONTEXT never
\pset null '<NULL>'

CREATE TEMP TABLE ea_events (account text, occurred_at timestamptz, duration_seconds float8, is_key_action boolean);
INSERT INTO ea_events VALUES
    ('acme',    '2024-01-01 09:00:00+00', 600,  true),
    ('acme',    '2024-01-01 17:00:00+00', 300,  false),
    ('acme',    '2024-01-03 10:00:00+00', NULL, true),    -- NULL duration = 0 s
    ('acme',    '2024-01-03 23:59:59+00', 60,   NULL),    -- NULL key action = false
    ('acme',    NULL,                     100,  true),    -- NULL occurred_at: skipped
    ('acme',    NULL,                     -5,   true),    -- skipped before any check
    ('globex',  '2024-01-02 12:00:00+00', 0,    false),
    ('initech', NULL,                     50,   true);    -- nothing but skipped rows

-- acme: 4 events, 960 s = 16 min, 2 UTC days (Jan 1 and 3), 2 key actions;
-- globex: 1 event on Jan 2; initech: no event, so NULL (as sum() of no rows)
SELECT account, churnkit.engagement_agg(occurred_at, duration_seconds, is_key_action) AS summary
FROM ea_events GROUP BY account ORDER BY account;

SELECT account,
       churnkit.active_days(s)    AS active_days,
       churnkit.active_minutes(s) AS active_minutes,
       churnkit.key_actions(s)    AS key_actions,
       churnkit.last_active_at(s) AS last_active_at,
       churnkit.engagement_score(s, 30) AS score_30d
FROM (SELECT account, churnkit.engagement_agg(occurred_at, duration_seconds, is_key_action) AS s
      FROM ea_events GROUP BY account) AS t
ORDER BY account;
-- acme, 30 days: time 16/30/30 = 0.017778, frequency 2/30/0.5 = 0.133333,
-- depth 2/30/1 = 0.066667: 100 * (0.3*0.017778 + 0.4*0.133333 + 0.3*0.066667) = 7.866666667
-- globex: 100 * 0.4 * (1/30/0.5) = 2.666666667

-- the summary's score is the scalar score of its accessors
SELECT churnkit.engagement_score(s, 30) = churnkit.engagement_score(churnkit.active_minutes(s), churnkit.active_days(s), churnkit.key_actions(s), 30) AS same
FROM (SELECT churnkit.engagement_agg(occurred_at, duration_seconds, is_key_action) AS s FROM ea_events WHERE account = 'acme') AS t;

-- the scalar's errors stay the scalar's: 2 active days in a 1-day period
SELECT regress.outcome($$
    SELECT churnkit.engagement_score(churnkit.engagement_agg(occurred_at, duration_seconds, is_key_action), 1)
    FROM ea_events WHERE account = 'acme' $$) AS outcome;

-- empty groups: no rows at all, and only skipped rows, give NULL; the
-- accessors are STRICT
SELECT churnkit.engagement_agg(occurred_at, duration_seconds, is_key_action) IS NULL AS no_rows
FROM ea_events WHERE false;
SELECT churnkit.engagement_agg(occurred_at, duration_seconds, is_key_action) IS NULL AS only_null_rows,
       churnkit.active_days(churnkit.engagement_agg(occurred_at, duration_seconds, is_key_action)) AS active_days
FROM ea_events WHERE occurred_at IS NULL;
SELECT churnkit.active_days(NULL), churnkit.active_minutes(NULL), churnkit.key_actions(NULL),
       churnkit.last_active_at(NULL), churnkit.engagement_score(NULL::churnkit.engagement_summary, 30),
       churnkit.engagement_score(churnkit.engagement_agg(now(), 1, true), NULL);

-- active days are UTC days whatever the session time zone (IMMUTABLE):
-- 23:30 UTC on Jan 31 is Jan 31 in UTC, Feb 1 in Tokyo, Jan 31 in New York
SET TimeZone = 'Asia/Tokyo';
SELECT churnkit.engagement_agg(ts, 0, false)::text AS tokyo
FROM (VALUES ('2024-01-31 23:30:00+00'::timestamptz), ('2024-02-01 00:30:00+09')) AS v(ts);
SET TimeZone = 'America/New_York';
SELECT churnkit.engagement_agg(ts, 0, false)::text AS new_york
FROM (VALUES ('2024-01-31 23:30:00+00'::timestamptz), ('2024-02-01 00:30:00+09')) AS v(ts);
SET TimeZone = 'UTC';

-- events in any order; duplicates count as events, not as days
SELECT churnkit.engagement_agg(ts, 1, false)::text AS unordered
FROM (VALUES ('2024-03-05 10:00+00'::timestamptz), ('2024-03-01 10:00+00'), ('2024-03-03 10:00+00'),
             ('2024-03-01 11:00+00'), ('2024-03-05 10:00+00')) AS v(ts);

-- 0.2.0 (CHANGELOG.md): ±infinity is not a point in time, and a timestamp after
-- 294246-12-31 does not fit churnkit's range: SQLSTATE 22008, never a
-- clamped value colliding with infinity
SELECT regress.outcome($$ SELECT churnkit.engagement_agg(ts, 1, true) FROM (VALUES ('-infinity'::timestamptz), ('2024-01-01')) AS v(ts) $$);
SELECT regress.outcome($$ SELECT churnkit.last_active_at(churnkit.engagement_agg('294260-01-01+00', 1, true)) $$);
SELECT regress.outcome($$ SELECT churnkit.last_active_at(churnkit.engagement_agg('294246-12-31 23:59:59.999999+00', 1, true)) $$);
-- a summary 0.1.0 stored with ±infinity reads back, in text and binary form
SELECT s::text::churnkit.engagement_summary::text = s::text AS round_trip,
       churnkit.last_active_at(s) AS last_active_at, churnkit.active_days(s) AS days
FROM (VALUES ('{"active_days":["-290308-12-21","+294247-01-10"],"active_seconds":2.0,"events":2,"first_active_at":"-290308-12-21T19:59:05.224192Z","key_actions":2,"last_active_at":"+294247-01-10T04:00:54.775807Z","version":1}'::churnkit.engagement_summary)) AS v(s);

-- fractional and large durations are summed as given
SELECT churnkit.active_minutes(churnkit.engagement_agg(ts, d, false)) AS minutes
FROM (VALUES ('2024-01-01'::timestamptz, 0.5::float8), ('2024-01-01', 29.5), ('2024-01-02', 1e9)) AS v(ts, d);

-- every error: SQLSTATE 22023, the function and the argument named
SELECT n, rows, regress.outcome(format(
    'SELECT churnkit.engagement_agg(ts, d, k) FROM (VALUES %s) AS v(ts, d, k)', rows)) AS outcome
FROM (VALUES
    (1, $$('2024-01-01'::timestamptz, -5::float8, true)$$),
    (2, $$('2024-01-01'::timestamptz, 'NaN'::float8, true)$$),
    (3, $$('2024-01-01'::timestamptz, 'Infinity'::float8, true)$$),
    (4, $$('2024-01-01'::timestamptz, '-Infinity'::float8, true)$$),
    (5, $$('2024-01-01'::timestamptz, 10::float8, true), ('2024-01-02', -0.001, false)$$),
    (6, $$(NULL::timestamptz, -5::float8, true)$$),
    (7, $$('2024-01-01'::timestamptz, -0::float8, true)$$)
) AS t(n, rows)
ORDER BY n;

-- as an analyst sees it
SELECT churnkit.engagement_agg(occurred_at, -5, true) FROM ea_events WHERE account = 'globex';

-- with FILTER, DISTINCT and ORDER BY inside the call, in a HAVING clause
SELECT account,
       churnkit.key_actions(churnkit.engagement_agg(occurred_at, duration_seconds, is_key_action)
                            FILTER (WHERE occurred_at < '2024-01-03')) AS key_actions_before_jan_3,
       churnkit.active_days(churnkit.engagement_agg(DISTINCT occurred_at, 0, false)) AS distinct_days
FROM ea_events
GROUP BY account
HAVING churnkit.active_days(churnkit.engagement_agg(occurred_at, duration_seconds, is_key_action)) >= 1
ORDER BY account;

-- as a window function: a running summary per account (the final function
-- reads the state without consuming it)
SELECT account, occurred_at,
       churnkit.active_days(churnkit.engagement_agg(occurred_at, duration_seconds, is_key_action)
                            OVER (PARTITION BY account ORDER BY occurred_at)) AS days_so_far,
       churnkit.active_minutes(churnkit.engagement_agg(occurred_at, duration_seconds, is_key_action)
                               OVER (PARTITION BY account ORDER BY occurred_at)) AS minutes_so_far
FROM ea_events WHERE occurred_at IS NOT NULL
ORDER BY account, occurred_at;

-- the same aggregate twice in one query shares its state
SELECT churnkit.active_days(churnkit.engagement_agg(occurred_at, duration_seconds, is_key_action)) AS days,
       churnkit.key_actions(churnkit.engagement_agg(occurred_at, duration_seconds, is_key_action)) AS key_actions
FROM ea_events;

-- an account-engagement view of 30 days, as the warehouse layer builds it
SELECT account,
       churnkit.active_days(s) AS active_days,
       churnkit.health_tier(churnkit.engagement_score(s, 30)) AS tier
FROM (SELECT account, churnkit.engagement_agg(occurred_at, duration_seconds, is_key_action) AS s
      FROM ea_events WHERE occurred_at >= '2024-01-01' AND occurred_at < '2024-01-31'
      GROUP BY account) AS t
ORDER BY account;

-- hash and sort aggregation give the same summaries; many groups
CREATE TEMP TABLE ea_many AS
SELECT i % 700 AS account, '2024-01-01'::timestamptz + (i * 7919 % 2592000) * interval '1 second' AS ts,
       (i % 50)::float8 AS d, i % 7 = 0 AS k
FROM generate_series(1, 20000) AS i;
ANALYZE ea_many;
SET enable_sort = off;
EXPLAIN (COSTS OFF) SELECT account, churnkit.engagement_agg(ts, d, k) FROM ea_many GROUP BY account;
CREATE TEMP TABLE ea_hashed AS SELECT account, churnkit.engagement_agg(ts, d, k)::text AS s FROM ea_many GROUP BY account;
RESET enable_sort;
SET enable_hashagg = off;
EXPLAIN (COSTS OFF) SELECT account, churnkit.engagement_agg(ts, d, k) FROM ea_many GROUP BY account;
CREATE TEMP TABLE ea_sorted AS SELECT account, churnkit.engagement_agg(ts, d, k)::text AS s FROM ea_many GROUP BY account;
RESET enable_hashagg;
SELECT count(*) AS groups, count(*) FILTER (WHERE h.s = s.s) AS identical
FROM ea_hashed h JOIN ea_sorted s USING (account);
-- and the totals agree with plain SQL
SELECT sum(churnkit.active_days(s::churnkit.engagement_summary)) = (SELECT count(DISTINCT (account, (ts AT TIME ZONE 'UTC')::date)) FROM ea_many) AS days_agree,
       round((sum(churnkit.active_minutes(s::churnkit.engagement_summary)) * 60)::numeric, 6) = (SELECT sum(d) FROM ea_many) AS seconds_agree,
       sum(churnkit.key_actions(s::churnkit.engagement_summary)) = (SELECT count(*) FILTER (WHERE k) FROM ea_many) AS key_actions_agree,
       bool_and(churnkit.last_active_at(s::churnkit.engagement_summary) = (SELECT max(ts) FROM ea_many m WHERE m.account = h.account)) AS last_agree
FROM ea_hashed h;

SELECT 1 AS alive;
