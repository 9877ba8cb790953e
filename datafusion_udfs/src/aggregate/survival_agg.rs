//! `survival_agg(tenure_days, churned)` → `survival_summary` (Binary)

use churnkit_core::agg::SurvivalSummary;
use datafusion::arrow::array::{Array, ArrayRef, BooleanArray, Float64Array};
use datafusion::arrow::datatypes::DataType;
use datafusion::common::cast::{as_boolean_array, as_float64_array};
use datafusion::common::Result;
use datafusion_macros::user_doc;

use super::{aggregate_udf, encoded_results, CoreAgg};
use crate::common::{exec_err, Param};

const NAME: &str = "survival_agg";

aggregate_udf! {
#[user_doc(
    doc_section(label = "churnkit Functions"),
    description = "Kaplan-Meier survival summary of customer lifetimes (right-censored): one row per customer with \
their tenure in days and whether they churned (false = still a customer, i.e. censored). Returns Binary (churnkit's \
versioned encoding, also the partial state); read it with survival_at, median_lifetime and survival_curve. \
Rows with a NULL tenure are skipped; a NULL churned counts as censored. NULL for a group without rows. \
Errors on a negative or non-finite tenure.",
    syntax_example = "survival_agg(tenure_days, churned)",
    sql_example = r#"```sql
> SELECT survival_at(s, 30) AS s30, survival_at(s, 365) AS s365, median_lifetime(s) AS median
  FROM (SELECT survival_agg(tenure, churned) AS s FROM (VALUES
        (10.0, true), (30.0, true), (45.0, false), (200.0, true), (400.0, false)) AS c(tenure, churned));
+-----+------+--------+
| s30 | s365 | median |
+-----+------+--------+
| 0.6 | 0.3  | 200.0  |
+-----+------+--------+
```"#,
    argument(
        name = "tenure_days",
        description = "Customer lifetime so far (or until churn), in days (>= 0)."
    ),
    argument(
        name = "churned",
        description = "Whether the customer churned at that tenure (false or NULL = still a customer)."
    )
)]
pub struct SurvivalAggFunc;
    name: NAME,
    arities: &[2],
    params: &[Param::f64("tenure_days"), Param::boolean("churned")],
    return_type: DataType::Binary,
}

pub(crate) struct Input<'a> {
    tenure: &'a Float64Array,
    churned: &'a BooleanArray,
}

impl CoreAgg for SurvivalAggFunc {
    const NAME: &'static str = NAME;
    type State = SurvivalSummary;
    type Cache = ();
    type Input<'a> = Input<'a>;

    fn input(values: &[ArrayRef]) -> Result<Input<'_>> {
        Ok(Input {
            tenure: as_float64_array(&values[0])?,
            churned: as_boolean_array(&values[1])?,
        })
    }

    #[inline]
    fn update(
        input: &Input<'_>,
        row: usize,
        _cache: &mut (),
        state: &mut SurvivalSummary,
    ) -> Result<()> {
        if input.tenure.is_null(row) {
            return Ok(());
        }
        let churned = if input.churned.is_null(row) {
            None
        } else {
            Some(input.churned.value(row))
        };
        state
            .update(input.tenure.value(row), churned)
            .map_err(exec_err)
    }

    /// The summary bytes; NULL for a group without rows.
    fn evaluate(states: &mut [SurvivalSummary]) -> Result<ArrayRef> {
        Ok(encoded_results(states))
    }
}
