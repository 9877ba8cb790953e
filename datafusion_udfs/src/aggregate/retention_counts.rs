//! `retention_counts(activity [, mode])` → `List<Int64>`

use std::sync::Arc;

use churnkit_core::agg::{Activity, RetentionCounts, RetentionMode};
use datafusion::arrow::array::{BinaryArray, Int64Builder, ListBuilder, StringArray};
use datafusion::arrow::datatypes::{DataType, Field};
use datafusion::common::cast::{as_binary_array, as_string_array};

use super::{aggregate_udf, at};
use crate::common::{exec_err, Param};
use churnkit_core::agg::ParamCache;

const NAME: &str = "retention_counts";

/// `List<Int64>` (the `bigint[]` of Postgres).
pub(crate) fn i64_list_type() -> DataType {
    DataType::List(Arc::new(Field::new_list_field(DataType::Int64, true)))
}

aggregate_udf! {
    pub struct RetentionCountsFunc;
    name: NAME,
    arities: &[1, 2],
    params: &[Param::binary("activity"), Param::string("mode")],
    return_type: i64_list_type(),
    state: RetentionCounts,
    cache: ParamCache<RetentionMode>,
    // the mode is `None` in the one-argument form ('classic')
    input<'a>: (&'a BinaryArray, Option<&'a StringArray>) = |values| {
        Ok((
            as_binary_array(&values[0])?,
            values.get(1).map(|m| as_string_array(m)).transpose()?,
        ))
    },
    // a row with a NULL argument is skipped; arguments are checked in order:
    // the activity is decoded, then the mode parsed
    update: |&(activity, mode), row, cache, state| {
        let Some(bytes) = at(activity, row) else {
            return Ok(());
        };
        let text = match mode {
            None => None,
            Some(m) => match at(m, row) {
                None => return Ok(()),
                text => text,
            },
        };
        let activity = Activity::decode(bytes).map_err(exec_err)?;
        let mode = match text {
            None => RetentionMode::Classic,
            Some(t) => cache
                .get(t.as_bytes(), RetentionMode::parse)
                .map_err(exec_err)?,
        };
        state.update(&activity, mode).map_err(exec_err)
    },
    // the counts; NULL for a group without rows
    evaluate: |states| {
        let mut out = ListBuilder::with_capacity(Int64Builder::new(), states.len());
        for s in states.iter() {
            if s.mode.is_none() {
                out.append_null();
            } else {
                out.values().append_slice(&s.counts);
                out.append(true);
            }
        }
        Ok(Arc::new(out.finish()))
    },
}
