//! Complete analyses as a user writes them: a cohort-retention table and an
//! onboarding funnel.

use crate::retention_counts::CUSTOMERS;
use crate::window_funnel::ONBOARDING;
use crate::{check, ctx, query};

/// Monthly cohorts: one row per (cohort, period) with the cohort size, the
/// customers retained and the rate. `unnest` of the counts next to
/// `unnest(range(...))` numbers the periods.
pub const COHORT_RETENTION: &str = "WITH customer_activity AS ( \
        SELECT customer, activity_agg(ts, 'month') AS activity FROM customer_events GROUP BY customer \
    ), cohorts AS ( \
        SELECT cohort_start(activity) AS cohort, retention_counts(activity) AS counts \
        FROM customer_activity GROUP BY cohort_start(activity) \
    ) \
    SELECT cohort, period, counts[1] AS cohort_size, retained, round(CAST(retained AS DOUBLE) / counts[1], 3) AS rate \
    FROM (SELECT cohort, counts, unnest(range(0, array_length(counts))) AS period, unnest(counts) AS retained FROM cohorts) \
    ORDER BY cohort, period";

#[tokio::test]
async fn cohort_retention_table() {
    let ctx = ctx();
    query(&ctx, CUSTOMERS).await;
    check!(
        &ctx,
        COHORT_RETENTION,
        [
            "+----------------------+--------+-------------+----------+------+",
            "| cohort               | period | cohort_size | retained | rate |",
            "+----------------------+--------+-------------+----------+------+",
            "| 2024-01-01T00:00:00Z | 0      | 4           | 4        | 1.0  |",
            "| 2024-01-01T00:00:00Z | 1      | 4           | 2        | 0.5  |",
            "| 2024-01-01T00:00:00Z | 2      | 4           | 2        | 0.5  |",
            "| 2024-01-01T00:00:00Z | 3      | 4           | 2        | 0.5  |",
            "| 2024-02-01T00:00:00Z | 0      | 1           | 1        | 1.0  |",
            "| 2024-02-01T00:00:00Z | 1      | 1           | 1        | 1.0  |",
            "+----------------------+--------+-------------+----------+------+",
        ]
    );
}

/// Users reaching each onboarding step within 7 days of signing up, and the
/// conversion from the first step.
pub const ONBOARDING_FUNNEL: &str = "WITH levels AS ( \
        SELECT user_id, window_funnel(INTERVAL '7 days', ts, [event = 'signup', event = 'invite', event = 'first_report']) AS level \
        FROM onboarding GROUP BY user_id \
    ), reached AS ( \
        SELECT s.step, s.name, count(*) FILTER (WHERE l.level >= s.step) AS users \
        FROM (VALUES (1, 'signup'), (2, 'invite'), (3, 'first_report')) AS s(step, name) CROSS JOIN levels l \
        GROUP BY s.step, s.name \
    ) \
    SELECT step, name, users, round(CAST(users AS DOUBLE) / first_value(users) OVER (ORDER BY step), 3) AS conversion \
    FROM reached ORDER BY step";

#[tokio::test]
async fn onboarding_funnel() {
    let ctx = ctx();
    query(&ctx, ONBOARDING).await;
    check!(
        &ctx,
        ONBOARDING_FUNNEL,
        [
            "+------+--------------+-------+------------+",
            "| step | name         | users | conversion |",
            "+------+--------------+-------+------------+",
            "| 1    | signup       | 3     | 1.0        |",
            "| 2    | invite       | 2     | 0.667      |",
            "| 3    | first_report | 1     | 0.333      |",
            "+------+--------------+-------+------------+",
        ]
    );
}
