//! `health_score(scores, weights)`: the weighted scorecard.

use crate::error::{num, round9, ChurnError, Result};

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
}
