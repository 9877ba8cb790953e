-- Customers to act on now, ranked by the MRR at risk, each with its reasons in plain English: lapsed, dormant or declining accounts, renewals due without good health, poor health, and onboarding accounts with low engagement. Churned accounts are left out.
-- rank: 1 = the most MRR at risk (ties by account_id).
-- account_id: The account.
-- name: Account name.
-- plan: Subscription plan.
-- mrr_at_risk: The account's current MRR.
-- health_score: 0-100 health score (account_health).
-- health_tier: 'good', 'average' or 'poor'.
-- risk_stage: Lifecycle stage on as_of() (account_health.risk_stage).
-- reason: Why the account is listed, most urgent first, several joined with '; ' (e.g. 'renewal date passed 12 days ago; no activity for 21 days').

WITH live_accounts AS (
    SELECT h.*,
           CAST(floor((date_part('epoch', as_of()) - date_part('epoch', a.signed_up_at)) / 86400) AS BIGINT) AS days_since_signup,
           -- a renewal in the next 60 days (1440 hours), as in churn_risk_stage's renewal_due
           h.renewal_at >= as_of() AND h.renewal_at <= as_of() + INTERVAL '1440 hours' AS renewal_soon
    FROM account_health AS h
    JOIN input_accounts AS a ON a.account_id = h.account_id
    WHERE h.risk_stage <> 'churned'
),
needing_attention AS (
    SELECT *
    FROM live_accounts
    WHERE risk_stage IN ('lapsed', 'dormant', 'declining')
       OR (risk_stage = 'renewal_due' AND health_tier <> 'good')
       OR health_tier = 'poor'
       OR (risk_stage = 'onboarding' AND engagement_score < 40)
),
reasons AS (
    SELECT account_id,
           concat_ws('; ',
               -- 1. the renewal date passed without a renewal
               CASE WHEN risk_stage = 'lapsed' THEN
                   'renewal date passed '
                   || CASE WHEN days_to_renewal = 0 THEN 'less than a day'
                           WHEN days_to_renewal = -1 THEN '1 day'
                           ELSE CAST(-days_to_renewal AS VARCHAR) || ' days' END
                   || ' ago'
               END,
               -- 2. no activity for 14 days or more (churn_risk_stage's dormant rule)
               CASE WHEN last_active_at IS NULL THEN 'no activity yet'
                    WHEN days_since_last_activity >= 14 THEN 'no activity for ' || CAST(days_since_last_activity AS VARCHAR) || ' days'
               END,
               -- 3. activity falling by 30% or more
               CASE WHEN activity_trend <= -0.30 THEN
                   'activity down ' || CAST(CAST(floor(-100 * activity_trend + 0.5) AS BIGINT) AS VARCHAR) || '% vs the previous 14 days'
               END,
               -- 4. a renewal coming up without good health
               CASE WHEN renewal_soon AND health_tier <> 'good' THEN
                   'renewal in '
                   || CASE WHEN days_to_renewal = 0 THEN 'less than a day'
                           WHEN days_to_renewal = 1 THEN '1 day'
                           ELSE CAST(days_to_renewal AS VARCHAR) || ' days' END
                   || ' with ' || health_tier || ' health'
               END,
               -- 5. poor health
               CASE WHEN health_tier = 'poor' THEN
                   'poor health (score ' || CAST(CAST(floor(health_score + 0.5) AS BIGINT) AS VARCHAR) || ')'
               END,
               -- 6. a new account that has not taken off
               CASE WHEN risk_stage = 'onboarding' AND engagement_score < 40 THEN
                   'onboarding: low engagement (score ' || CAST(CAST(floor(engagement_score + 0.5) AS BIGINT) AS VARCHAR) || ') after '
                   || CASE WHEN days_since_signup = 0 THEN 'less than a day'
                           WHEN days_since_signup = 1 THEN '1 day'
                           ELSE CAST(days_since_signup AS VARCHAR) || ' days' END
               END
           ) AS reason
    FROM needing_attention
)
SELECT CAST(row_number() OVER (ORDER BY n.mrr DESC NULLS LAST, n.account_id) AS BIGINT) AS rank,
       n.account_id,
       n.name,
       n.plan,
       n.mrr AS mrr_at_risk,
       n.health_score,
       n.health_tier,
       n.risk_stage,
       r.reason
FROM needing_attention AS n
JOIN reasons AS r ON r.account_id = n.account_id
