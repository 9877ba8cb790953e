//! `engagement_agg(occurred_at, duration_seconds, is_key_action)` →
//! `engagement_summary`, and its accessors.

use super::codec::{Reader, Writer};
use super::period_set::PeriodSet;
use super::state::State;
use super::OutOfMemoryExt as _;
use crate::error::{ChurnError, Result};
use crate::scalar::engagement_score::{engagement_score, EngagementParams};
use crate::time::{check_timestamp, day_number};

pub const TYPE_NAME: &str = "engagement_summary";
const F: &str = "engagement_agg";

/// Events, active seconds, distinct active UTC days, key actions, first and
/// last activity of one group (account, user ...).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EngagementSummary {
    pub events: u64,
    pub active_seconds: f64,
    pub key_actions: u64,
    pub first_active_at: Option<i64>,
    pub last_active_at: Option<i64>,
    pub days: PeriodSet,
}

/// A group's total of active seconds that no longer fits a finite `f64`
/// would be a summary its own input refuses: an error of the argument that
/// carried it there.
#[cold]
#[inline(never)]
fn seconds_overflow() -> ChurnError {
    ChurnError::new(
        F,
        "duration_seconds",
        "the group's total of seconds exceeds the largest finite number (1.8e308)",
    )
}

/// The group's total of active seconds after adding `d` (merge).
fn total_seconds(total: f64, d: f64) -> Result<f64> {
    let sum = total + d;
    if sum == f64::INFINITY {
        Err(seconds_overflow())
    } else {
        Ok(sum)
    }
}

/// A count of events or key actions after adding `n` (only a crafted state
/// could get near the limit).
fn total_count(total: u64, n: u64) -> Result<u64> {
    total
        .checked_add(n)
        .filter(|&c| c <= i64::MAX as u64)
        .ok_or_else(|| ChurnError::new(F, "occurred_at", "more than 2^63 - 1 events in one group"))
}

impl EngagementSummary {
    /// A copy; out of memory is an error of `engagement_agg`, not an abort.
    pub fn try_clone(&self) -> Result<Self> {
        Ok(EngagementSummary {
            days: self.days.try_clone().map_err(|e| e.named(F))?,
            ..*self
        })
    }

    pub fn new() -> Self {
        Self::default()
    }

    /// One event. A NULL duration counts as 0 seconds and a NULL
    /// `is_key_action` as false; a negative or non-finite duration is an
    /// error. (Rows with a NULL `occurred_at` are skipped by the adapters.)
    #[inline]
    pub fn update(
        &mut self,
        occurred_at: i64,
        duration_seconds: Option<f64>,
        is_key_action: Option<bool>,
    ) -> Result<()> {
        let occurred_at = check_timestamp(F, "occurred_at", occurred_at)?;
        if let Some(d) = duration_seconds {
            if !d.is_finite() || d < 0.0 {
                return Err(ChurnError::new(
                    F,
                    "duration_seconds",
                    format!(
                        "{} is not a non-negative finite number of seconds",
                        crate::error::num(d)
                    ),
                ));
            }
        }
        let active_seconds = self.active_seconds + duration_seconds.unwrap_or(0.0);
        if active_seconds == f64::INFINITY {
            return Err(seconds_overflow());
        }
        // the only other step that can fail (out of memory) comes next, before
        // any change: an error leaves the summary unchanged
        self.days
            .insert(day_number(occurred_at))
            .map_err(|e| e.named(F))?;
        self.active_seconds = active_seconds;
        // one more event: 2^64 rows are out of reach, and merge checks its sums
        self.events += 1;
        if is_key_action == Some(true) {
            self.key_actions += 1;
        }
        self.first_active_at = Some(
            self.first_active_at
                .map_or(occurred_at, |f| f.min(occurred_at)),
        );
        self.last_active_at = Some(
            self.last_active_at
                .map_or(occurred_at, |l| l.max(occurred_at)),
        );
        Ok(())
    }

    pub fn active_days(&self) -> i64 {
        super::len_as_i64(self.days.len())
    }

    pub fn active_minutes(&self) -> f64 {
        self.active_seconds / 60.0
    }

    /// `engagement_score(active_minutes, active_days, key_actions, period_days)`
    /// with the default weights and targets.
    pub fn engagement_score(&self, period_days: f64) -> Result<f64> {
        engagement_score(
            self.active_minutes(),
            self.active_days() as f64,
            self.key_actions as f64,
            period_days,
            &EngagementParams::default(),
        )
    }

    /// Internal consistency, checked on every decode (binary or text), so a
    /// hand-edited summary cannot produce garbage downstream.
    pub fn validate(&self) -> Result<()> {
        let bad = |d: &str| Err(ChurnError::new(TYPE_NAME, "input", d.to_string()));
        if !self.active_seconds.is_finite() || self.active_seconds < 0.0 {
            return bad("active_seconds must be a non-negative finite number");
        }
        if self.key_actions > self.events || (self.days.len() as u64) > self.events {
            return bad("key_actions and active days cannot exceed events");
        }
        match (self.first_active_at, self.last_active_at) {
            (Some(f), Some(l)) if f <= l && self.events > 0 && !self.days.is_empty() => {
                if self.days.first() != Some(day_number(f))
                    || self.days.last() != Some(day_number(l))
                {
                    return bad("first/last activity do not match the active days");
                }
                Ok(())
            }
            (None, None) if self.events == 0 && self.days.is_empty() => Ok(()),
            _ => bad("first/last activity inconsistent with events"),
        }
    }
}

/// The state of `engagement_agg` is the summary it returns.
impl State for EngagementSummary {
    const NAME: &'static str = F;

    fn is_empty(&self) -> bool {
        self.events == 0
    }

    fn merge(&mut self, o: &EngagementSummary) -> Result<()> {
        let active_seconds = total_seconds(self.active_seconds, o.active_seconds)?;
        let events = total_count(self.events, o.events)?;
        let key_actions = total_count(self.key_actions, o.key_actions)?;
        self.days.merge(&o.days).map_err(|e| e.named(F))?;
        self.events = events;
        self.active_seconds = active_seconds;
        self.key_actions = key_actions;
        self.first_active_at = match (self.first_active_at, o.first_active_at) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self.last_active_at = match (self.last_active_at, o.last_active_at) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        Ok(())
    }

    fn write(&self, w: &mut Writer) {
        w.u64(self.events);
        w.f64(self.active_seconds);
        w.u64(self.key_actions);
        match (self.first_active_at, self.last_active_at) {
            (Some(f), Some(l)) => {
                w.u8(1);
                w.i64(f);
                w.i64(l);
            }
            _ => w.u8(0),
        }
        self.days.encode(w);
    }

    fn decode(buf: &[u8]) -> Result<Self> {
        let mut r = Reader::new(TYPE_NAME, buf)?;
        let events = r.u64()?;
        let active_seconds = r.f64()?;
        let key_actions = r.u64()?;
        let (first, last) = match r.u8()? {
            0 => (None, None),
            1 => (Some(r.i64()?), Some(r.i64()?)),
            _ => return Err(super::codec::corrupt(TYPE_NAME, "bad flag")),
        };
        let days = PeriodSet::decode(&mut r)?;
        r.end()?;
        let s = EngagementSummary {
            events,
            active_seconds,
            key_actions,
            first_active_at: first,
            last_active_at: last,
            days,
        };
        s.validate()?;
        Ok(s)
    }

    fn heap_size(&self) -> usize {
        self.days.heap_size()
    }
}
