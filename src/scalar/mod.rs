//! Scalar functions of docs/functions.md, one file each.

mod business_hours_between;
mod churn_risk_stage;
mod cohort_period;
mod engagement_score;
mod health_score;
mod health_tier;
mod mrr_movement;

use pgrx::prelude::*;

/// A `timestamptz` as a core timestamp (µs since 1970 UTC; ±infinity stay
/// the extreme values).
#[inline]
pub(crate) fn to_core_ts(t: TimestampWithTimeZone) -> i64 {
    churnkit_core::time::from_pg_timestamp(t.into_inner())
}

/// `a == b` for strings in a const context (to pin SQL defaults to core).
pub(crate) const fn const_str_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}
