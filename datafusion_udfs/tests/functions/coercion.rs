//! Argument coercion: every timestamp form lands on Timestamp(Microsecond, UTC),
//! every number on Float64 (or Int32 for day counts), every string type on Utf8.

use datafusion::arrow::datatypes::DataType;

use crate::{check, ctx, query};

/// `cohort_period(x, '2024-02-01', 'day')` counts days to 2024-02-01 and
/// `business_hours_between(x, Thursday 2024-02-01 10:00 UTC)` shows the time of day
/// of x: 9 hours from Wednesday midnight, 1 hour from 23:30.
#[tokio::test]
async fn every_timestamp_form() {
    check!(
        "SELECT cohort_period('2024-01-31', '2024-02-01', 'day') AS date_string, \
         business_hours_between('2024-01-31', '2024-02-01T10:00:00Z') AS date_string_hours, \
         business_hours_between('2024-01-31T23:30:00Z', '2024-02-01T10:00:00Z') AS rfc3339, \
         business_hours_between('2024-01-31 23:30:00', '2024-02-01 10:00:00') AS space_no_zone, \
         business_hours_between('2024-02-01T00:30:00+01:00', '2024-02-01T10:00:00Z') AS with_offset, \
         business_hours_between('2024-02-01T09:00:00.000001Z', '2024-02-01T10:00:00Z') AS micros",
        [
            "+-------------+-------------------+---------+---------------+-------------+--------------------+",
            "| date_string | date_string_hours | rfc3339 | space_no_zone | with_offset | micros             |",
            "+-------------+-------------------+---------+---------------+-------------+--------------------+",
            "| 1           | 9.0               | 1.0     | 1.0           | 1.0         | 0.9999999997222222 |",
            "+-------------+-------------------+---------+---------------+-------------+--------------------+",
        ]
    );
    check!(
        "SELECT business_hours_between(TIMESTAMP '2024-01-31 23:30:00', '2024-02-01T10:00:00Z') AS ns_literal, \
         business_hours_between(arrow_cast(TIMESTAMP '2024-01-31 23:30:00', 'Timestamp(Second, None)'), '2024-02-01T10:00:00Z') AS seconds, \
         business_hours_between(arrow_cast(TIMESTAMP '2024-01-31 23:30:00', 'Timestamp(Millisecond, Some(\"+01:00\"))'), '2024-02-01T10:00:00Z') AS millis_offset_zone, \
         business_hours_between(arrow_cast(TIMESTAMP '2024-01-31 23:30:00', 'Timestamp(Microsecond, Some(\"UTC\"))'), '2024-02-01T10:00:00Z') AS micros_utc, \
         business_hours_between(DATE '2024-01-31', '2024-02-01T10:00:00Z') AS date32, \
         business_hours_between(arrow_cast(DATE '2024-01-31', 'Date64'), '2024-02-01T10:00:00Z') AS date64, \
         business_hours_between(arrow_cast('2024-01-31T23:30:00Z', 'Utf8View'), arrow_cast('2024-02-01T10:00:00Z', 'LargeUtf8')) AS string_types",
        [
            "+------------+---------+--------------------+------------+--------+--------+--------------+",
            "| ns_literal | seconds | millis_offset_zone | micros_utc | date32 | date64 | string_types |",
            "+------------+---------+--------------------+------------+--------+--------+--------------+",
            "| 1.0        | 1.0     | 1.0                | 1.0        | 9.0    | 9.0    | 1.0          |",
            "+------------+---------+--------------------+------------+--------+--------+--------------+",
        ]
    );
}

#[tokio::test]
async fn literal_types_this_coercion_relies_on() {
    // TIMESTAMP '...' is a nanosecond timestamp without a zone, DATE '...' a Date32
    check!(
        "SELECT arrow_typeof(TIMESTAMP '2024-01-31 23:30:00') AS ts, arrow_typeof(DATE '2024-01-31') AS d, arrow_typeof(600) AS i",
        [
            "+---------------+--------+-------+",
            "| ts            | d      | i     |",
            "+---------------+--------+-------+",
            "| Timestamp(ns) | Date32 | Int64 |",
            "+---------------+--------+-------+",
        ]
    );
}

#[tokio::test]
async fn timestamp_columns_of_every_unit() {
    let ctx = ctx();
    query(
        &ctx,
        "CREATE TABLE ts AS SELECT \
         CAST(x AS TIMESTAMP) AS ns, \
         arrow_cast(CAST(x AS TIMESTAMP), 'Timestamp(Second, None)') AS s, \
         arrow_cast(CAST(x AS TIMESTAMP), 'Timestamp(Millisecond, Some(\"America/New_York\"))') AS ms_ny, \
         arrow_cast(CAST(x AS TIMESTAMP), 'Timestamp(Microsecond, Some(\"UTC\"))') AS us_utc, \
         CAST(CAST(x AS TIMESTAMP) AS DATE) AS d, x AS str \
         FROM (VALUES ('2024-01-31T23:30:00Z'), (NULL)) AS v(x)",
    )
    .await;
    check!(
        &ctx,
        "SELECT business_hours_between(ns, '2024-02-01T10:00:00Z') AS ns, business_hours_between(s, '2024-02-01T10:00:00Z') AS s, \
         business_hours_between(ms_ny, '2024-02-01T10:00:00Z') AS ms_ny, business_hours_between(us_utc, '2024-02-01T10:00:00Z') AS us, \
         business_hours_between(d, '2024-02-01T10:00:00Z') AS d, business_hours_between(str, '2024-02-01T10:00:00Z') AS str \
         FROM ts ORDER BY ns NULLS LAST",
        [
            "+-----+-----+-------+-----+-----+-----+",
            "| ns  | s   | ms_ny | us  | d   | str |",
            "+-----+-----+-------+-----+-----+-----+",
            "| 1.0 | 1.0 | 1.0   | 1.0 | 9.0 | 1.0 |",
            "|     |     |       |     |     |     |",
            "+-----+-----+-------+-----+-----+-----+",
        ]
    );
}

#[tokio::test]
async fn numbers_of_every_type() {
    check!(
        "SELECT engagement_score(arrow_cast(600, 'Int16'), arrow_cast(15, 'UInt8'), arrow_cast(30, 'Float32'), arrow_cast(30, 'UInt64')) AS ints, \
         engagement_score(CAST(600 AS DECIMAL(10, 2)), 15.0, 30, 30) AS decimal, \
         health_tier(arrow_cast(70, 'Int8'), arrow_cast(70, 'UInt32'), CAST(40 AS DECIMAL(4, 1))) AS tier, \
         churn_risk_stage('2024-06-01', '2024-05-10', NULL, '2024-05-31', NULL, arrow_cast(0, 'Int32'), arrow_cast(20, 'Int8'), arrow_cast(60, 'UInt16'), 14) AS stage, \
         mrr_movement(arrow_cast(100, 'UInt32'), arrow_cast(150.5, 'Float32'), true) AS movement",
        [
            "+------+---------+------+--------+-----------+",
            "| ints | decimal | tier | stage  | movement  |",
            "+------+---------+------+--------+-----------+",
            "| 90.0 | 90.0    | good | active | expansion |",
            "+------+---------+------+--------+-----------+",
        ]
    );
}

#[tokio::test]
async fn strings_of_every_type() {
    check!(
        "SELECT cohort_period('2024-01-31', '2024-02-01', arrow_cast('month', 'Utf8View')) AS view, \
         cohort_period('2024-01-31', '2024-02-01', arrow_cast('month', 'LargeUtf8')) AS large, \
         cohort_period('2024-01-31', '2024-02-01', arrow_cast('month', 'Dictionary(Int32, Utf8)'), arrow_cast('Europe/Berlin', 'Dictionary(Int8, Utf8)')) AS dict",
        ["+------+-------+------+", "| view | large | dict |", "+------+-------+------+", "| 1    | 1     | 1    |", "+------+-------+------+"]
    );
}

#[tokio::test]
async fn return_types() {
    let ctx = ctx();
    let batches = query(
        &ctx,
        "SELECT engagement_score(1, 1, 1, 1) AS e, health_score([1], [1]) AS h, health_tier(1) AS t, \
         churn_risk_stage('2024-01-01', '2024-01-01', NULL, NULL, NULL) AS r, cohort_period('2024-01-01', '2024-01-01', 'day') AS c, \
         mrr_movement(1, 2, false) AS m, business_hours_between('2024-01-01', '2024-01-02') AS b",
    )
    .await;
    let schema = batches[0].schema();
    let types: Vec<&DataType> = schema.fields().iter().map(|f| f.data_type()).collect();
    assert_eq!(
        types,
        [
            &DataType::Float64,
            &DataType::Float64,
            &DataType::Utf8,
            &DataType::Utf8,
            &DataType::Int32,
            &DataType::Utf8,
            &DataType::Float64
        ]
    );
}
