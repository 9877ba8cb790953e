//! `engagement_score(active_minutes, active_days, key_actions, period_days [, weights x3 [, targets x3]])`
//! and `engagement_score(summary, period_days)` over an `engagement_agg` summary.

use churnkit_core::agg::{EngagementSummary, State};
use churnkit_core::scalar::engagement_score::{DEFAULT_TARGETS, DEFAULT_WEIGHTS};
use churnkit_core::scalar::{engagement_score, EngagementParams};
use datafusion::arrow::datatypes::{BinaryType, Float64Type};
use datafusion::common::Result;
use datafusion::logical_expr::ColumnarValue;

use crate::common::{coerce_args, exec_err, LastParsed, Param, Rows, Strict, F64};
use crate::udf::scalar_udf;

const NAME: &str = "engagement_score";
const ARITIES: &[usize] = &[2, 4, 7, 10];
const PARAMS: &[Param] = &[
    Param::f64("active_minutes"),
    Param::f64("active_days"),
    Param::f64("key_actions"),
    Param::f64("period_days"),
    Param::f64("weight_time"),
    Param::f64("weight_frequency"),
    Param::f64("weight_depth"),
    Param::f64("target_minutes_per_day"),
    Param::f64("target_active_ratio"),
    Param::f64("target_actions_per_day"),
];
/// `engagement_score(summary, period_days)`, the summary's form.
const SUMMARY_PARAMS: &[Param] = &[Param::binary("summary"), Param::f64("period_days")];

scalar_udf! {
pub struct EngagementScoreFunc;
    name: NAME,
    coerce: |arg_types| {
        let params = if arg_types.len() == 2 { SUMMARY_PARAMS } else { PARAMS };
        coerce_args(NAME, arg_types, ARITIES, params)
    },
    returns: Float64Type,
    strict: true,
    invoke: |rows| {
        if rows.args().len() == 2 {
            score_summaries(&rows)
        } else {
            score_measures(&rows)
        }
    },
}

/// `engagement_score(active_minutes, active_days, key_actions, period_days
/// [, weights [, targets]])`.
fn score_measures(rows: &Rows<'_>) -> Result<ColumnarValue> {
    let f = |i| rows.arg::<Float64Type>(i);
    let inputs = (f(0)?, f(1)?, f(2)?, f(3)?);
    let defaults = [
        DEFAULT_WEIGHTS[0],
        DEFAULT_WEIGHTS[1],
        DEFAULT_WEIGHTS[2],
        DEFAULT_TARGETS[0],
        DEFAULT_TARGETS[1],
        DEFAULT_TARGETS[2],
    ];
    // with 4 arguments the parameters are the core defaults: nothing to parse
    let custom = rows.args().len() > 4;
    let mut params: Vec<F64> = Vec::with_capacity(6);
    for (k, d) in defaults.into_iter().enumerate() {
        params.push(rows.arg_or::<Float64Type>(4 + k, d)?);
    }
    let default_params = EngagementParams::default();
    let mut cache: LastParsed<[f64; 6], EngagementParams> = LastParsed::new();
    rows.map::<Float64Type>(|i| {
        let Some((m, d, k, p)) = inputs.values(i) else {
            return Ok(None);
        };
        let params = if custom {
            let mut key = [0.0; 6];
            for (slot, col) in key.iter_mut().zip(&params) {
                match col.get(i) {
                    Some(v) => *slot = v,
                    None => return Ok(None),
                }
            }
            cache.get(key, |k| {
                EngagementParams::new([k[0], k[1], k[2]], [k[3], k[4], k[5]])
            })?
        } else {
            default_params
        };
        Ok(Some(
            engagement_score(m, d, k, p, &params).map_err(exec_err)?,
        ))
    })
}

/// `engagement_score(summary, period_days)`: NULL when an argument is NULL.
fn score_summaries(rows: &Rows<'_>) -> Result<ColumnarValue> {
    let summary = rows.arg::<BinaryType>(0)?;
    let period = rows.arg::<Float64Type>(1)?;
    rows.map_strict::<Float64Type, _>(&(summary, period), |(b, p)| {
        let s = EngagementSummary::decode(b).map_err(exec_err)?;
        Ok(Some(s.engagement_score(p).map_err(exec_err)?))
    })
}
