-- Customer health scorecard of every account that signed up before as_of(): engagement, seat utilisation and support combined into a 0-100 health score and tier, the lifecycle risk stage, and the dates that drive it.
-- account_id: The account.
-- name: Account name.
-- plan: Subscription plan.
-- mrr: Current monthly recurring revenue (input_accounts.mrr).
-- seats_purchased: Seats the account pays for.
-- engagement_score: 0-100 product engagement of the last 30 days (account_engagement.engagement_score).
-- seat_utilisation: 100 x share of the purchased seats used in the last 30 days (active users / seats, at most 100); NULL when no seats are recorded.
-- support_score: 100 x share of the tickets opened in the last 90 days whose first response met the SLA (support_sla.sla_met; tickets not decided yet are left out); NULL when there are none.
-- health_score: Weighted mean of engagement (50%), seat utilisation (25%) and support (25%); a missing measure is left out and the other weights renormalised.
-- health_tier: 'good' (health_score >= 70), 'average', or 'poor' (below 40).
-- risk_stage: Lifecycle stage on as_of(), first rule that matches: churned, lapsed (renewal date passed), onboarding (first 30 days), dormant (no activity for 14 days), renewal_due (within 60 days), declining (activity_trend <= -0.30), active.
-- activity_trend: Events in the last 14 days vs the 14 days before, (recent - prior) / prior; NULL when the prior 14 days had no events.
-- last_active_at: The account's last event before as_of(); NULL when never active.
-- renewal_at: Next (or missed) renewal date.
-- churned_at: When the account churned, if on or before as_of(); NULL otherwise.
-- days_to_renewal: Whole days from as_of() to renewal_at, rounded toward zero (negative when the date has passed: -12 = passed 12 days ago).
-- days_since_last_activity: Whole days since the last event (rounded down); NULL when never active.

WITH support AS (
    -- tickets opened in the last 90 days (2160 hours)
    SELECT account_id,
           100 * CAST(count(*) FILTER (WHERE sla_met) AS DOUBLE PRECISION) / NULLIF(count(sla_met), 0) AS support_score
    FROM support_sla
    WHERE opened_at >= as_of() - INTERVAL '2160 hours'
    GROUP BY account_id
),
measures AS (
    SELECT a.account_id,
           a.name,
           a.plan,
           a.mrr,
           a.seats_purchased,
           a.signed_up_at,
           a.renewal_at,
           CASE WHEN a.churned_at <= as_of() THEN a.churned_at END AS churned_at,
           e.engagement_score,
           CASE WHEN a.seats_purchased > 0
                THEN 100 * least(1, CAST(e.active_users_30d AS DOUBLE PRECISION) / a.seats_purchased)
           END AS seat_utilisation,
           s.support_score,
           e.activity_trend,
           e.last_active_at
    FROM input_accounts AS a
    JOIN account_engagement AS e ON e.account_id = a.account_id
    LEFT JOIN support AS s ON s.account_id = a.account_id
),
scored AS (
    SELECT m.*,
           health_score(ARRAY[engagement_score, seat_utilisation, support_score], ARRAY[0.5, 0.25, 0.25]) AS health_score
    FROM measures AS m
)
SELECT account_id,
       name,
       plan,
       mrr,
       seats_purchased,
       engagement_score,
       seat_utilisation,
       support_score,
       health_score,
       health_tier(health_score) AS health_tier,
       churn_risk_stage(as_of(), signed_up_at, renewal_at, last_active_at, churned_at, activity_trend) AS risk_stage,
       activity_trend,
       last_active_at,
       renewal_at,
       churned_at,
       -- whole days: differences of epoch seconds (exact in both engines); trunc/floor come before the
       -- cast because CAST(float AS BIGINT) rounds in Postgres but truncates in DataFusion
       CAST(trunc((date_part('epoch', renewal_at) - date_part('epoch', as_of())) / 86400) AS BIGINT) AS days_to_renewal,
       CAST(floor((date_part('epoch', as_of()) - date_part('epoch', last_active_at)) / 86400) AS BIGINT) AS days_since_last_activity
FROM scored
