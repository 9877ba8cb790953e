//! `churn_risk_stage(as_of, signed_up_at, renewal_at, last_active_at, churned_at [, activity_trend [, onboarding_days [, renewal_window_days [, dormant_days]]]])`

use churnkit_core::scalar::churn_risk_stage::{
    DEFAULT_DORMANT_DAYS, DEFAULT_ONBOARDING_DAYS, DEFAULT_RENEWAL_WINDOW_DAYS,
};
use churnkit_core::scalar::{churn_risk_stage, RiskInput, RiskParams};
use datafusion::arrow::datatypes::{Float64Type, Int32Type, TimestampMicrosecondType, Utf8Type};
use datafusion::common::{internal_datafusion_err, Result};

use crate::common::{exec_err, LastParsed, Param, Strict};
use crate::udf::scalar_udf;

const NAME: &str = "churn_risk_stage";

/// A core default day count as the `int4` of the SQL signature.
fn default_days(v: i64) -> Result<i32> {
    i32::try_from(v)
        .map_err(|_| internal_datafusion_err!("{NAME}: default {v} does not fit in Int32"))
}

scalar_udf! {
pub struct ChurnRiskStageFunc;
    name: NAME,
    arities: &[5, 6, 7, 8, 9],
    params: &[
        Param::timestamp("as_of"),
        Param::timestamp("signed_up_at"),
        Param::timestamp("renewal_at"),
        Param::timestamp("last_active_at"),
        Param::timestamp("churned_at"),
        Param::f64("activity_trend"),
        Param::i32("onboarding_days"),
        Param::i32("renewal_window_days"),
        Param::i32("dormant_days"),
    ],
    returns: Utf8Type,
    // NULL renewal, activity, churn and trend have meanings (core decides)
    strict: false,
    invoke: |rows| {
        let ts = |i| rows.arg::<TimestampMicrosecondType>(i);
        let (as_of, signed_up_at) = (ts(0)?, ts(1)?);
        let (renewal_at, last_active_at, churned_at) = (ts(2)?, ts(3)?, ts(4)?);
        let trend = rows.arg_or_null::<Float64Type>(5)?;
        let days = |i, default| rows.arg_or::<Int32Type>(i, default);
        let onboarding = days(6, default_days(DEFAULT_ONBOARDING_DAYS)?)?;
        let renewal = days(7, default_days(DEFAULT_RENEWAL_WINDOW_DAYS)?)?;
        let dormant = days(8, default_days(DEFAULT_DORMANT_DAYS)?)?;
        let mut cache: LastParsed<[i32; 3], RiskParams> = LastParsed::new();
        let required = (as_of, signed_up_at, onboarding, renewal, dormant);
        rows.map::<Utf8Type>(|i| {
            // NULL when a required argument is NULL
            let Some((as_of, signed_up_at, onb, renew, dormant)) = required.values(i) else {
                return Ok(None);
            };
            let params = cache.get([onb, renew, dormant], |k| {
                RiskParams::new(k[0].into(), k[1].into(), k[2].into())
            })?;
            let input = RiskInput {
                as_of,
                signed_up_at,
                renewal_at: renewal_at.get(i),
                last_active_at: last_active_at.get(i),
                churned_at: churned_at.get(i),
                activity_trend: trend.get(i),
            };
            Ok(Some(churn_risk_stage(&input, &params).map_err(exec_err)?.as_str()))
        })
    },
}
