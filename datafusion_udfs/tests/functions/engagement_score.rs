use churnkit_core::scalar::engagement_score::DEFAULT_TARGETS;
use churnkit_core::scalar::{engagement_score as core_score, EngagementParams};
use datafusion::arrow::array::{Array, Float64Array};
use datafusion::arrow::util::pretty::pretty_format_batches;

use crate::{any_error, check, check_err, ctx, query};

#[tokio::test]
async fn reference_value_is_exactly_90() {
    let ctx = ctx();
    let batches = query(&ctx, "SELECT engagement_score(600, 15, 30, 30)").await;
    let shown = pretty_format_batches(&batches).unwrap().to_string();
    println!("{shown}");
    let col = batches[0]
        .column(0)
        .as_any()
        .downcast_ref::<Float64Array>()
        .unwrap();
    assert_eq!(col.len(), 1);
    assert_eq!(col.value(0), 90.0); // exactly, not 89.99999999999999
    println!("engagement_score(600, 15, 30, 30) = {:?}", col.value(0));
    assert_eq!(format!("{:?}", col.value(0)), "90.0");
    datafusion::assert_batches_eq!(
        [
            "+------------------------------------------------------------+",
            "| engagement_score(Int64(600),Int64(15),Int64(30),Int64(30)) |",
            "+------------------------------------------------------------+",
            "| 90.0                                                       |",
            "+------------------------------------------------------------+",
        ],
        &batches
    );
}

#[tokio::test]
async fn components_saturate_and_boundaries() {
    check!(
        "SELECT engagement_score(1e9, 30, 1e9, 30) AS full, engagement_score(0, 0, 0, 30) AS zero, \
         engagement_score(0, 15, 0, 30) AS freq, engagement_score(450, 0, 0, 30) AS half_time, \
         engagement_score(0, 0, 30, 30) AS depth, engagement_score(0, 30, 0, 30) AS all_days",
        [
            "+-------+------+------+-----------+-------+----------+",
            "| full  | zero | freq | half_time | depth | all_days |",
            "+-------+------+------+-----------+-------+----------+",
            "| 100.0 | 0.0  | 40.0 | 15.0      | 30.0  | 40.0     |",
            "+-------+------+------+-----------+-------+----------+",
        ]
    );
}

#[tokio::test]
async fn seven_and_ten_argument_forms() {
    check!(
        "SELECT engagement_score(600, 15, 30, 30, 3, 4, 3) AS renormalised, \
         engagement_score(900, 1, 0, 30, 1, 0, 0) AS time_only, \
         engagement_score(900, 1, 0, 30, 1, 0, 0, 60, 0.5, 1) AS custom_targets, \
         engagement_score(600, 15, 30, 30, 0.3, 0.4, 0.3, 30, 0.5, 1) AS explicit_defaults",
        [
            "+--------------+-----------+----------------+-------------------+",
            "| renormalised | time_only | custom_targets | explicit_defaults |",
            "+--------------+-----------+----------------+-------------------+",
            "| 90.0         | 100.0     | 50.0           | 90.0              |",
            "+--------------+-----------+----------------+-------------------+",
        ]
    );
}

#[tokio::test]
async fn wrong_arity_is_a_planning_error() {
    let ctx = ctx();
    for sql in [
        "SELECT engagement_score(1)",
        "SELECT engagement_score(1, 2, 3)",
        "SELECT engagement_score(1, 2, 3, 4, 5)",
        "SELECT engagement_score(1, 2, 3, 4, 5, 6, 7, 8)",
        "SELECT engagement_score(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)",
    ] {
        let e = any_error(&ctx, sql).await;
        assert!(
            e.contains("engagement_score expects 2, 4, 7 or 10 arguments"),
            "{e}"
        );
    }
    let e = any_error(&ctx, "SELECT engagement_score('a', 2, 3, 4)").await;
    assert!(
        e.contains("engagement_score: argument active_minutes must be a number, got Utf8"),
        "{e}"
    );
}

#[tokio::test]
async fn null_arguments_give_null() {
    check!(
        "SELECT engagement_score(NULL, 15, 30, 30) AS a, engagement_score(600, NULL, 30, 30) AS b, \
         engagement_score(600, 15, 30, NULL) AS c, engagement_score(600, 15, 30, 30, NULL, 1, 1) AS d, \
         engagement_score(600, 15, 30, 30, 1, 1, 1, 30, NULL, 1) AS e, \
         engagement_score(NULL, 15, 30, 30, 0, 0, 0) AS invalid_weights_but_null",
        [
            "+---+---+---+---+---+--------------------------+",
            "| a | b | c | d | e | invalid_weights_but_null |",
            "+---+---+---+---+---+--------------------------+",
            "|   |   |   |   |   |                          |",
            "+---+---+---+---+---+--------------------------+",
        ]
    );
}

const USAGE: &str = "CREATE TABLE usage AS SELECT * FROM (VALUES \
    (1, 600, 15, 30, 30.0, 0.3), \
    (2, NULL, 15, 30, 30.0, 0.3), \
    (3, 900, NULL, 0, 30.0, 1.0), \
    (4, 0, 30, 0, 30.0, 0.0), \
    (5, 450, 0, 0, NULL, 0.5), \
    (6, 900, 1, 0, 30.0, NULL)) AS v(account, minutes, days, actions, period, w_time)";

#[tokio::test]
async fn columns_with_nulls_and_scalars_mixed() {
    let ctx = ctx();
    query(&ctx, USAGE).await;
    check!(
        &ctx,
        "SELECT account, engagement_score(minutes, days, actions, period) AS from_columns, \
         engagement_score(minutes, days, actions, 30) AS period_30, \
         engagement_score(minutes, days, actions, 30, w_time, 0.4, 0.3) AS weight_column \
         FROM usage ORDER BY account",
        [
            "+---------+--------------+--------------+---------------+",
            "| account | from_columns | period_30    | weight_column |",
            "+---------+--------------+--------------+---------------+",
            "| 1       | 90.0         | 90.0         | 90.0          |",
            "| 2       |              |              |               |",
            "| 3       |              |              |               |",
            "| 4       | 40.0         | 40.0         | 57.142857143  |",
            "| 5       |              | 15.0         | 20.833333333  |",
            "| 6       | 32.666666667 | 32.666666667 |               |",
            "+---------+--------------+--------------+---------------+",
        ]
    );
}

#[tokio::test]
async fn error_in_one_row_of_a_column() {
    let ctx = ctx();
    query(&ctx, "CREATE TABLE u AS SELECT * FROM (VALUES (1, 10, 5), (2, 10, 40), (3, NULL, 50)) AS v(id, m, d)").await;
    check_err!(
        &ctx,
        "SELECT engagement_score(m, d, 0, 30) FROM u",
        "engagement_score: invalid active_days: 40 is greater than period_days 30"
    );
    // the NULL row of an otherwise invalid value is NULL (STRICT), not an error
    check!(
        &ctx,
        "SELECT id, engagement_score(m, d, 0, 30) AS s FROM u WHERE id <> 2 ORDER BY id",
        [
            "+----+--------------+",
            "| id | s            |",
            "+----+--------------+",
            "| 1  | 13.666666667 |",
            "| 3  |              |",
            "+----+--------------+"
        ]
    );
}

#[tokio::test]
async fn every_error_case() {
    // the expected text is whatever the core says for the same inputs: the
    // adapter must pass it through unchanged
    let d = EngagementParams::default();
    let score =
        |m: f64, a: f64, k: f64, p: f64| core_score(m, a, k, p, &d).unwrap_err().to_string();
    let params = |w: [f64; 3], t: [f64; 3]| EngagementParams::new(w, t).unwrap_err().to_string();
    let max = f64::MAX;
    let cases = [
        ("SELECT engagement_score(10, 40, 0, 30)", score(10.0, 40.0, 0.0, 30.0)),
        ("SELECT engagement_score(-1, 1, 0, 30)", score(-1.0, 1.0, 0.0, 30.0)),
        ("SELECT engagement_score(1, -1, 0, 30)", score(1.0, -1.0, 0.0, 30.0)),
        ("SELECT engagement_score(1, 1, -2, 30)", score(1.0, 1.0, -2.0, 30.0)),
        ("SELECT engagement_score(1, 0, 0, 0)", score(1.0, 0.0, 0.0, 0.0)),
        ("SELECT engagement_score(1, 0, 0, -5)", score(1.0, 0.0, 0.0, -5.0)),
        ("SELECT engagement_score(CAST('NaN' AS DOUBLE), 0, 0, 1)", score(f64::NAN, 0.0, 0.0, 1.0)),
        ("SELECT engagement_score(1, 0, CAST('Infinity' AS DOUBLE), 1)", score(1.0, 0.0, f64::INFINITY, 1.0)),
        ("SELECT engagement_score(1, 0, 0, CAST('-Infinity' AS DOUBLE))", score(1.0, 0.0, 0.0, f64::NEG_INFINITY)),
        ("SELECT engagement_score(600, 15, 30, 30, 0, 0, 0)", params([0.0, 0.0, 0.0], DEFAULT_TARGETS)),
        ("SELECT engagement_score(600, 15, 30, 30, -0.1, 1, 0)", params([-0.1, 1.0, 0.0], DEFAULT_TARGETS)),
        ("SELECT engagement_score(600, 15, 30, 30, 1, -1, 0)", params([1.0, -1.0, 0.0], DEFAULT_TARGETS)),
        ("SELECT engagement_score(600, 15, 30, 30, 1, 1, -1)", params([1.0, 1.0, -1.0], DEFAULT_TARGETS)),
        ("SELECT engagement_score(600, 15, 30, 30, 1.7976931348623157e308, 1.7976931348623157e308, 0)", params([max, max, 0.0], DEFAULT_TARGETS)),
        ("SELECT engagement_score(600, 15, 30, 30, 1, 1, 1, 0, 0.5, 1)", params([1.0; 3], [0.0, 0.5, 1.0])),
        ("SELECT engagement_score(600, 15, 30, 30, 1, 1, 1, 30, 1.5, 1)", params([1.0; 3], [30.0, 1.5, 1.0])),
        ("SELECT engagement_score(600, 15, 30, 30, 1, 1, 1, 30, 0, 1)", params([1.0; 3], [30.0, 0.0, 1.0])),
        ("SELECT engagement_score(600, 15, 30, 30, 1, 1, 1, 30, 0.5, -1)", params([1.0; 3], [30.0, 0.5, -1.0])),
    ];
    let ctx = ctx();
    for (sql, expected) in cases {
        assert!(
            expected.starts_with("engagement_score: invalid "),
            "{expected}"
        );
        check_err!(&ctx, sql, expected);
    }
    // the reference message of the spec, verbatim
    check_err!(
        &ctx,
        "SELECT engagement_score(10, 40, 0, 30)",
        "engagement_score: invalid active_days: 40 is greater than period_days 30"
    );
}

#[tokio::test]
async fn the_error_is_an_execution_error_with_the_core_text() {
    let ctx = ctx();
    let e = crate::run(&ctx, "SELECT engagement_score(10, 40, 0, 30)")
        .await
        .unwrap_err();
    assert!(
        e.to_string().contains("Execution error: engagement_score: invalid active_days: 40 is greater than period_days 30"),
        "{e}"
    );
}
