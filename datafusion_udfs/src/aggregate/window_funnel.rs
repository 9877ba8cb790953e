//! `window_funnel(window, occurred_at, steps [, mode])` → `Int32` (ClickHouse `windowFunnel()`)

use std::sync::Arc;

use churnkit_core::agg::{FunnelMode, FunnelParams, FunnelState};
use churnkit_core::error::num;
use churnkit_core::ChurnError;
use datafusion::arrow::array::{
    Array, Float64Array, Int32Array, IntervalMonthDayNanoArray, StringArray,
    TimestampMicrosecondArray,
};
use datafusion::arrow::datatypes::{DataType, IntervalMonthDayNano, IntervalUnit};
use datafusion::common::cast::{
    as_float64_array, as_interval_mdn_array, as_string_array, as_timestamp_microsecond_array,
};
use datafusion::common::{internal_datafusion_err, plan_err, Result};

use super::{aggregate_udf, BoolLists};
use crate::common::{exec_err, Param};
use churnkit_core::agg::ParamCache;

const NAME: &str = "window_funnel";

aggregate_udf! {
pub struct WindowFunnelFunc;
    name: NAME,
    arities: &[3, 4],
    params: &PARAMS,
    return_type: DataType::Int32,
    // as declared, or the flat form of `simplify`: (window, occurred_at,
    // mode, step 1, …, step n)
    coerce: |types| super::coerce_flat(NAME, types, &FLAT_PARAMS)
        .unwrap_or_else(|| crate::common::coerce_args(NAME, types, &[3, 4], &PARAMS)),
    extra: {
        /// Never NULL: 0 for a group without rows.
        fn is_nullable(&self) -> bool {
            false
        }

        fn default_value(
            &self,
            _data_type: &datafusion::arrow::datatypes::DataType,
        ) -> datafusion::common::Result<datafusion::common::ScalarValue> {
            Ok(datafusion::common::ScalarValue::Int32(Some(0)))
        }

        /// `window_funnel(w, t, ARRAY[s1, …, sn] [, mode])` of boolean steps
        /// becomes `window_funnel(w, t, mode, s1, …, sn)` (mode `''` when
        /// absent): the same levels without building an array per row. Only
        /// this rewrite makes the flat form (a call written that way is
        /// refused by the declared signature).
        fn simplify(&self) -> Option<datafusion::logical_expr::function::AggregateFunctionSimplification> {
            Some(Box::new(|agg, info| {
                let args = &agg.params.args;
                if args.len() < 3 {
                    return Ok(datafusion::logical_expr::Expr::AggregateFunction(agg));
                }
                match super::bool_array_elements(&args[2], info)? {
                    Some(steps) => {
                        let mode = args
                            .get(3)
                            .cloned()
                            .unwrap_or_else(|| datafusion::logical_expr::lit(""));
                        let mut flat = vec![args[0].clone(), args[1].clone(), mode];
                        flat.extend(steps);
                        Ok(super::with_args(agg, flat))
                    }
                    None => Ok(datafusion::logical_expr::Expr::AggregateFunction(agg)),
                }
            }))
        }
    },
    state: FunnelState,
    cache: Cache,
    input<'a>: Input<'a> = |values| {
        let window = match values[0].data_type() {
            DataType::Interval(IntervalUnit::MonthDayNano) => {
                Window::Interval(as_interval_mdn_array(&values[0])?)
            }
            DataType::Float64 => Window::Seconds(as_float64_array(&values[0])?),
            t => {
                return Err(internal_datafusion_err!(
                    "{NAME}: unexpected window type {t} after coercion"
                ))
            }
        };
        // (window, occurred_at, steps [, mode]) as called, or the flat
        // form of `simplify`: (window, occurred_at, mode, step 1, …, step n)
        let (steps, mode) = match values[2].data_type() {
            DataType::Utf8 => (BoolLists::flat(NAME, &values[3..])?, Some(&values[2])),
            _ => (BoolLists::new(NAME, &values[2])?, values.get(3)),
        };
        Ok(Input {
            window,
            ts: as_timestamp_microsecond_array(&values[1])?,
            steps,
            mode: mode.map(|m| as_string_array(m)).transpose()?,
        })
    },
    // checked in the order: window (months, range), mode, then
    // `FunnelParams::new` (negative window, number of steps), then the
    // group's parameters (core)
    update: |input, row, cache, state| {
        let window_null = match input.window {
            Window::Interval(a) => a.is_null(row),
            Window::Seconds(a) => a.is_null(row),
        };
        if window_null || input.ts.is_null(row) || input.mode.is_some_and(|m| m.is_null(row)) {
            return Ok(());
        }
        let Some((steps, len)) = input.steps.row(row) else {
            return Ok(());
        };
        let window = match input.window {
            Window::Interval(a) => {
                let v = a.value(row);
                match cache.interval {
                    Some((k, w)) if k == v => w,
                    _ => {
                        let w = interval_window(v).map_err(exec_err)?;
                        cache.interval = Some((v, w));
                        w
                    }
                }
            }
            Window::Seconds(a) => {
                let v = a.value(row);
                match cache.seconds {
                    Some((k, w)) if k == v.to_bits() => w,
                    _ => {
                        let w = seconds_window(v).map_err(exec_err)?;
                        cache.seconds = Some((v.to_bits(), w));
                        w
                    }
                }
            }
        };
        let mode = match input.mode {
            None => FunnelMode::default(),
            Some(m) => cache
                .mode
                .get(m.value(row).as_bytes(), FunnelMode::parse)
                .map_err(exec_err)?,
        };
        let params = FunnelParams::new(window, len, mode).map_err(exec_err)?;
        state
            .update(params, input.ts.value(row), steps, len)
            .map_err(exec_err)
    },
    // the level reached; 0 for a group without rows
    evaluate: |states| {
        Ok(Arc::new(Int32Array::from_iter_values(
            states.iter_mut().map(|s| s.finish()),
        )))
    },
}

const PARAMS: [Param; 4] = [
    Param {
        name: "window",
        coerce: coerce_window,
    },
    Param::timestamp("occurred_at"),
    Param::bool_list("steps"),
    Param::string("mode"),
];

/// The fixed arguments of the flat form (the steps follow as booleans).
const FLAT_PARAMS: [Param; 3] = [PARAMS[0], PARAMS[1], PARAMS[3]];

/// An interval (any unit) or NULL -> `Interval(MonthDayNano)`; a number -> `Float64` (seconds).
fn coerce_window(_function: &str, _argument: &str, t: &DataType) -> Result<DataType> {
    match t {
        DataType::Interval(_) | DataType::Null => {
            Ok(DataType::Interval(IntervalUnit::MonthDayNano))
        }
        DataType::Dictionary(_, v) => coerce_window(_function, _argument, v),
        t if t.is_numeric() => Ok(DataType::Float64),
        _ => {
            plan_err!("{NAME}: argument window must be an interval or a number of seconds, got {t}")
        }
    }
}

/// A window interval in µs: days count as 24 hours, months are refused
/// (not a fixed length), nanoseconds are truncated to µs.
pub(crate) fn interval_window(v: IntervalMonthDayNano) -> churnkit_core::Result<i64> {
    churnkit_core::time::interval_to_micros(
        NAME,
        "window",
        v.months.into(),
        v.days.into(),
        v.nanoseconds / 1000,
    )
}

/// A window of `seconds` in µs (rounded to the nearest µs).
pub(crate) fn seconds_window(seconds: f64) -> churnkit_core::Result<i64> {
    if !seconds.is_finite() {
        return Err(ChurnError::new(
            NAME,
            "window",
            format!("{} is not a finite number of seconds", num(seconds)),
        ));
    }
    let micros = (seconds * 1e6).round();
    // i64::MAX as f64 rounds up to 2^63, itself out of range
    if micros >= i64::MAX as f64 || micros < i64::MIN as f64 {
        return Err(ChurnError::new(NAME, "window", "out of range"));
    }
    Ok(micros as i64)
}

pub(crate) enum Window<'a> {
    Interval(&'a IntervalMonthDayNanoArray),
    Seconds(&'a Float64Array),
}

pub(crate) struct Input<'a> {
    window: Window<'a>,
    ts: &'a TimestampMicrosecondArray,
    steps: BoolLists<'a>,
    /// `None`: the three-argument form (mode '').
    mode: Option<&'a StringArray>,
}

/// The last window and mode seen (usually constants), converted once.
#[derive(Debug, Default)]
pub(crate) struct Cache {
    interval: Option<(IntervalMonthDayNano, i64)>,
    seconds: Option<(u64, i64)>,
    mode: ParamCache<FunnelMode>,
}
