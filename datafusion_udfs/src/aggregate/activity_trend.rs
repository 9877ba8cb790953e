//! `activity_trend(occurred_at, as_of, window_days)` → `Float64`

use std::sync::Arc;

use churnkit_core::agg::TrendState;
use datafusion::arrow::array::{Float64Array, Int32Array, TimestampMicrosecondArray};
use datafusion::arrow::datatypes::DataType;
use datafusion::common::cast::{as_int32_array, as_timestamp_microsecond_array};

use super::{aggregate_udf, at};
use crate::common::{exec_err, Param};

aggregate_udf! {
    pub struct ActivityTrendFunc;
    name: "activity_trend",
    arities: &[3],
    params: &[
        Param::timestamp("occurred_at"),
        Param::timestamp("as_of"),
        Param::i32("window_days"),
    ],
    return_type: DataType::Float64,
    state: TrendState,
    cache: (),
    input<'a>: (&'a TimestampMicrosecondArray, &'a TimestampMicrosecondArray, &'a Int32Array) =
        |values| {
            Ok((
                as_timestamp_microsecond_array(&values[0])?,
                as_timestamp_microsecond_array(&values[1])?,
                as_int32_array(&values[2])?,
            ))
        },
    // a row with a NULL argument is skipped
    update: |&(ts, as_of, window_days), row, _cache, state| {
        let (Some(ts), Some(as_of), Some(days)) =
            (at(ts, row), at(as_of, row), at(window_days, row))
        else {
            return Ok(());
        };
        state.update(ts, as_of, days as i64).map_err(exec_err)
    },
    // NULL when the prior window has no events
    evaluate: |states| {
        Ok(Arc::new(
            states.iter().map(|s| s.finish()).collect::<Float64Array>(),
        ))
    },
}
