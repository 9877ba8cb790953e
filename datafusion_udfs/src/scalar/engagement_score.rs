//! `engagement_score(active_minutes, active_days, key_actions, period_days [, weights x3 [, targets x3]])`
//! and `engagement_score(summary, period_days)` over an `engagement_agg` summary.

use churnkit_core::agg::{EngagementSummary, State};
use churnkit_core::scalar::engagement::{DEFAULT_TARGETS, DEFAULT_WEIGHTS};
use churnkit_core::scalar::{engagement_score, EngagementParams};
use datafusion::arrow::datatypes::{BinaryType, Float64Type};
use datafusion::common::Result;
use datafusion::logical_expr::ColumnarValue;
use datafusion_macros::user_doc;

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
#[user_doc(
    doc_section(label = "churnkit Functions"),
    description = "Engagement score in [0, 100] from time active, frequency of return and key actions over a period. \
Three components, each saturating at 1: time = average active minutes per day / target (default 30), \
frequency = active_days / period_days / target ratio (default 0.5), depth = key actions per day / target (default 1). \
Default weights: time 0.3, frequency 0.4, depth 0.3 (custom weights are renormalised to sum to 1). \
Rounded to 9 decimal places. NULL when any argument is NULL. Errors on negative or non-finite inputs, \
active_days greater than period_days, period_days <= 0, weights that do not sum to a positive number, or invalid targets. \
The two-argument form engagement_score(summary, period_days) scores an engagement summary (from engagement_agg) with \
its active minutes, active days and key actions and the default weights and targets; it errors on bytes that are \
not an engagement summary.",
    syntax_example = "engagement_score(active_minutes, active_days, key_actions, period_days[, weight_time, weight_frequency, weight_depth[, target_minutes_per_day, target_active_ratio, target_actions_per_day]]) or engagement_score(summary, period_days)",
    sql_example = r#"```sql
> SELECT engagement_score(600, 15, 30, 30) AS score;
+-------+
| score |
+-------+
| 90.0  |
+-------+
> SELECT engagement_score(900, 1, 0, 30, 1, 0, 0, 60, 0.5, 1) AS time_only;
+-----------+
| time_only |
+-----------+
| 50.0      |
+-----------+
> SELECT engagement_score(engagement_agg(ts, 36000, true), 30) AS from_summary
  FROM (VALUES ('2024-01-01T10:00:00Z'), ('2024-01-02T10:00:00Z')) AS e(ts);
+--------------+
| from_summary |
+--------------+
| 37.333333333 |
+--------------+
```"#,
    argument(
        name = "active_minutes",
        description = "Total active minutes in the period (>= 0)."
    ),
    argument(
        name = "active_days",
        description = "Number of days with activity in the period (0 to period_days)."
    ),
    argument(
        name = "key_actions",
        description = "Number of key actions in the period (>= 0)."
    ),
    argument(
        name = "period_days",
        description = "Length of the period in days (> 0)."
    ),
    argument(
        name = "weight_time",
        description = "Weight of the time component (>= 0, default 0.3)."
    ),
    argument(
        name = "weight_frequency",
        description = "Weight of the frequency component (>= 0, default 0.4)."
    ),
    argument(
        name = "weight_depth",
        description = "Weight of the depth component (>= 0, default 0.3)."
    ),
    argument(
        name = "target_minutes_per_day",
        description = "Active minutes per day that score full time (> 0, default 30)."
    ),
    argument(
        name = "target_active_ratio",
        description = "Share of active days that scores full frequency (in (0, 1], default 0.5)."
    ),
    argument(
        name = "target_actions_per_day",
        description = "Key actions per day that score full depth (> 0, default 1)."
    ),
    argument(
        name = "summary",
        description = "An engagement summary (Binary, from engagement_agg), in the two-argument form."
    )
)]
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
