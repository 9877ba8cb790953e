//! `retention(conditions)` (ClickHouse `retention()`).

use crate::{any_error, check, check_err, ctx, query};

#[tokio::test]
async fn clickhouse_semantics_per_user() {
    // ClickHouse documentation example: r[1] = any(c1), r[k] = any(c1) and any(ck)
    let ctx = ctx();
    query(
        &ctx,
        "CREATE TABLE visits AS SELECT * FROM (VALUES \
         (0, '2020-01-01'), (0, '2020-01-02'), (0, '2020-01-03'), \
         (1, '2020-01-01'), (1, '2020-01-02'), \
         (2, '2020-01-01'), \
         (3, '2020-01-02'), (3, '2020-01-03'), \
         (4, '2020-01-03')) AS v(uid, d)",
    )
    .await;
    check!(
        &ctx,
        "SELECT uid, retention([d = '2020-01-01', d = '2020-01-02', d = '2020-01-03']) AS r FROM visits GROUP BY uid ORDER BY uid",
        [
            "+-----+-----------+",
            "| uid | r         |",
            "+-----+-----------+",
            "| 0   | [1, 1, 1] |",
            "| 1   | [1, 1, 0] |",
            "| 2   | [1, 0, 0] |",
            "| 3   | [0, 0, 0] |",
            "| 4   | [0, 0, 0] |",
            "+-----+-----------+",
        ]
    );
    // summed over users, as in ClickHouse's example
    check!(
        &ctx,
        "SELECT sum(r[1]) AS r1, sum(r[2]) AS r2, sum(r[3]) AS r3 FROM \
         (SELECT uid, retention([d = '2020-01-01', d = '2020-01-02', d = '2020-01-03']) AS r FROM visits GROUP BY uid)",
        ["+----+----+----+", "| r1 | r2 | r3 |", "+----+----+----+", "| 3  | 2  | 1  |", "+----+----+----+"]
    );
}

#[tokio::test]
async fn nulls_and_empty_groups() {
    // a NULL array row is skipped; NULL elements count as false; no rows: NULL
    check!(
        "SELECT g, retention(c) AS r, arrow_typeof(retention(c)) AS t FROM (VALUES \
         (1, [true, NULL, true]), (1, CAST(NULL AS BOOLEAN[])), (1, [NULL, NULL, NULL]), \
         (2, [NULL, true, true]), (3, CAST(NULL AS BOOLEAN[]))) AS v(g, c) GROUP BY g ORDER BY g",
        [
            "+---+-----------+-------------+",
            "| g | r         | t           |",
            "+---+-----------+-------------+",
            "| 1 | [1, 0, 1] | List(Int32) |",
            "| 2 | [0, 0, 0] | List(Int32) |",
            "| 3 |           | List(Int32) |",
            "+---+-----------+-------------+",
        ]
    );
    check!(
        "SELECT retention([x > 0]) AS none, retention([x > 0, x > 1]) FILTER (WHERE x > 1) AS filtered FROM (VALUES (1), (2)) AS v(x) WHERE x < 100",
        ["+------+----------+", "| none | filtered |", "+------+----------+", "| [1]  | [1, 1]   |", "+------+----------+"]
    );
    check!(
        "SELECT retention([x > 0]) IS NULL AS no_rows FROM (VALUES (1)) AS v(x) WHERE x > 5",
        [
            "+---------+",
            "| no_rows |",
            "+---------+",
            "| true    |",
            "+---------+"
        ]
    );
}

#[tokio::test]
async fn errors_carry_the_core_message() {
    check_err!(
        "SELECT retention(c) FROM (VALUES (1)) AS v(x), (SELECT CAST(make_array() AS BOOLEAN[]) AS c)",
        "retention: invalid conditions: has 0 elements (expected 1 to 32)"
    );
    let many = vec!["true"; 33].join(", ");
    check_err!(
        &format!("SELECT retention([{many}])"),
        "retention: invalid conditions: has 33 elements (expected 1 to 32)"
    );
    check_err!(
        "SELECT retention(c) FROM (VALUES ([true, false]), ([true, false, true])) AS v(c)",
        "retention: invalid conditions: must have the same length on every row of a group (got 2 and 3)"
    );
    let ctx = ctx();
    let e = any_error(&ctx, "SELECT retention([1, 2])").await;
    assert!(
        e.contains("retention: argument conditions must be an array of booleans"),
        "{e}"
    );
    let e = any_error(&ctx, "SELECT retention(1)").await;
    assert!(
        e.contains("retention: argument conditions must be an array of booleans, got Int64"),
        "{e}"
    );
    // separate boolean arguments are the flat form an ARRAY[...] of
    // conditions is planned as (ClickHouse's spelling): the same result
    check!(
        "SELECT retention(true, false, true) AS flat, retention([true, false, true]) AS array",
        [
            "+-----------+-----------+",
            "| flat      | array     |",
            "+-----------+-----------+",
            "| [1, 0, 1] | [1, 0, 1] |",
            "+-----------+-----------+",
        ]
    );
}
