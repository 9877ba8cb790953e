//! `activity_agg(occurred_at, granularity)` → `activity` (Binary)

use std::sync::Arc;

use churnkit_core::agg::codec::Writer;
use churnkit_core::agg::ActivityState;
use churnkit_core::time::Granularity;
use datafusion::arrow::array::{BinaryBuilder, StringArray, TimestampMicrosecondArray};
use datafusion::arrow::datatypes::DataType;
use datafusion::common::cast::{as_string_array, as_timestamp_microsecond_array};

use super::{aggregate_udf, at};
use crate::common::{exec_err, Param};
use churnkit_core::agg::ParamCache;

const NAME: &str = "activity_agg";

aggregate_udf! {
    pub struct ActivityAggFunc;
    name: NAME,
    arities: &[2],
    params: &[Param::timestamp("occurred_at"), Param::string("granularity")],
    return_type: DataType::Binary,
    state: ActivityState,
    cache: ParamCache<Granularity>,
    input<'a>: (&'a TimestampMicrosecondArray, &'a StringArray) = |values| {
        Ok((
            as_timestamp_microsecond_array(&values[0])?,
            as_string_array(&values[1])?,
        ))
    },
    // a row with a NULL argument is skipped; the granularity text of a run
    // of rows is parsed once
    update: |&(ts, granularity), row, cache, state| {
        let (Some(ts), Some(text)) = (at(ts, row), at(granularity, row)) else {
            return Ok(());
        };
        let g = cache
            .get(text.as_bytes(), |s| Granularity::parse(NAME, "granularity", s))
            .map_err(exec_err)?;
        state.update(ts, g).map_err(exec_err)
    },
    // the activity bytes (the summary, not the state); NULL for a group
    // without rows
    evaluate: |states| {
        let mut out = BinaryBuilder::with_capacity(states.len(), 0);
        let mut buf = Vec::new();
        for s in states.iter() {
            match &s.activity {
                Some(a) => {
                    let mut w = Writer::with_buffer(std::mem::take(&mut buf));
                    a.encode_into(&mut w);
                    buf = w.finish();
                    out.append_value(&buf);
                }
                None => out.append_null(),
            }
        }
        Ok(Arc::new(out.finish()))
    },
}

// The accessors of the summary `activity_agg` returns (scalar functions), beside it
// as in core and in the Postgres adapter.
mod accessors {
    //! Accessors of `activity` (the Binary result of `activity_agg`):
    //! `cohort_start`, `is_active`, `lifecycle_state`.

    use churnkit_core::agg::Activity;
    use datafusion::arrow::datatypes::{
        BooleanType, Int32Type, TimestampMicrosecondType, Utf8Type,
    };

    use crate::common::Param;
    use crate::udf::summary_accessor;

    summary_accessor! {
    pub struct CohortStartFunc;
        name: "cohort_start",
        summary: "activity" => Activity::decode,
        returns: TimestampMicrosecondType,
        |a| a.cohort_start().map(Some)
    }

    summary_accessor! {
    pub struct IsActiveFunc;
        name: "is_active",
        summary: "activity" => Activity::decode,
        arg: Param::i32("period_index") => Int32Type,
        returns: BooleanType,
        |a, n| Ok(Some(a.is_active(n as i64)))
    }

    summary_accessor! {
    pub struct LifecycleStateFunc;
        name: "lifecycle_state",
        summary: "activity" => Activity::decode,
        arg: Param::timestamp("period_start") => TimestampMicrosecondType,
        returns: Utf8Type,
        |a, t| a.lifecycle_state(t).map(|l| l.map(|l| l.as_str()))
    }
}
pub use accessors::{CohortStartFunc, IsActiveFunc, LifecycleStateFunc};
