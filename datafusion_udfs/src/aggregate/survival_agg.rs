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

// The accessors of the summary `survival_agg` returns (scalar functions), beside it
// as in core and in the Postgres adapter.
mod accessors {
    //! Accessors of `survival_summary` (the Binary result of `survival_agg`):
    //! `survival_at`, `median_lifetime`, `survival_curve`.

    use std::sync::Arc;

    use churnkit_core::agg::{count_as_bigint, State, SurvivalSummary};
    use datafusion::arrow::array::{
        ArrayRef, Float64Builder, Int64Builder, ListArray, StructArray,
    };
    use datafusion::arrow::buffer::{NullBuffer, OffsetBuffer};
    use datafusion::arrow::datatypes::{BinaryType, DataType, Field, Fields, Float64Type};

    use crate::common::{exec_err, finish, Param};
    use crate::udf::{scalar_udf, summary_accessor};

    summary_accessor! {
    pub struct SurvivalAtFunc;
        name: "survival_at",
        summary: "summary" => SurvivalSummary::decode,
        arg: Param::f64("days") => Float64Type,
        returns: Float64Type,
        |s, days| s.survival_at(days).map(Some)
    }

    summary_accessor! {
    pub struct MedianLifetimeFunc;
        name: "median_lifetime",
        summary: "summary" => SurvivalSummary::decode,
        returns: Float64Type,
        |s| Ok(s.median_lifetime())
    }

    /// The fields of one point of `survival_curve`: days, at_risk, churned, survival.
    pub fn survival_point_fields() -> Fields {
        Fields::from(vec![
            Field::new("days", DataType::Float64, false),
            Field::new("at_risk", DataType::Int64, false),
            Field::new("churned", DataType::Int64, false),
            Field::new("survival", DataType::Float64, false),
        ])
    }

    /// `List<Struct<days Float64, at_risk Int64, churned Int64, survival Float64>>`,
    /// the type of `survival_curve`.
    pub fn survival_curve_type() -> DataType {
        DataType::List(Arc::new(Field::new_list_field(
            DataType::Struct(survival_point_fields()),
            true,
        )))
    }

    scalar_udf! {
    pub struct SurvivalCurveFunc;
        name: "survival_curve",
        arities: &[1],
        params: &[Param::binary("summary")],
        return_type: survival_curve_type(),
        strict: true,
        invoke: |rows| survival_curves(&rows),
    }

    /// One list of points per row (an empty, NULL list for a NULL summary).
    fn survival_curves(
        rows: &crate::common::Rows<'_>,
    ) -> datafusion::common::Result<datafusion::logical_expr::ColumnarValue> {
        let s = rows.arg::<BinaryType>(0)?;
        let (mut days, mut at_risk, mut churned, mut survival) = (
            Float64Builder::new(),
            Int64Builder::new(),
            Int64Builder::new(),
            Float64Builder::new(),
        );
        let mut lengths = Vec::with_capacity(rows.len());
        let mut valid = Vec::with_capacity(rows.len());
        // core's rule: a count above 2^63 - 1 is an error, as in Postgres
        let count = |n| count_as_bigint(n, "survival_curve", "survival_summary").map_err(exec_err);
        for i in 0..rows.len() {
            let Some(b) = s.get(i) else {
                lengths.push(0);
                valid.push(false);
                continue;
            };
            let curve = SurvivalSummary::decode(b).map_err(exec_err)?.curve();
            for p in &curve {
                days.append_value(p.days);
                at_risk.append_value(count(p.at_risk)?);
                churned.append_value(count(p.churned)?);
                survival.append_value(p.survival);
            }
            lengths.push(curve.len());
            valid.push(true);
        }
        let columns: Vec<ArrayRef> = vec![
            Arc::new(days.finish()),
            Arc::new(at_risk.finish()),
            Arc::new(churned.finish()),
            Arc::new(survival.finish()),
        ];
        let points = StructArray::try_new(survival_point_fields(), columns, None)?;
        let item = Arc::new(Field::new_list_field(
            DataType::Struct(survival_point_fields()),
            true,
        ));
        let nulls = valid.iter().any(|v| !v).then(|| NullBuffer::from(valid));
        let list = ListArray::try_new(
            item,
            OffsetBuffer::from_lengths(lengths),
            Arc::new(points),
            nulls,
        )?;
        finish(Arc::new(list), rows.is_scalar())
    }
}
pub use accessors::{survival_curve_type, MedianLifetimeFunc, SurvivalAtFunc, SurvivalCurveFunc};
