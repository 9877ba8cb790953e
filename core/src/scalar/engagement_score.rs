//! `engagement_score`: time active, frequency of return and key actions.

use crate::error::{finite, non_negative, num, positive, round9, ChurnError, Result};

const F: &str = "engagement_score";

/// Default weights (time, frequency, depth).
pub const DEFAULT_WEIGHTS: [f64; 3] = [0.3, 0.4, 0.3];
/// Default targets: 30 active minutes per day, active on half of the days,
/// one key action per day.
pub const DEFAULT_TARGETS: [f64; 3] = [30.0, 0.5, 1.0];

/// Validated weights and targets of an engagement score. Build once per
/// distinct parameter set, then score many rows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EngagementParams {
    /// Weights normalised to sum to 1.
    weights: [f64; 3],
    targets: [f64; 3],
}

impl Default for EngagementParams {
    fn default() -> Self {
        EngagementParams::new(DEFAULT_WEIGHTS, DEFAULT_TARGETS).expect("defaults are valid")
    }
}

impl EngagementParams {
    /// `weights` = (time, frequency, depth): finite, non-negative, with a
    /// positive sum; they are renormalised to sum to 1.
    /// `targets` = (minutes per day > 0, active-day ratio in (0, 1], key
    /// actions per day > 0).
    pub fn new(weights: [f64; 3], targets: [f64; 3]) -> Result<Self> {
        let w = [
            non_negative(F, "weight_time", weights[0])?,
            non_negative(F, "weight_frequency", weights[1])?,
            non_negative(F, "weight_depth", weights[2])?,
        ];
        let sum = w[0] + w[1] + w[2];
        if sum <= 0.0 || !sum.is_finite() {
            return Err(ChurnError::new(
                F,
                "weights",
                format!(
                    "weights must sum to a positive finite number (got {} + {} + {} = {})",
                    num(w[0]),
                    num(w[1]),
                    num(w[2]),
                    num(sum)
                ),
            ));
        }
        let target_ratio = positive(F, "target_active_ratio", targets[1])?;
        if target_ratio > 1.0 {
            return Err(ChurnError::new(
                F,
                "target_active_ratio",
                format!(
                    "{} is greater than 1 (a share of the period's days)",
                    num(target_ratio)
                ),
            ));
        }
        Ok(EngagementParams {
            weights: [w[0] / sum, w[1] / sum, w[2] / sum],
            targets: [
                positive(F, "target_minutes_per_day", targets[0])?,
                target_ratio,
                positive(F, "target_actions_per_day", targets[2])?,
            ],
        })
    }
}

/// The engagement score in [0, 100]:
/// `100 × (w_t·min(1, minutes/day ÷ target) + w_f·min(1, active_days/period_days ÷ target ratio) + w_d·min(1, key_actions/day ÷ target))`,
/// weights normalised to sum to 1, rounded to 9 decimal places.
pub fn engagement_score(
    active_minutes: f64,
    active_days: f64,
    key_actions: f64,
    period_days: f64,
    p: &EngagementParams,
) -> Result<f64> {
    let minutes = non_negative(F, "active_minutes", active_minutes)?;
    let days = non_negative(F, "active_days", active_days)?;
    let actions = non_negative(F, "key_actions", key_actions)?;
    let period = positive(F, "period_days", finite(F, "period_days", period_days)?)?;
    if days > period {
        return Err(ChurnError::new(
            F,
            "active_days",
            format!("{} is greater than period_days {}", num(days), num(period)),
        ));
    }
    let time = (minutes / period / p.targets[0]).min(1.0);
    let frequency = (days / period / p.targets[1]).min(1.0);
    let depth = (actions / period / p.targets[2]).min(1.0);
    let raw = 100.0 * (p.weights[0] * time + p.weights[1] * frequency + p.weights[2] * depth);
    Ok(round9(raw.clamp(0.0, 100.0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn score(m: f64, d: f64, k: f64, p: f64) -> Result<f64> {
        engagement_score(m, d, k, p, &EngagementParams::default())
    }

    #[test]
    fn reference_value_is_exact() {
        assert_eq!(score(600.0, 15.0, 30.0, 30.0).unwrap(), 90.0);
    }

    #[test]
    fn components_saturate() {
        assert_eq!(score(1e9, 30.0, 1e9, 30.0).unwrap(), 100.0);
        assert_eq!(score(0.0, 0.0, 0.0, 30.0).unwrap(), 0.0);
        // only frequency: active every other day = target 0.5 -> 40 points
        assert_eq!(score(0.0, 15.0, 0.0, 30.0).unwrap(), 40.0);
        // only time, half of target: 0.3 * 0.5
        assert_eq!(score(450.0, 0.0, 0.0, 30.0).unwrap(), 15.0);
        // only depth at target
        assert_eq!(score(0.0, 0.0, 30.0, 30.0).unwrap(), 30.0);
    }

    #[test]
    fn custom_weights_are_renormalised() {
        let p = EngagementParams::new([3.0, 4.0, 3.0], DEFAULT_TARGETS).unwrap();
        assert_eq!(engagement_score(600.0, 15.0, 30.0, 30.0, &p).unwrap(), 90.0);
        let p = EngagementParams::new([1.0, 0.0, 0.0], [60.0, 0.5, 1.0]).unwrap();
        assert_eq!(engagement_score(900.0, 1.0, 0.0, 30.0, &p).unwrap(), 50.0);
    }

    #[test]
    fn errors_name_function_and_argument() {
        let e = score(10.0, 40.0, 0.0, 30.0).unwrap_err();
        assert_eq!(
            e.to_string(),
            "engagement_score: invalid active_days: 40 is greater than period_days 30"
        );
        assert_eq!(
            score(-1.0, 1.0, 0.0, 30.0).unwrap_err().to_string(),
            "engagement_score: invalid active_minutes: -1 is negative"
        );
        assert_eq!(
            score(1.0, 1.0, -2.0, 30.0).unwrap_err().argument,
            "key_actions"
        );
        assert_eq!(
            score(1.0, 0.0, 0.0, 0.0).unwrap_err().to_string(),
            "engagement_score: invalid period_days: 0 must be greater than 0"
        );
        assert_eq!(
            score(f64::NAN, 0.0, 0.0, 1.0).unwrap_err().to_string(),
            "engagement_score: invalid active_minutes: NaN is not a finite number"
        );
        assert_eq!(
            score(1.0, 0.0, f64::INFINITY, 1.0).unwrap_err().argument,
            "key_actions"
        );
        let e = EngagementParams::new([0.0, 0.0, 0.0], DEFAULT_TARGETS).unwrap_err();
        assert_eq!(e.to_string(), "engagement_score: invalid weights: weights must sum to a positive finite number (got 0 + 0 + 0 = 0)");
        assert_eq!(
            EngagementParams::new([-0.1, 1.0, 0.0], DEFAULT_TARGETS)
                .unwrap_err()
                .argument,
            "weight_time"
        );
        assert_eq!(
            EngagementParams::new([1.0, 1.0, 1.0], [0.0, 0.5, 1.0])
                .unwrap_err()
                .argument,
            "target_minutes_per_day"
        );
        assert_eq!(
            EngagementParams::new([1.0, 1.0, 1.0], [30.0, 1.5, 1.0])
                .unwrap_err()
                .argument,
            "target_active_ratio"
        );
        assert_eq!(
            EngagementParams::new([1.0, 1.0, 1.0], [30.0, 0.5, -1.0])
                .unwrap_err()
                .argument,
            "target_actions_per_day"
        );
        assert_eq!(
            EngagementParams::new([f64::MAX, f64::MAX, 0.0], DEFAULT_TARGETS)
                .unwrap_err()
                .argument,
            "weights"
        );
    }

    #[test]
    fn boundary_active_days_equal_period() {
        assert_eq!(score(0.0, 30.0, 0.0, 30.0).unwrap(), 40.0);
    }
}
