-- churnkit.survival_agg(tenure_days, churned) -> survival_summary
-- (Kaplan-Meier, right-censored) and its accessors survival_at,
-- median_lifetime, survival_curve (docs/aggregates.md)
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
\set SHOW_CONTEXT never
\pset null '<NULL>'

CREATE TEMP TABLE sv_customers (customer text, plan text, tenure_days float8, churned boolean);
INSERT INTO sv_customers VALUES
    ('c1', 'pro', 10, true),
    ('c2', 'pro', 20, false),    -- still a customer after 20 days (censored)
    ('c3', 'pro', 30, true),
    ('c4', 'pro', 30, true),
    ('c5', 'pro', 40, NULL),     -- NULL churned = censored
    ('c6', 'pro', 50, true),
    ('c7', 'pro', NULL, true),   -- NULL tenure: skipped
    ('c8', 'free', 5, false),
    ('c9', 'free', 7, false),
    ('c10', 'team', NULL, NULL);

-- per distinct tenure: (days, churned, censored)
SELECT plan, churnkit.survival_agg(tenure_days, churned) AS summary
FROM sv_customers GROUP BY plan ORDER BY plan;

-- the Kaplan-Meier curve of 'pro' (6 customers):
-- 10: at risk 6, 1 churned, S = 5/6; 20: at risk 5, censored, S = 5/6;
-- 30: at risk 4, 2 churned, S = 5/6 * 2/4 = 5/12; 40: at risk 2, S = 5/12;
-- 50: at risk 1, 1 churned, S = 0
SELECT c.*
FROM (SELECT churnkit.survival_agg(tenure_days, churned) AS s FROM sv_customers WHERE plan = 'pro') AS t,
     churnkit.survival_curve(s) AS c;
SELECT 5.0 / 6 AS five_sixths, 5.0 / 12 AS five_twelfths;

-- S(days) is a step function, 1 before the first churn
SELECT d, churnkit.survival_at(s, d) AS s_d
FROM (SELECT churnkit.survival_agg(tenure_days, churned) AS s FROM sv_customers WHERE plan = 'pro') AS t,
     unnest(ARRAY[-1, 0, 9.99, 10, 29.5, 30, 45, 50, 1000, 'Infinity']::float8[]) AS d
ORDER BY d;

-- median lifetime: the first tenure with S <= 0.5 (30 for 'pro'); NULL when
-- S never gets there (only censored customers: 'free')
SELECT plan, churnkit.median_lifetime(churnkit.survival_agg(tenure_days, churned)) AS median_days
FROM sv_customers GROUP BY plan ORDER BY plan;

-- the customer-lifetime view: curve per plan
SELECT plan, c.days, c.at_risk, c.churned, round(c.survival::numeric, 4) AS survival
FROM (SELECT plan, churnkit.survival_agg(tenure_days, churned) AS s FROM sv_customers GROUP BY plan) AS t
     CROSS JOIN LATERAL churnkit.survival_curve(t.s) AS c
ORDER BY plan, c.days;

-- empty groups: NULL (the 'team' plan has only a skipped row); the
-- accessors are STRICT, the curve of NULL has no rows
SELECT churnkit.survival_agg(tenure_days, churned) IS NULL AS no_rows FROM sv_customers WHERE false;
SELECT churnkit.survival_at(NULL, 1), churnkit.median_lifetime(NULL),
       (SELECT count(*) FROM churnkit.survival_curve(NULL)) AS curve_rows,
       churnkit.survival_at('{"version":1,"tenures":[[1,1,0]]}', NULL) AS null_days;
-- a summary with no customer (from text) has S = 1 and an empty curve
SELECT churnkit.survival_at(s, 10), churnkit.median_lifetime(s), (SELECT count(*) FROM churnkit.survival_curve(s)) AS curve_rows
FROM (SELECT '{"version":1,"tenures":[]}'::churnkit.survival_summary AS s) AS t;

-- tenures in any order, equal tenures merged, -0 is 0, fractions kept
SELECT churnkit.survival_agg(t, c) AS summary
FROM (VALUES (3.5::float8, true), (0, false), (3.5, false), ('-0', true), (1e6, true)) AS v(t, c);

-- every error: SQLSTATE 22023, the function and the argument named
SELECT n, call, regress.outcome(call) AS outcome
FROM (VALUES
    (1, $$SELECT churnkit.survival_agg(-1, true)$$),
    (2, $$SELECT churnkit.survival_agg('NaN', true)$$),
    (3, $$SELECT churnkit.survival_agg('Infinity', false)$$),
    (4, $$SELECT churnkit.survival_agg(t, true) FROM (VALUES (1::float8), (-0.5)) AS v(t)$$),
    (5, $$SELECT churnkit.survival_at('{"version":1,"tenures":[[1,1,0]]}', 'NaN')$$)
) AS t(n, call)
ORDER BY n;

-- as an analyst sees it
SELECT churnkit.survival_agg(tenure_days - 100, churned) FROM sv_customers;

SELECT 1 AS alive;
