//! `engagement_agg(occurred_at, duration_seconds, is_key_action)` → `engagement_summary` (Binary)

use churnkit_core::agg::EngagementSummary;
use datafusion::arrow::array::{BooleanArray, Float64Array, TimestampMicrosecondArray};
use datafusion::arrow::datatypes::DataType;
use datafusion::common::cast::{
    as_boolean_array, as_float64_array, as_timestamp_microsecond_array,
};

use super::{aggregate_udf, at};
use crate::common::{exec_err, Param};

aggregate_udf! {
    pub struct EngagementAggFunc;
    name: "engagement_agg",
    arities: &[3],
    params: &[
        Param::timestamp("occurred_at"),
        Param::f64("duration_seconds"),
        Param::boolean("is_key_action"),
    ],
    return_type: DataType::Binary,
    state: EngagementSummary,
    cache: (),
    input<'a>: (&'a TimestampMicrosecondArray, &'a Float64Array, &'a BooleanArray) = |values| {
        Ok((
            as_timestamp_microsecond_array(&values[0])?,
            as_float64_array(&values[1])?,
            as_boolean_array(&values[2])?,
        ))
    },
    // a NULL occurred_at skips the row; NULL duration and key flag are core's
    update: |&(ts, duration, key), row, _cache, state| {
        let Some(ts) = at(ts, row) else {
            return Ok(());
        };
        state
            .update(ts, at(duration, row), at(key, row))
            .map_err(exec_err)
    },
}
