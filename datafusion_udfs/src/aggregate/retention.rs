//! `retention(conditions)` → `List<Int32>` (ClickHouse `retention()`)

use std::sync::Arc;

use churnkit_core::agg::RetentionState;
use datafusion::arrow::array::{Int32Builder, ListBuilder};
use datafusion::arrow::datatypes::{DataType, Field};

use super::{aggregate_udf, BoolLists};
use crate::common::{exec_err, Param};

aggregate_udf! {
    pub struct RetentionFunc;
    name: "retention",
    arities: &[1],
    params: &[Param::bool_list("conditions")],
    return_type: DataType::List(Arc::new(Field::new_list_field(DataType::Int32, true))),
    // `List<Boolean>`, or the flat form of `simplify` (1 to 32 booleans)
    coerce: |types| super::coerce_flat("retention", types, &[])
        .unwrap_or_else(|| crate::common::coerce_args("retention", types, &[1], &[Param::bool_list("conditions")])),
    extra: {
        /// `retention(ARRAY[c1, …, cn])` of boolean conditions becomes
        /// `retention(c1, …, cn)`: the same result without building an
        /// array per row (only this rewrite makes the flat form).
        fn simplify(&self) -> Option<datafusion::logical_expr::function::AggregateFunctionSimplification> {
            Some(Box::new(|agg, info| {
                match agg.params.args.first().map(|a| super::bool_array_elements(a, info)).transpose()?.flatten() {
                    Some(conditions) if agg.params.args.len() == 1 => Ok(super::with_args(agg, conditions)),
                    _ => Ok(datafusion::logical_expr::Expr::AggregateFunction(agg)),
                }
            }))
        }
    },
    state: RetentionState,
    cache: (),
    // `List<Boolean>` (as called), or the flat form of `simplify`
    input<'a>: BoolLists<'a> = |values| match values[0].data_type() {
        DataType::Boolean => BoolLists::flat("retention", values),
        _ => BoolLists::new("retention", &values[0]),
    },
    // a NULL array skips the row; NULL elements are false
    update: |lists, row, _cache, state| {
        match lists.row(row) {
            None => Ok(()),
            Some((conditions, len)) => state.update(conditions, len).map_err(exec_err),
        }
    },
    // the flags; NULL for a group without rows
    evaluate: |states| {
        let mut out = ListBuilder::with_capacity(Int32Builder::new(), states.len());
        for s in states.iter() {
            if s.n == 0 {
                out.append_null();
            } else {
                out.values().append_slice(&s.finish());
                out.append(true);
            }
        }
        Ok(Arc::new(out.finish()))
    },
}
