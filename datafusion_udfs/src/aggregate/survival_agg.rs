//! `survival_agg(tenure_days, churned)` → `survival_summary` (Binary)

use churnkit_core::agg::SurvivalSummary;
use datafusion::arrow::array::{BooleanArray, Float64Array};
use datafusion::arrow::datatypes::DataType;
use datafusion::common::cast::{as_boolean_array, as_float64_array};

use super::{aggregate_udf, at};
use crate::common::{exec_err, Param};

aggregate_udf! {
    pub struct SurvivalAggFunc;
    name: "survival_agg",
    arities: &[2],
    params: &[Param::f64("tenure_days"), Param::boolean("churned")],
    return_type: DataType::Binary,
    state: SurvivalSummary,
    cache: (),
    input<'a>: (&'a Float64Array, &'a BooleanArray) = |values| {
        Ok((as_float64_array(&values[0])?, as_boolean_array(&values[1])?))
    },
    // a NULL tenure skips the row; a NULL churned is censored (core)
    update: |&(tenure, churned), row, _cache, state| {
        let Some(tenure) = at(tenure, row) else {
            return Ok(());
        };
        state.update(tenure, at(churned, row)).map_err(exec_err)
    },
}
