//! `churnkit.health_tier(score, good_at 70, poor_below 40)`.

use crate::error::check;
use churnkit_core::scalar::health_tier::{DEFAULT_GOOD_AT, DEFAULT_POOR_BELOW};
use churnkit_core::scalar::{health_tier as core_tier, TierThresholds};
use pgrx::prelude::*;

#[pg_extern(immutable, strict, parallel_safe)]
fn health_tier(
    score: f64,
    good_at: default!(f64, 70),
    poor_below: default!(f64, 40),
) -> &'static str {
    // TierThresholds::new is two comparisons: cheaper than any cache lookup
    let t = check(TierThresholds::new(good_at, poor_below));
    check(core_tier(score, &t)).as_str()
}

// The SQL defaults above are literals (pgrx needs them at macro time): pin
// them to core's constants.
const _: () = assert!(DEFAULT_GOOD_AT == 70.0 && DEFAULT_POOR_BELOW == 40.0);
