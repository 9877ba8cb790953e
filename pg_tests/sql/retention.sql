-- churnkit.retention(conditions boolean[]) -> integer[], ClickHouse
-- retention(): r[1] = any(c1); r[k] = any(c1) and any(ck) (docs/aggregates.md)
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
\set SHOW_CONTEXT never
\pset null '<NULL>'

CREATE TEMP TABLE rt_events (uid int, day date);
INSERT INTO rt_events VALUES
    (1, '2020-01-01'), (1, '2020-01-02'),               -- day 1, day 2
    (2, '2020-01-02'), (2, '2020-01-03'),               -- never on day 1: all 0
    (3, '2020-01-01'), (3, '2020-01-03'), (3, '2020-01-03'),
    (4, '2020-01-01'), (4, NULL),                       -- NULL day: the conditions are NULL = false
    (5, '2020-01-05');                                  -- none of the days

-- r[1]: on day 1; r[2]: day 1 and day 2; r[3]: day 1 and day 3
SELECT uid, churnkit.retention(ARRAY[day = '2020-01-01', day = '2020-01-02', day = '2020-01-03']) AS r
FROM rt_events GROUP BY uid ORDER BY uid;

-- the ClickHouse documentation's use: retained users per step
SELECT sum(r[1]) AS r1, sum(r[2]) AS r2, sum(r[3]) AS r3
FROM (SELECT uid, churnkit.retention(ARRAY[day = '2020-01-01', day = '2020-01-02', day = '2020-01-03']) AS r
      FROM rt_events GROUP BY uid) AS t;

-- NULL arrays are skipped; NULL elements are false; no row gives NULL
-- (SQL aggregates return NULL for no rows; ClickHouse would return zeros)
SELECT churnkit.retention(c) AS r
FROM (VALUES (ARRAY[true, NULL]), (NULL), (ARRAY[NULL, true]::boolean[])) AS v(c);
SELECT churnkit.retention(c) IS NULL AS only_null_arrays FROM (VALUES (NULL::boolean[])) AS v(c);
SELECT churnkit.retention(c) IS NULL AS no_rows FROM (VALUES (ARRAY[true])) AS v(c) WHERE false;
-- a single condition, and the maximum of 32
SELECT churnkit.retention(ARRAY[true]) AS one,
       churnkit.retention(array_fill(true, ARRAY[32])) = array_fill(1, ARRAY[32]) AS thirty_two;
-- NULL elements take no space in an array: later elements are still read
-- at their position (the NULL bitmap spans two bytes here)
SELECT churnkit.retention(c) AS nulls_inside
FROM (VALUES ('{t,NULL,f,f,f,f,f,f,NULL,f}'::boolean[]), ('{NULL,f,f,f,f,f,f,f,NULL,t}')) AS v(c);
-- other lower bounds than 1 are read in order
SELECT churnkit.retention('[0:2]={t,f,t}'::boolean[]) AS zero_based;

-- every error: SQLSTATE 22023, the function and the argument named
SELECT n, call, regress.outcome(call) AS outcome
FROM (VALUES
    (1, $$SELECT churnkit.retention('{}'::boolean[])$$),
    (2, $$SELECT churnkit.retention(array_fill(true, ARRAY[33]))$$),
    (3, $$SELECT churnkit.retention(c) FROM (VALUES ('{t,f,t}'::boolean[]), ('{t,f}')) AS v(c)$$),
    (4, $$SELECT churnkit.retention('{{t,f},{f,t}}'::boolean[])$$),
    (5, $$SELECT churnkit.retention(c) FROM (VALUES ('{t}'::boolean[]), ('{{t}}')) AS v(c)$$)
) AS t(n, call)
ORDER BY n;

-- as an analyst sees it
SELECT churnkit.retention(ARRAY[ARRAY[true], ARRAY[false]]);

SELECT 1 AS alive;
