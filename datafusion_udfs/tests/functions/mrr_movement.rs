use crate::{any_error, check, check_err, ctx, query};
use churnkit_core::scalar::mrr_movement as core_movement;

#[tokio::test]
async fn every_movement() {
    check!(
        "SELECT mrr_movement(0, 100, false) AS new, mrr_movement(NULL, 100, NULL) AS new_nulls, \
         mrr_movement(NULL, 100, true) AS reactivation, mrr_movement(100, 150, true) AS expansion, \
         mrr_movement(100, 50, true) AS contraction, mrr_movement(100, 0, true) AS churn, \
         mrr_movement(100, NULL, true) AS churn_null, mrr_movement(100, 100, NULL) AS retained, \
         mrr_movement(NULL, NULL, true) AS nothing, mrr_movement(0, 0, NULL) AS zeros",
        [
            "+-----+-----------+--------------+-----------+-------------+-------+------------+----------+---------+-------+",
            "| new | new_nulls | reactivation | expansion | contraction | churn | churn_null | retained | nothing | zeros |",
            "+-----+-----------+--------------+-----------+-------------+-------+------------+----------+---------+-------+",
            "| new | new       | reactivation | expansion | contraction | churn | churn      | retained |         |       |",
            "+-----+-----------+--------------+-----------+-------------+-------+------------+----------+---------+-------+",
        ]
    );
}

#[tokio::test]
async fn with_lag_over_a_window() {
    let ctx = ctx();
    query(
        &ctx,
        "CREATE TABLE mrr AS SELECT * FROM (VALUES \
         (1, 1, 100), (1, 2, 150), (1, 3, 120), (1, 4, 0), (1, 5, 80), (1, 6, 80), \
         (2, 3, 49), (2, 4, NULL)) AS v(account_id, month, mrr)",
    )
    .await;
    check!(
        &ctx,
        "SELECT account_id, month, mrr_movement(lag(mrr) OVER w, mrr, \
         bool_or(mrr > 0) OVER (PARTITION BY account_id ORDER BY month ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)) AS movement \
         FROM mrr WINDOW w AS (PARTITION BY account_id ORDER BY month) ORDER BY account_id, month",
        [
            "+------------+-------+--------------+",
            "| account_id | month | movement     |",
            "+------------+-------+--------------+",
            "| 1          | 1     | new          |",
            "| 1          | 2     | expansion    |",
            "| 1          | 3     | contraction  |",
            "| 1          | 4     | churn        |",
            "| 1          | 5     | reactivation |",
            "| 1          | 6     | retained     |",
            "| 2          | 3     | new          |",
            "| 2          | 4     | churn        |",
            "+------------+-------+--------------+",
        ]
    );
}

#[tokio::test]
async fn arity_and_types() {
    let ctx = ctx();
    let e = any_error(&ctx, "SELECT mrr_movement(1, 2)").await;
    assert!(e.contains("mrr_movement expects 3 arguments, got 2"), "{e}");
    let e = any_error(&ctx, "SELECT mrr_movement(1, 2, 1)").await;
    assert!(
        e.contains("mrr_movement: argument was_customer_before must be a boolean, got Int64"),
        "{e}"
    );
}

#[tokio::test]
async fn every_error_case() {
    let ctx = ctx();
    let core = |p: Option<f64>, c: Option<f64>| core_movement(p, c, None).unwrap_err().to_string();
    let cases = [
        (
            "SELECT mrr_movement(-1, 1, NULL)",
            core(Some(-1.0), Some(1.0)),
        ),
        (
            "SELECT mrr_movement(1, -0.5, NULL)",
            core(Some(1.0), Some(-0.5)),
        ),
        (
            "SELECT mrr_movement(NULL, -0.5, true)",
            core(None, Some(-0.5)),
        ),
        (
            "SELECT mrr_movement(1, CAST('NaN' AS DOUBLE), NULL)",
            core(Some(1.0), Some(f64::NAN)),
        ),
        (
            "SELECT mrr_movement(CAST('Infinity' AS DOUBLE), 1, NULL)",
            core(Some(f64::INFINITY), Some(1.0)),
        ),
    ];
    for (sql, expected) in cases {
        assert!(expected.starts_with("mrr_movement: invalid "), "{expected}");
        check_err!(&ctx, sql, expected);
    }
}
