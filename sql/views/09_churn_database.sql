-- Every churned customer with why and how it left: churns recorded with churnkit.record_churn (table churn_events) and churns found in the inputs (input_accounts.churned_at on or before as_of()). A recorded value wins over the one derived from the inputs; a NULL recorded value is filled from the inputs. One row per churned account.
-- account_id: The account.
-- name: Account name (input_accounts).
-- plan: Subscription plan (input_accounts).
-- churned_at: When the account churned (the latest recorded churn, else input_accounts.churned_at).
-- reason: Churn reason (recorded, else input_accounts.churn_reason); NULL when unknown.
-- detail: Free-text detail of a recorded churn; NULL otherwise.
-- tenure_days: Days from signing up to churning.
-- engagement_trend_before_churn: Events in the 14 days before churning vs the 14 days before those, (recent - prior) / prior; NULL when the earlier 14 days had no events.
-- last_health_tier: Health tier when it churned (recorded; derived: the tier account_health would have shown on churned_at, from the 30 days of usage and 90 days of tickets before it).
-- mrr_lost: MRR lost (recorded, else the MRR of the last paid month before churning from input_mrr, else input_accounts.mrr).
-- recorded: true when the row comes from churn_events (churnkit.record_churn), false when it is derived from the inputs only.

WITH recorded AS (
    -- the latest recorded churn of each account
    SELECT *
    FROM (SELECT c.*,
                 row_number() OVER (PARTITION BY account_id ORDER BY churned_at DESC, recorded_at DESC) AS latest
          FROM churn_events AS c
          WHERE churned_at <= as_of()) AS r
    WHERE latest = 1
),
churns AS (
    -- churned accounts: recorded, or churned according to input_accounts
    SELECT COALESCE(r.account_id, a.account_id) AS account_id,
           COALESCE(r.churned_at, a.churned_at) AS churned_at,
           r.account_id IS NOT NULL AS recorded
    FROM recorded AS r
    FULL OUTER JOIN (SELECT account_id, churned_at FROM input_accounts WHERE churned_at <= as_of()) AS a
        ON a.account_id = r.account_id
),
usage_before_churn AS (
    -- the 30 days (720 hours) before churning
    SELECT c.account_id,
           count(DISTINCT e.user_id) AS active_users,
           engagement_agg(e.occurred_at, e.duration_seconds, e.is_key_action) AS engagement,
           activity_trend(e.occurred_at, c.churned_at, 14) AS engagement_trend
    FROM churns AS c
    JOIN input_events AS e ON e.account_id = c.account_id
    WHERE e.occurred_at >= c.churned_at - INTERVAL '720 hours'
      AND e.occurred_at < c.churned_at
    GROUP BY c.account_id, c.churned_at
),
support_before_churn AS (
    -- tickets opened in the 90 days (2160 hours) before churning
    SELECT c.account_id,
           100 * CAST(count(*) FILTER (WHERE t.sla_met) AS DOUBLE PRECISION) / NULLIF(count(t.sla_met), 0) AS support_score
    FROM churns AS c
    JOIN support_sla AS t ON t.account_id = c.account_id
    WHERE t.opened_at >= c.churned_at - INTERVAL '2160 hours'
      AND t.opened_at < c.churned_at
    GROUP BY c.account_id
),
health_before_churn AS (
    -- account_health's formula, on churned_at
    SELECT c.account_id,
           health_tier(health_score(
               ARRAY[COALESCE(engagement_score(active_minutes(u.engagement), least(active_days(u.engagement), 30), key_actions(u.engagement), 30), 0),
                     CASE WHEN a.seats_purchased > 0
                          THEN 100 * least(1, CAST(COALESCE(u.active_users, 0) AS DOUBLE PRECISION) / a.seats_purchased)
                     END,
                     s.support_score],
               ARRAY[0.5, 0.25, 0.25])) AS health_tier
    FROM churns AS c
    LEFT JOIN input_accounts AS a ON a.account_id = c.account_id
    LEFT JOIN usage_before_churn AS u ON u.account_id = c.account_id
    LEFT JOIN support_before_churn AS s ON s.account_id = c.account_id
),
last_paid AS (
    -- the MRR of the last paid month that started before churning
    SELECT account_id, mrr
    FROM (SELECT m.account_id,
                 m.mrr,
                 row_number() OVER (PARTITION BY m.account_id ORDER BY m.month DESC) AS latest
          FROM input_mrr AS m
          JOIN churns AS c ON c.account_id = m.account_id
          WHERE CAST(m.month AS TIMESTAMP) AT TIME ZONE 'UTC' < c.churned_at) AS p
    WHERE latest = 1
)
SELECT c.account_id,
       a.name,
       a.plan,
       c.churned_at,
       COALESCE(r.reason, a.churn_reason) AS reason,
       r.detail,
       COALESCE(r.tenure_days, (date_part('epoch', c.churned_at) - date_part('epoch', a.signed_up_at)) / 86400) AS tenure_days,
       COALESCE(r.engagement_trend, u.engagement_trend) AS engagement_trend_before_churn,
       COALESCE(r.last_health_tier, h.health_tier) AS last_health_tier,
       COALESCE(r.mrr_lost, p.mrr, a.mrr) AS mrr_lost,
       c.recorded
FROM churns AS c
LEFT JOIN recorded AS r ON r.account_id = c.account_id
LEFT JOIN input_accounts AS a ON a.account_id = c.account_id
LEFT JOIN usage_before_churn AS u ON u.account_id = c.account_id
LEFT JOIN health_before_churn AS h ON h.account_id = c.account_id
LEFT JOIN last_paid AS p ON p.account_id = c.account_id
