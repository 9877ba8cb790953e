//! Accessors of `activity` (the Binary result of `activity_agg`):
//! `cohort_start`, `is_active`, `lifecycle_state`.

use churnkit_core::agg::Activity;
use datafusion::arrow::datatypes::{BooleanType, Int32Type, TimestampMicrosecondType, Utf8Type};

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
