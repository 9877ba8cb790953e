//! `health_score(scores, weights)`: the weighted scorecard.

use churnkit_core::scalar::health_score;
use datafusion::arrow::datatypes::Float64Type;

use crate::common::{exec_err, Param};
use crate::udf::scalar_udf;

const NAME: &str = "health_score";

scalar_udf! {
pub struct HealthScoreFunc;
    name: NAME,
    arities: &[2],
    params: &[Param::f64_list("scores"), Param::f64_list("weights")],
    returns: Float64Type,
    strict: true,
    invoke: |rows| {
        let (Some(scores), Some(weights)) = (rows.f64_list(0)?, rows.f64_list(1)?) else {
            // a NULL constant array: every row is NULL
            return rows.map::<Float64Type>(|_| Ok(None));
        };
        // reusable buffers: no allocation per row once they have grown
        let mut s_buf: Vec<Option<f64>> = Vec::new();
        let mut w_buf: Vec<Option<f64>> = Vec::new();
        // constant weights (the usual case) are read once
        let weights_fixed = weights.is_scalar() && weights.read(NAME, 0, &mut w_buf)?;
        if weights.is_scalar() && !weights_fixed {
            return rows.map::<Float64Type>(|_| Ok(None));
        }
        rows.map::<Float64Type>(|i| {
            if !scores.read(NAME, i, &mut s_buf)?
                || (!weights_fixed && !weights.read(NAME, i, &mut w_buf)?)
            {
                return Ok(None);
            }
            health_score(&s_buf, &w_buf).map_err(exec_err)
        })
    },
}
