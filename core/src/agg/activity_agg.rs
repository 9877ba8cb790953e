//! `activity_agg(occurred_at, granularity)` → `activity`: the active periods
//! of one customer; accessors `cohort_start`, `is_active`, `lifecycle_state`;
//! and `retention_counts(activity [, mode])` over the customers of a cohort.

use super::alloc::{state_vec, StateAlloc, StateVec};
use super::codec::{Reader, Writer};
use super::grow;
use super::period_set::PeriodSet;
use super::state::State;
use super::OutOfMemoryExt as _;
use crate::error::{ChurnError, Result};
use crate::time::{check_timestamp, Granularity, PeriodCache, MICROS_PER_DAY};

pub const TYPE_NAME: &str = "activity";
const F: &str = "activity_agg";

/// The calendar periods (of one granularity) in which a customer was active.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Activity {
    pub granularity: Granularity,
    pub periods: PeriodSet,
}

/// PostHog lifecycle states.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lifecycle {
    New,
    Returning,
    Resurrecting,
    Dormant,
}

impl Lifecycle {
    pub fn as_str(self) -> &'static str {
        match self {
            Lifecycle::New => "new",
            Lifecycle::Returning => "returning",
            Lifecycle::Resurrecting => "resurrecting",
            Lifecycle::Dormant => "dormant",
        }
    }
}

fn granularity_code(g: Granularity) -> u8 {
    match g {
        Granularity::Day => 0,
        Granularity::Week => 1,
        Granularity::Month => 2,
        Granularity::Quarter => 3,
        Granularity::Year => 4,
    }
}

fn granularity_from_code(c: u8) -> Option<Granularity> {
    Some(match c {
        0 => Granularity::Day,
        1 => Granularity::Week,
        2 => Granularity::Month,
        3 => Granularity::Quarter,
        4 => Granularity::Year,
        _ => return None,
    })
}

/// Transition state of `activity_agg`: empty until the first row fixes the
/// granularity.
#[derive(Debug, Clone, Default)]
pub struct ActivityState {
    pub activity: Option<Activity>,
    /// The period of the last row (a memo, not part of the state's value:
    /// not encoded, not compared).
    cache: PeriodCache,
    /// Where the periods go when the first row comes (the allocator current
    /// when the state was made; not part of the state's value).
    alloc: StateAlloc,
}

impl PartialEq for ActivityState {
    fn eq(&self, other: &Self) -> bool {
        self.activity == other.activity
    }
}

impl Eq for ActivityState {}

impl From<Activity> for ActivityState {
    fn from(a: Activity) -> Self {
        ActivityState {
            activity: Some(a),
            cache: PeriodCache::default(),
            alloc: StateAlloc::current(),
        }
    }
}

impl ActivityState {
    pub fn new() -> Self {
        Self::default()
    }

    #[inline]
    pub fn update(&mut self, occurred_at: i64, granularity: Granularity) -> Result<()> {
        let occurred_at = check_timestamp(F, "occurred_at", occurred_at)?;
        let alloc = &self.alloc;
        let a = self.activity.get_or_insert_with(|| Activity {
            granularity,
            periods: PeriodSet::new_in(alloc.same()),
        });
        if a.granularity != granularity {
            return Err(mixed(a.granularity, granularity));
        }
        a.periods
            .insert(self.cache.period_index(granularity, occurred_at))
            .map_err(|e| e.named(F))
    }
}

impl State for ActivityState {
    const NAME: &'static str = F;

    fn is_empty(&self) -> bool {
        self.activity.is_none()
    }

    fn merge(&mut self, o: &ActivityState) -> Result<()> {
        match (&mut self.activity, &o.activity) {
            (_, None) => Ok(()),
            (None, Some(b)) => {
                self.activity = Some(b.clone());
                Ok(())
            }
            (Some(a), Some(b)) => {
                if a.granularity != b.granularity {
                    return Err(mixed(a.granularity, b.granularity));
                }
                a.periods.merge(&b.periods).map_err(|e| e.named(F))
            }
        }
    }

    /// The transition state's bytes: format version, then 0 (no row yet) or
    /// 1 followed by the activity (granularity, periods).
    fn write(&self, w: &mut Writer) {
        match &self.activity {
            None => w.u8(0),
            Some(a) => {
                w.u8(1);
                a.encode_into(w);
            }
        }
    }

    fn decode(buf: &[u8]) -> Result<Self> {
        const T: &str = "activity_agg state";
        let mut r = Reader::new(T, buf)?;
        let activity = match r.u8()? {
            0 => None,
            1 => {
                let g = granularity_from_code(r.u8()?)
                    .ok_or_else(|| super::codec::corrupt(T, "bad granularity"))?;
                let periods = PeriodSet::decode(&mut r)?;
                let a = Activity {
                    granularity: g,
                    periods,
                };
                a.validate()?;
                Some(a)
            }
            _ => return Err(super::codec::corrupt(T, "bad flag")),
        };
        r.end()?;
        Ok(ActivityState {
            activity,
            cache: PeriodCache::default(),
            alloc: StateAlloc::current(),
        })
    }

    fn heap_size(&self) -> usize {
        self.activity.as_ref().map_or(0, |a| a.periods.heap_size())
    }
}

fn mixed_activities(a: Granularity, b: Granularity) -> ChurnError {
    ChurnError::new(
        "retention_counts",
        "activity",
        format!(
            "activities of a group must have the same granularity (got '{}' and '{}')",
            a.name(),
            b.name()
        ),
    )
}

fn mixed(a: Granularity, b: Granularity) -> ChurnError {
    ChurnError::new(
        F,
        "granularity",
        format!(
            "must be the same for every row of a group (got '{}' and '{}')",
            a.name(),
            b.name()
        ),
    )
}

impl Activity {
    /// A copy; out of memory is an error of `function`, not an abort.
    pub fn try_clone(&self, function: &'static str) -> Result<Self> {
        Ok(Activity {
            granularity: self.granularity,
            periods: self.periods.try_clone().map_err(|e| e.named(function))?,
        })
    }

    /// Index of the first active period (the cohort period).
    pub fn first(&self) -> i64 {
        self.periods.first().unwrap_or(0)
    }

    /// Start of the cohort period (µs since 1970 UTC).
    pub fn cohort_start(&self) -> Result<i64> {
        self.granularity
            .period_start_day(self.first())
            .and_then(|day| day.checked_mul(MICROS_PER_DAY))
            .ok_or_else(|| {
                ChurnError::datetime_overflow(
                    "cohort_start",
                    "activity",
                    "the cohort period starts before the first timestamp (-infinity in churnkit 0.1.0)",
                )
            })
    }

    /// Active in period `n` after the cohort period (0 = the cohort period)?
    pub fn is_active(&self, n: i64) -> bool {
        self.first()
            .checked_add(n)
            .is_some_and(|p| self.periods.contains(p))
    }

    /// PostHog lifecycle state of the period containing `period_start`:
    /// `new` (first active period), `returning` (active now and in the
    /// previous period), `resurrecting` (active now, not in the previous
    /// period, active before), `dormant` (not active now, active in the
    /// previous period); `None` otherwise (before the first activity, or
    /// inactive two periods running). `period_start` must be a point in
    /// churnkit's time range (otherwise `DatetimeOverflow`, as everywhere).
    pub fn lifecycle_state(&self, period_start: i64) -> Result<Option<Lifecycle>> {
        let period_start = check_timestamp("lifecycle_state", "period_start", period_start)?;
        let p = self.granularity.period_index(period_start);
        let Some(first) = self.periods.first() else {
            return Ok(None);
        };
        if p < first {
            return Ok(None);
        }
        let now = self.periods.contains(p);
        let prev = self.periods.contains(p - 1);
        Ok(match (now, prev) {
            (true, _) if p == first => Some(Lifecycle::New),
            (true, true) => Some(Lifecycle::Returning),
            (true, false) => Some(Lifecycle::Resurrecting),
            (false, true) => Some(Lifecycle::Dormant),
            (false, false) => None,
        })
    }

    pub fn encode_into(&self, w: &mut Writer) {
        w.u8(granularity_code(self.granularity));
        self.periods.encode(w);
    }

    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer::new();
        self.encode_into(&mut w);
        w.finish()
    }

    pub fn decode(buf: &[u8]) -> Result<Self> {
        let mut r = Reader::new(TYPE_NAME, buf)?;
        let g = granularity_from_code(r.u8()?)
            .ok_or_else(|| super::codec::corrupt(TYPE_NAME, "bad granularity"))?;
        let periods = PeriodSet::decode(&mut r)?;
        r.end()?;
        let a = Activity {
            granularity: g,
            periods,
        };
        a.validate()?;
        Ok(a)
    }

    /// What binary and text input both check: at least one period, and
    /// every period one that a timestamp can fall in
    /// ([`Granularity::period_range`]).
    pub fn validate(&self) -> Result<()> {
        let (Some(first), Some(last)) = (self.periods.first(), self.periods.last()) else {
            return Err(ChurnError::new(
                TYPE_NAME,
                "input",
                "an activity has at least one period",
            ));
        };
        let (lo, hi) = self.granularity.period_range();
        if first < lo || last > hi {
            return Err(ChurnError::new(
                TYPE_NAME,
                "input",
                format!(
                    "a {} period that no timestamp falls in",
                    self.granularity.name()
                ),
            ));
        }
        Ok(())
    }
}

/// `retention_counts` mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetentionMode {
    /// Element n = customers active in period n.
    Classic,
    /// Element n = customers active in period n or later.
    Unbounded,
}

impl RetentionMode {
    pub fn parse(s: &str) -> Result<Self> {
        let t = s.trim();
        if t.eq_ignore_ascii_case("classic") {
            Ok(RetentionMode::Classic)
        } else if t.eq_ignore_ascii_case("unbounded") {
            Ok(RetentionMode::Unbounded)
        } else {
            Err(ChurnError::new(
                "retention_counts",
                "mode",
                format!("unknown mode '{s}' (expected classic or unbounded)"),
            ))
        }
    }
}

/// Longest activity (in periods after the cohort period) that
/// `retention_counts` accepts: about 270 years of days, far beyond any real
/// customer, small enough that a corrupt timestamp cannot exhaust memory.
pub const MAX_RETENTION_PERIODS: i64 = 100_000;

/// State of `retention_counts`: element 0 the cohort size, element n the
/// retained customers of period n.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetentionCounts {
    pub mode: Option<RetentionMode>,
    /// Granularity of the activities counted (all must share it).
    pub granularity: Option<Granularity>,
    pub counts: StateVec<i64>,
}

impl Default for RetentionCounts {
    fn default() -> Self {
        RetentionCounts {
            mode: None,
            granularity: None,
            counts: state_vec(),
        }
    }
}

impl RetentionCounts {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn update(&mut self, a: &Activity, mode: RetentionMode) -> Result<()> {
        const R: &str = "retention_counts";
        match self.mode {
            None => self.mode = Some(mode),
            Some(m) if m != mode => {
                return Err(ChurnError::new(
                    R,
                    "mode",
                    "must be the same for every row of a group".to_string(),
                ))
            }
            _ => {}
        }
        match self.granularity {
            None => self.granularity = Some(a.granularity),
            Some(g) if g != a.granularity => return Err(mixed_activities(g, a.granularity)),
            _ => {}
        }
        let first = a.first();
        let span = a.periods.last().unwrap_or(first).saturating_sub(first);
        if !(0..MAX_RETENTION_PERIODS).contains(&span) {
            return Err(ChurnError::new(
                R,
                "activity",
                format!("spans {span} periods (at most {MAX_RETENTION_PERIODS} are supported)"),
            ));
        }
        let span = span as usize;
        if self.counts.len() <= span {
            let more = span + 1 - self.counts.len();
            grow(&mut self.counts, more).map_err(|e| e.named(R))?;
            self.counts.resize(span + 1, 0);
        }
        match mode {
            RetentionMode::Classic => {
                for p in a.periods.iter() {
                    self.counts[(p - first) as usize] += 1;
                }
            }
            RetentionMode::Unbounded => {
                for c in &mut self.counts[..=span] {
                    *c += 1;
                }
            }
        }
        Ok(())
    }
}

impl State for RetentionCounts {
    const NAME: &'static str = "retention_counts";

    fn is_empty(&self) -> bool {
        self.mode.is_none()
    }

    fn merge(&mut self, o: &RetentionCounts) -> Result<()> {
        match (self.mode, o.mode) {
            (Some(a), Some(b)) if a != b => {
                return Err(ChurnError::new(
                    "retention_counts",
                    "mode",
                    "must be the same for every row of a group".to_string(),
                ))
            }
            (None, m) => self.mode = m,
            _ => {}
        }
        match (self.granularity, o.granularity) {
            (Some(a), Some(b)) if a != b => return Err(mixed_activities(a, b)),
            (None, g) => self.granularity = g,
            _ => {}
        }
        if self.counts.len() < o.counts.len() {
            let more = o.counts.len() - self.counts.len();
            grow(&mut self.counts, more).map_err(|e| e.named("retention_counts"))?;
            self.counts.resize(o.counts.len(), 0);
        }
        for (a, b) in self.counts.iter_mut().zip(&o.counts) {
            *a += b;
        }
        Ok(())
    }

    fn write(&self, w: &mut Writer) {
        w.u8(match self.mode {
            None => 0,
            Some(RetentionMode::Classic) => 1,
            Some(RetentionMode::Unbounded) => 2,
        });
        w.u8(self.granularity.map_or(255, granularity_code));
        w.u64(self.counts.len() as u64);
        for &c in &self.counts {
            w.u64(c as u64);
        }
    }

    fn decode(buf: &[u8]) -> Result<Self> {
        const T: &str = "retention_counts state";
        let mut r = Reader::new(T, buf)?;
        let mode = match r.u8()? {
            0 => None,
            1 => Some(RetentionMode::Classic),
            2 => Some(RetentionMode::Unbounded),
            _ => return Err(super::codec::corrupt(T, "bad mode")),
        };
        let granularity = match r.u8()? {
            255 => None,
            c => Some(
                granularity_from_code(c)
                    .ok_or_else(|| super::codec::corrupt(T, "bad granularity"))?,
            ),
        };
        let n = r.len(1)?;
        let mut counts = state_vec();
        grow(&mut counts, n).map_err(|e| e.named(T))?;
        for _ in 0..n {
            counts.push(
                i64::try_from(r.u64()?).map_err(|_| super::codec::corrupt(T, "count overflow"))?,
            );
        }
        r.end()?;
        Ok(RetentionCounts {
            mode,
            granularity,
            counts,
        })
    }

    fn heap_size(&self) -> usize {
        self.counts.len() * size_of::<i64>()
    }
}
