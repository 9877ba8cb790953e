-- Onboarding funnel of every signup cohort: of the accounts that signed up in a month, how many reached each milestone within 30 days of signing up (first activity, then a key action, then activity on a later day, in that order). One row per cohort and step.
-- cohort: Start of the signup month (UTC).
-- step: 1, 2 or 3.
-- step_name: 'first activity', 'first key action' or 'active again on a later day'.
-- accounts: Accounts of the cohort that reached at least this step within 30 days of signing up, each step strictly after the previous one (events before as_of() only, so the latest cohort is still maturing).
-- conversion_from_start: accounts / the cohort's signups.
-- conversion_from_previous: accounts / accounts at the previous step (the cohort's signups for step 1); NULL when that is 0.

WITH signups AS (
    SELECT account_id,
           signed_up_at,
           CAST(date_trunc('month', signed_up_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS TIMESTAMP(6) WITH TIME ZONE) AS cohort
    FROM input_accounts
    WHERE signed_up_at < as_of()
),
first_30_days AS (
    -- each account's events in its first 30 days (720 hours) after signing up
    SELECT e.account_id,
           e.occurred_at,
           e.is_key_action,
           min(e.occurred_at) OVER (PARTITION BY e.account_id) AS first_event_at
    FROM input_events AS e
    JOIN signups AS s ON s.account_id = e.account_id
    WHERE e.occurred_at >= s.signed_up_at
      AND e.occurred_at < s.signed_up_at + INTERVAL '720 hours'
      AND e.occurred_at < as_of()
),
levels AS (
    -- the deepest step reached, each step strictly later than the previous one. Step 1 is the
    -- first event itself, not `true`: with ClickHouse's windowFunnel semantics a step that
    -- matches every event restarts the chain at every event, and strict_increase would then
    -- never let a later step match.
    SELECT account_id,
           window_funnel(INTERVAL '30 days', occurred_at,
                         ARRAY[occurred_at = first_event_at,                  -- 1. first activity
                               is_key_action,                                 -- 2. a key action after it
                               CAST(occurred_at AT TIME ZONE 'UTC' AS DATE)    -- 3. then activity on a later UTC day
                                   > CAST(first_event_at AT TIME ZONE 'UTC' AS DATE)],
                         'strict_increase') AS level
    FROM first_30_days
    GROUP BY account_id
),
reached AS (
    SELECT s.cohort,
           COALESCE(l.level, 0) AS level
    FROM signups AS s
    LEFT JOIN levels AS l ON l.account_id = s.account_id
)
SELECT r.cohort,
       st.step,
       st.step_name,
       count(*) FILTER (WHERE r.level >= st.step) AS accounts,
       CAST(count(*) FILTER (WHERE r.level >= st.step) AS DOUBLE PRECISION) / count(*) AS conversion_from_start,
       CAST(count(*) FILTER (WHERE r.level >= st.step) AS DOUBLE PRECISION)
           / NULLIF(count(*) FILTER (WHERE r.level >= st.step - 1), 0) AS conversion_from_previous
FROM reached AS r
CROSS JOIN (VALUES (CAST(1 AS INTEGER), 'first activity'),
                   (CAST(2 AS INTEGER), 'first key action'),
                   (CAST(3 AS INTEGER), 'active again on a later day')) AS st(step, step_name)
GROUP BY r.cohort, st.step, st.step_name
