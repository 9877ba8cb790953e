//! `engagement_score(active_minutes, active_days, key_actions, period_days [, weights x3 [, targets x3]])`
//! and `engagement_score(summary, period_days)` over an `engagement_agg` summary.

use std::sync::Arc;

use churnkit_core::agg::EngagementSummary;
use churnkit_core::scalar::engagement::{DEFAULT_TARGETS, DEFAULT_WEIGHTS};
use churnkit_core::scalar::{engagement_score, EngagementParams};
use datafusion::arrow::array::Float64Builder;
use datafusion::arrow::datatypes::DataType;
use datafusion::common::Result;
use datafusion::logical_expr::{
    ColumnarValue, Documentation, ScalarFunctionArgs, ScalarUDFImpl, Signature, Volatility,
};
use datafusion_macros::user_doc;

use crate::common::{
    all_scalar, binary, check_arity, coerce_binary, coerce_f64, exec_err, finish, prim, prim_or,
    Bytes, LastParsed, F64,
};

const NAME: &str = "engagement_score";
const ARGS: [&str; 10] = [
    "active_minutes",
    "active_days",
    "key_actions",
    "period_days",
    "weight_time",
    "weight_frequency",
    "weight_depth",
    "target_minutes_per_day",
    "target_active_ratio",
    "target_actions_per_day",
];

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
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct EngagementScoreFunc {
    signature: Signature,
}

impl Default for EngagementScoreFunc {
    fn default() -> Self {
        Self::new()
    }
}

impl EngagementScoreFunc {
    pub fn new() -> Self {
        Self {
            signature: Signature::user_defined(Volatility::Immutable),
        }
    }
}

impl ScalarUDFImpl for EngagementScoreFunc {
    fn name(&self) -> &str {
        NAME
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> Result<Vec<DataType>> {
        check_arity(NAME, arg_types, &[2, 4, 7, 10], "2, 4, 7 or 10")?;
        if arg_types.len() == 2 {
            return Ok(vec![
                coerce_binary(NAME, "summary", &arg_types[0])?,
                coerce_f64(NAME, "period_days", &arg_types[1])?,
            ]);
        }
        arg_types
            .iter()
            .zip(ARGS)
            .map(|(t, a)| coerce_f64(NAME, a, t))
            .collect()
    }

    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        Ok(DataType::Float64)
    }

    fn is_strict(&self) -> bool {
        true
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let scalar = all_scalar(&args.args);
        let rows = if scalar { 1 } else { args.number_rows };
        let a = &args.args;
        if a.len() == 2 {
            return score_summaries(a, rows, scalar);
        }
        let inputs: [F64; 4] = [
            prim(NAME, a, 0, rows)?,
            prim(NAME, a, 1, rows)?,
            prim(NAME, a, 2, rows)?,
            prim(NAME, a, 3, rows)?,
        ];
        let defaults = [
            DEFAULT_WEIGHTS[0],
            DEFAULT_WEIGHTS[1],
            DEFAULT_WEIGHTS[2],
            DEFAULT_TARGETS[0],
            DEFAULT_TARGETS[1],
            DEFAULT_TARGETS[2],
        ];
        // with 4 arguments the parameters are the core defaults: nothing to parse
        let params: Option<[F64; 6]> = if a.len() > 4 {
            Some([
                prim_or(NAME, a, 4, rows, defaults[0])?,
                prim_or(NAME, a, 5, rows, defaults[1])?,
                prim_or(NAME, a, 6, rows, defaults[2])?,
                prim_or(NAME, a, 7, rows, defaults[3])?,
                prim_or(NAME, a, 8, rows, defaults[4])?,
                prim_or(NAME, a, 9, rows, defaults[5])?,
            ])
        } else {
            None
        };
        let default_params = EngagementParams::default();
        let mut cache: LastParsed<[f64; 6], EngagementParams> = LastParsed::new();
        let mut out = Float64Builder::with_capacity(rows);
        'rows: for i in 0..rows {
            let (Some(m), Some(d), Some(k), Some(p)) = (
                inputs[0].get(i),
                inputs[1].get(i),
                inputs[2].get(i),
                inputs[3].get(i),
            ) else {
                out.append_null();
                continue;
            };
            let params = match &params {
                None => default_params,
                Some(cols) => {
                    let mut key = [0.0; 6];
                    for (slot, col) in key.iter_mut().zip(cols) {
                        match col.get(i) {
                            Some(v) => *slot = v,
                            None => {
                                out.append_null();
                                continue 'rows;
                            }
                        }
                    }
                    cache.get(key, |k| {
                        EngagementParams::new([k[0], k[1], k[2]], [k[3], k[4], k[5]])
                    })?
                }
            };
            out.append_value(engagement_score(m, d, k, p, &params).map_err(exec_err)?);
        }
        finish(Arc::new(out.finish()), scalar)
    }

    fn documentation(&self) -> Option<&Documentation> {
        self.doc()
    }
}

/// `engagement_score(summary, period_days)`: NULL when an argument is NULL.
fn score_summaries(a: &[ColumnarValue], rows: usize, scalar: bool) -> Result<ColumnarValue> {
    let summary: Bytes = binary(NAME, a, 0, rows)?;
    let period: F64 = prim(NAME, a, 1, rows)?;
    let mut out = Float64Builder::with_capacity(rows);
    for i in 0..rows {
        let (Some(b), Some(p)) = (summary.get(i), period.get(i)) else {
            out.append_null();
            continue;
        };
        let s = EngagementSummary::decode(b).map_err(exec_err)?;
        out.append_value(s.engagement_score(p).map_err(exec_err)?);
    }
    finish(Arc::new(out.finish()), scalar)
}
