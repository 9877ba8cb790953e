-- Monthly recurring revenue bridge, ChartMogul-style: for every month from the first paid month to the last month that started before as_of(), the starting MRR, what new, expanding, contracting, churned and reactivated customers added or removed, the ending MRR, customer counts, and churn and retention rates. One row per month.
-- month: The month (UTC calendar month, a date: its first day).
-- starting_mrr: MRR at the start of the month (the previous month's ending_mrr).
-- new_mrr: MRR of customers paying for the first time.
-- expansion_mrr: MRR added by customers who pay more than the month before.
-- contraction_mrr: MRR lost by customers who pay less than the month before (negative).
-- churned_mrr: MRR lost by customers who stopped paying: the month after their last paid month (negative).
-- reactivation_mrr: MRR of former customers paying again after a gap.
-- net_new_mrr: new + expansion + contraction + churned + reactivation.
-- ending_mrr: MRR of the month: starting_mrr + net_new_mrr.
-- customers_start: Paying customers the month before.
-- new_customers: Customers paying for the first time.
-- churned_customers: Customers who stopped paying.
-- reactivated_customers: Former customers paying again.
-- customers_end: Paying customers this month: customers_start + new + reactivated - churned.
-- logo_churn_rate: churned_customers / customers_start; NULL when customers_start is 0.
-- revenue_churn_rate: Gross MRR churn, (-churned_mrr - contraction_mrr) / starting_mrr; NULL when starting_mrr is 0.
-- nrr: Net revenue retention, (starting + expansion + contraction + churned) / starting_mrr (new and reactivated customers not counted); NULL when starting_mrr is 0.
-- grr: Gross revenue retention, (starting + contraction + churned) / starting_mrr; NULL when starting_mrr is 0.

WITH RECURSIVE paid AS (
    -- MRR per account and paid month (several rows of an account's month add up): months that
    -- started before as_of(), of accounts that signed up before as_of()
    SELECT m.account_id,
           m.month,
           sum(m.mrr) AS mrr
    FROM input_mrr AS m
    JOIN input_accounts AS a ON a.account_id = m.account_id
    WHERE CAST(m.month AS TIMESTAMP) AT TIME ZONE 'UTC' < as_of()
      AND a.signed_up_at < as_of()
    GROUP BY m.account_id, m.month
),
months AS (
    -- every month from the first paid month up to the last month that started before as_of()
    SELECT min(month) AS month
    FROM paid
    HAVING count(*) > 0
    UNION ALL
    SELECT CAST(month + INTERVAL '1 month' AS DATE)
    FROM months
    WHERE CAST(month + INTERVAL '1 month' AS TIMESTAMP) AT TIME ZONE 'UTC' < as_of()
),
account_months AS (
    -- every account in every month since its first paid month, with 0 MRR in a month it did not pay for
    SELECT f.account_id,
           m.month,
           COALESCE(p.mrr, 0) AS mrr
    FROM (SELECT account_id, min(month) AS first_month FROM paid GROUP BY account_id) AS f
    JOIN months AS m ON m.month >= f.first_month
    LEFT JOIN paid AS p ON p.account_id = f.account_id AND p.month = m.month
),
movements AS (
    -- 'new' | 'expansion' | 'contraction' | 'churn' | 'reactivation' | 'retained', NULL when 0 -> 0
    SELECT account_id,
           month,
           mrr,
           COALESCE(lag(mrr) OVER (PARTITION BY account_id ORDER BY month), 0) AS previous_mrr,
           mrr_movement(lag(mrr) OVER (PARTITION BY account_id ORDER BY month),
                        mrr,
                        max(mrr) OVER (PARTITION BY account_id ORDER BY month ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) > 0
           ) AS movement
    FROM account_months
),
monthly AS (
    SELECT month,
           sum(previous_mrr) AS starting_mrr,
           COALESCE(sum(mrr) FILTER (WHERE movement = 'new'), 0) AS new_mrr,
           COALESCE(sum(mrr - previous_mrr) FILTER (WHERE movement = 'expansion'), 0) AS expansion_mrr,
           COALESCE(sum(mrr - previous_mrr) FILTER (WHERE movement = 'contraction'), 0) AS contraction_mrr,
           COALESCE(sum(mrr - previous_mrr) FILTER (WHERE movement = 'churn'), 0) AS churned_mrr,
           COALESCE(sum(mrr) FILTER (WHERE movement = 'reactivation'), 0) AS reactivation_mrr,
           sum(mrr) AS ending_mrr,
           count(*) FILTER (WHERE previous_mrr > 0) AS customers_start,
           count(*) FILTER (WHERE movement = 'new') AS new_customers,
           count(*) FILTER (WHERE movement = 'churn') AS churned_customers,
           count(*) FILTER (WHERE movement = 'reactivation') AS reactivated_customers,
           count(*) FILTER (WHERE mrr > 0) AS customers_end
    FROM movements
    GROUP BY month
)
SELECT month,
       starting_mrr,
       new_mrr,
       expansion_mrr,
       contraction_mrr,
       churned_mrr,
       reactivation_mrr,
       new_mrr + expansion_mrr + contraction_mrr + churned_mrr + reactivation_mrr AS net_new_mrr,
       ending_mrr,
       customers_start,
       new_customers,
       churned_customers,
       reactivated_customers,
       customers_end,
       CAST(churned_customers AS DOUBLE PRECISION) / NULLIF(customers_start, 0) AS logo_churn_rate,
       abs(churned_mrr + contraction_mrr) / NULLIF(starting_mrr, 0) AS revenue_churn_rate,
       (starting_mrr + expansion_mrr + contraction_mrr + churned_mrr) / NULLIF(starting_mrr, 0) AS nrr,
       (starting_mrr + contraction_mrr + churned_mrr) / NULLIF(starting_mrr, 0) AS grr
FROM monthly
