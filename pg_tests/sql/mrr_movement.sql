-- churnkit.mrr_movement(previous_mrr, current_mrr, was_customer_before) (docs/functions.md)
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
\set SHOW_CONTEXT never
\pset null '<NULL>'

-- every movement; NULL MRR counts as 0, NULL was_customer_before as false
SELECT n, previous_mrr, current_mrr, was_customer_before,
       churnkit.mrr_movement(previous_mrr, current_mrr, was_customer_before) AS movement
FROM (VALUES
    (1,  0::float8, 100::float8, false),   -- new
    (2,  NULL,      100,         NULL),    -- new
    (3,  NULL,      100,         true),    -- reactivation
    (4,  0,         100,         true),    -- reactivation
    (5,  100,       150,         true),    -- expansion
    (6,  100,       50,          true),    -- contraction
    (7,  100,       0,           true),    -- churn
    (8,  100,       NULL,        true),    -- churn
    (9,  100,       100,         NULL),    -- retained
    (10, 100,       100,         false),   -- retained (a previous MRR makes a customer)
    (11, NULL,      NULL,        true),    -- NULL: no subscription either month
    (12, 0,         0,           NULL),    -- NULL
    (13, 100,       100.0000001, true),    -- expansion
    (14, 1e-300,    0,           false),   -- churn
    (15, 1e308,     1.7976931348623157e308, false), -- expansion
    (16, '-0',      0,           true),    -- NULL: -0 is 0
    (17, 0,         4.9e-324,    false)    -- new
) AS t(n, previous_mrr, current_mrr, was_customer_before)
ORDER BY n;

-- named arguments
SELECT churnkit.mrr_movement(current_mrr => 80, previous_mrr => 120, was_customer_before => true) AS named; -- contraction

-- every error: SQLSTATE 22023 (previous_mrr is checked first)
SELECT n, call, regress.outcome('SELECT ' || call) AS outcome
FROM (VALUES
    (1,  $$churnkit.mrr_movement(-1, 1, NULL)$$),
    (2,  $$churnkit.mrr_movement(1, -0.01, true)$$),
    (3,  $$churnkit.mrr_movement(1, 'NaN', NULL)$$),
    (4,  $$churnkit.mrr_movement('infinity', 1, NULL)$$),
    (5,  $$churnkit.mrr_movement(1, '-infinity', false)$$),
    (6,  $$churnkit.mrr_movement('NaN', NULL, NULL)$$),
    (7,  $$churnkit.mrr_movement(-5, 'NaN', NULL)$$),
    (8,  $$churnkit.mrr_movement(NULL, -3, NULL)$$)
) AS t(n, call)
ORDER BY n;

-- month by month with lag() OVER a window: the first month's lag is NULL (= 0),
-- and "was a customer before" is NULL (= false) on the first row of each account
CREATE TEMP TABLE mrr (account text, month date, mrr float8);
INSERT INTO mrr VALUES
    ('acme', '2024-01-01', 100), ('acme', '2024-02-01', 150), ('acme', '2024-03-01', 150),
    ('acme', '2024-04-01', 120), ('acme', '2024-05-01', 0),   ('acme', '2024-06-01', 0),
    ('acme', '2024-07-01', 80),
    ('globex', '2024-01-01', 0), ('globex', '2024-02-01', NULL), ('globex', '2024-03-01', 50),
    ('globex', '2024-04-01', 50), ('globex', '2024-05-01', 60), ('globex', '2024-06-01', 60),
    ('globex', '2024-07-01', 0);
SELECT account, month, mrr,
       churnkit.mrr_movement(lag(mrr) OVER w, mrr,
                             bool_or(mrr > 0) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)) AS movement
FROM mrr
WINDOW w AS (PARTITION BY account ORDER BY month)
ORDER BY account, month;

-- movements per month (a GROUP BY over the window result)
SELECT month, movement, count(*) AS accounts, sum(coalesce(mrr, 0) - coalesce(previous, 0)) AS mrr_change
FROM (
    SELECT month, mrr, lag(mrr) OVER w AS previous,
           churnkit.mrr_movement(lag(mrr) OVER w, mrr,
                                 bool_or(mrr > 0) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)) AS movement
    FROM mrr
    WINDOW w AS (PARTITION BY account ORDER BY month)
) m
WHERE movement IS NOT NULL
GROUP BY month, movement ORDER BY month, movement;

SELECT 1 AS alive;
