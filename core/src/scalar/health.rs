//! `health_score` (the weighted scorecard) and `health_tier`.

use crate::error::{finite, num, round9, ChurnError, Result};

/// Default threshold: a score at or above this is `good`.
pub const DEFAULT_GOOD_AT: f64 = 70.0;
/// Default threshold: a score below this is `poor`.
pub const DEFAULT_POOR_BELOW: f64 = 40.0;

/// Weighted mean of the present (non-NULL) scores, with the weights of the
/// present scores renormalised, rounded to 9 decimal places.
///
/// * `None` when no score is present, or when every present score has
///   weight 0 (nothing to average).
/// * Errors: arrays of different lengths; a NULL, negative or non-finite
///   weight; weights summing to 0; a score outside [0, 100] or NaN.
pub fn health_score(scores: &[Option<f64>], weights: &[Option<f64>]) -> Result<Option<f64>> {
    const F: &str = "health_score";
    if scores.len() != weights.len() {
        return Err(ChurnError::new(
            F,
            "weights",
            format!(
                "has {} elements but scores has {}",
                weights.len(),
                scores.len()
            ),
        ));
    }
    // validate, and find the largest weight: weights are scaled by it so that
    // no product or sum can overflow whatever their magnitude
    let mut max_weight: f64 = 0.0;
    for (i, (s, w)) in scores.iter().zip(weights).enumerate() {
        match w {
            None => {
                return Err(ChurnError::new(
                    F,
                    "weights",
                    format!("element {} is NULL", i + 1),
                ))
            }
            Some(w) if !w.is_finite() || *w < 0.0 => {
                return Err(ChurnError::new(
                    F,
                    "weights",
                    format!(
                        "element {} is {} (weights must be finite and non-negative)",
                        i + 1,
                        num(*w)
                    ),
                ))
            }
            Some(w) => max_weight = max_weight.max(*w),
        }
        if let Some(s) = s {
            if !(0.0..=100.0).contains(s) {
                return Err(ChurnError::new(
                    F,
                    "scores",
                    format!(
                        "element {} is {} (scores must be between 0 and 100)",
                        i + 1,
                        num(*s)
                    ),
                ));
            }
        }
    }
    if scores.is_empty() {
        return Ok(None);
    }
    if max_weight <= 0.0 {
        return Err(ChurnError::new(
            F,
            "weights",
            "weights must sum to a positive number (got 0)".to_string(),
        ));
    }
    let mut present_weight = 0.0;
    let mut weighted = 0.0;
    for (s, w) in scores.iter().zip(weights) {
        if let (Some(s), Some(w)) = (s, w) {
            let w = w / max_weight;
            present_weight += w;
            weighted += w * s;
        }
    }
    if present_weight > 0.0 {
        Ok(Some(round9((weighted / present_weight).clamp(0.0, 100.0))))
    } else {
        Ok(None)
    }
}

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
    fn weighted_mean_renormalises_missing_measures() {
        assert_eq!(
            health_score(
                &[Some(80.0), None, Some(60.0)],
                &[Some(1.0), Some(5.0), Some(1.0)]
            )
            .unwrap(),
            Some(70.0)
        );
        assert_eq!(
            health_score(&[Some(90.0), Some(30.0)], &[Some(3.0), Some(1.0)]).unwrap(),
            Some(75.0)
        );
        assert_eq!(
            health_score(&[None, None], &[Some(1.0), Some(1.0)]).unwrap(),
            None
        );
        assert_eq!(health_score(&[], &[]).unwrap(), None);
        // huge weights neither overflow nor saturate
        assert_eq!(
            health_score(&[Some(50.0), Some(50.0)], &[Some(1e308), Some(1e307)]).unwrap(),
            Some(50.0)
        );
        assert_eq!(
            health_score(&[Some(100.0), Some(0.0)], &[Some(f64::MAX), Some(f64::MAX)]).unwrap(),
            Some(50.0)
        );
        assert_eq!(
            health_score(&[Some(80.0), Some(20.0)], &[Some(5e-324), Some(5e-324)]).unwrap(),
            Some(50.0)
        );
        // the only present measure has weight 0: nothing to average
        assert_eq!(
            health_score(&[Some(50.0), None], &[Some(0.0), Some(1.0)]).unwrap(),
            None
        );
    }

    #[test]
    fn health_score_errors() {
        assert_eq!(
            health_score(&[Some(1.0)], &[Some(1.0), Some(2.0)])
                .unwrap_err()
                .to_string(),
            "health_score: invalid weights: has 2 elements but scores has 1"
        );
        assert_eq!(health_score(&[Some(1.0)], &[Some(-1.0)]).unwrap_err().to_string(), "health_score: invalid weights: element 1 is -1 (weights must be finite and non-negative)");
        assert_eq!(
            health_score(&[Some(1.0)], &[None]).unwrap_err().to_string(),
            "health_score: invalid weights: element 1 is NULL"
        );
        assert_eq!(
            health_score(&[Some(1.0), None], &[Some(0.0), Some(0.0)])
                .unwrap_err()
                .to_string(),
            "health_score: invalid weights: weights must sum to a positive number (got 0)"
        );
        assert_eq!(
            health_score(&[Some(101.0)], &[Some(1.0)])
                .unwrap_err()
                .to_string(),
            "health_score: invalid scores: element 1 is 101 (scores must be between 0 and 100)"
        );
        assert_eq!(
            health_score(&[Some(f64::NAN)], &[Some(1.0)])
                .unwrap_err()
                .argument,
            "scores"
        );
    }

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
