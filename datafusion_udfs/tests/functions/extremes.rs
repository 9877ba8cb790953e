//! NaN, infinities and the extreme timestamps (i64::MIN/MAX µs) give a value or
//! an execution error naming the function, never a panic.

use std::sync::Arc;

use datafusion::arrow::array::{
    Array, ArrayRef, Float64Array, Int32Array, StringArray, TimestampMicrosecondArray,
};
use datafusion::arrow::datatypes::{DataType, Field};
use datafusion::common::config::ConfigOptions;
use datafusion::common::{DataFusionError, ScalarValue};
use datafusion::logical_expr::{ColumnarValue, ReturnFieldArgs, ScalarFunctionArgs, ScalarUDF};
use datafusion_churnkit::all_scalar_udfs;

use crate::{check, check_err, ctx, exec_error};

const TIMESTAMPS: [i64; 8] = [
    i64::MIN,
    i64::MIN + 1,
    -62_135_596_800_000_000,
    -1,
    0,
    1_717_200_000_000_000,
    i64::MAX - 1,
    i64::MAX,
];
const FLOATS: [f64; 9] = [
    f64::NAN,
    f64::INFINITY,
    f64::NEG_INFINITY,
    f64::MAX,
    f64::MIN,
    f64::MIN_POSITIVE,
    -0.0,
    0.0,
    50.0,
];
const DAYS: [i32; 4] = [i32::MIN, -1, 0, i32::MAX];

fn udf(name: &str) -> ScalarUDF {
    all_scalar_udfs()
        .into_iter()
        .find(|u| u.name() == name)
        .expect("registered")
}

fn ts(v: i64) -> ColumnarValue {
    ColumnarValue::Scalar(ScalarValue::TimestampMicrosecond(
        Some(v),
        Some(Arc::from("UTC")),
    ))
}
fn f(v: f64) -> ColumnarValue {
    ColumnarValue::Scalar(ScalarValue::Float64(Some(v)))
}
fn s(v: &str) -> ColumnarValue {
    ColumnarValue::Scalar(ScalarValue::Utf8(Some(v.to_string())))
}
fn i(v: i32) -> ColumnarValue {
    ColumnarValue::Scalar(ScalarValue::Int32(Some(v)))
}
fn list(v: &[Option<f64>]) -> ColumnarValue {
    ColumnarValue::Scalar(ScalarValue::List(Arc::new(
        datafusion::arrow::array::ListArray::from_iter_primitive::<
            datafusion::arrow::datatypes::Float64Type,
            _,
            _,
        >([Some(v.to_vec())]),
    )))
}

/// Invoke a UDF directly (already-coerced argument types), as DataFusion's executor does.
fn invoke(
    u: &ScalarUDF,
    args: Vec<ColumnarValue>,
    rows: usize,
) -> datafusion::common::Result<ColumnarValue> {
    let arg_fields: Vec<_> = args
        .iter()
        .enumerate()
        .map(|(n, a)| Arc::new(Field::new(format!("a{n}"), a.data_type(), true)))
        .collect();
    let scalars: Vec<Option<&ScalarValue>> = vec![None; args.len()];
    let return_field = u.return_field_from_args(ReturnFieldArgs {
        arg_fields: &arg_fields,
        scalar_arguments: &scalars,
    })?;
    u.invoke_with_args(ScalarFunctionArgs {
        args,
        arg_fields,
        number_rows: rows,
        return_field,
        config_options: Arc::new(ConfigOptions::default()),
    })
}

/// A value, or an execution error whose text names the function.
fn value_or_named_error(u: &ScalarUDF, args: Vec<ColumnarValue>, rows: usize) {
    let shown = format!("{args:?}");
    match invoke(u, args, rows) {
        Ok(ColumnarValue::Scalar(_)) => assert_eq!(rows, 1),
        Ok(ColumnarValue::Array(a)) => assert_eq!(a.len(), rows),
        Err(DataFusionError::Execution(msg)) => {
            assert!(
                msg.starts_with(&format!("{}: invalid ", u.name())),
                "{msg} for {shown}"
            )
        }
        Err(e) => panic!("unexpected error {e} for {}({shown})", u.name()),
    }
}

#[test]
fn scalar_extremes_never_panic() {
    let cohort = udf("cohort_period");
    let bh = udf("business_hours_between");
    let risk = udf("churn_risk_stage");
    for &a in &TIMESTAMPS {
        for &b in &TIMESTAMPS {
            for g in ["day", "week", "month", "quarter", "year"] {
                value_or_named_error(&cohort, vec![ts(a), ts(b), s(g)], 1);
                for zone in ["UTC", "Europe/Berlin", "Pacific/Kiritimati"] {
                    value_or_named_error(&cohort, vec![ts(a), ts(b), s(g), s(zone)], 1);
                }
            }
            value_or_named_error(&bh, vec![ts(a), ts(b)], 1);
            for zone in ["UTC", "America/New_York"] {
                value_or_named_error(&bh, vec![ts(a), ts(b), s(zone), s("00:00"), s("24:00")], 1);
            }
            for &d in &DAYS {
                for &t in &FLOATS {
                    value_or_named_error(
                        &risk,
                        vec![ts(a), ts(b), ts(a), ts(b), ts(b), f(t), i(d), i(d), i(d)],
                        1,
                    );
                }
            }
        }
    }
    let engagement = udf("engagement_score");
    let tier = udf("health_tier");
    let mrr = udf("mrr_movement");
    let health = udf("health_score");
    for &x in &FLOATS {
        for &y in &FLOATS {
            value_or_named_error(&engagement, vec![f(x), f(y), f(x), f(y)], 1);
            value_or_named_error(
                &engagement,
                vec![
                    f(1.0),
                    f(1.0),
                    f(1.0),
                    f(30.0),
                    f(x),
                    f(y),
                    f(1.0),
                    f(y),
                    f(0.5),
                    f(x),
                ],
                1,
            );
            value_or_named_error(&tier, vec![f(x), f(y), f(x)], 1);
            value_or_named_error(&tier, vec![f(x)], 1);
            value_or_named_error(
                &mrr,
                vec![
                    f(x),
                    f(y),
                    ColumnarValue::Scalar(ScalarValue::Boolean(Some(true))),
                ],
                1,
            );
            value_or_named_error(
                &health,
                vec![list(&[Some(x), None]), list(&[Some(y), Some(1.0)])],
                1,
            );
        }
    }
}

#[test]
fn column_extremes_never_panic() {
    let n = TIMESTAMPS.len();
    let a: ArrayRef =
        Arc::new(TimestampMicrosecondArray::from(TIMESTAMPS.to_vec()).with_timezone("UTC"));
    let mut rev = TIMESTAMPS.to_vec();
    rev.reverse();
    let b: ArrayRef = Arc::new(TimestampMicrosecondArray::from(rev).with_timezone("UTC"));
    let sorted_end: ArrayRef =
        Arc::new(TimestampMicrosecondArray::from(vec![i64::MAX; n]).with_timezone("UTC"));
    let zones: ArrayRef = Arc::new(StringArray::from(vec![
        Some("UTC"),
        None,
        Some("Europe/Berlin"),
        Some("Asia/Tokyo"),
        Some("UTC"),
        Some("UTC"),
        Some("Europe/Berlin"),
        Some("UTC"),
    ]));
    let floats: ArrayRef = Arc::new(Float64Array::from(FLOATS[..n].to_vec()));
    let days: ArrayRef = Arc::new(Int32Array::from(vec![
        Some(i32::MAX),
        None,
        Some(0),
        Some(1),
        Some(i32::MAX),
        Some(30),
        Some(60),
        Some(14),
    ]));
    let col = |a: &ArrayRef| ColumnarValue::Array(Arc::clone(a));
    value_or_named_error(&udf("cohort_period"), vec![col(&a), col(&b), s("day")], n);
    value_or_named_error(
        &udf("cohort_period"),
        vec![col(&a), col(&b), s("month"), col(&zones)],
        n,
    );
    value_or_named_error(
        &udf("business_hours_between"),
        vec![col(&a), col(&sorted_end)],
        n,
    );
    value_or_named_error(
        &udf("business_hours_between"),
        vec![col(&a), col(&sorted_end), col(&zones)],
        n,
    );
    value_or_named_error(
        &udf("churn_risk_stage"),
        vec![
            col(&a),
            col(&b),
            col(&b),
            col(&a),
            col(&b),
            col(&floats),
            col(&days),
            col(&days),
            col(&days),
        ],
        n,
    );
    value_or_named_error(
        &udf("engagement_score"),
        vec![col(&floats), col(&floats), col(&floats), col(&floats)],
        n,
    );
    value_or_named_error(
        &udf("health_tier"),
        vec![col(&floats), f(70.0), col(&floats)],
        n,
    );
    value_or_named_error(
        &udf("mrr_movement"),
        vec![
            col(&floats),
            col(&floats),
            ColumnarValue::Scalar(ScalarValue::Boolean(None)),
        ],
        n,
    );
    // types DataFusion would have coerced away are reported, not panicked on
    match invoke(
        &udf("engagement_score"),
        vec![s("x"), f(1.0), f(1.0), f(1.0)],
        1,
    ) {
        Err(DataFusionError::Internal(msg)) => {
            assert!(msg.contains("unexpected type Utf8"), "{msg}")
        }
        other => panic!("{other:?}"),
    }
    let short: ArrayRef = Arc::new(Float64Array::from(vec![1.0]));
    assert!(invoke(&udf("health_tier"), vec![col(&short)], 3).is_err());
    assert_eq!(DataType::Float64, *floats.data_type());
}

#[tokio::test]
async fn extreme_timestamps_through_sql() {
    // churnkit's range of time is 4714-11-24 BC .. 294246-12-31
    // (in Berlin its last instant is already 294247: years = 298959 + 1)
    // (core::time::MIN_TIMESTAMP / MAX_TIMESTAMP); its ends give values ...
    let ctx = ctx();
    let ts = |v: i64| format!("arrow_cast({v}, 'Timestamp(Microsecond, Some(\"UTC\"))')");
    let (lo, hi) = (
        ts(churnkit_core::time::MIN_TIMESTAMP),
        ts(churnkit_core::time::MAX_TIMESTAMP),
    );
    check!(
        &ctx,
        &format!(
            "SELECT cohort_period({lo}, {hi}, 'day') AS days, cohort_period({lo}, {hi}, 'year', 'Europe/Berlin') AS years, \
             business_hours_between({lo}, {hi}, 'Europe/Berlin') > 0 AS hours_positive, \
             churn_risk_stage({hi}, {hi}, {lo}, {lo}, NULL, CAST('-Infinity' AS DOUBLE), 2147483647, 2147483647, 2147483647) AS lapsed, \
             churn_risk_stage({hi}, {hi}, NULL, {lo}, NULL, NULL, 2147483647, 2147483647, 2147483647) AS onboarding"
        ),
        [
            "+-----------+--------+----------------+--------+------------+",
            "| days      | years  | hours_positive | lapsed | onboarding |",
            "+-----------+--------+----------------+--------+------------+",
            "| 109192569 | 298960 | true           | lapsed | onboarding |",
            "+-----------+--------+----------------+--------+------------+",
        ]
    );
    // ... and anything beyond them is the error of core, the same with or
    // without a time zone (Postgres: SQLSTATE 22008)
    let (min, max) = (ts(i64::MIN), ts(i64::MAX));
    let after = ts(churnkit_core::time::MAX_TIMESTAMP + 1);
    let zero = ts(0);
    for (sql, a, b, argument) in [
        (
            format!("cohort_period({min}, {zero}, 'day')"),
            i64::MIN,
            0,
            "cohort_start",
        ),
        (
            format!("cohort_period({min}, {zero}, 'day', 'Europe/Berlin')"),
            i64::MIN,
            0,
            "cohort_start",
        ),
        (
            format!("cohort_period({zero}, {after}, 'year')"),
            0,
            churnkit_core::time::MAX_TIMESTAMP + 1,
            "ts",
        ),
        (
            format!("business_hours_between({zero}, {max})"),
            0,
            i64::MAX,
            "end",
        ),
        (
            format!("business_hours_between({zero}, {max}, 'Europe/Berlin')"),
            0,
            i64::MAX,
            "end",
        ),
    ] {
        let e = exec_error(&ctx, &format!("SELECT {sql}")).await;
        let expected = if sql.starts_with("cohort") {
            churnkit_core::scalar::cohort_period(
                a,
                b,
                churnkit_core::time::Granularity::Day,
                churnkit_core::time::Zone::Utc,
            )
            .unwrap_err()
        } else {
            churnkit_core::scalar::business_hours_between(a, b, &Default::default()).unwrap_err()
        };
        assert_eq!(e, expected.to_string(), "{sql}");
        assert_eq!(expected.kind, churnkit_core::ErrorKind::DatetimeOverflow);
        assert!(e.contains(&format!(": invalid {argument}: ")), "{e}");
    }
}

#[tokio::test]
async fn nan_and_infinity_through_sql() {
    let ctx = ctx();
    check!(
        &ctx,
        "SELECT health_tier(CAST('Infinity' AS DOUBLE)) AS inf_tier, health_tier(CAST('-Infinity' AS DOUBLE)) AS neg_inf_tier, \
         engagement_score(1.7976931348623157e308, 30, 1.7976931348623157e308, 30) AS huge, \
         engagement_score(0, 0, 0, 1.7976931348623157e308) AS huge_period, \
         mrr_movement(1.7976931348623157e308, 0, NULL) AS huge_churn",
        [
            "+----------+--------------+-------+-------------+------------+",
            "| inf_tier | neg_inf_tier | huge  | huge_period | huge_churn |",
            "+----------+--------------+-------+-------------+------------+",
            "| good     | poor         | 100.0 | 0.0         | churn      |",
            "+----------+--------------+-------+-------------+------------+",
        ]
    );
    let nan_score =
        churnkit_core::scalar::engagement_score(f64::NAN, 0.0, 0.0, 1.0, &Default::default())
            .unwrap_err();
    check_err!(
        &ctx,
        "SELECT engagement_score(CAST('NaN' AS DOUBLE), 0, 0, 1)",
        nan_score.to_string()
    );
    let nan_tier = churnkit_core::scalar::health_tier(f64::NAN, &Default::default()).unwrap_err();
    check_err!(
        &ctx,
        "SELECT health_tier(CAST('NaN' AS DOUBLE))",
        nan_tier.to_string()
    );
}

#[tokio::test]
async fn extreme_timestamps_from_a_mem_table() {
    use datafusion::arrow::array::RecordBatch;
    use datafusion::arrow::datatypes::{Schema, TimeUnit};
    let ctx = ctx();
    let ts_type = DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into()));
    let schema = Arc::new(Schema::new(vec![
        Field::new("id", DataType::Int32, false),
        Field::new("ts", ts_type, true),
    ]));
    let batch = RecordBatch::try_new(
        schema,
        vec![
            Arc::new(Int32Array::from(vec![1, 2, 3, 4])),
            Arc::new(
                TimestampMicrosecondArray::from(vec![
                    Some(i64::MIN),
                    None,
                    Some(0),
                    Some(i64::MAX),
                ])
                .with_timezone("UTC"),
            ),
        ],
    )
    .unwrap();
    crate::register(&ctx, "x", batch);
    // the ends of i64 are outside churnkit's range of time: an error naming
    // the function and the argument (rows 2 and 3 alone give values)
    let e = exec_error(
        &ctx,
        "SELECT id, cohort_period(TIMESTAMP '1970-01-01 00:00:00', ts, 'day') AS days FROM x ORDER BY id",
    )
    .await;
    assert!(e.starts_with("cohort_period: invalid ts: "), "{e}");
    let e = exec_error(
        &ctx,
        "SELECT churn_risk_stage(ts, ts, NULL, ts, NULL) FROM x",
    )
    .await;
    assert!(e.starts_with("churn_risk_stage: invalid as_of: "), "{e}");
    check!(
        &ctx,
        "SELECT id, cohort_period(TIMESTAMP '1970-01-01 00:00:00', ts, 'day') AS days, \
         cohort_period(TIMESTAMP '1970-01-01 00:00:00', ts, 'year') AS years, \
         churn_risk_stage(ts, ts, NULL, ts, NULL) AS stage FROM x WHERE id IN (2, 3) ORDER BY id",
        [
            "+----+------+-------+------------+",
            "| id | days | years | stage      |",
            "+----+------+-------+------------+",
            "| 2  |      |       |            |",
            "| 3  | 0    | 0     | onboarding |",
            "+----+------+-------+------------+",
        ]
    );
}
