//! `churn_risk_stage`: where an account stands in its lifecycle.

use crate::error::{ChurnError, Result};
use crate::time::{check_timestamp, MICROS_PER_DAY};

const F: &str = "churn_risk_stage";

pub const DEFAULT_ONBOARDING_DAYS: i64 = 30;
pub const DEFAULT_RENEWAL_WINDOW_DAYS: i64 = 60;
pub const DEFAULT_DORMANT_DAYS: i64 = 14;
/// An activity trend at or below this is `declining`.
pub const DECLINING_TREND: f64 = -0.30;

/// Risk stages, in the order their rules are tried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RiskStage {
    Churned,
    Lapsed,
    Onboarding,
    Dormant,
    RenewalDue,
    Declining,
    Active,
}

impl RiskStage {
    pub const ALL: [RiskStage; 7] = [
        RiskStage::Churned,
        RiskStage::Lapsed,
        RiskStage::Onboarding,
        RiskStage::Dormant,
        RiskStage::RenewalDue,
        RiskStage::Declining,
        RiskStage::Active,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RiskStage::Churned => "churned",
            RiskStage::Lapsed => "lapsed",
            RiskStage::Onboarding => "onboarding",
            RiskStage::Dormant => "dormant",
            RiskStage::RenewalDue => "renewal_due",
            RiskStage::Declining => "declining",
            RiskStage::Active => "active",
        }
    }
}

/// Validated day thresholds of [`churn_risk_stage`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RiskParams {
    onboarding: i128,
    renewal_window: i128,
    dormant: i128,
}

impl Default for RiskParams {
    fn default() -> Self {
        RiskParams::new(
            DEFAULT_ONBOARDING_DAYS,
            DEFAULT_RENEWAL_WINDOW_DAYS,
            DEFAULT_DORMANT_DAYS,
        )
        .expect("defaults are valid")
    }
}

impl RiskParams {
    /// Every threshold is a number of days ≥ 0.
    pub fn new(onboarding_days: i64, renewal_window_days: i64, dormant_days: i64) -> Result<Self> {
        let days = |arg: &'static str, v: i64| -> Result<i128> {
            if v < 0 {
                Err(ChurnError::new(
                    F,
                    arg,
                    format!("{v} is negative (a number of days)"),
                ))
            } else {
                Ok(v as i128 * MICROS_PER_DAY as i128)
            }
        };
        Ok(RiskParams {
            onboarding: days("onboarding_days", onboarding_days)?,
            renewal_window: days("renewal_window_days", renewal_window_days)?,
            dormant: days("dormant_days", dormant_days)?,
        })
    }
}

/// The inputs of one account (timestamps in µs since 1970 UTC).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RiskInput {
    pub as_of: i64,
    pub signed_up_at: i64,
    pub renewal_at: Option<i64>,
    pub last_active_at: Option<i64>,
    pub churned_at: Option<i64>,
    pub activity_trend: Option<f64>,
}

/// First rule that matches:
/// `churned` (churned_at ≤ as_of) · `lapsed` (renewal_at < as_of) ·
/// `onboarding` (as_of < signed_up_at + onboarding_days) ·
/// `dormant` (no activity, or last activity ≥ dormant_days before as_of) ·
/// `renewal_due` (renewal_at ≤ as_of + renewal_window_days) ·
/// `declining` (activity_trend ≤ −0.30) · `active`.
/// NULL renewal_at, churned_at and activity_trend skip their rules; a NULL
/// last_active_at means "never active". A NaN trend is an error.
pub fn churn_risk_stage(i: &RiskInput, p: &RiskParams) -> Result<RiskStage> {
    check_timestamp(F, "as_of", i.as_of)?;
    check_timestamp(F, "signed_up_at", i.signed_up_at)?;
    for (argument, t) in [
        ("renewal_at", i.renewal_at),
        ("last_active_at", i.last_active_at),
        ("churned_at", i.churned_at),
    ] {
        if let Some(t) = t {
            check_timestamp(F, argument, t)?;
        }
    }
    if let Some(t) = i.activity_trend {
        if t.is_nan() {
            return Err(ChurnError::new(F, "activity_trend", "NaN is not a number"));
        }
    }
    let as_of = i.as_of as i128;
    if matches!(i.churned_at, Some(c) if c as i128 <= as_of) {
        return Ok(RiskStage::Churned);
    }
    if matches!(i.renewal_at, Some(r) if (r as i128) < as_of) {
        return Ok(RiskStage::Lapsed);
    }
    if as_of < i.signed_up_at as i128 + p.onboarding {
        return Ok(RiskStage::Onboarding);
    }
    match i.last_active_at {
        None => return Ok(RiskStage::Dormant),
        Some(l) if as_of - l as i128 >= p.dormant => return Ok(RiskStage::Dormant),
        _ => {}
    }
    if matches!(i.renewal_at, Some(r) if r as i128 <= as_of + p.renewal_window) {
        return Ok(RiskStage::RenewalDue);
    }
    if matches!(i.activity_trend, Some(t) if t <= DECLINING_TREND) {
        return Ok(RiskStage::Declining);
    }
    Ok(RiskStage::Active)
}

#[cfg(test)]
mod tests {
    use super::*;
    const D: i64 = MICROS_PER_DAY;

    fn base() -> RiskInput {
        // as_of = day 1000; signed up 100 days before; active yesterday;
        // renewal in 200 days; not churned; flat trend
        RiskInput {
            as_of: 1000 * D,
            signed_up_at: 900 * D,
            renewal_at: Some(1200 * D),
            last_active_at: Some(999 * D),
            churned_at: None,
            activity_trend: Some(0.0),
        }
    }

    fn stage(i: RiskInput) -> &'static str {
        churn_risk_stage(&i, &RiskParams::default())
            .unwrap()
            .as_str()
    }

    #[test]
    fn every_rule_and_boundary() {
        assert_eq!(stage(base()), "active");
        assert_eq!(
            stage(RiskInput {
                churned_at: Some(1000 * D),
                ..base()
            }),
            "churned"
        );
        assert_eq!(
            stage(RiskInput {
                churned_at: Some(1000 * D + 1),
                ..base()
            }),
            "active"
        );
        assert_eq!(
            stage(RiskInput {
                renewal_at: Some(1000 * D - 1),
                ..base()
            }),
            "lapsed"
        );
        assert_eq!(
            stage(RiskInput {
                renewal_at: Some(1000 * D),
                ..base()
            }),
            "renewal_due"
        );
        assert_eq!(
            stage(RiskInput {
                signed_up_at: 970 * D + 1,
                ..base()
            }),
            "onboarding"
        );
        assert_eq!(
            stage(RiskInput {
                signed_up_at: 970 * D,
                ..base()
            }),
            "active"
        );
        assert_eq!(
            stage(RiskInput {
                last_active_at: None,
                ..base()
            }),
            "dormant"
        );
        assert_eq!(
            stage(RiskInput {
                last_active_at: Some(986 * D),
                ..base()
            }),
            "dormant"
        );
        assert_eq!(
            stage(RiskInput {
                last_active_at: Some(986 * D + 1),
                ..base()
            }),
            "active"
        );
        assert_eq!(
            stage(RiskInput {
                renewal_at: Some(1060 * D),
                ..base()
            }),
            "renewal_due"
        );
        assert_eq!(
            stage(RiskInput {
                renewal_at: Some(1060 * D + 1),
                ..base()
            }),
            "active"
        );
        assert_eq!(
            stage(RiskInput {
                activity_trend: Some(-0.30),
                ..base()
            }),
            "declining"
        );
        assert_eq!(
            stage(RiskInput {
                activity_trend: Some(-0.29),
                ..base()
            }),
            "active"
        );
        assert_eq!(
            stage(RiskInput {
                activity_trend: None,
                renewal_at: None,
                ..base()
            }),
            "active"
        );
    }

    #[test]
    fn first_matching_rule_wins() {
        let all = RiskInput {
            churned_at: Some(0),
            renewal_at: Some(0),
            signed_up_at: 1000 * D,
            last_active_at: None,
            activity_trend: Some(-1.0),
            ..base()
        };
        assert_eq!(stage(all), "churned");
        assert_eq!(
            stage(RiskInput {
                churned_at: None,
                ..all
            }),
            "lapsed"
        );
        assert_eq!(
            stage(RiskInput {
                churned_at: None,
                renewal_at: None,
                ..all
            }),
            "onboarding"
        );
    }

    #[test]
    fn custom_thresholds_and_errors() {
        let p = RiskParams::new(0, 0, 0).unwrap();
        // dormant_days 0: any past activity counts as dormant
        assert_eq!(churn_risk_stage(&base(), &p).unwrap().as_str(), "dormant");
        assert_eq!(
            RiskParams::new(-1, 0, 0).unwrap_err().to_string(),
            "churn_risk_stage: invalid onboarding_days: -1 is negative (a number of days)"
        );
        assert_eq!(
            RiskParams::new(0, -1, 0).unwrap_err().argument,
            "renewal_window_days"
        );
        assert_eq!(
            RiskParams::new(0, 0, -1).unwrap_err().argument,
            "dormant_days"
        );
        let e = churn_risk_stage(
            &RiskInput {
                activity_trend: Some(f64::NAN),
                ..base()
            },
            &RiskParams::default(),
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "churn_risk_stage: invalid activity_trend: NaN is not a number"
        );
    }

    #[test]
    fn extreme_values_do_not_overflow() {
        use crate::time::{MAX_TIMESTAMP, MIN_TIMESTAMP};
        let p = RiskParams::new(i64::MAX, i64::MAX, i64::MAX).unwrap();
        let i = RiskInput {
            as_of: MAX_TIMESTAMP,
            signed_up_at: MAX_TIMESTAMP,
            renewal_at: Some(MIN_TIMESTAMP),
            last_active_at: Some(MIN_TIMESTAMP),
            churned_at: None,
            activity_trend: Some(f64::NEG_INFINITY),
        };
        assert_eq!(churn_risk_stage(&i, &p).unwrap(), RiskStage::Lapsed);
        let i = RiskInput {
            renewal_at: None,
            ..i
        };
        assert_eq!(churn_risk_stage(&i, &p).unwrap(), RiskStage::Onboarding);
        // ±infinity is not a point in time, in any argument
        for (arg, i) in [
            (
                "as_of",
                RiskInput {
                    as_of: i64::MAX,
                    ..i
                },
            ),
            (
                "signed_up_at",
                RiskInput {
                    signed_up_at: i64::MIN,
                    ..i
                },
            ),
            (
                "renewal_at",
                RiskInput {
                    renewal_at: Some(i64::MAX),
                    ..i
                },
            ),
            (
                "last_active_at",
                RiskInput {
                    last_active_at: Some(i64::MIN),
                    ..i
                },
            ),
            (
                "churned_at",
                RiskInput {
                    churned_at: Some(i64::MAX),
                    ..i
                },
            ),
        ] {
            let e = churn_risk_stage(&i, &p).unwrap_err();
            assert_eq!(
                (e.argument, e.kind),
                (arg, crate::ErrorKind::DatetimeOverflow)
            );
        }
    }
}
