//! `window_funnel(window, occurred_at, steps boolean[] [, mode])` with
//! ClickHouse `windowFunnel()` semantics: the deepest step of the chain
//! step 1 → step 2 → … reached with every step within `window` of the
//! chain's step-1 event.
//!
//! Events are ordered by (timestamp, step number); a row matching several
//! steps contributes one event per step. Modes (combinable, comma-separated):
//! * `strict_order` — no other event may interrupt the chain: a row matching
//!   no step stops the search once step 1 was seen, and a step whose
//!   predecessor was not reached ends the search;
//! * `strict_deduplication` — a step that repeats before the chain moves on
//!   ends the search;
//! * `strict_increase` — each step must be strictly later than the previous.

use super::alloc::{push_within_capacity, state_vec, StateVec};
use super::codec::{Reader, Writer};
use super::grow;
use super::state::State;
use super::OutOfMemoryExt as _;
use crate::error::{ChurnError, Result};
use crate::time::check_timestamp;

const F: &str = "window_funnel";
/// As in ClickHouse, at most 32 steps.
pub const MAX_STEPS: usize = 32;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FunnelMode {
    pub strict_order: bool,
    pub strict_deduplication: bool,
    pub strict_increase: bool,
}

impl FunnelMode {
    /// `''`, or a comma-separated list of `strict_order`,
    /// `strict_deduplication`, `strict_increase` (case-insensitive).
    pub fn parse(s: &str) -> Result<Self> {
        let mut m = FunnelMode::default();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            if part.eq_ignore_ascii_case("strict_order") {
                m.strict_order = true;
            } else if part.eq_ignore_ascii_case("strict_deduplication") {
                m.strict_deduplication = true;
            } else if part.eq_ignore_ascii_case("strict_increase") {
                m.strict_increase = true;
            } else {
                return Err(ChurnError::new(F, "mode", format!("unknown mode '{part}' (expected strict_order, strict_deduplication or strict_increase, comma-separated)")));
            }
        }
        Ok(m)
    }

    fn bits(self) -> u8 {
        self.strict_order as u8
            | (self.strict_deduplication as u8) << 1
            | (self.strict_increase as u8) << 2
    }

    fn from_bits(b: u8) -> Option<Self> {
        if b > 7 {
            return None;
        }
        Some(FunnelMode {
            strict_order: b & 1 != 0,
            strict_deduplication: b & 2 != 0,
            strict_increase: b & 4 != 0,
        })
    }
}

/// Parameters fixed for a group: the window (µs), the number of steps, the mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FunnelParams {
    pub window: i64,
    pub steps: u8,
    pub mode: FunnelMode,
}

impl FunnelParams {
    pub fn new(window_micros: i64, steps: usize, mode: FunnelMode) -> Result<Self> {
        if window_micros < 0 {
            return Err(ChurnError::new(
                F,
                "window",
                "must not be negative".to_string(),
            ));
        }
        if steps == 0 || steps > MAX_STEPS {
            return Err(ChurnError::new(
                F,
                "steps",
                format!("has {steps} elements (expected 1 to {MAX_STEPS})"),
            ));
        }
        Ok(FunnelParams {
            window: window_micros,
            steps: steps as u8,
            mode,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunnelState {
    pub params: Option<FunnelParams>,
    /// (timestamp, step number 1..=steps, or 0 for a row matching no step in strict_order mode)
    pub events: StateVec<(i64, u8)>,
    sorted: bool,
}

impl Default for FunnelState {
    fn default() -> Self {
        Self::new()
    }
}

impl FunnelState {
    pub fn new() -> Self {
        FunnelState {
            params: None,
            events: state_vec(),
            sorted: true,
        }
    }

    fn check_params(&mut self, p: FunnelParams) -> Result<()> {
        match self.params {
            None => {
                self.params = Some(p);
                Ok(())
            }
            Some(q) if q == p => Ok(()),
            Some(q) => Err(ChurnError::new(
                F,
                if q.window != p.window {
                    "window"
                } else if q.steps != p.steps {
                    "steps"
                } else {
                    "mode"
                },
                "must be the same for every row of a group".to_string(),
            )),
        }
    }

    #[inline]
    fn push(&mut self, ts: i64, step: u8) -> Result<()> {
        grow(&mut self.events, 1).map_err(|e| e.named(F))?;
        if self.sorted {
            if let Some(&last) = self.events.last() {
                self.sorted = last <= (ts, step);
            }
        }
        push_within_capacity(&mut self.events, (ts, step));
        Ok(())
    }

    /// One row: `steps[k]` says whether the row is step k+1 (NULL = false).
    pub fn update<I: IntoIterator<Item = Option<bool>>>(
        &mut self,
        p: FunnelParams,
        occurred_at: i64,
        steps: I,
        len: usize,
    ) -> Result<()> {
        let occurred_at = check_timestamp(F, "occurred_at", occurred_at)?;
        if len != p.steps as usize {
            return Err(ChurnError::new(
                F,
                "steps",
                format!(
                    "must have the same length on every row of a group (got {} and {len})",
                    p.steps
                ),
            ));
        }
        self.check_params(p)?;
        let mut any = false;
        for (k, s) in steps.into_iter().enumerate() {
            if s == Some(true) {
                self.push(occurred_at, k as u8 + 1)?;
                any = true;
            }
        }
        if !any && p.mode.strict_order {
            self.push(occurred_at, 0)?;
        }
        Ok(())
    }

    /// The level reached (0 for an empty group).
    pub fn finish(&mut self) -> i32 {
        let Some(p) = self.params else { return 0 };
        if self.events.is_empty() {
            return 0;
        }
        if !p.mode.strict_order && p.steps == 1 {
            return 1;
        }
        if !self.sorted {
            self.events.sort_unstable();
            self.sorted = true;
        }
        level(&self.events, p)
    }
}

impl State for FunnelState {
    const NAME: &'static str = F;

    fn is_empty(&self) -> bool {
        self.params.is_none()
    }

    fn merge(&mut self, o: &FunnelState) -> Result<()> {
        if let Some(p) = o.params {
            self.check_params(p)?;
        }
        if o.events.is_empty() {
            return Ok(());
        }
        let joined_sorted =
            self.sorted && o.sorted && self.events.last().is_none_or(|&l| l <= o.events[0]);
        grow(&mut self.events, o.events.len()).map_err(|e| e.named(F))?;
        self.events.extend_from_slice(&o.events);
        self.sorted = joined_sorted;
        Ok(())
    }

    fn write(&self, w: &mut Writer) {
        match self.params {
            None => w.u8(0),
            Some(p) => {
                w.u8(1);
                w.i64(p.window);
                w.u8(p.steps);
                w.u8(p.mode.bits());
            }
        }
        w.u8(self.sorted as u8);
        w.u64(self.events.len() as u64);
        let mut prev = 0i64;
        for &(ts, step) in &self.events {
            w.i64(ts.wrapping_sub(prev));
            w.u8(step);
            prev = ts;
        }
    }

    fn decode(buf: &[u8]) -> Result<Self> {
        const T: &str = "window_funnel state";
        let mut r = Reader::new(T, buf)?;
        let params = match r.u8()? {
            0 => None,
            1 => {
                let window = r.i64()?;
                let steps = r.u8()?;
                let mode = FunnelMode::from_bits(r.u8()?)
                    .ok_or_else(|| super::codec::corrupt(T, "bad mode"))?;
                Some(
                    FunnelParams::new(window, steps as usize, mode)
                        .map_err(|_| super::codec::corrupt(T, "bad parameters"))?,
                )
            }
            _ => return Err(super::codec::corrupt(T, "bad flag")),
        };
        let sorted = r.u8()? != 0;
        let n = r.len(2)?;
        let mut events = state_vec();
        grow(&mut events, n).map_err(|e| e.named(T))?;
        let mut prev = 0i64;
        for _ in 0..n {
            let ts = prev.wrapping_add(r.i64()?);
            let step = r.u8()?;
            if params.is_none_or(|p| step > p.steps) {
                return Err(super::codec::corrupt(T, "bad step"));
            }
            events.push((ts, step));
            prev = ts;
        }
        r.end()?;
        let really_sorted = events.windows(2).all(|w| w[0] <= w[1]);
        Ok(FunnelState {
            params,
            events,
            sorted: sorted && really_sorted,
        })
    }

    fn heap_size(&self) -> usize {
        self.events.capacity() * size_of::<(i64, u8)>()
    }

    /// The next event goes after the last one.
    #[inline(always)]
    fn prefetch_heap(&self) {
        if let Some(last) = self.events.last() {
            super::alloc::prefetch(last);
        }
    }
}

/// The deepest level over time-ordered events.
fn level(events: &[(i64, u8)], p: FunnelParams) -> i32 {
    let n = p.steps as usize;
    // per step: (timestamp of the chain's step-1 event, timestamp of this step)
    let mut reached: [Option<(i64, i64)>; MAX_STEPS] = [None; MAX_STEPS];
    // a step number (at most MAX_STEPS) as the result's integer
    let level = |k: usize| i32::try_from(k).unwrap_or(i32::MAX);
    let deepest = |reached: &[Option<(i64, i64)>; MAX_STEPS]| {
        (0..n)
            .rev()
            .find(|&k| reached[k].is_some())
            .map_or(0, |k| level(k) + 1)
    };
    let mut started = false;
    for &(ts, step) in events {
        if step == 0 {
            // a row matching no step (strict_order only)
            if started {
                break;
            }
            continue;
        }
        let k = step as usize - 1;
        if k == 0 {
            reached[0] = Some((ts, ts));
            started = true;
        } else if p.mode.strict_deduplication && reached[k].is_some() {
            return deepest(&reached);
        } else if p.mode.strict_order && started && reached[k - 1].is_none() {
            return (0..n)
                .find(|&j| reached[j].is_none())
                .map_or(level(n), level);
        } else if let Some((chain_start, prev_ts)) = reached[k - 1] {
            let mut ok = ts as i128 <= chain_start as i128 + p.window as i128;
            if p.mode.strict_increase {
                ok = ok && prev_ts < ts;
            }
            if ok {
                reached[k] = Some((chain_start, ts));
                if k + 1 == n {
                    return level(n);
                }
            }
        }
    }
    deepest(&reached)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(window: i64, steps: usize, mode: &str, rows: &[(i64, &[bool])]) -> i32 {
        let p = FunnelParams::new(window, steps, FunnelMode::parse(mode).unwrap()).unwrap();
        let mut s = FunnelState::new();
        for (ts, st) in rows {
            s.update(p, *ts, st.iter().map(|b| Some(*b)), st.len())
                .unwrap();
        }
        s.finish()
    }

    #[test]
    fn basic_levels() {
        // events 1000..1008 at t = 0..8 (ClickHouse test 00632)
        let rows: Vec<(i64, Vec<bool>)> = (0..9)
            .map(|t| (t, (0..9).map(|e| e == t).collect()))
            .collect();
        let r = |w: i64, steps: &[i64]| {
            let rs: Vec<(i64, Vec<bool>)> = rows
                .iter()
                .map(|(t, _)| (*t, steps.iter().map(|s| s == t).collect()))
                .collect();
            let refs: Vec<(i64, &[bool])> = rs.iter().map(|(t, v)| (*t, v.as_slice())).collect();
            run(w, steps.len(), "", &refs)
        };
        assert_eq!(r(10000, &[0]), 1);
        assert_eq!(r(10000, &[0, 1]), 2);
        assert_eq!(r(10000, &[0, 1, 2, 8]), 4);
        assert_eq!(r(2, &[3, 4, 5, 6, 7]), 3);
        assert_eq!(r(3, &[3, 4, 5, 6, 7]), 4);
        assert_eq!(r(4, &[3, 4, 5, 6, 7]), 5);
        assert_eq!(r(10000, &[8, 1]), 1);
    }

    #[test]
    fn modes() {
        // A, B, D, C with steps A, B, C: strict_order stops at D
        let rows: &[(i64, &[bool])] = &[
            (1, &[true, false, false]),
            (2, &[false, true, false]),
            (3, &[false, false, false]),
            (4, &[false, false, true]),
        ];
        assert_eq!(run(100, 3, "", rows), 3);
        assert_eq!(run(100, 3, "strict_order", rows), 2);
        // A, B, B, C: strict_deduplication stops at the repeated B
        let rows: &[(i64, &[bool])] = &[
            (1, &[true, false, false]),
            (2, &[false, true, false]),
            (3, &[false, true, false]),
            (4, &[false, false, true]),
        ];
        assert_eq!(run(100, 3, "", rows), 3);
        assert_eq!(run(100, 3, "strict_deduplication", rows), 2);
        // A and B at the same instant: strict_increase refuses B
        let rows: &[(i64, &[bool])] = &[(1, &[true, false]), (1, &[false, true])];
        assert_eq!(run(100, 2, "", rows), 2);
        assert_eq!(run(100, 2, "strict_increase", rows), 1);
        assert!(FunnelMode::parse("strict").is_err());
        assert_eq!(
            FunnelMode::parse(" strict_order , STRICT_INCREASE").unwrap(),
            FunnelMode {
                strict_order: true,
                strict_deduplication: false,
                strict_increase: true
            }
        );
    }
}
