//! `churnkit.churn_risk_stage(...)`: NOT strict (NULLs have meanings, see docs/functions.md).

use crate::error::check;
use crate::scalar::to_core_ts;
use churnkit_core::scalar::churn_risk_stage::{
    DEFAULT_DORMANT_DAYS, DEFAULT_ONBOARDING_DAYS, DEFAULT_RENEWAL_WINDOW_DAYS,
};
use churnkit_core::scalar::{churn_risk_stage as core_stage, RiskInput, RiskParams};
use pgrx::prelude::*;

/// NULL `as_of`, `signed_up_at` or threshold → NULL; NULL `renewal_at`,
/// `last_active_at`, `churned_at`, `activity_trend` go to core as `None`.
#[pg_extern(immutable, parallel_safe)]
#[allow(clippy::too_many_arguments)]
fn churn_risk_stage(
    as_of: Option<TimestampWithTimeZone>,
    signed_up_at: Option<TimestampWithTimeZone>,
    renewal_at: Option<TimestampWithTimeZone>,
    last_active_at: Option<TimestampWithTimeZone>,
    churned_at: Option<TimestampWithTimeZone>,
    activity_trend: default!(Option<f64>, "NULL"),
    onboarding_days: default!(Option<i32>, 30),
    renewal_window_days: default!(Option<i32>, 60),
    dormant_days: default!(Option<i32>, 14),
) -> Option<&'static str> {
    let input = RiskInput {
        as_of: to_core_ts(as_of?),
        signed_up_at: to_core_ts(signed_up_at?),
        renewal_at: renewal_at.map(to_core_ts),
        last_active_at: last_active_at.map(to_core_ts),
        churned_at: churned_at.map(to_core_ts),
        activity_trend,
    };
    // RiskParams::new is three sign checks: cheaper than any cache lookup
    let p = check(RiskParams::new(
        onboarding_days?.into(),
        renewal_window_days?.into(),
        dormant_days?.into(),
    ));
    Some(check(core_stage(&input, &p)).as_str())
}

// The SQL defaults above are literals (pgrx needs them at macro time): pin
// them to core's constants.
const _: () = assert!(
    DEFAULT_ONBOARDING_DAYS == 30
        && DEFAULT_RENEWAL_WINDOW_DAYS == 60
        && DEFAULT_DORMANT_DAYS == 14
);
