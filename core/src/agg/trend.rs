//! `activity_trend(occurred_at, as_of, window_days)`: (recent − prior) / prior
//! event counts of the last two windows before `as_of`.

use super::codec::{Reader, Writer};
use crate::error::{ChurnError, Result};
use crate::time::{check_timestamp, MICROS_PER_DAY};

const F: &str = "activity_trend";

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TrendState {
    /// Events in [as_of − window, as_of).
    pub recent: u64,
    /// Events in [as_of − 2·window, as_of − window).
    pub prior: u64,
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
        let age = as_of as i128 - occurred_at as i128;
        let w = window_days as i128 * MICROS_PER_DAY as i128;
        if age > 0 && age <= w {
            self.recent += 1;
        } else if age > w && age <= 2 * w {
            self.prior += 1;
        }
        Ok(())
    }

    pub fn merge(&mut self, o: &TrendState) {
        self.recent += o.recent;
        self.prior += o.prior;
    }

    /// NULL (None) when the prior window has no events.
    pub fn finish(&self) -> Option<f64> {
        if self.prior == 0 {
            None
        } else {
            Some((self.recent as f64 - self.prior as f64) / self.prior as f64)
        }
    }

    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer::new();
        w.u64(self.recent);
        w.u64(self.prior);
        w.finish()
    }

    pub fn decode(buf: &[u8]) -> Result<Self> {
        let mut r = Reader::new("activity_trend state", buf)?;
        let s = TrendState {
            recent: r.u64()?,
            prior: r.u64()?,
        };
        r.end()?;
        Ok(s)
    }
}
