use crate::{any_error, check, check_err, ctx, query};
use churnkit_core::scalar::business_hours_between::{DEFAULT_DAY_END, DEFAULT_DAY_START};
use churnkit_core::scalar::{business_hours_between as core_hours, WorkingHours};

#[tokio::test]
async fn within_and_across_days_with_defaults() {
    // 2024-01-08 is a Monday
    check!(
        "SELECT business_hours_between('2024-01-08T10:00:00Z', '2024-01-08T12:30:00Z') AS a, \
         business_hours_between('2024-01-08T07:00:00Z', '2024-01-08T20:00:00Z') AS whole_day, \
         business_hours_between('2024-01-08T16:00:00Z', '2024-01-09T10:00:00Z') AS overnight, \
         business_hours_between('2024-01-12T16:00:00Z', '2024-01-15T10:00:00Z') AS weekend_between, \
         business_hours_between('2024-01-13T09:00:00Z', '2024-01-14T17:00:00Z') AS weekend, \
         business_hours_between('2024-01-08', '2024-01-22') AS two_weeks, \
         business_hours_between('2024-01-08T10:00:00Z', '2024-01-08T10:00:00Z') AS zero",
        [
            "+-----+-----------+-----------+-----------------+---------+-----------+------+",
            "| a   | whole_day | overnight | weekend_between | weekend | two_weeks | zero |",
            "+-----+-----------+-----------+-----------------+---------+-----------+------+",
            "| 2.5 | 8.0       | 2.0       | 2.0             | 0.0     | 80.0      | 0.0  |",
            "+-----+-----------+-----------+-----------------+---------+-----------+------+",
        ]
    );
}

#[tokio::test]
async fn zones_and_custom_hours_for_every_arity() {
    check!(
        "SELECT business_hours_between('2024-01-08T13:00:00Z', '2024-01-08T23:00:00Z', 'America/New_York') AS a3, \
         business_hours_between('2024-01-08', '2024-01-09', 'UTC', '08:00') AS a4, \
         business_hours_between('2024-01-08', '2024-01-09', 'UTC', '08:30', '12:00') AS a5, \
         business_hours_between('2024-01-08', '2024-01-15', 'utc', '00:00', '24:00') AS full_days, \
         business_hours_between('2024-01-08', '2024-01-09', 'Europe/Berlin', '09:00:30', '09:30') AS seconds",
        [
            "+-----+-----+-----+-----------+---------------------+",
            "| a3  | a4  | a5  | full_days | seconds             |",
            "+-----+-----+-----+-----------+---------------------+",
            "| 8.0 | 9.0 | 3.5 | 120.0     | 0.49166666666666664 |",
            "+-----+-----+-----+-----------+---------------------+",
        ]
    );
    let ctx = ctx();
    let e = any_error(&ctx, "SELECT business_hours_between('2024-01-08')").await;
    assert!(
        e.contains("business_hours_between expects 2 to 5 arguments, got 1"),
        "{e}"
    );
    let e = any_error(
        &ctx,
        "SELECT business_hours_between('2024-01-08', '2024-01-09', 'UTC', '09:00', '17:00', 'x')",
    )
    .await;
    assert!(
        e.contains("business_hours_between expects 2 to 5 arguments, got 6"),
        "{e}"
    );
    let e = any_error(
        &ctx,
        "SELECT business_hours_between('2024-01-08', '2024-01-09', 0)",
    )
    .await;
    assert!(
        e.contains("business_hours_between: argument time_zone must be a string, got Int64"),
        "{e}"
    );
}

#[tokio::test]
async fn tickets_table_with_nulls_and_zone_column() {
    let ctx = ctx();
    query(
        &ctx,
        "CREATE TABLE tickets AS SELECT id, CAST(opened AS TIMESTAMP) AS opened_at, \
         CAST(replied AS TIMESTAMP) AS first_response_at, tz FROM (VALUES \
         (1, '2024-01-08T10:00:00Z', '2024-01-08T12:30:00Z', 'UTC'), \
         (2, '2024-01-12T16:00:00Z', NULL,                   'UTC'), \
         (3, '2024-01-08T13:00:00Z', '2024-01-08T23:00:00Z', 'America/New_York'), \
         (4, '2024-01-08T13:00:00Z', '2024-01-08T23:00:00Z', 'America/New_York'), \
         (5, NULL,                   '2024-01-08T23:00:00Z', 'UTC'), \
         (6, '2024-01-08T13:00:00Z', '2024-01-08T23:00:00Z', NULL)) AS v(id, opened, replied, tz)",
    )
    .await;
    check!(
        &ctx,
        "SELECT id, business_hours_between(opened_at, first_response_at) AS utc_hours, \
         business_hours_between(opened_at, first_response_at, tz) AS local_hours, \
         business_hours_between(opened_at, first_response_at, tz, '10:00', '16:00') AS short_days, \
         business_hours_between(opened_at, first_response_at) <= 2 AS within_sla \
         FROM tickets ORDER BY id",
        [
            "+----+-----------+-------------+------------+------------+",
            "| id | utc_hours | local_hours | short_days | within_sla |",
            "+----+-----------+-------------+------------+------------+",
            "| 1  | 2.5       | 2.5         | 2.5        | false      |",
            "| 2  |           |             |            |            |",
            "| 3  | 4.0       | 8.0         | 6.0        | false      |",
            "| 4  | 4.0       | 8.0         | 6.0        | false      |",
            "| 5  |           |             |            |            |",
            "| 6  | 4.0       |             |            | false      |",
            "+----+-----------+-------------+------------+------------+",
        ]
    );
}

#[tokio::test]
async fn null_arguments_give_null() {
    check!(
        "SELECT business_hours_between(NULL, '2024-01-09') AS a, business_hours_between('2024-01-08', NULL) AS b, \
         business_hours_between('2024-01-08', '2024-01-09', NULL) AS c, \
         business_hours_between('2024-01-08', '2024-01-09', 'UTC', NULL) AS d, \
         business_hours_between('2024-01-08', '2024-01-09', 'Nowhere/City', '09:00', NULL) AS e",
        ["+---+---+---+---+---+", "| a | b | c | d | e |", "+---+---+---+---+---+", "|   |   |   |   |   |", "+---+---+---+---+---+"]
    );
}

#[tokio::test]
async fn every_error_case() {
    let ctx = ctx();
    let hours = |tz: &str, s: &str, e: &str| WorkingHours::parse(tz, s, e).unwrap_err().to_string();
    let cases = [
        (
            "SELECT business_hours_between('2024-01-09', '2024-01-08')",
            core_hours(1, 0, &WorkingHours::default())
                .unwrap_err()
                .to_string(),
        ),
        (
            "SELECT business_hours_between('2024-01-08', '2024-01-09', 'UTC', '17:00', '09:00')",
            hours("UTC", "17:00", "09:00"),
        ),
        (
            "SELECT business_hours_between('2024-01-08', '2024-01-09', 'UTC', '9am')",
            hours("UTC", "9am", DEFAULT_DAY_END),
        ),
        (
            "SELECT business_hours_between('2024-01-08', '2024-01-09', 'UTC', '09:00', '24:01')",
            hours("UTC", "09:00", "24:01"),
        ),
        (
            "SELECT business_hours_between('2024-01-08', '2024-01-09', 'UTC', '09:60', '10:00')",
            hours("UTC", "09:60", "10:00"),
        ),
        (
            "SELECT business_hours_between('2024-01-08', '2024-01-09', 'Nowhere/City')",
            hours("Nowhere/City", DEFAULT_DAY_START, DEFAULT_DAY_END),
        ),
    ];
    for (sql, expected) in cases {
        assert!(
            expected.starts_with("business_hours_between: invalid "),
            "{expected}"
        );
        check_err!(&ctx, sql, expected);
    }
    query(
        &ctx,
        "CREATE TABLE z AS SELECT * FROM (VALUES (1, 'UTC'), (2, 'Atlantis/Capital')) AS v(id, tz)",
    )
    .await;
    check_err!(
        &ctx,
        "SELECT business_hours_between('2024-01-08', '2024-01-09', tz) FROM z",
        hours("Atlantis/Capital", DEFAULT_DAY_START, DEFAULT_DAY_END)
    );
}
