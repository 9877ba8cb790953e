//! `churnkit.engagement_score`: 4-, 7- and 10-argument overloads.

use crate::cache::{copy_memo, CopyMemo};
use crate::error::check;
use churnkit_core::scalar::engagement_score::{DEFAULT_TARGETS, DEFAULT_WEIGHTS};
use churnkit_core::scalar::{engagement_score as core_score, EngagementParams};
use pgrx::prelude::*;
use std::cell::RefCell;

thread_local! {
    static PARAMS: RefCell<CopyMemo<[u64; 6], EngagementParams>> = const { RefCell::new(None) };
    /// Core's defaults (DEFAULT_WEIGHTS, DEFAULT_TARGETS), validated once.
    static DEFAULT: Option<EngagementParams> = EngagementParams::new(DEFAULT_WEIGHTS, DEFAULT_TARGETS).ok();
}

/// Validated parameters for these weights and targets (cached by bit pattern).
fn params(weights: [f64; 3], targets: [f64; 3]) -> EngagementParams {
    let key = [
        weights[0], weights[1], weights[2], targets[0], targets[1], targets[2],
    ]
    .map(f64::to_bits);
    check(copy_memo(&PARAMS, key, || {
        EngagementParams::new(weights, targets)
    }))
}

/// The score of the measures (active minutes, active days, key actions,
/// period days) with `p`, core's errors raised.
fn score([minutes, days, actions, period]: [f64; 4], p: &EngagementParams) -> f64 {
    check(core_score(minutes, days, actions, period, p))
}

#[pg_extern(immutable, strict, parallel_safe)]
fn engagement_score(
    active_minutes: f64,
    active_days: f64,
    key_actions: f64,
    period_days: f64,
) -> f64 {
    let p = DEFAULT
        .with(|p| *p)
        .unwrap_or_else(|| params(DEFAULT_WEIGHTS, DEFAULT_TARGETS));
    score([active_minutes, active_days, key_actions, period_days], &p)
}

#[pg_extern(name = "engagement_score", immutable, strict, parallel_safe)]
#[allow(clippy::too_many_arguments)]
fn engagement_score_weighted(
    active_minutes: f64,
    active_days: f64,
    key_actions: f64,
    period_days: f64,
    weight_time: f64,
    weight_frequency: f64,
    weight_depth: f64,
) -> f64 {
    let p = params(
        [weight_time, weight_frequency, weight_depth],
        DEFAULT_TARGETS,
    );
    score([active_minutes, active_days, key_actions, period_days], &p)
}

#[pg_extern(name = "engagement_score", immutable, strict, parallel_safe)]
#[allow(clippy::too_many_arguments)]
fn engagement_score_targeted(
    active_minutes: f64,
    active_days: f64,
    key_actions: f64,
    period_days: f64,
    weight_time: f64,
    weight_frequency: f64,
    weight_depth: f64,
    target_minutes_per_day: f64,
    target_active_ratio: f64,
    target_actions_per_day: f64,
) -> f64 {
    let p = params(
        [weight_time, weight_frequency, weight_depth],
        [
            target_minutes_per_day,
            target_active_ratio,
            target_actions_per_day,
        ],
    );
    score([active_minutes, active_days, key_actions, period_days], &p)
}
