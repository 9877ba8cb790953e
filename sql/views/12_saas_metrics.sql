-- Headline SaaS metrics on as_of(): paying customers, MRR and ARPA, monthly logo and revenue churn (average of the last 3 complete months), LTV, median customer lifetime, and last month's NRR and GRR. One row.
-- as_of: The reference time of every view (as_of()).
-- customers: Paying customers in the last month that started before as_of() (mrr_movements.customers_end; without MRR history: accounts with MRR > 0 that have not churned).
-- mrr: Their monthly recurring revenue (mrr_movements.ending_mrr; without MRR history: the sum of input_accounts.mrr of those accounts).
-- arpa: Average revenue per account: mrr / customers.
-- logo_churn_rate_monthly: Average logo_churn_rate of the last 3 complete months of mrr_movements (months that ended by as_of()).
-- revenue_churn_rate_monthly: Average revenue_churn_rate (churned and contraction MRR / starting MRR) of the same 3 months.
-- gross_margin: Gross margin used for LTV: 0.8, a constant of this view.
-- ltv: Customer lifetime value: arpa x gross_margin / logo_churn_rate_monthly; NULL when the churn rate is 0 or unknown.
-- median_lifetime_days: Median customer lifetime in days: where the Kaplan-Meier curve of all customers (customer_lifetime, plan 'all') first reaches 0.5 or less, as median_lifetime() computes it; NULL when it never does.
-- nrr_last_month: Net revenue retention of the last complete month.
-- grr_last_month: Gross revenue retention of the last complete month.

WITH complete_months AS (
    -- the months of mrr_movements that ended by as_of(); 1 = the last one
    SELECT logo_churn_rate,
           revenue_churn_rate,
           nrr,
           grr,
           row_number() OVER (ORDER BY month DESC) AS months_ago
    FROM mrr_movements
    WHERE CAST(month + INTERVAL '1 month' AS TIMESTAMP) AT TIME ZONE 'UTC' <= as_of()
),
churn AS (
    -- one row (NULLs without MRR history)
    SELECT avg(logo_churn_rate) FILTER (WHERE months_ago <= 3) AS logo_churn_rate_monthly,
           avg(revenue_churn_rate) FILTER (WHERE months_ago <= 3) AS revenue_churn_rate_monthly,
           max(nrr) FILTER (WHERE months_ago = 1) AS nrr_last_month,
           max(grr) FILTER (WHERE months_ago = 1) AS grr_last_month
    FROM complete_months
),
last_month AS (
    -- customers and MRR of the last month of mrr_movements (it may still be running); one row
    SELECT max(customers_end) FILTER (WHERE months_ago = 1) AS customers,
           max(ending_mrr) FILTER (WHERE months_ago = 1) AS mrr
    FROM (SELECT customers_end,
                 ending_mrr,
                 row_number() OVER (ORDER BY month DESC) AS months_ago
          FROM mrr_movements) AS m
),
accounts AS (
    -- without MRR history: the current MRR of the accounts that have not churned
    SELECT count(*) FILTER (WHERE mrr > 0) AS customers,
           sum(mrr) FILTER (WHERE mrr > 0) AS mrr
    FROM account_health
    WHERE risk_stage <> 'churned'
),
lifetime AS (
    -- median_lifetime(): the first tenure where the overall survival curve is at or below 0.5
    SELECT min(days) FILTER (WHERE survival <= 0.5) AS median_lifetime_days
    FROM customer_lifetime
    WHERE plan = 'all'
),
metrics AS (
    SELECT COALESCE(m.customers, a.customers) AS customers,
           COALESCE(m.mrr, a.mrr) AS mrr,
           c.logo_churn_rate_monthly,
           c.revenue_churn_rate_monthly,
           CAST(0.8 AS DOUBLE PRECISION) AS gross_margin,   -- the LTV margin: change it here
           l.median_lifetime_days,
           c.nrr_last_month,
           c.grr_last_month
    FROM last_month AS m
    CROSS JOIN accounts AS a
    CROSS JOIN churn AS c
    CROSS JOIN lifetime AS l
)
SELECT as_of() AS as_of,
       customers,
       mrr,
       mrr / NULLIF(customers, 0) AS arpa,
       logo_churn_rate_monthly,
       revenue_churn_rate_monthly,
       gross_margin,
       mrr / NULLIF(customers, 0) * gross_margin / NULLIF(logo_churn_rate_monthly, 0) AS ltv,
       median_lifetime_days,
       nrr_last_month,
       grr_last_month
FROM metrics
