//! `activity_trend(occurred_at, as_of, window_days)`: (recent − prior) / prior
//! event counts of the last two windows before `as_of`.

use super::codec::{Reader, Writer};
use super::state::State;
use crate::error::{ChurnError, Result};
use crate::time::{check_timestamp, MICROS_PER_DAY};

const F: &str = "activity_trend";

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TrendState {
    /// Events in [as_of − window, as_of).
    pub recent: u64,
    /// Events in [as_of − 2·window, as_of − window).
    pub prior: u64,
    /// `(as_of, window_days)` of the group's first row: every row must have
    /// the same (as the other aggregates' parameters).
    pub params: Option<(i64, i64)>,
}

impl TrendState {
    pub fn new() -> Self {
        Self::default()
    }

    /// One event. `window_days` must be > 0. Events at or after `as_of`, or
    /// more than two windows before it, are not counted.
    #[inline]
    pub fn update(&mut self, occurred_at: i64, as_of: i64, window_days: i64) -> Result<()> {
        check_timestamp(F, "occurred_at", occurred_at)?;
        check_timestamp(F, "as_of", as_of)?;
        if window_days <= 0 {
            return Err(ChurnError::new(
                F,
                "window_days",
                format!("{window_days} must be greater than 0"),
            ));
        }
        self.check_params((as_of, window_days))?;
        let age = as_of as i128 - occurred_at as i128;
        let w = window_days as i128 * MICROS_PER_DAY as i128;
        if age > 0 && age <= w {
            self.recent += 1;
        } else if age > w && age <= 2 * w {
            self.prior += 1;
        }
        Ok(())
    }

    /// The parameters of a row (or of a merged state): the group's, or the
    /// error naming the one that differs.
    fn check_params(&mut self, p: (i64, i64)) -> Result<()> {
        match self.params {
            None => {
                self.params = Some(p);
                Ok(())
            }
            Some(q) if q == p => Ok(()),
            Some(q) => Err(ChurnError::new(
                F,
                if q.0 != p.0 { "as_of" } else { "window_days" },
                "must be the same for every row of a group".to_string(),
            )),
        }
    }

    /// NULL (None) when the prior window has no events.
    pub fn finish(&self) -> Option<f64> {
        if self.prior == 0 {
            None
        } else {
            Some((self.recent as f64 - self.prior as f64) / self.prior as f64)
        }
    }
}

impl State for TrendState {
    const NAME: &'static str = F;

    fn is_empty(&self) -> bool {
        self.params.is_none()
    }

    fn merge(&mut self, o: &TrendState) -> Result<()> {
        if let Some(p) = o.params {
            self.check_params(p)?;
        }
        self.recent += o.recent;
        self.prior += o.prior;
        Ok(())
    }

    fn write(&self, w: &mut Writer) {
        w.u64(self.recent);
        w.u64(self.prior);
        match self.params {
            None => w.u8(0),
            Some((as_of, window)) => {
                w.u8(1);
                w.i64(as_of);
                w.i64(window);
            }
        }
    }

    fn decode(buf: &[u8]) -> Result<Self> {
        const T: &str = "activity_trend state";
        let mut r = Reader::new(T, buf)?;
        let recent = r.u64()?;
        let prior = r.u64()?;
        let params = match r.u8()? {
            0 => None,
            1 => {
                let (as_of, window) = (r.i64()?, r.i64()?);
                if window <= 0 {
                    return Err(super::codec::corrupt(T, "window_days must be positive"));
                }
                Some((as_of, window))
            }
            _ => return Err(super::codec::corrupt(T, "bad flag")),
        };
        r.end()?;
        if params.is_none() && (recent > 0 || prior > 0) {
            return Err(super::codec::corrupt(T, "events without parameters"));
        }
        Ok(TrendState {
            recent,
            prior,
            params,
        })
    }

    fn heap_size(&self) -> usize {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_may_not_vary_within_a_group() {
        let mut s = TrendState::new();
        s.update(0, MICROS_PER_DAY, 7).unwrap();
        let e = s.update(0, 2 * MICROS_PER_DAY, 7).unwrap_err();
        assert_eq!(
            e.to_string(),
            "activity_trend: invalid as_of: must be the same for every row of a group"
        );
        let e = s.update(0, MICROS_PER_DAY, 14).unwrap_err();
        assert_eq!(e.argument, "window_days");
        let mut other = TrendState::new();
        other.update(0, MICROS_PER_DAY, 14).unwrap();
        assert_eq!(s.merge(&other).unwrap_err().argument, "window_days");
        // an empty state merges with anything; the encoding keeps the parameters
        let back = TrendState::decode(&s.encode()).unwrap();
        assert_eq!(back, s);
        assert!(back.clone().merge(&TrendState::new()).is_ok());
    }
}
