-- churnkit.window_funnel(window, occurred_at, steps boolean[] [, mode]) ->
-- integer, ClickHouse windowFunnel() (docs/aggregates.md)
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
\set SHOW_CONTEXT never
\pset null '<NULL>'

-- ClickHouse test 00632: events e0..e8 at t = 0..8 seconds
CREATE TEMP TABLE wf_seq AS
SELECT '2024-01-01'::timestamptz + t * interval '1 second' AS ts, t AS e FROM generate_series(0, 8) AS t;
SELECT churnkit.window_funnel('10000 seconds', ts, ARRAY[e = 0]) AS l1,                        -- 1
       churnkit.window_funnel('10000 seconds', ts, ARRAY[e = 0, e = 1]) AS l2,                 -- 2
       churnkit.window_funnel('10000 seconds', ts, ARRAY[e = 0, e = 1, e = 2, e = 8]) AS l4,   -- 4
       churnkit.window_funnel('2 seconds', ts, ARRAY[e = 3, e = 4, e = 5, e = 6, e = 7]) AS w2, -- 3
       churnkit.window_funnel('3 seconds', ts, ARRAY[e = 3, e = 4, e = 5, e = 6, e = 7]) AS w3, -- 4
       churnkit.window_funnel('4 seconds', ts, ARRAY[e = 3, e = 4, e = 5, e = 6, e = 7]) AS w4, -- 5
       churnkit.window_funnel('10000 seconds', ts, ARRAY[e = 8, e = 1]) AS backwards           -- 1
FROM wf_seq;
-- the window is measured from the chain's first step, inclusive
SELECT churnkit.window_funnel('3 seconds', ts, ARRAY[e = 3, e = 6]) AS exactly_3s,             -- 2
       churnkit.window_funnel('2.999999 seconds', ts, ARRAY[e = 3, e = 6]) AS under_3s,        -- 1
       churnkit.window_funnel('0', ts, ARRAY[e = 3, e = 3]) AS zero_window_same_row            -- 2
FROM wf_seq;

-- modes: A B D C (D is no step): strict_order stops at D
CREATE TEMP TABLE wf_modes (k text, ts timestamptz, ev text);
INSERT INTO wf_modes VALUES
    ('order', '2024-01-01 00:00:01+00', 'A'), ('order', '2024-01-01 00:00:02+00', 'B'),
    ('order', '2024-01-01 00:00:03+00', 'D'), ('order', '2024-01-01 00:00:04+00', 'C'),
    ('dedup', '2024-01-01 00:00:01+00', 'A'), ('dedup', '2024-01-01 00:00:02+00', 'B'),
    ('dedup', '2024-01-01 00:00:03+00', 'B'), ('dedup', '2024-01-01 00:00:04+00', 'C'),
    ('increase', '2024-01-01 00:00:01+00', 'A'), ('increase', '2024-01-01 00:00:01+00', 'B'),
    ('increase', '2024-01-01 00:00:02+00', 'C');
SELECT k,
       churnkit.window_funnel('1 minute', ts, ARRAY[ev = 'A', ev = 'B', ev = 'C']) AS plain,
       churnkit.window_funnel('1 minute', ts, ARRAY[ev = 'A', ev = 'B', ev = 'C'], '') AS empty_mode,
       churnkit.window_funnel('1 minute', ts, ARRAY[ev = 'A', ev = 'B', ev = 'C'], 'strict_order') AS strict_order,
       churnkit.window_funnel('1 minute', ts, ARRAY[ev = 'A', ev = 'B', ev = 'C'], 'strict_deduplication') AS strict_dedup,
       churnkit.window_funnel('1 minute', ts, ARRAY[ev = 'A', ev = 'B', ev = 'C'], 'strict_increase') AS strict_increase,
       churnkit.window_funnel('1 minute', ts, ARRAY[ev = 'A', ev = 'B', ev = 'C'], ' STRICT_ORDER , strict_increase') AS combined
FROM wf_modes GROUP BY k ORDER BY k;
-- order:    3, 3, 2 (D interrupts), 3, 3, 2
-- dedup:    3, 3, 3, 2 (B repeats), 3, 3
-- increase: 3, 3, 3, 3, 1 (B not after A), 1

-- The onboarding funnel: signed up -> created a project -> invited a
-- teammate -> first report, within 7 days of signing up
CREATE TEMP TABLE wf_accounts (account text PRIMARY KEY);
INSERT INTO wf_accounts VALUES ('a1'), ('a2'), ('a3'), ('a4'), ('a5');
CREATE TEMP TABLE wf_events (account text, occurred_at timestamptz, event text);
INSERT INTO wf_events VALUES
    ('a1', '2024-01-01 10:00+00', 'signed_up'),
    ('a1', '2024-01-01 11:00+00', 'created_project'),
    ('a1', '2024-01-03 09:00+00', 'invited_teammate'),
    ('a1', '2024-01-10 09:00+00', 'first_report'),      -- 9 days after signing up
    ('a2', '2024-01-02 10:00+00', 'signed_up'),
    ('a2', '2024-01-03 10:00+00', 'first_report'),      -- skipped a step
    ('a3', '2024-01-05 10:00+00', 'created_project'),   -- never signed up
    ('a4', '2024-01-01 10:00+00', 'signed_up'),
    ('a4', '2024-01-20 10:00+00', 'signed_up'),         -- signed up again: a new chain
    ('a4', '2024-01-21 10:00+00', 'created_project'),
    ('a4', '2024-01-22 10:00+00', 'invited_teammate'),
    ('a4', '2024-01-23 10:00+00', 'first_report'),
    ('a4', NULL, 'first_report');                       -- NULL occurred_at: skipped
-- a5 has no events: the LEFT JOIN gives one row with NULL occurred_at,
-- which is skipped, and the empty group gives 0 (as ClickHouse)
SELECT a.account,
       churnkit.window_funnel('7 days', e.occurred_at,
           ARRAY[e.event = 'signed_up', e.event = 'created_project', e.event = 'invited_teammate', e.event = 'first_report']) AS level_7d,
       churnkit.window_funnel('14 days', e.occurred_at,
           ARRAY[e.event = 'signed_up', e.event = 'created_project', e.event = 'invited_teammate', e.event = 'first_report']) AS level_14d
FROM wf_accounts a LEFT JOIN wf_events e USING (account)
GROUP BY a.account ORDER BY a.account;
-- a1: 3 (report after 9 days) / 4; a2: 1; a3: 0; a4: 4; a5: 0

-- the funnel report: accounts reaching each step
WITH levels AS (
    SELECT a.account,
           churnkit.window_funnel('7 days', e.occurred_at,
               ARRAY[e.event = 'signed_up', e.event = 'created_project', e.event = 'invited_teammate', e.event = 'first_report']) AS level
    FROM wf_accounts a LEFT JOIN wf_events e USING (account)
    GROUP BY a.account
)
SELECT s.step, s.name, count(*) FILTER (WHERE l.level >= s.step) AS accounts
FROM levels l,
     (VALUES (1, 'signed_up'), (2, 'created_project'), (3, 'invited_teammate'), (4, 'first_report')) AS s(step, name)
GROUP BY s.step, s.name ORDER BY s.step;

-- empty groups give 0; NULL window, steps or mode skip the row; NULL steps
-- elements are false
SELECT churnkit.window_funnel('1 day', ts, ARRAY[true]) AS no_rows FROM wf_seq WHERE false;
SELECT churnkit.window_funnel(w, ts, s, m) AS skipped
FROM (VALUES (NULL::interval, '2024-01-01'::timestamptz, '{t}'::boolean[], ''),
             ('1 day', '2024-01-01', NULL, ''),
             ('1 day', '2024-01-01', '{t}', NULL)) AS v(w, ts, s, m);
SELECT churnkit.window_funnel('1 day', ts, s) AS null_elements
FROM (VALUES ('2024-01-01'::timestamptz, '{t,NULL}'::boolean[]), ('2024-01-01 01:00', '{NULL,t}')) AS v(ts, s);
-- a day is 24 hours: '1 day' and '24 hours' are the same window
SELECT churnkit.window_funnel(w, ts, s) AS same_window
FROM (VALUES ('1 day'::interval, '2024-01-01'::timestamptz, '{t,f}'::boolean[]), ('24 hours', '2024-01-02', '{f,t}')) AS v(w, ts, s);
-- events arrive in any order; a row may match several steps
SELECT churnkit.window_funnel('1 hour', ts, s) AS unordered
FROM (VALUES ('2024-01-01 00:30'::timestamptz, '{f,f,t}'::boolean[]), ('2024-01-01 00:00', '{t,t,f}')) AS v(ts, s);

-- every error: SQLSTATE 22023, the function and the argument named
SELECT n, call, regress.outcome(call) AS outcome
FROM (VALUES
    (1,  $$SELECT churnkit.window_funnel('1 month', now(), '{t}')$$),
    (2,  $$SELECT churnkit.window_funnel('1 year 2 days', now(), '{t}')$$),
    (3,  $$SELECT churnkit.window_funnel('-1 day', now(), '{t}')$$),
    (4,  $$SELECT churnkit.window_funnel('1 day', now(), '{}')$$),
    (5,  $$SELECT churnkit.window_funnel('1 day', now(), array_fill(true, ARRAY[33]))$$),
    (6,  $$SELECT churnkit.window_funnel('1 day', now(), '{{t},{f}}')$$),
    (7,  $$SELECT churnkit.window_funnel('1 day', now(), '{t}', 'strict')$$),
    (8,  $$SELECT churnkit.window_funnel('1 day', now(), '{t}', 'strict_order,,nope')$$),
    (9,  $$SELECT churnkit.window_funnel('1 day', ts, s) FROM (VALUES (now(), '{t,f}'::boolean[]), (now(), '{t}')) AS v(ts, s)$$),
    (10, $$SELECT churnkit.window_funnel(w, now(), '{t}') FROM (VALUES ('1 day'::interval), ('2 days')) AS v(w)$$),
    (11, $$SELECT churnkit.window_funnel('1 day', now(), '{t}', m) FROM (VALUES (''), ('strict_order')) AS v(m)$$),
    (12, $$SELECT churnkit.window_funnel('2147483647 days', now(), '{t}')$$),
    (13, $$SELECT churnkit.window_funnel('1 month', now(), '{}', 'x')$$),
    (14, $$SELECT churnkit.window_funnel('-1 day', now(), '{}', 'x')$$),
    (15, $$SELECT churnkit.window_funnel('-1 day', now(), '{}')$$)
) AS t(n, call)
ORDER BY n;
-- the order of the checks: the window's conversion (months, range), the
-- steps' dimensions, the mode, then core's parameters (window not
-- negative, 1 to 32 steps), then core's per-group consistency

-- as an analyst sees it
SELECT churnkit.window_funnel('1 month', occurred_at, ARRAY[event = 'signed_up']) FROM wf_events;

SELECT 1 AS alive;
