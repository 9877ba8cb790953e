-- Monthly retention of every activity cohort: accounts grouped by the month of their first event, and how many were active again 0, 1, 2 ... months later. One row per cohort and period, up to the last month that started before as_of().
-- cohort: Start of the cohort's month (UTC): the month of the accounts' first event.
-- period: Months since the cohort month (0 = the cohort month itself).
-- cohort_size: Accounts in the cohort.
-- retained: Accounts of the cohort with at least one event in that month.
-- retention_rate: retained / cohort_size (1 in period 0).

WITH RECURSIVE accounts AS (
    -- one activity summary per account: its first month and the months it was active in
    SELECT account_id,
           activity_agg(occurred_at, 'month') AS activity
    FROM input_events
    WHERE occurred_at < as_of()
    GROUP BY account_id
),
cohorts AS (
    -- retention_counts: element 1 = cohort size, element n + 1 = accounts active in period n
    SELECT cohort_start(activity) AS cohort,
           retention_counts(activity) AS counts,
           -- the last period: the month of the last instant before as_of()
           cohort_period(cohort_start(activity), as_of() - INTERVAL '1 microsecond', 'month') AS last_period
    FROM accounts
    GROUP BY cohort_start(activity)
),
periods AS (
    -- 0, 1, 2 ... up to the oldest cohort's last period
    SELECT 0 AS period
    UNION ALL
    SELECT period + 1
    FROM periods
    WHERE period < (SELECT max(last_period) FROM cohorts)
)
SELECT c.cohort,
       CAST(p.period AS INTEGER) AS period,
       c.counts[1] AS cohort_size,
       COALESCE(c.counts[p.period + 1], 0) AS retained,
       CAST(COALESCE(c.counts[p.period + 1], 0) AS DOUBLE PRECISION) / c.counts[1] AS retention_rate
FROM cohorts AS c
JOIN periods AS p ON p.period <= c.last_period
