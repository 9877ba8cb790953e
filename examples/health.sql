-- The churnkit sample query (README "run" command): one row per account with
-- its engagement score, health score and tier, lifecycle risk stage and this
-- month's MRR movement, as of 2024-06-01. Runs unchanged in `churnkit sql`
-- and in Postgres (after SET search_path = churnkit, public).
WITH engagement AS (
    SELECT *, engagement_score(active_minutes_30d, active_days_30d, key_actions_30d, 30) AS engagement
    FROM accounts
), health AS (
    SELECT *, health_score(ARRAY[engagement, support_score, nps_score], ARRAY[0.5, 0.3, 0.2]) AS health
    FROM engagement
)
SELECT account_id,
       name,
       engagement,
       round(health, 1) AS health,
       health_tier(health) AS tier,
       churn_risk_stage('2024-06-01', signed_up_at, renewal_at, last_active_at, churned_at) AS risk_stage,
       mrr_movement(previous_mrr, mrr, was_customer_before) AS mrr_movement
FROM health
ORDER BY health, account_id
