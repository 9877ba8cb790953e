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
