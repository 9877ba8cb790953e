//! `engagement_agg` and its accessors: `active_days`, `active_minutes`,
//! `key_actions`, `last_active_at`, `engagement_score(summary, period_days)`.

use churnkit_core::agg::{EngagementSummary, State};
use datafusion::arrow::array::{Array, BinaryArray};

use crate::{any_error, check, check_err, ctx, query};

pub const EVENTS: &str = "CREATE TABLE events AS SELECT * FROM (VALUES \
    (1, '2024-01-01T09:00:00Z', 600.0, true), \
    (1, '2024-01-01T15:00:00Z', 300.0, false), \
    (1, '2024-01-03T10:00:00Z', NULL, NULL), \
    (1, NULL, 1000.0, true), \
    (2, '2024-02-10T00:00:00Z', 60.0, true), \
    (3, NULL, 60.0, true)) AS v(account, ts, secs, key)";

/// SQL hex literal of some bytes.
pub fn hex(bytes: &[u8]) -> String {
    format!(
        "X'{}'",
        bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()
    )
}

#[tokio::test]
async fn summary_per_account_with_null_rows() {
    let ctx = ctx();
    query(&ctx, EVENTS).await;
    // account 1: the NULL-ts row is skipped, NULL duration = 0 s, NULL key = false;
    // account 3 has only a NULL-ts row: an empty group, NULL summary
    check!(
        &ctx,
        "SELECT account, active_days(s) AS days, active_minutes(s) AS minutes, key_actions(s) AS keys, \
         last_active_at(s) AS last_active, engagement_score(s, 30) AS score, s IS NULL AS empty \
         FROM (SELECT account, engagement_agg(ts, secs, key) AS s FROM events GROUP BY account) ORDER BY account",
        [
            "+---------+------+---------+------+----------------------+-------------+-------+",
            "| account | days | minutes | keys | last_active          | score       | empty |",
            "+---------+------+---------+------+----------------------+-------------+-------+",
            "| 1       | 2    | 15.0    | 1    | 2024-01-03T10:00:00Z | 6.833333333 | false |",
            "| 2       | 1    | 1.0     | 1    | 2024-02-10T00:00:00Z | 3.7         | false |",
            "| 3       |      |         |      |                      |             | true  |",
            "+---------+------+---------+------+----------------------+-------------+-------+",
        ]
    );
}

#[tokio::test]
async fn the_result_is_the_core_encoding() {
    let ctx = ctx();
    query(&ctx, EVENTS).await;
    let batches = query(
        &ctx,
        "SELECT engagement_agg(ts, secs, key) FROM events WHERE account = 1",
    )
    .await;
    let col = batches[0]
        .column(0)
        .as_any()
        .downcast_ref::<BinaryArray>()
        .unwrap();
    let mut expected = EngagementSummary::new();
    expected
        .update(1_704_099_600_000_000, Some(600.0), Some(true))
        .unwrap();
    expected
        .update(1_704_121_200_000_000, Some(300.0), Some(false))
        .unwrap();
    expected.update(1_704_276_000_000_000, None, None).unwrap();
    assert_eq!(col.value(0), expected.encode().as_slice());
    assert_eq!(col.value(0)[0], 1, "format version byte first");
    assert_eq!(EngagementSummary::decode(col.value(0)).unwrap(), expected);
}

#[tokio::test]
async fn empty_groups_and_no_rows_are_null() {
    let ctx = ctx();
    query(&ctx, EVENTS).await;
    check!(
        &ctx,
        "SELECT engagement_agg(ts, secs, key) IS NULL AS no_rows FROM events WHERE account = 99",
        [
            "+---------+",
            "| no_rows |",
            "+---------+",
            "| true    |",
            "+---------+"
        ]
    );
    check!(
        &ctx,
        "SELECT account, key_actions(engagement_agg(ts, secs, key) FILTER (WHERE key)) AS keys, \
         active_days(engagement_agg(ts, secs, key) FILTER (WHERE secs > 500)) AS long_days \
         FROM events GROUP BY account ORDER BY account",
        [
            "+---------+------+-----------+",
            "| account | keys | long_days |",
            "+---------+------+-----------+",
            "| 1       | 1    | 1         |",
            "| 2       | 1    |           |",
            "| 3       |      |           |",
            "+---------+------+-----------+",
        ]
    );
}

#[tokio::test]
async fn accessors_of_null_and_of_a_summary_without_events() {
    let empty = hex(&EngagementSummary::new().encode());
    check!(
        &format!(
            "SELECT active_days(NULL) AS a, active_minutes(NULL) AS b, key_actions(NULL) AS c, last_active_at(NULL) AS d, \
             engagement_score(NULL, 30) AS e, engagement_score({empty}, NULL) AS f, \
             active_days({empty}) AS g, last_active_at({empty}) AS h, engagement_score({empty}, 30) AS i"
        ),
        [
            "+---+---+---+---+---+---+---+---+-----+",
            "| a | b | c | d | e | f | g | h | i   |",
            "+---+---+---+---+---+---+---+---+-----+",
            "|   |   |   |   |   |   | 0 |   | 0.0 |",
            "+---+---+---+---+---+---+---+---+-----+",
        ]
    );
}

#[tokio::test]
async fn errors_carry_the_core_message() {
    check_err!(
        "SELECT engagement_agg(ts, -5, false) FROM (VALUES ('2024-01-01')) AS v(ts)",
        "engagement_agg: invalid duration_seconds: -5 is not a non-negative finite number of seconds"
    );
    check_err!(
        "SELECT v, engagement_agg(ts, 'NaN'::double, false) FROM (VALUES (1, '2024-01-01')) AS v(v, ts) GROUP BY v",
        "engagement_agg: invalid duration_seconds: NaN is not a non-negative finite number of seconds"
    );
    // a NULL-ts row is skipped before its duration is looked at
    check!(
        "SELECT engagement_agg(ts, -5, false) IS NULL AS skipped FROM (VALUES (CAST(NULL AS TIMESTAMP))) AS v(ts)",
        ["+---------+", "| skipped |", "+---------+", "| true    |", "+---------+"]
    );
    // bad summary bytes: the core's decoding error
    let ctx = ctx();
    for (bytes, f) in [
        (vec![2u8], "active_days"),
        (vec![1u8], "key_actions"),
        (vec![1u8, 0, 0], "last_active_at"),
        (vec![], "active_minutes"),
    ] {
        let expected = EngagementSummary::decode(&bytes).unwrap_err().to_string();
        assert!(
            expected.starts_with("engagement_summary: invalid input: "),
            "{expected}"
        );
        check_err!(&ctx, &format!("SELECT {f}({})", hex(&bytes)), expected);
    }
    check_err!(
        &ctx,
        "SELECT engagement_score(X'02', 30)",
        "engagement_summary: invalid input: unsupported format version 2 (this churnkit reads version 1)"
    );
    let mut one = EngagementSummary::new();
    one.update(0, Some(60.0), Some(true)).unwrap();
    let one = hex(&one.encode());
    check_err!(
        &ctx,
        &format!("SELECT engagement_score({one}, 0)"),
        one_day_error(0.0)
    );
}

fn one_day_error(period: f64) -> String {
    let mut s = EngagementSummary::new();
    s.update(0, Some(60.0), Some(true)).unwrap();
    s.engagement_score(period).unwrap_err().to_string()
}

#[tokio::test]
async fn planning_errors() {
    let ctx = ctx();
    let e = any_error(&ctx, "SELECT engagement_agg(1, 2, true)").await;
    assert!(
        e.contains("engagement_agg: argument occurred_at must be a timestamp"),
        "{e}"
    );
    let e = any_error(&ctx, "SELECT engagement_agg('2024-01-01', 2)").await;
    assert!(
        e.contains("engagement_agg expects 3 arguments, got 2"),
        "{e}"
    );
    let e = any_error(&ctx, "SELECT engagement_agg('2024-01-01', 'x', true)").await;
    assert!(
        e.contains("engagement_agg: argument duration_seconds must be a number"),
        "{e}"
    );
    let e = any_error(&ctx, "SELECT engagement_agg('2024-01-01', 1, 1)").await;
    assert!(
        e.contains("engagement_agg: argument is_key_action must be a boolean"),
        "{e}"
    );
    let e = any_error(&ctx, "SELECT active_days('abc')").await;
    assert!(
        e.contains("active_days: argument summary must be a churnkit summary (Binary), got Utf8"),
        "{e}"
    );
    let e = any_error(&ctx, "SELECT engagement_score(1, 30)").await;
    assert!(
        e.contains(
            "engagement_score: argument summary must be a churnkit summary (Binary), got Int64"
        ),
        "{e}"
    );
    let e = any_error(
        &ctx,
        "SELECT engagement_agg(DISTINCT '2024-01-01', 1, true)",
    )
    .await;
    assert!(
        e.contains("engagement_agg(DISTINCT ...) is not supported"),
        "{e}"
    );
}

#[tokio::test]
async fn every_timestamp_form_and_integer_durations() {
    // nanosecond and second timestamps and integer durations
    check!(
        "SELECT active_days(engagement_agg(ts, secs, NULL)) AS days, active_minutes(engagement_agg(ts, secs, NULL)) AS minutes FROM ( \
         SELECT CAST(DATE '2024-01-01' AS TIMESTAMP) AS ts, 60 AS secs UNION ALL \
         SELECT TIMESTAMP '2024-01-01 23:59:59', 120 UNION ALL \
         SELECT arrow_cast(TIMESTAMP '2024-01-02 00:30:00', 'Timestamp(Second, None)'), 0)",
        ["+------+---------+", "| days | minutes |", "+------+---------+", "| 2    | 3.0     |", "+------+---------+"]
    );
    // a timestamp with a zone: days are UTC days (23:30 and 00:30 UTC are two
    // days, though the same day at +01:00)
    check!(
        "SELECT active_days(engagement_agg(t, 60, NULL)) AS days, last_active_at(engagement_agg(t, 60, NULL)) AS last_active FROM \
         (SELECT arrow_cast(arrow_cast(CAST(x AS TIMESTAMP), 'Timestamp(Microsecond, Some(\"UTC\"))'), 'Timestamp(Millisecond, Some(\"+01:00\"))') AS t \
          FROM (VALUES ('2024-01-01T23:30:00Z'), ('2024-01-02T00:30:00Z')) AS v(x))",
        [
            "+------+----------------------+",
            "| days | last_active          |",
            "+------+----------------------+",
            "| 2    | 2024-01-02T00:30:00Z |",
            "+------+----------------------+",
        ]
    );
    check!(
        "SELECT active_days(engagement_agg(d, NULL, NULL)) AS days FROM (VALUES (DATE '2024-01-01'), (DATE '2024-01-01'), (DATE '2024-03-01')) AS v(d)",
        ["+------+", "| days |", "+------+", "| 2    |", "+------+"]
    );
}

#[tokio::test]
async fn as_a_window_function() {
    let ctx = ctx();
    query(&ctx, EVENTS).await;
    check!(
        &ctx,
        "SELECT account, ts, active_days(engagement_agg(ts, secs, key) OVER (PARTITION BY account ORDER BY ts)) AS running_days \
         FROM events WHERE ts IS NOT NULL ORDER BY account, ts",
        [
            "+---------+----------------------+--------------+",
            "| account | ts                   | running_days |",
            "+---------+----------------------+--------------+",
            "| 1       | 2024-01-01T09:00:00Z | 1            |",
            "| 1       | 2024-01-01T15:00:00Z | 1            |",
            "| 1       | 2024-01-03T10:00:00Z | 2            |",
            "| 2       | 2024-02-10T00:00:00Z | 1            |",
            "+---------+----------------------+--------------+",
        ]
    );
}

#[tokio::test]
async fn summaries_re_aggregate_through_their_bytes() {
    // a stored summary column read back and scored per period
    let ctx = ctx();
    query(&ctx, EVENTS).await;
    query(&ctx, "CREATE TABLE summaries AS SELECT account, engagement_agg(ts, secs, key) AS s FROM events GROUP BY account").await;
    check!(
        &ctx,
        "SELECT account, engagement_score(s, 7) AS week, engagement_score(s, 365) AS year, arrow_typeof(s) AS t \
         FROM summaries WHERE s IS NOT NULL ORDER BY account",
        [
            "+---------+--------------+-------------+--------+",
            "| account | week         | year        | t      |",
            "+---------+--------------+-------------+--------+",
            "| 1       | 29.285714286 | 0.561643836 | Binary |",
            "| 2       | 15.857142857 | 0.304109589 | Binary |",
            "+---------+--------------+-------------+--------+",
        ]
    );
}
