-- churnkit.activity_trend(occurred_at, as_of, window_days) -> float8:
-- (recent - prior) / prior event counts of the last two windows before
-- as_of; NULL when prior = 0 (docs/aggregates.md)
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
\set SHOW_CONTEXT never
\pset null '<NULL>'

-- as_of 2024-03-01 00:00 UTC, 7-day windows: recent = [Feb 23, Mar 1),
-- prior = [Feb 16, Feb 23); events at or after as_of, or before Feb 16,
-- are not counted
CREATE TEMP TABLE at_events (account text, occurred_at timestamptz);
INSERT INTO at_events VALUES
    ('acme', '2024-02-29 12:00+00'),      -- recent
    ('acme', '2024-02-23 00:00+00'),      -- recent (exactly 7 days before)
    ('acme', '2024-02-22 23:59:59+00'),   -- prior
    ('acme', '2024-02-16 00:00+00'),      -- prior (exactly 14 days before)
    ('acme', '2024-02-15 23:59:59+00'),   -- too old
    ('acme', '2024-03-01 00:00+00'),      -- at as_of: not counted
    ('acme', '2024-03-05 00:00+00'),      -- after as_of: not counted
    ('globex', '2024-02-28 00:00+00'),    -- recent 1
    ('globex', '2024-02-20 00:00+00'), ('globex', '2024-02-19 00:00+00'),
    ('globex', '2024-02-18 00:00+00'), ('globex', '2024-02-17 00:00+00'),   -- prior 4
    ('initech', '2024-02-27 00:00+00'), ('initech', '2024-02-26 00:00+00'),
    ('initech', '2024-02-25 00:00+00'),   -- recent 3, prior 0
    ('umbrella', NULL);                   -- only a skipped row
SELECT account, churnkit.activity_trend(occurred_at, '2024-03-01 00:00+00', 7) AS trend
FROM at_events GROUP BY account ORDER BY account;
-- acme (2-2)/2 = 0; globex (1-4)/4 = -0.75; initech NULL (prior 0); umbrella NULL (empty)

-- 14-day windows: recent [Feb 16, Mar 1) acme 4, prior [Feb 2, Feb 16) acme 1
SELECT account, churnkit.activity_trend(occurred_at, '2024-03-01 00:00+00', 14) AS trend
FROM at_events GROUP BY account ORDER BY account;

-- rows with any NULL argument are skipped; no rows give NULL
SELECT churnkit.activity_trend(ts, a, w) AS skipped_nulls
FROM (VALUES ('2024-02-28'::timestamptz, '2024-03-01'::timestamptz, 7),
             ('2024-02-20', '2024-03-01', 7),
             (NULL, '2024-03-01', 7), ('2024-02-20', NULL, 7), ('2024-02-20', '2024-03-01', NULL),
             (NULL, '2024-03-01', 0)) AS v(ts, a, w);
SELECT churnkit.activity_trend(occurred_at, now(), 7) IS NULL AS no_rows FROM at_events WHERE false;

-- as_of and window_days may differ per row (each row is counted against
-- its own): the declining-accounts early warning, per account as of its
-- own last event
SELECT e.account, churnkit.activity_trend(e.occurred_at, l.last_at + interval '1 second', 7) AS trend_before_last
FROM at_events e JOIN (SELECT account, max(occurred_at) AS last_at FROM at_events GROUP BY account) AS l USING (account)
GROUP BY e.account ORDER BY e.account;

-- feeding churn_risk_stage: a trend of -0.75 is 'declining'
SELECT account,
       churnkit.churn_risk_stage('2024-03-01', '2023-01-01', '2024-12-01', max(occurred_at), NULL,
                                 churnkit.activity_trend(occurred_at, '2024-03-01', 7)) AS stage
FROM at_events WHERE occurred_at < '2024-03-01' GROUP BY account ORDER BY account;

-- every error: SQLSTATE 22023, the function and the argument named
SELECT n, call, regress.outcome(call) AS outcome
FROM (VALUES
    (1, $$SELECT churnkit.activity_trend(now(), now(), 0)$$),
    (2, $$SELECT churnkit.activity_trend(now(), now(), -7)$$),
    (3, $$SELECT churnkit.activity_trend(ts, now(), w) FROM (VALUES (now(), 7), (now(), 0)) AS v(ts, w)$$)
) AS t(n, call)
ORDER BY n;

-- 0.2.0 (CHANGELOG.md): as_of and window_days may not vary within a group (0.1.0 took
-- them silently, each row counted against its own windows), as the other
-- aggregates' parameters; the largest window does not overflow; ±infinity
-- is 22008
SELECT n, call, regress.outcome(call) AS outcome
FROM (VALUES
    (1, $$SELECT churnkit.activity_trend(ts, a, 7) FROM (VALUES ('2024-02-20'::timestamptz, '2024-03-01'::timestamptz), ('2024-02-21', '2024-03-02')) AS v(ts, a)$$),
    (2, $$SELECT churnkit.activity_trend(ts, '2024-03-01', w) FROM (VALUES ('2024-02-20'::timestamptz, 7), ('2024-02-21', 14)) AS v(ts, w)$$),
    (3, $$SELECT churnkit.activity_trend(ts, '2024-03-01', 2147483647) FROM (VALUES ('2024-02-28'::timestamptz)) AS v(ts)$$),
    (4, $$SELECT churnkit.activity_trend(ts, 'infinity', 7) FROM (VALUES ('2024-02-28'::timestamptz)) AS v(ts)$$)
) AS t(n, call)
ORDER BY n;

SELECT 1 AS alive;
