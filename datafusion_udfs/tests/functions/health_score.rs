use crate::{any_error, check, check_err, ctx, query};
use churnkit_core::scalar::health_score as core_health_score;

#[tokio::test]
async fn weighted_mean_renormalises_missing_measures() {
    check!(
        "SELECT health_score([80, NULL, 60], [1, 5, 1]) AS a, health_score([90, 30], [3, 1]) AS b, \
         health_score([NULL, NULL], [1, 1]) AS none_present, health_score([50, NULL], [0, 1]) AS zero_weight, \
         health_score([72.5], [2]) AS single",
        [
            "+------+------+--------------+-------------+--------+",
            "| a    | b    | none_present | zero_weight | single |",
            "+------+------+--------------+-------------+--------+",
            "| 70.0 | 75.0 |              |             | 72.5   |",
            "+------+------+--------------+-------------+--------+",
        ]
    );
}

#[tokio::test]
async fn null_arrays_and_empty_arrays() {
    check!(
        "SELECT health_score(NULL, [1, 2]) AS a, health_score([1, 2], NULL) AS b, \
         health_score(make_array(), make_array()) AS empty",
        [
            "+---+---+-------+",
            "| a | b | empty |",
            "+---+---+-------+",
            "|   |   |       |",
            "+---+---+-------+",
        ]
    );
}

#[tokio::test]
async fn arity_and_types() {
    let ctx = ctx();
    let e = any_error(&ctx, "SELECT health_score([1, 2])").await;
    assert!(e.contains("health_score expects 2 arguments, got 1"), "{e}");
    let e = any_error(&ctx, "SELECT health_score(80, 1)").await;
    assert!(
        e.contains("health_score: argument scores must be an array of numbers, got Int64"),
        "{e}"
    );
    let e = any_error(&ctx, "SELECT health_score(['a'], [1])").await;
    assert!(
        e.contains("health_score: argument scores must be an array of numbers"),
        "{e}"
    );
}

#[tokio::test]
async fn numeric_element_types_are_coerced() {
    check!(
        "SELECT health_score(make_array(arrow_cast(80, 'Float32'), arrow_cast(60, 'Int8')), make_array(arrow_cast(1, 'UInt16'), 1)) AS mixed, \
         health_score([CAST(90 AS DECIMAL(5, 2)), 30], [3, 1]) AS decimals, \
         health_score(arrow_cast([80, 60], 'FixedSizeList(2, Int64)'), [1, 1]) AS fixed_size, \
         health_score(arrow_cast([80, 60], 'LargeList(Int64)'), [1, 3]) AS large",
        [
            "+-------+----------+------------+-------+",
            "| mixed | decimals | fixed_size | large |",
            "+-------+----------+------------+-------+",
            "| 70.0  | 75.0     | 70.0       | 65.0  |",
            "+-------+----------+------------+-------+",
        ]
    );
}

#[tokio::test]
async fn scorecard_from_columns_with_nulls() {
    let ctx = ctx();
    query(
        &ctx,
        "CREATE TABLE card AS SELECT * FROM (VALUES \
         (1, 80.0, NULL, 60.0, [1.0, 5.0, 1.0]), \
         (2, NULL, NULL, NULL, [1.0, 1.0, 1.0]), \
         (3, 90.0, 30.0, NULL, NULL), \
         (4, 100.0, 0.0, 50.0, [2.0, 1.0, 1.0])) AS v(id, engagement, support, nps, w)",
    )
    .await;
    check!(
        &ctx,
        "SELECT id, health_score(make_array(engagement, support, nps), [1, 1, 2]) AS fixed_weights, \
         health_score(make_array(engagement, support, nps), w) AS column_weights \
         FROM card ORDER BY id",
        [
            "+----+---------------+----------------+",
            "| id | fixed_weights | column_weights |",
            "+----+---------------+----------------+",
            "| 1  | 66.666666667  | 70.0           |",
            "| 2  |               |                |",
            "| 3  | 60.0          |                |",
            "| 4  | 50.0          | 62.5           |",
            "+----+---------------+----------------+",
        ]
    );
}

#[tokio::test]
async fn every_error_case() {
    let ctx = ctx();
    let core =
        |s: &[Option<f64>], w: &[Option<f64>]| core_health_score(s, w).unwrap_err().to_string();
    let cases = [
        (
            "SELECT health_score([1], [1, 2])",
            core(&[Some(1.0)], &[Some(1.0), Some(2.0)]),
        ),
        (
            "SELECT health_score([1], [-1])",
            core(&[Some(1.0)], &[Some(-1.0)]),
        ),
        (
            "SELECT health_score([1, 2], [1, CAST('Infinity' AS DOUBLE)])",
            core(&[Some(1.0), Some(2.0)], &[Some(1.0), Some(f64::INFINITY)]),
        ),
        (
            "SELECT health_score([1], [NULL])",
            core(&[Some(1.0)], &[None]),
        ),
        (
            "SELECT health_score([1, NULL], [0, 0])",
            core(&[Some(1.0), None], &[Some(0.0), Some(0.0)]),
        ),
        (
            "SELECT health_score([101], [1])",
            core(&[Some(101.0)], &[Some(1.0)]),
        ),
        (
            "SELECT health_score([50, -1], [1, 1])",
            core(&[Some(50.0), Some(-1.0)], &[Some(1.0), Some(1.0)]),
        ),
        (
            "SELECT health_score([CAST('NaN' AS DOUBLE)], [1])",
            core(&[Some(f64::NAN)], &[Some(1.0)]),
        ),
    ];
    for (sql, expected) in cases {
        assert!(expected.starts_with("health_score: invalid "), "{expected}");
        check_err!(&ctx, sql, expected);
    }
    // an error in one row of a column
    query(
        &ctx,
        "CREATE TABLE s AS SELECT * FROM (VALUES (1, 50.0), (2, 150.0)) AS v(id, x)",
    )
    .await;
    check_err!(
        &ctx,
        "SELECT health_score(make_array(x), [1]) FROM s",
        core(&[Some(150.0)], &[Some(1.0)])
    );
}
