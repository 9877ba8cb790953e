//! `activity_trend(occurred_at, as_of, window_days)`.

use crate::{any_error, check, check_err, ctx};

#[tokio::test]
async fn trends_per_account() {
    // as_of 2024-03-01, 7-day windows: recent = (Feb 23, Mar 1], prior = (Feb 16, Feb 23]
    check!(
        "SELECT account, activity_trend(ts, '2024-03-01', 7) AS trend FROM (VALUES \
         (1, '2024-02-17'), (1, '2024-02-18'), (1, '2024-02-24'), \
         (2, '2024-02-20'), (2, '2024-02-25'), (2, '2024-02-26'), (2, '2024-02-27'), \
         (3, '2024-02-25'), \
         (4, '2024-02-20'), (4, '2024-03-01'), (4, '2024-01-01'), \
         (5, '2024-02-23'), (5, '2024-02-16'), (5, '2024-02-15T23:59:59Z'), \
         (6, NULL)) AS v(account, ts) GROUP BY account ORDER BY account",
        [
            "+---------+-------+",
            "| account | trend |",
            "+---------+-------+",
            "| 1       | -0.5  |",
            "| 2       | 2.0   |",
            "| 3       |       |",
            "| 4       | -1.0  |",
            "| 5       | 0.0   |",
            "| 6       |       |",
            "+---------+-------+",
        ]
    );
}

#[tokio::test]
async fn null_arguments_skip_the_row() {
    check!(
        "SELECT activity_trend(ts, as_of, w) AS trend FROM (VALUES \
         ('2024-02-20', '2024-03-01', 7), ('2024-02-27', '2024-03-01', 7), ('2024-02-28', '2024-03-01', 7), \
         (NULL, '2024-03-01', 7), ('2024-02-28', NULL, 7), ('2024-02-28', '2024-03-01', NULL), ('2024-02-28', '2024-03-01', 0)) AS v(ts, as_of, w) \
         WHERE w IS NULL OR w > 0 OR ts IS NULL",
        ["+-------+", "| trend |", "+-------+", "| 1.0   |", "+-------+"]
    );
    check!(
        "SELECT activity_trend(ts, '2024-03-01', 7) IS NULL AS no_rows FROM (VALUES (DATE '2024-01-01')) AS v(ts) WHERE ts > DATE '2025-01-01'",
        ["+---------+", "| no_rows |", "+---------+", "| true    |", "+---------+"]
    );
}

#[tokio::test]
async fn errors_carry_the_core_message() {
    check_err!(
        "SELECT activity_trend(ts, '2024-03-01', 0) FROM (VALUES ('2024-02-20')) AS v(ts)",
        "activity_trend: invalid window_days: 0 must be greater than 0"
    );
    check_err!(
        "SELECT activity_trend(ts, '2024-03-01', w) FROM (VALUES ('2024-02-20', 7), ('2024-02-21', -3)) AS v(ts, w)",
        "activity_trend: invalid window_days: -3 must be greater than 0"
    );
    // the parameters may not vary within a group
    check_err!(
        "SELECT activity_trend(ts, a, 7) FROM (VALUES (TIMESTAMP '2024-02-20', TIMESTAMP '2024-03-01'), (TIMESTAMP '2024-02-21', TIMESTAMP '2024-03-02')) AS v(ts, a)",
        "activity_trend: invalid as_of: must be the same for every row of a group"
    );
    check_err!(
        "SELECT activity_trend(ts, '2024-03-01', w) FROM (VALUES ('2024-02-20', 7), ('2024-02-21', 14)) AS v(ts, w)",
        "activity_trend: invalid window_days: must be the same for every row of a group"
    );
    let ctx = ctx();
    let e = any_error(
        &ctx,
        "SELECT activity_trend('2024-02-20', '2024-03-01', 7.5)",
    )
    .await;
    assert!(
        e.contains("activity_trend: argument window_days must be an integer"),
        "{e}"
    );
    let e = any_error(&ctx, "SELECT activity_trend('2024-02-20', 7, 7)").await;
    assert!(
        e.contains("activity_trend: argument as_of must be a timestamp"),
        "{e}"
    );
}
