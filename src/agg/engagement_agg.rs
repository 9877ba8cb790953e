//! `churnkit.engagement_agg(occurred_at, duration_seconds, is_key_action)`
//! → `engagement_summary`, and its accessors.

use super::types::engagement_summary;
use super::v1;
use super::{state_or_new, to_bigint, to_pg_timestamptz, Group};
use crate::error::check;
use churnkit_core::agg::EngagementSummary;
use churnkit_core::ChurnError;
use churnkit_pg_macros::pg_aggregate;
use pgrx::prelude::*;

type EngagementAgg = Group<EngagementSummary>;

pg_aggregate! {
    name = "engagement_agg",
    core = EngagementSummary,
    result = engagement_summary,
    // a fallible copy: out of memory is SQLSTATE 53200, not an abort
    finish = |s| Some(engagement_summary(check(s.core.try_clone()))),
    sspace = 256,
    // `engagement_agg_trans(state internal, occurred_at timestamptz,
    // duration_seconds float8, is_key_action boolean) → internal`: one event.
    // A NULL `occurred_at` skips the row; a NULL duration counts as 0 s and a
    // NULL `is_key_action` as false (core). A version-1 C function (see [`v1`]).
    transition = c |state, fcinfo, [occurred_at, duration_seconds, is_key_action]| {
        if let Some(ts) = v1::timestamptz(occurred_at) {
            let s = state_or_new(&mut state, fcinfo, EngagementAgg::default);
            check(
                s.core
                    .update(ts, v1::float8(duration_seconds), v1::boolean(is_key_action)),
            );
        }
    },
    overloads = [(
        "occurred_at timestamptz, duration_seconds double precision, is_key_action boolean",
        "engagement summary of a group of events: events, active seconds, distinct active UTC days, key actions, first and last activity"
    )],
    requires = [engagement_summary],
}

// ---- accessors ----

#[pg_extern(immutable, strict, parallel_safe)]
fn active_days(summary: engagement_summary) -> i64 {
    summary.0.active_days()
}

#[pg_extern(immutable, strict, parallel_safe)]
fn active_minutes(summary: engagement_summary) -> f64 {
    summary.0.active_minutes()
}

#[pg_extern(immutable, strict, parallel_safe)]
fn key_actions(summary: engagement_summary) -> i64 {
    check(to_bigint(
        summary.0.key_actions,
        "key_actions",
        "engagement_summary",
    ))
}

/// NULL for a summary of zero events.
#[pg_extern(immutable, strict, parallel_safe)]
fn last_active_at(summary: engagement_summary) -> Option<TimestampWithTimeZone> {
    summary.0.last_active_at.map(|ts| {
        check(to_pg_timestamptz(ts, || {
            ChurnError::new(
                "last_active_at",
                "engagement_summary",
                "last activity out of range",
            )
        }))
    })
}

/// `engagement_score(active_minutes, active_days, key_actions, period_days)`
/// of the summary, with the default weights and targets.
#[pg_extern(name = "engagement_score", immutable, strict, parallel_safe)]
fn engagement_score_of_summary(summary: engagement_summary, period_days: f64) -> f64 {
    check(summary.0.engagement_score(period_days))
}
