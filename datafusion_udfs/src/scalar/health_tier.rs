//! `health_tier(score [, good_at [, poor_below]])` -> 'good' | 'average' | 'poor'

use std::sync::Arc;

use churnkit_core::scalar::health::{DEFAULT_GOOD_AT, DEFAULT_POOR_BELOW};
use churnkit_core::scalar::{health_tier, TierThresholds};
use datafusion::arrow::array::StringBuilder;
use datafusion::arrow::datatypes::DataType;
use datafusion::common::Result;
use datafusion::logical_expr::{
    ColumnarValue, Documentation, ScalarFunctionArgs, ScalarUDFImpl, Signature, Volatility,
};
use datafusion_macros::user_doc;

use crate::common::{
    all_scalar, check_arity, coerce_f64, exec_err, finish, prim, prim_or, LastParsed, F64,
};

const NAME: &str = "health_tier";
const ARGS: [&str; 3] = ["score", "good_at", "poor_below"];

#[user_doc(
    doc_section(label = "churnkit Functions"),
    description = "Health tier of a score: 'good' when score >= good_at (default 70), 'poor' when score < poor_below \
(default 40), otherwise 'average'. NULL when any argument is NULL. Errors when poor_below is greater than good_at, \
a threshold is not finite, or the score is NaN.",
    syntax_example = "health_tier(score[, good_at[, poor_below]])",
    sql_example = r#"```sql
> SELECT health_tier(72) AS a, health_tier(55) AS b, health_tier(39.9) AS c, health_tier(55, 50, 30) AS d;
+------+---------+------+------+
| a    | b       | c    | d    |
+------+---------+------+------+
| good | average | poor | good |
+------+---------+------+------+
```"#,
    argument(name = "score", description = "A health or engagement score."),
    argument(
        name = "good_at",
        description = "Scores at or above this are 'good' (default 70)."
    ),
    argument(
        name = "poor_below",
        description = "Scores below this are 'poor' (default 40); must not be greater than good_at."
    )
)]
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct HealthTierFunc {
    signature: Signature,
}

impl Default for HealthTierFunc {
    fn default() -> Self {
        Self::new()
    }
}

impl HealthTierFunc {
    pub fn new() -> Self {
        Self {
            signature: Signature::user_defined(Volatility::Immutable),
        }
    }
}

impl ScalarUDFImpl for HealthTierFunc {
    fn name(&self) -> &str {
        NAME
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> Result<Vec<DataType>> {
        check_arity(NAME, arg_types, &[1, 2, 3], "1 to 3")?;
        arg_types
            .iter()
            .zip(ARGS)
            .map(|(t, a)| coerce_f64(NAME, a, t))
            .collect()
    }

    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        Ok(DataType::Utf8)
    }

    fn is_strict(&self) -> bool {
        true
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let scalar = all_scalar(&args.args);
        let rows = if scalar { 1 } else { args.number_rows };
        let a = &args.args;
        let score: F64 = prim(NAME, a, 0, rows)?;
        let good_at: F64 = prim_or(NAME, a, 1, rows, DEFAULT_GOOD_AT)?;
        let poor_below: F64 = prim_or(NAME, a, 2, rows, DEFAULT_POOR_BELOW)?;
        let mut cache: LastParsed<[f64; 2], TierThresholds> = LastParsed::new();
        let mut out = StringBuilder::with_capacity(rows, rows * 7);
        for i in 0..rows {
            let (Some(s), Some(g), Some(p)) = (score.get(i), good_at.get(i), poor_below.get(i))
            else {
                out.append_null();
                continue;
            };
            let t = cache.get([g, p], |k| TierThresholds::new(k[0], k[1]))?;
            out.append_value(health_tier(s, &t).map_err(exec_err)?.as_str());
        }
        finish(Arc::new(out.finish()), scalar)
    }

    fn documentation(&self) -> Option<&Documentation> {
        self.doc()
    }
}
