//! `churn_risk_stage(as_of, signed_up_at, renewal_at, last_active_at, churned_at [, activity_trend [, onboarding_days [, renewal_window_days [, dormant_days]]]])`

use std::sync::Arc;

use churnkit_core::scalar::risk::{
    DEFAULT_DORMANT_DAYS, DEFAULT_ONBOARDING_DAYS, DEFAULT_RENEWAL_WINDOW_DAYS,
};
use churnkit_core::scalar::{churn_risk_stage, RiskInput, RiskParams};
use datafusion::arrow::array::StringBuilder;
use datafusion::arrow::datatypes::DataType;
use datafusion::common::{internal_datafusion_err, Result};
use datafusion::logical_expr::{
    ColumnarValue, Documentation, ScalarFunctionArgs, ScalarUDFImpl, Signature, Volatility,
};
use datafusion_macros::user_doc;

use crate::common::{
    all_scalar, check_arity, coerce_f64, coerce_i32, coerce_timestamp, exec_err, finish, prim,
    prim_or, LastParsed, Prim, Ts, F64, I32,
};

const NAME: &str = "churn_risk_stage";
const TS_ARGS: [&str; 5] = [
    "as_of",
    "signed_up_at",
    "renewal_at",
    "last_active_at",
    "churned_at",
];
const DAY_ARGS: [&str; 3] = ["onboarding_days", "renewal_window_days", "dormant_days"];

/// A core default day count as the `int4` of the SQL signature.
fn default_days(v: i64) -> Result<i32> {
    i32::try_from(v)
        .map_err(|_| internal_datafusion_err!("{NAME}: default {v} does not fit in Int32"))
}

#[user_doc(
    doc_section(label = "churnkit Functions"),
    description = "Where an account stands in its lifecycle; the first rule that matches wins: \
'churned' (churned_at <= as_of), 'lapsed' (renewal_at < as_of), 'onboarding' (as_of < signed_up_at + onboarding_days), \
'dormant' (no activity, or last activity at least dormant_days before as_of), 'renewal_due' (renewal within renewal_window_days), \
'declining' (activity_trend <= -0.30), otherwise 'active'. \
NULL renewal_at, churned_at or activity_trend skip their rule; a NULL last_active_at means never active. \
NULL when as_of, signed_up_at or a day threshold is NULL. Errors on a negative day threshold or a NaN trend.",
    syntax_example = "churn_risk_stage(as_of, signed_up_at, renewal_at, last_active_at, churned_at[, activity_trend[, onboarding_days[, renewal_window_days[, dormant_days]]]])",
    sql_example = r#"```sql
> SELECT churn_risk_stage('2024-06-01', '2024-01-01', '2024-12-01', '2024-05-31', NULL) AS a,
         churn_risk_stage('2024-06-01', '2024-05-20', NULL, '2024-05-31', NULL) AS b,
         churn_risk_stage('2024-06-01', '2024-01-01', '2024-07-01', '2024-05-31', NULL) AS c,
         churn_risk_stage('2024-06-01', '2024-01-01', NULL, '2024-05-31', NULL, -0.5) AS d;
+--------+------------+-------------+-----------+
| a      | b          | c           | d         |
+--------+------------+-------------+-----------+
| active | onboarding | renewal_due | declining |
+--------+------------+-------------+-----------+
```"#,
    argument(
        name = "as_of",
        description = "The instant of the assessment (timestamp, date or timestamp string)."
    ),
    argument(name = "signed_up_at", description = "When the account signed up."),
    argument(
        name = "renewal_at",
        description = "Next renewal date, or NULL (no renewal rule)."
    ),
    argument(
        name = "last_active_at",
        description = "Last activity, or NULL (never active)."
    ),
    argument(
        name = "churned_at",
        description = "When the account churned, or NULL."
    ),
    argument(
        name = "activity_trend",
        description = "Relative change of activity, e.g. from activity_trend(); NULL skips the 'declining' rule."
    ),
    argument(
        name = "onboarding_days",
        description = "Length of onboarding in days (integer >= 0, default 30)."
    ),
    argument(
        name = "renewal_window_days",
        description = "Days before renewal that count as 'renewal_due' (integer >= 0, default 60)."
    ),
    argument(
        name = "dormant_days",
        description = "Days without activity that make an account 'dormant' (integer >= 0, default 14)."
    )
)]
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct ChurnRiskStageFunc {
    signature: Signature,
}

impl Default for ChurnRiskStageFunc {
    fn default() -> Self {
        Self::new()
    }
}

impl ChurnRiskStageFunc {
    pub fn new() -> Self {
        Self {
            signature: Signature::user_defined(Volatility::Immutable),
        }
    }
}

impl ScalarUDFImpl for ChurnRiskStageFunc {
    fn name(&self) -> &str {
        NAME
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> Result<Vec<DataType>> {
        check_arity(NAME, arg_types, &[5, 6, 7, 8, 9], "5 to 9")?;
        arg_types
            .iter()
            .enumerate()
            .map(|(i, t)| match i {
                0..=4 => coerce_timestamp(NAME, TS_ARGS[i], t),
                5 => coerce_f64(NAME, "activity_trend", t),
                _ => coerce_i32(NAME, DAY_ARGS[i - 6], t),
            })
            .collect()
    }

    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        Ok(DataType::Utf8)
    }

    // not strict: NULL renewal_at, last_active_at, churned_at and
    // activity_trend are meaningful

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let scalar = all_scalar(&args.args);
        let rows = if scalar { 1 } else { args.number_rows };
        let a = &args.args;
        let ts: [Ts; 5] = [
            prim(NAME, a, 0, rows)?,
            prim(NAME, a, 1, rows)?,
            prim(NAME, a, 2, rows)?,
            prim(NAME, a, 3, rows)?,
            prim(NAME, a, 4, rows)?,
        ];
        let trend: F64 = if a.len() > 5 {
            prim(NAME, a, 5, rows)?
        } else {
            Prim::Scalar(None)
        };
        let days: [I32; 3] = [
            prim_or(NAME, a, 6, rows, default_days(DEFAULT_ONBOARDING_DAYS)?)?,
            prim_or(NAME, a, 7, rows, default_days(DEFAULT_RENEWAL_WINDOW_DAYS)?)?,
            prim_or(NAME, a, 8, rows, default_days(DEFAULT_DORMANT_DAYS)?)?,
        ];
        let mut cache: LastParsed<[i32; 3], RiskParams> = LastParsed::new();
        let mut out = StringBuilder::with_capacity(rows, rows * 8);
        for i in 0..rows {
            let (Some(as_of), Some(signed_up_at), Some(onb), Some(renew), Some(dormant)) = (
                ts[0].get(i),
                ts[1].get(i),
                days[0].get(i),
                days[1].get(i),
                days[2].get(i),
            ) else {
                out.append_null();
                continue;
            };
            let params = cache.get([onb, renew, dormant], |k| {
                RiskParams::new(k[0].into(), k[1].into(), k[2].into())
            })?;
            let input = RiskInput {
                as_of,
                signed_up_at,
                renewal_at: ts[2].get(i),
                last_active_at: ts[3].get(i),
                churned_at: ts[4].get(i),
                activity_trend: trend.get(i),
            };
            out.append_value(
                churn_risk_stage(&input, &params)
                    .map_err(exec_err)?
                    .as_str(),
            );
        }
        finish(Arc::new(out.finish()), scalar)
    }

    fn documentation(&self) -> Option<&Documentation> {
        self.doc()
    }
}
