//! `activity_agg` and its accessors `cohort_start`, `is_active`, `lifecycle_state`.

use churnkit_core::agg::Activity;

use crate::engagement_agg::hex;
use crate::{any_error, check, check_err, ctx, query};

pub const ACTIVITY: &str = "CREATE TABLE activity AS SELECT * FROM (VALUES \
    (1, '2024-01-15T10:00:00Z', 'month'), \
    (1, '2024-01-20T10:00:00Z', 'month'), \
    (1, '2024-03-02T10:00:00Z', 'month'), \
    (2, '2024-02-29T23:59:59Z', 'month'), \
    (2, NULL, 'month'), \
    (2, '2024-04-01T00:00:00Z', NULL), \
    (3, NULL, 'month')) AS v(customer, ts, g)";

#[tokio::test]
async fn accessors_per_customer_with_null_rows() {
    let ctx = ctx();
    query(&ctx, ACTIVITY).await;
    // customer 2: the NULL-ts and NULL-granularity rows are skipped; customer 3: empty, NULL
    check!(
        &ctx,
        "SELECT customer, cohort_start(a) AS cohort, is_active(a, 0) AS p0, is_active(a, 1) AS p1, is_active(a, 2) AS p2, \
         lifecycle_state(a, '2024-03-15') AS march, lifecycle_state(a, '2024-04-15') AS april, a IS NULL AS empty \
         FROM (SELECT customer, activity_agg(ts, g) AS a FROM activity GROUP BY customer) ORDER BY customer",
        [
            "+----------+----------------------+------+-------+-------+--------------+---------+-------+",
            "| customer | cohort               | p0   | p1    | p2    | march        | april   | empty |",
            "+----------+----------------------+------+-------+-------+--------------+---------+-------+",
            "| 1        | 2024-01-01T00:00:00Z | true | false | true  | resurrecting | dormant | false |",
            "| 2        | 2024-02-01T00:00:00Z | true | false | false | dormant      |         | false |",
            "| 3        |                      |      |       |       |              |         | true  |",
            "+----------+----------------------+------+-------+-------+--------------+---------+-------+",
        ]
    );
}

#[tokio::test]
async fn the_result_is_the_core_encoding_and_granularities_parse_once_case_insensitively() {
    let ctx = ctx();
    let batches = query(&ctx, "SELECT activity_agg(ts, ' Week ') FROM (VALUES ('2024-01-04'), ('2024-01-20'), ('2024-01-21')) AS v(ts)").await;
    let col = batches[0]
        .column(0)
        .as_any()
        .downcast_ref::<datafusion::arrow::array::BinaryArray>()
        .unwrap();
    let a = Activity::decode(col.value(0)).unwrap();
    assert_eq!(
        a.to_text(),
        r#"{"granularity":"week","periods":["2024-01-01","2024-01-15"],"version":1}"#
    );
    check!(
        &ctx,
        "SELECT g, cohort_start(activity_agg(ts, g)) AS cohort FROM (VALUES \
         ('2024-05-17', 'day'), ('2024-05-17', 'WEEK'), ('2024-05-17', 'month'), ('2024-05-17', 'Quarter'), ('2024-05-17', 'year')) AS v(ts, g) \
         GROUP BY g ORDER BY cohort DESC",
        [
            "+---------+----------------------+",
            "| g       | cohort               |",
            "+---------+----------------------+",
            "| day     | 2024-05-17T00:00:00Z |",
            "| WEEK    | 2024-05-13T00:00:00Z |",
            "| month   | 2024-05-01T00:00:00Z |",
            "| Quarter | 2024-04-01T00:00:00Z |",
            "| year    | 2024-01-01T00:00:00Z |",
            "+---------+----------------------+",
        ]
    );
}

#[tokio::test]
async fn lifecycle_states_and_nulls() {
    check!(
        "SELECT lifecycle_state(a, '2023-12-01') AS before, lifecycle_state(a, '2024-01-31T23:59:59Z') AS jan, \
         lifecycle_state(a, '2024-02-01') AS feb, lifecycle_state(a, '2024-03-01') AS mar, lifecycle_state(a, '2024-05-01') AS may, \
         lifecycle_state(a, '2024-07-01') AS jul, lifecycle_state(a, NULL) AS null_period, is_active(a, NULL) AS null_index, \
         is_active(a, -1) AS negative, is_active(a, 2147483647) AS far \
         FROM (SELECT activity_agg(ts, 'month') AS a FROM (VALUES ('2024-01-10'), ('2024-02-10'), ('2024-04-10'), ('2024-06-10')) AS e(ts))",
        [
            "+--------+-----+-----------+---------+---------+---------+-------------+------------+----------+-------+",
            "| before | jan | feb       | mar     | may     | jul     | null_period | null_index | negative | far   |",
            "+--------+-----+-----------+---------+---------+---------+-------------+------------+----------+-------+",
            "|        | new | returning | dormant | dormant | dormant |             |            | false    | false |",
            "+--------+-----+-----------+---------+---------+---------+-------------+------------+----------+-------+",
        ]
    );
    check!(
        "SELECT cohort_start(NULL) AS a, is_active(NULL, 1) AS b, lifecycle_state(NULL, '2024-01-01') AS c",
        ["+---+---+---+", "| a | b | c |", "+---+---+---+", "|   |   |   |", "+---+---+---+"]
    );
}

#[tokio::test]
async fn errors_carry_the_core_message() {
    check_err!(
        "SELECT activity_agg(ts, 'fortnight') FROM (VALUES ('2024-01-01')) AS v(ts)",
        "activity_agg: invalid granularity: unknown granularity 'fortnight' (expected day, week, month, quarter or year)"
    );
    // mixed granularity in one group: an error (one partition: rows in order)
    check_err!(
        "SELECT c, activity_agg(ts, g) FROM (VALUES (1, '2024-01-01', 'month'), (1, '2024-01-02', 'week')) AS v(c, ts, g) GROUP BY c",
        "activity_agg: invalid granularity: must be the same for every row of a group (got 'month' and 'week')"
    );
    check_err!(
        "SELECT activity_agg(ts, g) FROM (VALUES ('2024-01-01', 'Month'), ('2024-01-02', 'DAY')) AS v(ts, g)",
        "activity_agg: invalid granularity: must be the same for every row of a group (got 'month' and 'day')"
    );
    // different granularities in different groups are fine
    check!(
        "SELECT c, cohort_start(activity_agg(ts, g)) AS cohort FROM (VALUES (1, '2024-01-10', 'month'), (2, '2024-01-10', 'week')) AS v(c, ts, g) GROUP BY c ORDER BY c",
        [
            "+---+----------------------+",
            "| c | cohort               |",
            "+---+----------------------+",
            "| 1 | 2024-01-01T00:00:00Z |",
            "| 2 | 2024-01-08T00:00:00Z |",
            "+---+----------------------+",
        ]
    );
    let ctx = ctx();
    for bytes in [vec![1u8], vec![1, 9, 0], vec![1, 2, 0], vec![3]] {
        let expected = Activity::decode(&bytes).unwrap_err().to_string();
        assert!(
            expected.starts_with("activity: invalid input: "),
            "{expected}"
        );
        check_err!(
            &ctx,
            &format!("SELECT cohort_start({})", hex(&bytes)),
            expected.clone()
        );
        check_err!(
            &ctx,
            &format!("SELECT is_active({}, 1)", hex(&bytes)),
            expected.clone()
        );
        check_err!(
            &ctx,
            &format!("SELECT lifecycle_state({}, '2024-01-01')", hex(&bytes)),
            expected
        );
    }
    let e = any_error(&ctx, "SELECT activity_agg('2024-01-01', 3)").await;
    assert!(
        e.contains("activity_agg: argument granularity must be a string, got Int64"),
        "{e}"
    );
    let e = any_error(
        &ctx,
        "SELECT is_active(activity_agg('2024-01-01', 'day'), 1.5)",
    )
    .await;
    assert!(
        e.contains("is_active: argument period_index must be an integer"),
        "{e}"
    );
}
