//! `churnkit.activity_agg(occurred_at, granularity)` → `activity`, and its
//! accessors `cohort_start`, `is_active`, `lifecycle_state`.

use super::types::activity;
use super::v1;
use super::{state_or_new, to_pg_timestamptz, Group};
use crate::error::check;
use crate::scalar::to_core_ts;
use churnkit_core::agg::ActivityState;
use churnkit_core::agg::ParamCache;
use churnkit_core::time::Granularity;
use churnkit_core::ChurnError;
use churnkit_pg_macros::pg_aggregate;
use pgrx::prelude::*;

const F: &str = "activity_agg";

/// The serialised state is core's `ActivityState` encoding (the same bytes
/// as DataFusion's state column).
type ActivityAgg = Group<ActivityState, ParamCache<Granularity>>;

pg_aggregate! {
    name = "activity_agg",
    core = ActivityState,
    memo = ParamCache<Granularity>,
    result = activity,
    // a fallible copy: out of memory is SQLSTATE 53200, not an abort
    finish = |s| {
        let a = s.core.activity.as_ref()?;
        Some(activity(check(a.try_clone("activity_agg"))))
    },
    sspace = 128,
    // `activity_agg_trans(state internal, occurred_at timestamptz, granularity
    // text) → internal`: one event. Rows with a NULL `occurred_at` or
    // `granularity` are skipped; the granularity must be the same on every
    // row. A constant granularity (the usual case) is parsed once per query
    // ([`v1::const_text`]); any other is parsed by core once per group and
    // cached against the last text.
    // A version-1 C function (see [`v1`]).
    transition = c |state, fcinfo, [occurred_at, granularity]| {
        let Some(ts) = v1::timestamptz(occurred_at) else {
            return v1::return_internal(fcinfo, state);
        };
        let parse = |t: &str| Granularity::parse(F, "granularity", t);
        let g = match v1::const_text(fcinfo, 1, parse) {
            // the usual `activity_agg(occurred_at, 'month')`: parsed once per query
            Some(g) => check(g),
            None => match v1::text(granularity) {
                Some(text) => {
                    let s = state_or_new(&mut state, fcinfo, ActivityAgg::default);
                    check(s.memo.get(text, parse))
                }
                None => return v1::return_internal(fcinfo, state),
            },
        };
        let s = state_or_new(&mut state, fcinfo, ActivityAgg::default);
        check(s.core.update(ts, g));
    },
    overloads = [(
        "occurred_at timestamptz, granularity text",
        "the calendar periods (day, week, month, quarter or year, UTC) in which a customer was active"
    )],
    requires = [activity],
}

// ---- accessors ----

/// Start of the first active period (the cohort).
#[pg_extern(immutable, strict, parallel_safe)]
fn cohort_start(a: activity) -> TimestampWithTimeZone {
    let ts = check(a.0.cohort_start());
    // the same message as core's (which checks the i64 range)
    check(to_pg_timestamptz(ts, || {
        ChurnError::new("cohort_start", "activity", "cohort start out of range")
    }))
}

/// Active in period `period_index` after the cohort period (0 = the cohort period)?
#[pg_extern(immutable, strict, parallel_safe)]
fn is_active(a: activity, period_index: i32) -> bool {
    a.0.is_active(period_index as i64)
}

/// PostHog lifecycle state of the period containing `period_start`:
/// 'new', 'returning', 'resurrecting', 'dormant', or NULL.
#[pg_extern(immutable, strict, parallel_safe)]
fn lifecycle_state(a: activity, period_start: TimestampWithTimeZone) -> Option<&'static str> {
    check(a.0.lifecycle_state(to_core_ts(period_start))).map(|l| l.as_str())
}
