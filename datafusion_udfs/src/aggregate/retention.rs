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
    state: RetentionState,
    cache: (),
    input<'a>: BoolLists<'a> = |values| BoolLists::new("retention", &values[0]),
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
