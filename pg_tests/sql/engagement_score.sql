-- churnkit.engagement_score: 4-, 7- and 10-argument overloads (docs/functions.md)
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
\set SHOW_CONTEXT never
\pset null '<NULL>'

-- the reference value: time 600/30/30 = 2/3 of target, frequency 15/30 = the
-- 0.5 target, depth 30/30 = the 1/day target: 100*(0.3*2/3 + 0.4 + 0.3) = 90
SELECT churnkit.engagement_score(600, 15, 30, 30);

-- each component alone, saturation and the active_days = period_days boundary
SELECT churnkit.engagement_score(0, 0, 0, 30)      AS nothing,          -- 0
       churnkit.engagement_score(1e9, 30, 1e9, 30) AS saturated,        -- 100
       churnkit.engagement_score(0, 15, 0, 30)     AS frequency_only,   -- 0.4*1 -> 40
       churnkit.engagement_score(450, 0, 0, 30)    AS half_time_target, -- 0.3*0.5 -> 15
       churnkit.engagement_score(0, 0, 30, 30)     AS depth_only,       -- 0.3*1 -> 30
       churnkit.engagement_score(0, 30, 0, 30)     AS every_day;        -- 0.4*min(1, 2) -> 40

-- a week: time 45/7/30 = 3/14, frequency 3.5/7/0.5 = 1, depth 2/7:
-- 100*(0.3*(3/14 + 4/14) + 0.4) = 55
SELECT churnkit.engagement_score(45, 3.5, 2, 7) AS week;
-- results are rounded to 9 decimals: 100*0.3*(1/30/30) = 0.0333...
SELECT churnkit.engagement_score(1, 0, 0, 30) AS rounded;

-- named arguments, in any order
SELECT churnkit.engagement_score(active_minutes => 600, active_days => 15, key_actions => 30, period_days => 30) AS named,
       churnkit.engagement_score(period_days => 30, key_actions => 30, active_days => 15, active_minutes => 600) AS reordered;

-- custom weights are renormalised: (3, 4, 3) is the default (0.3, 0.4, 0.3)
SELECT churnkit.engagement_score(600, 15, 30, 30, 3, 4, 3)       AS default_weights_scaled, -- 90
       churnkit.engagement_score(600, 15, 30, 30, 0.3, 0.4, 0.3) AS default_weights,        -- 90
       churnkit.engagement_score(600, 15, 30, 30, 1, 0, 0)       AS time_only,              -- 100*2/3
       churnkit.engagement_score(600, 15, 30, 30, 0, 1, 0)       AS frequency_only,         -- 100
       churnkit.engagement_score(600, 15, 30, 30, 0, 0, 2)       AS depth_only;             -- 100

-- custom targets: 900 minutes over 30 days = 30/day, half of a 60/day target
SELECT churnkit.engagement_score(900, 1, 0, 30, 1, 0, 0, 60, 0.5, 1)        AS half_of_60_min,  -- 50
       churnkit.engagement_score(600, 15, 30, 30, 0.3, 0.4, 0.3, 30, 0.5, 1) AS explicit_defaults, -- 90
       churnkit.engagement_score(0, 15, 0, 30, 0, 1, 0, 30, 1, 1)           AS ratio_target_1,  -- 15/30/1 -> 50
       churnkit.engagement_score(
           active_minutes => 300, active_days => 10, key_actions => 60, period_days => 30,
           weight_time => 1, weight_frequency => 1, weight_depth => 2,
           target_minutes_per_day => 20, target_active_ratio => 0.5, target_actions_per_day => 4
       ) AS named_10; -- time 300/30/20 = 0.5, freq 10/30/0.5 = 2/3, depth 60/30/4 = 0.5: 100*(0.5+2/3+1)/4

-- STRICT: a NULL argument gives NULL, in every overload
SELECT churnkit.engagement_score(NULL, 15, 30, 30) IS NULL AS null_4,
       churnkit.engagement_score(600, 15, 30, NULL) IS NULL AS null_period,
       churnkit.engagement_score(600, 15, 30, 30, 1, NULL, 1) IS NULL AS null_weight,
       churnkit.engagement_score(600, 15, 30, 30, 1, 1, 1, 30, 0.5, NULL) IS NULL AS null_target,
       -- even when another argument is invalid: the function is not called
       churnkit.engagement_score(-1, 40, NULL, 30) IS NULL AS null_beats_invalid;

-- every error: SQLSTATE 22023 and a message naming function and argument
SELECT n, call, regress.outcome('SELECT ' || call) AS outcome
FROM (VALUES
    (1,  $$churnkit.engagement_score(10, 40, 0, 30)$$),
    (2,  $$churnkit.engagement_score(-1, 1, 0, 30)$$),
    (3,  $$churnkit.engagement_score(1, -1, 0, 30)$$),
    (4,  $$churnkit.engagement_score(1, 1, -2, 30)$$),
    (5,  $$churnkit.engagement_score(1, 0, 0, 0)$$),
    (6,  $$churnkit.engagement_score(1, 0, 0, -5)$$),
    (7,  $$churnkit.engagement_score(30.5, 30.5, 0, 30)$$),
    (8,  $$churnkit.engagement_score(600, 15, 30, 30, 0, 0, 0)$$),
    (9,  $$churnkit.engagement_score(600, 15, 30, 30, -0.1, 1, 0)$$),
    (10, $$churnkit.engagement_score(600, 15, 30, 30, 1, -1, 0)$$),
    (11, $$churnkit.engagement_score(600, 15, 30, 30, 1, 0, -1)$$),
    (12, $$churnkit.engagement_score(600, 15, 30, 30, 1, 1, 1, 0, 0.5, 1)$$),
    (13, $$churnkit.engagement_score(600, 15, 30, 30, 1, 1, 1, 30, 1.5, 1)$$),
    (14, $$churnkit.engagement_score(600, 15, 30, 30, 1, 1, 1, 30, 0, 1)$$),
    (15, $$churnkit.engagement_score(600, 15, 30, 30, 1, 1, 1, 30, 0.5, -1)$$),
    (16, $$churnkit.engagement_score(600, 15, 30, 30, 1, 1, 1, -30, 0.5, 1)$$),
    -- parameters are checked before the measures
    (17, $$churnkit.engagement_score(-1, 40, 0, 30, 0, 0, 0)$$)
) AS t(n, call)
ORDER BY n;

-- odd inputs: NaN, infinities, huge and tiny numbers, negative zero
SELECT n, call, regress.outcome('SELECT ' || call) AS outcome
FROM (VALUES
    (1,  $$churnkit.engagement_score('NaN', 0, 0, 1)$$),
    (2,  $$churnkit.engagement_score(0, 'NaN', 0, 1)$$),
    (3,  $$churnkit.engagement_score(1, 0, 'infinity', 1)$$),
    (4,  $$churnkit.engagement_score(1, 0, '-infinity', 1)$$),
    (5,  $$churnkit.engagement_score(1, 1, 0, 'infinity')$$),
    (6,  $$churnkit.engagement_score(1, 1, 0, 'NaN')$$),
    (7,  $$churnkit.engagement_score(600, 15, 30, 30, 'NaN', 1, 1)$$),
    (8,  $$churnkit.engagement_score(600, 15, 30, 30, 1, 'infinity', 1)$$),
    (9,  $$churnkit.engagement_score(600, 15, 30, 30, 1, 1, 1, 'infinity', 0.5, 1)$$),
    (10, $$churnkit.engagement_score(600, 15, 30, 30, 1, 1, 1, 30, 'NaN', 1)$$),
    (11, $$churnkit.engagement_score(1e308, 30, 1e308, 30)$$),
    (12, $$churnkit.engagement_score(1.7976931348623157e308, 1.7976931348623157e308, 1.7976931348623157e308, 1.7976931348623157e308)$$),
    (13, $$churnkit.engagement_score(1, 1e-300, 0, 1e-300)$$),
    (14, $$churnkit.engagement_score(0, 0, 0, 4.9e-324)$$),
    (15, $$churnkit.engagement_score('-0', '-0', '-0', 30)$$),
    (16, $$churnkit.engagement_score(600, 15, 30, 30, 1e-300, 0, 0)$$)
) AS t(n, call)
ORDER BY n;
-- weights whose sum overflows (the message spells out two 309-digit numbers)
SELECT regress.outcome($$ SELECT churnkit.engagement_score(600, 15, 30, 30, 1e308, 1e308, 0) $$)
       LIKE 'ERROR 22023: engagement_score: invalid weights: weights must sum to a positive finite number (got 1000%0 + 1000%0 + 0 = inf)' AS overflowing_weights;

-- in GROUP BY and with column arguments
CREATE TEMP TABLE usage (account text, active_minutes float8, active_days float8, key_actions float8);
INSERT INTO usage VALUES
    ('acme', 300, 10, 10), ('acme', 150, 5, 5),
    ('globex', 0, 0, 0), ('initech', 900, 30, 90);
-- acme: time 450/30/30 = 0.5, frequency 10/30/0.5 = 2/3, depth 15/30 = 0.5
SELECT account,
       churnkit.engagement_score(sum(active_minutes), max(active_days), sum(key_actions), 30) AS score
FROM usage GROUP BY account ORDER BY account;

SELECT 1 AS alive;
