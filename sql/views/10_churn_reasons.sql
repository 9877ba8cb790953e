-- Why customers churned: churn_database grouped by reason, with the share of all churns, the MRR lost and how long and how engaged the churned customers were. One row per reason.
-- reason: Churn reason; 'unknown' when none was given.
-- churned_accounts: Churned accounts with this reason.
-- share_of_churns: churned_accounts / all churned accounts.
-- mrr_lost: Sum of the MRR lost.
-- avg_tenure_days: Average days from signing up to churning.
-- avg_engagement_trend: Average activity trend in the 28 days before churning (accounts with a trend); negative = usage was falling.

SELECT COALESCE(NULLIF(reason, ''), 'unknown') AS reason,
       count(*) AS churned_accounts,
       CAST(count(*) AS DOUBLE PRECISION) / CAST(sum(count(*)) OVER () AS DOUBLE PRECISION) AS share_of_churns,
       sum(mrr_lost) AS mrr_lost,
       avg(tenure_days) AS avg_tenure_days,
       avg(engagement_trend_before_churn) AS avg_engagement_trend
FROM churn_database
GROUP BY COALESCE(NULLIF(reason, ''), 'unknown')
