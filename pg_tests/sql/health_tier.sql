-- churnkit.health_tier(score, good_at 70, poor_below 40) (docs/functions.md)
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
\set SHOW_CONTEXT never
\pset null '<NULL>'

SELECT churnkit.health_tier(72);

-- boundaries of the defaults: good at >= 70, poor below 40
SELECT s AS score, churnkit.health_tier(s) AS tier
FROM unnest(ARRAY[100, 70, 69.999, 55, 40, 39.999, 0, -5, 150,
                  'infinity', '-infinity']::float8[]) WITH ORDINALITY AS t(s, i)
ORDER BY i;

-- explicit thresholds, equal thresholds, negative thresholds
SELECT churnkit.health_tier(70, 70, 40)  AS explicit_defaults, -- good
       churnkit.health_tier(65, 60, 40)  AS good_at_60,        -- good
       churnkit.health_tier(50, 50, 50)  AS equal_at,          -- good
       churnkit.health_tier(49, 50, 50)  AS equal_below,       -- poor
       churnkit.health_tier(-10, -5, -20) AS negative;         -- average

-- named arguments and partially defaulted calls
SELECT churnkit.health_tier(65, good_at => 60)                      AS good_at_only,    -- good
       churnkit.health_tier(45, poor_below => 50)                   AS poor_below_only, -- poor
       churnkit.health_tier(score => 55, poor_below => 30, good_at => 80) AS all_named, -- average
       churnkit.health_tier(poor_below => 10, score => 5)           AS score_named;     -- poor

-- STRICT: NULL in any argument (defaulted or not) gives NULL
SELECT churnkit.health_tier(NULL) IS NULL           AS null_score,
       churnkit.health_tier(50, NULL) IS NULL       AS null_good_at,
       churnkit.health_tier(50, 70, NULL) IS NULL   AS null_poor_below,
       churnkit.health_tier('NaN', NULL) IS NULL    AS null_beats_nan;

-- every error (and odd input): SQLSTATE 22023
SELECT n, call, regress.outcome('SELECT ' || call) AS outcome
FROM (VALUES
    (1,  $$churnkit.health_tier(50, 40, 70)$$),
    (2,  $$churnkit.health_tier(50, poor_below => 80)$$),
    (3,  $$churnkit.health_tier('NaN')$$),
    (4,  $$churnkit.health_tier(50, 'NaN')$$),
    (5,  $$churnkit.health_tier(50, 'infinity', 40)$$),
    (6,  $$churnkit.health_tier(50, 70, '-infinity')$$),
    (7,  $$churnkit.health_tier(50, 70, 'NaN')$$),
    -- thresholds are checked before the score
    (8,  $$churnkit.health_tier('NaN', 40, 70)$$),
    (9,  $$churnkit.health_tier(1.7976931348623157e308, 1.7976931348623157e308, -1.7976931348623157e308)$$),
    (10, $$churnkit.health_tier(4.9e-324, 4.9e-324, 0)$$),
    (11, $$churnkit.health_tier('-0', 0, 0)$$)
) AS t(n, call)
ORDER BY n;

-- in GROUP BY: tier distribution, thresholds from a column
CREATE TEMP TABLE health (account text, plan text, score float8);
INSERT INTO health VALUES
    ('a', 'pro', 95), ('b', 'pro', 70), ('c', 'pro', 45), ('d', 'pro', 12),
    ('e', 'basic', 69.5), ('f', 'basic', 39.9), ('g', 'basic', NULL);
SELECT churnkit.health_tier(score) AS tier, count(*) AS accounts
FROM health GROUP BY 1 ORDER BY 1;
CREATE TEMP TABLE plan_thresholds (plan text, good_at float8, poor_below float8);
INSERT INTO plan_thresholds VALUES ('pro', 80, 50), ('basic', 60, 30);
SELECT h.account, h.plan, h.score, churnkit.health_tier(h.score, t.good_at, t.poor_below) AS tier
FROM health h JOIN plan_thresholds t USING (plan) ORDER BY h.account;

SELECT 1 AS alive;
