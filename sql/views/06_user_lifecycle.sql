-- Users by lifecycle state per month, PostHog-style: new (first month active), returning (active this month and the previous one), resurrecting (active again after a gap), dormant (active last month, not this one). One row per month and state, counts positive (dormant users are not negated); only months that started before as_of().
-- month: The month (UTC calendar month, a date: its first day).
-- state: 'new', 'returning', 'resurrecting' or 'dormant'.
-- users: Users in that state that month (a user = an (account_id, user_id) pair); 0 when none.

WITH RECURSIVE users AS (
    -- one activity summary per user: the months they were active in
    SELECT account_id,
           user_id,
           activity_agg(occurred_at, 'month') AS activity
    FROM input_events
    WHERE occurred_at < as_of()
    GROUP BY account_id, user_id
),
months AS (
    -- every UTC month from the first activity up to the last month that started before as_of()
    SELECT CAST(min(cohort_start(activity)) AT TIME ZONE 'UTC' AS DATE) AS month
    FROM users
    HAVING count(*) > 0
    UNION ALL
    SELECT CAST(month + INTERVAL '1 month' AS DATE)
    FROM months
    WHERE CAST(month + INTERVAL '1 month' AS TIMESTAMP) AT TIME ZONE 'UTC' < as_of()
),
states AS (
    -- each user in each month since their first one (NULL = inactive two months running)
    SELECT m.month,
           lifecycle_state(u.activity, CAST(m.month AS TIMESTAMP) AT TIME ZONE 'UTC') AS state
    FROM users AS u
    JOIN months AS m ON CAST(m.month AS TIMESTAMP) AT TIME ZONE 'UTC' >= cohort_start(u.activity)
),
all_states AS (
    -- every month gets all four states, 0 users included (no gaps in a chart)
    SELECT m.month, s.state
    FROM months AS m
    CROSS JOIN (VALUES ('new'), ('returning'), ('resurrecting'), ('dormant')) AS s(state)
)
SELECT a.month,
       a.state,
       count(s.state) AS users
FROM all_states AS a
LEFT JOIN states AS s ON s.month = a.month AND s.state = a.state
GROUP BY a.month, a.state
