//! `health_tier(score [, good_at, poor_below])`: good / average / poor.

use crate::error::{finite, num, ChurnError, Result};

/// Default threshold: a score at or above this is `good`.
pub const DEFAULT_GOOD_AT: f64 = 70.0;
/// Default threshold: a score below this is `poor`.
pub const DEFAULT_POOR_BELOW: f64 = 40.0;

/// Health tier of a score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Tier {
    Poor,
    Average,
    Good,
}

impl Tier {
    pub fn as_str(self) -> &'static str {
        match self {
            Tier::Good => "good",
            Tier::Average => "average",
            Tier::Poor => "poor",
        }
    }
}

/// Validated thresholds of [`health_tier`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TierThresholds {
    good_at: f64,
    poor_below: f64,
}

impl Default for TierThresholds {
    fn default() -> Self {
        TierThresholds {
            good_at: DEFAULT_GOOD_AT,
            poor_below: DEFAULT_POOR_BELOW,
        }
    }
}

impl TierThresholds {
    pub fn new(good_at: f64, poor_below: f64) -> Result<Self> {
        const F: &str = "health_tier";
        let good_at = finite(F, "good_at", good_at)?;
        let poor_below = finite(F, "poor_below", poor_below)?;
        if poor_below > good_at {
            return Err(ChurnError::new(
                F,
                "poor_below",
                format!(
                    "{} is greater than good_at {}",
                    num(poor_below),
                    num(good_at)
                ),
            ));
        }
        Ok(TierThresholds {
            good_at,
            poor_below,
        })
    }
}

/// `good` when score ≥ good_at, `poor` when score < poor_below, else `average`.
/// A NaN score is an error.
pub fn health_tier(score: f64, t: &TierThresholds) -> Result<Tier> {
    if score.is_nan() {
        return Err(ChurnError::new(
            "health_tier",
            "score",
            "NaN is not a number",
        ));
    }
    Ok(if score >= t.good_at {
        Tier::Good
    } else if score < t.poor_below {
        Tier::Poor
    } else {
        Tier::Average
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiers_and_boundaries() {
        let t = TierThresholds::default();
        assert_eq!(health_tier(70.0, &t).unwrap(), Tier::Good);
        assert_eq!(health_tier(69.999, &t).unwrap(), Tier::Average);
        assert_eq!(health_tier(40.0, &t).unwrap(), Tier::Average);
        assert_eq!(health_tier(39.999, &t).unwrap(), Tier::Poor);
        assert_eq!(health_tier(f64::INFINITY, &t).unwrap(), Tier::Good);
        let t = TierThresholds::new(50.0, 50.0).unwrap();
        assert_eq!(health_tier(50.0, &t).unwrap(), Tier::Good);
        assert_eq!(health_tier(49.0, &t).unwrap(), Tier::Poor);
        assert_eq!(
            TierThresholds::new(40.0, 70.0).unwrap_err().to_string(),
            "health_tier: invalid poor_below: 70 is greater than good_at 40"
        );
        assert_eq!(
            TierThresholds::new(f64::NAN, 1.0).unwrap_err().argument,
            "good_at"
        );
        assert_eq!(
            health_tier(f64::NAN, &TierThresholds::default())
                .unwrap_err()
                .to_string(),
            "health_tier: invalid score: NaN is not a number"
        );
    }
}
