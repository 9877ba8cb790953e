//! `health_tier(score [, good_at [, poor_below]])` -> 'good' | 'average' | 'poor'

use churnkit_core::scalar::health::{DEFAULT_GOOD_AT, DEFAULT_POOR_BELOW};
use churnkit_core::scalar::{health_tier, TierThresholds};
use datafusion::arrow::datatypes::{Float64Type, Utf8Type};
use datafusion_macros::user_doc;

use crate::common::{exec_err, LastParsed, Param};
use crate::udf::scalar_udf;

const NAME: &str = "health_tier";

scalar_udf! {
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
