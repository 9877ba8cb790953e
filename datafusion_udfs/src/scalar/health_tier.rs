//! `health_tier(score [, good_at [, poor_below]])` -> 'good' | 'average' | 'poor'

use churnkit_core::scalar::health_tier::{DEFAULT_GOOD_AT, DEFAULT_POOR_BELOW};
use churnkit_core::scalar::{health_tier, TierThresholds};
use datafusion::arrow::datatypes::{Float64Type, Utf8Type};

use crate::common::{exec_err, LastParsed, Param};
use crate::udf::scalar_udf;

const NAME: &str = "health_tier";

scalar_udf! {
pub struct HealthTierFunc;
    name: NAME,
    arities: &[1, 2, 3],
    params: &[Param::f64("score"), Param::f64("good_at"), Param::f64("poor_below")],
    returns: Utf8Type,
    strict: true,
    invoke: |rows| {
        let score = rows.arg::<Float64Type>(0)?;
        let good_at = rows.arg_or::<Float64Type>(1, DEFAULT_GOOD_AT)?;
        let poor_below = rows.arg_or::<Float64Type>(2, DEFAULT_POOR_BELOW)?;
        let mut cache: LastParsed<[f64; 2], TierThresholds> = LastParsed::new();
        rows.map_strict::<Utf8Type, _>(&(score, good_at, poor_below), |(s, g, p)| {
            let t = cache.get([g, p], |k| TierThresholds::new(k[0], k[1]))?;
            Ok(Some(health_tier(s, &t).map_err(exec_err)?.as_str()))
        })
    },
}
