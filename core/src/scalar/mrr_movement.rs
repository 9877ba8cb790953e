//! `mrr_movement`: ChartMogul-style classification of a month's MRR change.

use crate::error::{num, ChurnError, Result};

const F: &str = "mrr_movement";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MrrMovement {
    New,
    Expansion,
    Contraction,
    Churn,
    Reactivation,
    Retained,
}

impl MrrMovement {
    pub fn as_str(self) -> &'static str {
        match self {
            MrrMovement::New => "new",
            MrrMovement::Expansion => "expansion",
            MrrMovement::Contraction => "contraction",
            MrrMovement::Churn => "churn",
            MrrMovement::Reactivation => "reactivation",
            MrrMovement::Retained => "retained",
        }
    }
}

fn mrr(arg: &'static str, v: Option<f64>) -> Result<f64> {
    match v {
        None => Ok(0.0),
        Some(v) if !v.is_finite() => Err(ChurnError::new(
            F,
            arg,
            format!("{} is not a finite number", num(v)),
        )),
        Some(v) if v < 0.0 => Err(ChurnError::new(F, arg, format!("{} is negative", num(v)))),
        Some(v) => Ok(v),
    }
}

/// A NULL MRR counts as 0 (no subscription that month) and a NULL
/// `was_customer_before` as false. `None` when both MRRs are 0.
///
/// | previous | current | result |
/// |---|---|---|
/// | 0 | > 0 | `reactivation` if was_customer_before, else `new` |
/// | > 0 | 0 | `churn` |
/// | > 0 | > previous | `expansion` |
/// | > 0 | < previous (> 0) | `contraction` |
/// | > 0 | = previous | `retained` |
pub fn mrr_movement(
    previous_mrr: Option<f64>,
    current_mrr: Option<f64>,
    was_customer_before: Option<bool>,
) -> Result<Option<MrrMovement>> {
    let prev = mrr("previous_mrr", previous_mrr)?;
    let cur = mrr("current_mrr", current_mrr)?;
    Ok(Some(if prev == 0.0 && cur == 0.0 {
        return Ok(None);
    } else if prev == 0.0 {
        if was_customer_before.unwrap_or(false) {
            MrrMovement::Reactivation
        } else {
            MrrMovement::New
        }
    } else if cur == 0.0 {
        MrrMovement::Churn
    } else if cur > prev {
        MrrMovement::Expansion
    } else if cur < prev {
        MrrMovement::Contraction
    } else {
        MrrMovement::Retained
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(p: Option<f64>, c: Option<f64>, w: Option<bool>) -> Option<&'static str> {
        mrr_movement(p, c, w).unwrap().map(MrrMovement::as_str)
    }

    #[test]
    fn every_movement() {
        assert_eq!(m(Some(0.0), Some(100.0), Some(false)), Some("new"));
        assert_eq!(m(None, Some(100.0), None), Some("new"));
        assert_eq!(m(None, Some(100.0), Some(true)), Some("reactivation"));
        assert_eq!(m(Some(100.0), Some(150.0), Some(true)), Some("expansion"));
        assert_eq!(m(Some(100.0), Some(50.0), Some(true)), Some("contraction"));
        assert_eq!(m(Some(100.0), Some(0.0), Some(true)), Some("churn"));
        assert_eq!(m(Some(100.0), None, Some(true)), Some("churn"));
        assert_eq!(m(Some(100.0), Some(100.0), None), Some("retained"));
        assert_eq!(m(None, None, Some(true)), None);
        assert_eq!(m(Some(0.0), Some(0.0), None), None);
    }

    #[test]
    fn invalid_mrr() {
        assert_eq!(
            mrr_movement(Some(-1.0), Some(1.0), None)
                .unwrap_err()
                .to_string(),
            "mrr_movement: invalid previous_mrr: -1 is negative"
        );
        assert_eq!(
            mrr_movement(Some(1.0), Some(f64::NAN), None)
                .unwrap_err()
                .to_string(),
            "mrr_movement: invalid current_mrr: NaN is not a finite number"
        );
        assert_eq!(
            mrr_movement(Some(f64::INFINITY), Some(1.0), None)
                .unwrap_err()
                .argument,
            "previous_mrr"
        );
    }
}
