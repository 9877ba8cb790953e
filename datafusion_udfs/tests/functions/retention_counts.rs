//! `retention_counts(activity [, mode])`.

use churnkit_core::agg::{Activity, RetentionCounts, RetentionMode};

use crate::engagement_agg::hex;
use crate::{any_error, check, check_err, ctx, query};

/// Customers 1-4 start in January, 5 in February; months active:
/// 1: Jan, Feb, Apr; 2: Jan; 3: Jan, Mar; 4: Jan, Feb, Mar, Apr; 5: Feb, Mar.
pub const CUSTOMERS: &str = "CREATE TABLE customer_events AS SELECT * FROM (VALUES \
    (1, '2024-01-03'), (1, '2024-02-03'), (1, '2024-04-03'), (1, '2024-01-30'), \
    (2, '2024-01-10'), \
    (3, '2024-01-31'), (3, '2024-03-01'), \
    (4, '2024-01-01'), (4, '2024-02-01'), (4, '2024-03-01'), (4, '2024-04-01'), \
    (5, '2024-02-14'), (5, '2024-03-14')) AS v(customer, ts)";

#[tokio::test]
async fn classic_and_unbounded_per_cohort() {
    let ctx = ctx();
    query(&ctx, CUSTOMERS).await;
    check!(
        &ctx,
        "WITH a AS (SELECT customer, activity_agg(ts, 'month') AS act FROM customer_events GROUP BY customer) \
         SELECT cohort_start(act) AS cohort, retention_counts(act) AS classic, retention_counts(act, 'classic') AS classic2, \
         retention_counts(act, ' UNBOUNDED ') AS unbounded FROM a GROUP BY cohort_start(act) ORDER BY cohort",
        [
            "+----------------------+--------------+--------------+--------------+",
            "| cohort               | classic      | classic2     | unbounded    |",
            "+----------------------+--------------+--------------+--------------+",
            "| 2024-01-01T00:00:00Z | [4, 2, 2, 2] | [4, 2, 2, 2] | [4, 3, 3, 2] |",
            "| 2024-02-01T00:00:00Z | [1, 1]       | [1, 1]       | [1, 1]       |",
            "+----------------------+--------------+--------------+--------------+",
        ]
    );
}

#[tokio::test]
async fn null_rows_are_skipped_and_empty_groups_are_null() {
    let ctx = ctx();
    query(&ctx, CUSTOMERS).await;
    check!(
        &ctx,
        "WITH a AS (SELECT customer, activity_agg(ts, 'month') AS act FROM customer_events GROUP BY customer \
                   UNION ALL SELECT 6, NULL) \
         SELECT retention_counts(act) AS all_customers, retention_counts(act) FILTER (WHERE customer > 100) AS none, \
         retention_counts(act, CASE WHEN customer = 2 THEN NULL ELSE 'classic' END) AS without_2, \
         arrow_typeof(retention_counts(act)) AS t FROM a",
        [
            "+---------------+------+--------------+-------------+",
            "| all_customers | none | without_2    | t           |",
            "+---------------+------+--------------+-------------+",
            "| [5, 3, 2, 2]  |      | [4, 3, 2, 2] | List(Int64) |",
            "+---------------+------+--------------+-------------+",
        ]
    );
}

#[tokio::test]
async fn matches_the_core_state() {
    // the same activities through core directly
    let months = |ps: &[&str]| {
        Activity::from_text(&format!(
            r#"{{"granularity":"month","periods":[{}],"version":1}}"#,
            ps.iter()
                .map(|p| format!("\"{p}\""))
                .collect::<Vec<_>>()
                .join(",")
        ))
        .unwrap()
    };
    let acts = [
        months(&["2024-01-01", "2024-02-01", "2024-04-01"]),
        months(&["2024-01-01"]),
        months(&["2024-01-01", "2024-03-01"]),
    ];
    let mut expected = RetentionCounts::new();
    for a in &acts {
        expected.update(a, RetentionMode::Unbounded).unwrap();
    }
    let values = acts
        .iter()
        .map(|a| format!("({})", hex(&a.encode())))
        .collect::<Vec<_>>()
        .join(", ");
    let ctx = ctx();
    let shown = crate::text(
        &ctx,
        &format!("SELECT retention_counts(a, 'unbounded') AS r FROM (VALUES {values}) AS v(a)"),
    )
    .await;
    let expected_text = format!("{:?}", expected.counts).replace(['[', ']'], "");
    assert!(
        shown.contains(&format!("[{expected_text}]")),
        "{shown} vs {expected_text}"
    );
}

#[tokio::test]
async fn errors_carry_the_core_message() {
    let ctx = ctx();
    query(&ctx, CUSTOMERS).await;
    let acts = "(SELECT customer, activity_agg(ts, 'month') AS act FROM customer_events GROUP BY customer) AS a";
    check_err!(
        &ctx,
        &format!("SELECT retention_counts(act, 'x') FROM {acts}"),
        "retention_counts: invalid mode: unknown mode 'x' (expected classic or unbounded)"
    );
    check_err!(
        &ctx,
        &format!("SELECT retention_counts(act, CASE WHEN customer = 1 THEN 'classic' ELSE 'unbounded' END) FROM {acts}"),
        "retention_counts: invalid mode: must be the same for every row of a group"
    );
    for bytes in [vec![1u8], vec![7u8, 1]] {
        let expected = Activity::decode(&bytes).unwrap_err().to_string();
        check_err!(
            &ctx,
            &format!("SELECT retention_counts({})", hex(&bytes)),
            expected
        );
    }
    // activity spanning more periods than supported (e.g. a corrupt timestamp)
    let wide = Activity::from_text(
        r#"{"granularity":"day","periods":["1970-01-01","2500-01-01"],"version":1}"#,
    )
    .unwrap();
    let expected = RetentionCounts::new()
        .update(&wide, RetentionMode::Classic)
        .unwrap_err()
        .to_string();
    check_err!(
        &ctx,
        &format!("SELECT retention_counts({})", hex(&wide.encode())),
        expected
    );
    let e = any_error(&ctx, "SELECT retention_counts('abc')").await;
    assert!(
        e.contains(
            "retention_counts: argument activity must be a churnkit summary (Binary), got Utf8"
        ),
        "{e}"
    );
    let e = any_error(&ctx, "SELECT retention_counts(NULL, 'classic', 1)").await;
    assert!(
        e.contains("retention_counts expects 1 or 2 arguments, got 3"),
        "{e}"
    );
}
