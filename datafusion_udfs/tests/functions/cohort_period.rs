use crate::{any_error, check, check_err, ctx, query};
use churnkit_core::time::{Granularity, Zone};

#[tokio::test]
async fn calendar_periods() {
    check!(
        "SELECT cohort_period('2024-01-31', '2024-02-01', 'month') AS month, \
         cohort_period('2024-01-31', '2024-02-01', 'day') AS day, \
         cohort_period('2024-01-31', '2024-02-01', 'quarter') AS quarter, \
         cohort_period('2024-01-31', '2024-04-01', 'quarter') AS next_quarter, \
         cohort_period('2023-12-31', '2024-01-01', 'year') AS year, \
         cohort_period('2024-02-01', '2024-01-31', 'month') AS before, \
         cohort_period('2024-01-07', '2024-01-08', 'week') AS sunday_monday, \
         cohort_period('2024-01-01', '2024-01-07', 'week') AS same_week, \
         cohort_period('1969-12-31', '1970-01-01', ' Month ') AS case_and_blanks",
        [
            "+-------+-----+---------+--------------+------+--------+---------------+-----------+-----------------+",
            "| month | day | quarter | next_quarter | year | before | sunday_monday | same_week | case_and_blanks |",
            "+-------+-----+---------+--------------+------+--------+---------------+-----------+-----------------+",
            "| 1     | 1   | 0       | 1            | 1    | -1     | 1             | 0         | 1               |",
            "+-------+-----+---------+--------------+------+--------+---------------+-----------+-----------------+",
        ]
    );
}

#[tokio::test]
async fn time_zone_moves_the_boundary() {
    check!(
        "SELECT cohort_period('2024-01-15', '2024-01-31T23:30:00Z', 'month') AS utc, \
         cohort_period('2024-01-15', '2024-01-31T23:30:00Z', 'month', 'Europe/Berlin') AS berlin, \
         cohort_period('2024-01-15', '2024-01-31T23:30:00Z', 'month', 'utc') AS utc_named, \
         cohort_period('2024-01-15', '2024-02-01T03:00:00Z', 'month', 'America/New_York') AS new_york",
        [
            "+-----+--------+-----------+----------+",
            "| utc | berlin | utc_named | new_york |",
            "+-----+--------+-----------+----------+",
            "| 0   | 1      | 0         | 0        |",
            "+-----+--------+-----------+----------+",
        ]
    );
}

#[tokio::test]
async fn columns_nulls_and_cached_parameters() {
    let ctx = ctx();
    query(
        &ctx,
        "CREATE TABLE ev AS SELECT id, CAST(cohort AS TIMESTAMP) AS cohort, CAST(ts AS TIMESTAMP) AS ts, g, tz FROM (VALUES \
         (1, '2024-01-15', '2024-03-02', 'month', 'UTC'), \
         (2, '2024-01-15', '2024-03-02', 'month', 'UTC'), \
         (3, '2024-01-15', '2024-03-02', 'week', 'Europe/Berlin'), \
         (4, NULL,         '2024-03-02', 'day', 'UTC'), \
         (5, '2024-01-15', NULL,         'day', 'UTC'), \
         (6, '2024-01-15', '2024-03-02', NULL, 'UTC'), \
         (7, '2024-01-15', '2024-03-02', 'quarter', NULL), \
         (8, '2024-01-15', '2023-12-31T23:30:00Z', 'YEAR', 'Asia/Tokyo')) AS v(id, cohort, ts, g, tz)",
    )
    .await;
    check!(
        &ctx,
        "SELECT id, cohort_period(cohort, ts, g) AS p, cohort_period(cohort, ts, g, tz) AS p_tz, \
         cohort_period(cohort, ts, 'month') AS months, cohort_period('2024-01-01', ts, g, 'UTC') AS from_jan \
         FROM ev ORDER BY id",
        [
            "+----+----+------+--------+----------+",
            "| id | p  | p_tz | months | from_jan |",
            "+----+----+------+--------+----------+",
            "| 1  | 2  | 2    | 2      | 2        |",
            "| 2  | 2  | 2    | 2      | 2        |",
            "| 3  | 6  | 6    | 2      | 8        |",
            "| 4  |    |      |        | 61       |",
            "| 5  |    |      |        |          |",
            "| 6  |    |      | 2      |          |",
            "| 7  | 0  |      | 2      | 0        |",
            "| 8  | -1 | 0    | -1     | -1       |",
            "+----+----+------+--------+----------+",
        ]
    );
}

#[tokio::test]
async fn arity_and_types() {
    let ctx = ctx();
    let e = any_error(&ctx, "SELECT cohort_period('2024-01-01', '2024-02-01')").await;
    assert!(
        e.contains("cohort_period expects 3 or 4 arguments, got 2"),
        "{e}"
    );
    let e = any_error(&ctx, "SELECT cohort_period('2024-01-01', '2024-02-01', 1)").await;
    assert!(
        e.contains("cohort_period: argument granularity must be a string, got Int64"),
        "{e}"
    );
    check!(
        "SELECT cohort_period(NULL, '2024-02-01', 'month') AS a, cohort_period('2024-01-01', '2024-02-01', NULL) AS b, \
         cohort_period('2024-01-01', '2024-02-01', 'month', NULL) AS c, cohort_period('2024-01-01', NULL, 'fortnight') AS d",
        ["+---+---+---+---+", "| a | b | c | d |", "+---+---+---+---+", "|   |   |   |   |", "+---+---+---+---+"]
    );
}

#[tokio::test]
async fn every_error_case() {
    let ctx = ctx();
    let granularity = |s: &str| {
        Granularity::parse("cohort_period", "granularity", s)
            .unwrap_err()
            .to_string()
    };
    let zone = |s: &str| {
        Zone::parse("cohort_period", "time_zone", s)
            .unwrap_err()
            .to_string()
    };
    check_err!(
        &ctx,
        "SELECT cohort_period('2024-01-01', '2024-02-01', 'fortnight')",
        granularity("fortnight")
    );
    check_err!(
        &ctx,
        "SELECT cohort_period('2024-01-01', '2024-02-01', 'month', 'Mars/Base')",
        zone("Mars/Base")
    );
    // both invalid: the first argument is reported
    check_err!(
        &ctx,
        "SELECT cohort_period('2024-01-01', '2024-02-01', 'fortnight', 'Mars/Base')",
        granularity("fortnight")
    );
    query(
        &ctx,
        "CREATE TABLE gs AS SELECT * FROM (VALUES (1, 'month'), (2, 'decade')) AS v(id, g)",
    )
    .await;
    check_err!(
        &ctx,
        "SELECT cohort_period('2024-01-01', '2024-02-01', g) FROM gs",
        granularity("decade")
    );
    assert!(granularity("x").starts_with("cohort_period: invalid granularity: "));
    assert!(zone("x").starts_with("cohort_period: invalid time_zone: "));
}
