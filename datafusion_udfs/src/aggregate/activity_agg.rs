//! `activity_agg(occurred_at, granularity)` → `activity` (Binary)

use std::sync::Arc;

use churnkit_core::agg::codec::Writer;
use churnkit_core::agg::ActivityState;
use churnkit_core::time::Granularity;
use datafusion::arrow::array::{BinaryBuilder, StringArray, TimestampMicrosecondArray};
use datafusion::arrow::datatypes::DataType;
use datafusion::common::cast::{as_string_array, as_timestamp_microsecond_array};

use super::{aggregate_udf, at, ParseCache};
use crate::common::{exec_err, Param};

const NAME: &str = "activity_agg";

aggregate_udf! {
    pub struct ActivityAggFunc;
    name: NAME,
    arities: &[2],
    params: &[Param::timestamp("occurred_at"), Param::string("granularity")],
    return_type: DataType::Binary,
    state: ActivityState,
    cache: ParseCache<Granularity>,
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
        let g = cache.get(text, |s| Granularity::parse(NAME, "granularity", s))?;
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
