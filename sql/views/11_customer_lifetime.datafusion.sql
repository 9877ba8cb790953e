-- Customer lifetime (Kaplan-Meier survival curve) by plan and for all customers (plan = 'all'): the probability that a customer is still a customer after a given number of days, from every account's tenure; customers still active on as_of() count as censored. One row per plan and distinct tenure.
-- plan: Subscription plan, or 'all' for every customer.
-- days: Tenure in days (a tenure at which a customer churned or was censored).
-- at_risk: Customers whose tenure is at least days.
-- churned: Customers who churned at exactly this tenure.
-- survival: Kaplan-Meier estimate of the probability to still be a customer after days.

-- Engine override (DataFusion): survival_curve returns a list of structs in DataFusion and is a set-returning
-- function in Postgres, so the expansion differs (unnest here); the rest is the same text.
WITH tenures AS (
    -- every account that signed up before as_of(): its tenure until it churned (churn_database), or until as_of() (censored)
    SELECT a.plan,
           (date_part('epoch', COALESCE(c.churned_at, as_of())) - date_part('epoch', a.signed_up_at)) / 86400 AS tenure_days,
           c.account_id IS NOT NULL AS churned
    FROM input_accounts AS a
    LEFT JOIN churn_database AS c ON c.account_id = a.account_id
    WHERE a.signed_up_at < as_of()
),
summaries AS (
    SELECT plan, survival_agg(tenure_days, churned) AS survival FROM tenures GROUP BY plan
    UNION ALL
    SELECT 'all', survival_agg(tenure_days, churned) FROM tenures
),
points AS (
    SELECT plan, unnest(survival_curve(survival)) AS point FROM summaries
)
SELECT plan,
       point['days'] AS days,
       point['at_risk'] AS at_risk,
       point['churned'] AS churned,
       point['survival'] AS survival
FROM points
