//! `health_score(scores, weights)`: the weighted scorecard.

use std::sync::Arc;

use churnkit_core::scalar::health_score;
use datafusion::arrow::array::Float64Builder;
use datafusion::arrow::datatypes::DataType;
use datafusion::common::Result;
use datafusion::logical_expr::{
    ColumnarValue, Documentation, ScalarFunctionArgs, ScalarUDFImpl, Signature, Volatility,
};
use datafusion_macros::user_doc;

use crate::common::{all_scalar, check_arity, coerce_f64_list, exec_err, f64_list, finish};

const NAME: &str = "health_score";

#[user_doc(
    doc_section(label = "churnkit Functions"),
    description = "Weighted mean of the non-NULL scores (each in [0, 100]) with the weights of the present scores \
renormalised, so a missing measure does not drag the score down. Rounded to 9 decimal places. \
NULL when either array is NULL, when no score is present, or when every present score has weight 0. \
Errors when the arrays have different lengths, a weight is NULL, negative or not finite, the weights sum to 0, \
or a score is outside [0, 100].",
    syntax_example = "health_score(scores, weights)",
    sql_example = r#"```sql
> SELECT health_score([80, NULL, 60], [1, 5, 1]) AS health;
+--------+
| health |
+--------+
| 70.0   |
+--------+
```"#,
    argument(
        name = "scores",
        description = "Array of measures in [0, 100] (engagement, support, sentiment, seat utilisation, payment health...); NULL elements are missing measures."
    ),
    argument(
        name = "weights",
        description = "Array of non-negative weights, one per score."
    )
)]
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct HealthScoreFunc {
    signature: Signature,
}

impl Default for HealthScoreFunc {
    fn default() -> Self {
        Self::new()
    }
}

impl HealthScoreFunc {
    pub fn new() -> Self {
        Self {
            signature: Signature::user_defined(Volatility::Immutable),
        }
    }
}

impl ScalarUDFImpl for HealthScoreFunc {
    fn name(&self) -> &str {
        NAME
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> Result<Vec<DataType>> {
        check_arity(NAME, arg_types, &[2], "2")?;
        Ok(vec![
            coerce_f64_list(NAME, "scores", &arg_types[0])?,
            coerce_f64_list(NAME, "weights", &arg_types[1])?,
        ])
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
        let scores = f64_list(NAME, &args.args, 0, rows)?;
        let weights = f64_list(NAME, &args.args, 1, rows)?;
        let mut out = Float64Builder::with_capacity(rows);
        let (Some(scores), Some(weights)) = (scores, weights) else {
            // a NULL constant array: every row is NULL
            out.append_nulls(rows);
            return finish(Arc::new(out.finish()), scalar);
        };
        // reusable buffers: no allocation per row once they have grown
        let mut s_buf: Vec<Option<f64>> = Vec::new();
        let mut w_buf: Vec<Option<f64>> = Vec::new();
        // constant weights (the usual case) are read once
        let weights_fixed = weights.is_scalar() && weights.read(NAME, 0, &mut w_buf)?;
        if weights.is_scalar() && !weights_fixed {
            out.append_nulls(rows);
            return finish(Arc::new(out.finish()), scalar);
        }
        for i in 0..rows {
            if !scores.read(NAME, i, &mut s_buf)?
                || (!weights_fixed && !weights.read(NAME, i, &mut w_buf)?)
            {
                out.append_null();
                continue;
            }
            out.append_option(health_score(&s_buf, &w_buf).map_err(exec_err)?);
        }
        finish(Arc::new(out.finish()), scalar)
    }

    fn documentation(&self) -> Option<&Documentation> {
        self.doc()
    }
}
