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

// The accessors of the summary `engagement_agg` returns (scalar functions), beside it
// as in core and in the Postgres adapter.
mod accessors {
    //! Accessors of `engagement_summary` (the Binary result of `engagement_agg`):
    //! `active_days`, `active_minutes`, `key_actions`, `last_active_at`.
    //! (`engagement_score(summary, period_days)` is the two-argument form of
    //! [`EngagementScoreFunc`](super::EngagementScoreFunc).)

    use churnkit_core::agg::{count_as_bigint, EngagementSummary, State};
    use datafusion::arrow::datatypes::{Float64Type, Int64Type, TimestampMicrosecondType};

    use crate::udf::summary_accessor;

    summary_accessor! {
    pub struct ActiveDaysFunc;
        name: "active_days",
        summary: "summary" => EngagementSummary::decode,
        returns: Int64Type,
        |s| Ok(Some(s.active_days()))
    }

    summary_accessor! {
    pub struct ActiveMinutesFunc;
        name: "active_minutes",
        summary: "summary" => EngagementSummary::decode,
        returns: Float64Type,
        |s| Ok(Some(s.active_minutes()))
    }

    summary_accessor! {
    pub struct KeyActionsFunc;
        name: "key_actions",
        summary: "summary" => EngagementSummary::decode,
        returns: Int64Type,
        // core's rule: a count above 2^63 - 1 is an error, as in Postgres
        |s| count_as_bigint(s.key_actions, "key_actions", "engagement_summary").map(Some)
    }

    summary_accessor! {
    pub struct LastActiveAtFunc;
        name: "last_active_at",
        summary: "summary" => EngagementSummary::decode,
        returns: TimestampMicrosecondType,
        |s| Ok(s.last_active_at)
    }
}
pub use accessors::{ActiveDaysFunc, ActiveMinutesFunc, KeyActionsFunc, LastActiveAtFunc};
