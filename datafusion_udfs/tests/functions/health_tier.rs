use crate::{any_error, check, check_err, ctx, query};
use churnkit_core::scalar::health_tier::DEFAULT_POOR_BELOW;
use churnkit_core::scalar::{health_tier as core_tier, TierThresholds};

#[tokio::test]
async fn tiers_and_boundaries_with_defaults() {
    check!(
        "SELECT health_tier(70) AS at_good, health_tier(69.999) AS below_good, health_tier(40) AS at_poor, \
         health_tier(39.999) AS below_poor, health_tier(CAST('Infinity' AS DOUBLE)) AS inf, health_tier(-5) AS negative",
        [
            "+---------+------------+---------+------------+------+----------+",
            "| at_good | below_good | at_poor | below_poor | inf  | negative |",
            "+---------+------------+---------+------------+------+----------+",
            "| good    | average    | average | poor       | good | poor     |",
            "+---------+------------+---------+------------+------+----------+",
        ]
    );
}

#[tokio::test]
async fn two_and_three_argument_forms() {
    check!(
        "SELECT health_tier(55, 50) AS good_at_50, health_tier(45, 50) AS avg_default_poor, \
         health_tier(50, 50, 50) AS equal_good, health_tier(49, 50, 50) AS equal_poor, health_tier(35, 80, 30) AS avg",
        [
            "+------------+------------------+------------+------------+---------+",
            "| good_at_50 | avg_default_poor | equal_good | equal_poor | avg     |",
            "+------------+------------------+------------+------------+---------+",
            "| good       | average          | good       | poor       | average |",
            "+------------+------------------+------------+------------+---------+",
        ]
    );
    let ctx = ctx();
    let e = any_error(&ctx, "SELECT health_tier()").await;
    assert!(
        e.contains("health_tier expects 1 to 3 arguments, got 0"),
        "{e}"
    );
    let e = any_error(&ctx, "SELECT health_tier(1, 2, 3, 4)").await;
    assert!(
        e.contains("health_tier expects 1 to 3 arguments, got 4"),
        "{e}"
    );
}

#[tokio::test]
async fn nulls_and_columns() {
    let ctx = ctx();
    query(
        &ctx,
        "CREATE TABLE h AS SELECT * FROM (VALUES (1, 72.0, 70), (2, NULL, 70), (3, 55.0, 50), (4, 20.0, NULL), (5, 39.0, 90)) AS v(id, score, good_at)",
    )
    .await;
    check!(
        &ctx,
        "SELECT id, health_tier(score) AS t, health_tier(score, good_at) AS custom, health_tier(score, good_at, 10) AS low_poor, \
         health_tier(NULL, 40, 70) AS null_score_invalid_thresholds FROM h ORDER BY id",
        [
            "+----+---------+--------+----------+-------------------------------+",
            "| id | t       | custom | low_poor | null_score_invalid_thresholds |",
            "+----+---------+--------+----------+-------------------------------+",
            "| 1  | good    | good   | good     |                               |",
            "| 2  |         |        |          |                               |",
            "| 3  | average | good   | good     |                               |",
            "| 4  | poor    |        |          |                               |",
            "| 5  | poor    | poor   | average  |                               |",
            "+----+---------+--------+----------+-------------------------------+",
        ]
    );
}

#[tokio::test]
async fn every_error_case() {
    let ctx = ctx();
    let thresholds = |g: f64, p: f64| TierThresholds::new(g, p).unwrap_err().to_string();
    let cases = [
        ("SELECT health_tier(50, 40, 70)", thresholds(40.0, 70.0)),
        (
            "SELECT health_tier(50, 30)",
            thresholds(30.0, DEFAULT_POOR_BELOW),
        ),
        (
            "SELECT health_tier(50, CAST('NaN' AS DOUBLE))",
            thresholds(f64::NAN, DEFAULT_POOR_BELOW),
        ),
        (
            "SELECT health_tier(50, 70, CAST('-Infinity' AS DOUBLE))",
            thresholds(70.0, f64::NEG_INFINITY),
        ),
        (
            "SELECT health_tier(CAST('NaN' AS DOUBLE))",
            core_tier(f64::NAN, &TierThresholds::default())
                .unwrap_err()
                .to_string(),
        ),
    ];
    for (sql, expected) in cases {
        assert!(expected.starts_with("health_tier: invalid "), "{expected}");
        check_err!(&ctx, sql, expected);
    }
    query(
        &ctx,
        "CREATE TABLE g AS SELECT * FROM (VALUES (1, 80.0), (2, 30.0)) AS v(id, good_at)",
    )
    .await;
    check_err!(
        &ctx,
        "SELECT health_tier(50, good_at) FROM g",
        thresholds(30.0, DEFAULT_POOR_BELOW)
    );
}
