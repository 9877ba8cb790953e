//! `survival_agg(tenure_days, churned)` → Kaplan–Meier summary
//! (right-censored), accessors `survival_at`, `median_lifetime` and the
//! set-returning `survival_curve`.

use super::alloc::{state_vec, StateVec};
use super::codec::{Reader, Writer};
use super::grow;
use super::state::State;
use super::OutOfMemoryExt as _;
use crate::error::{ChurnError, Result};

pub const TYPE_NAME: &str = "survival_summary";
const F: &str = "survival_agg";

/// One distinct tenure: (tenure_days, churned, censored).
pub type Tenure = (f64, u64, u64);

/// Most runs a state holds: each run is at least twice as long as the
/// next, so 64 runs would need 2^64 tenures.
const MAX_RUNS: usize = 64;

/// Distinct tenures with the number of customers who churned at that tenure
/// and the number still customers (censored) at that tenure.
///
/// Rows may come in any order. Tenures that arrive in increasing order
/// extend the last *run* (a strictly increasing slice of `times`); one that
/// arrives out of order starts a new run, and the last two runs are merged
/// whenever the last is more than half as long as the one before, so each
/// run is at least twice as long as the next: at most log2(n) + 1 runs, and
/// every tenure is merged O(log n) times, O(n log n) in any order (n
/// distinct tenures; a sorted insert was O(n) per row, quadratic on rows in
/// decreasing tenure). Reading (`tenures`, the curve, the encoding) merges
/// the runs on the fly; a decoded summary is one run. Memory: 24 bytes per
/// distinct tenure, and while rows arrive out of order a merge buffer of up
/// to as many again.
#[derive(Debug)]
pub struct SurvivalSummary {
    /// The runs, one after another.
    times: StateVec<Tenure>,
    /// Where runs `1..runs` start in `times` (run 0 starts at 0).
    starts: [usize; MAX_RUNS],
    /// Number of runs (0 when empty).
    runs: usize,
    /// Customers in total: at most 2^63 - 1 for a state built from rows or
    /// merges (so no sum of counts overflows); a decoded summary may hold
    /// up to 2^64 - 1 (its own bound since 0.1.0).
    customers: u64,
    /// Reused buffer of run merges.
    scratch: StateVec<Tenure>,
}

/// One point of the Kaplan–Meier curve.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CurvePoint {
    pub days: f64,
    /// Customers with tenure ≥ days (at risk just before `days`).
    pub at_risk: u64,
    pub churned: u64,
    pub censored: u64,
    /// S(days): probability of still being a customer after `days`.
    pub survival: f64,
}

impl Default for SurvivalSummary {
    fn default() -> Self {
        SurvivalSummary {
            times: state_vec(),
            starts: [0; MAX_RUNS],
            runs: 0,
            customers: 0,
            scratch: state_vec(),
        }
    }
}

impl Clone for SurvivalSummary {
    fn clone(&self) -> Self {
        SurvivalSummary {
            times: self.times.clone(),
            starts: self.starts,
            runs: self.runs,
            customers: self.customers,
            scratch: StateVec::new_in(self.scratch.allocator().same()),
        }
    }
}

/// Equal when they hold the same tenures and counts, however the runs lie.
impl PartialEq for SurvivalSummary {
    fn eq(&self, other: &Self) -> bool {
        self.customers == other.customers && self.tenures().eq(other.tenures())
    }
}

fn too_many() -> ChurnError {
    ChurnError::new(F, "tenure_days", "more than 2^63 - 1 customers")
}

impl SurvivalSummary {
    /// A copy; out of memory is an error of `survival_agg`, not an abort.
    pub fn try_clone(&self) -> Result<Self> {
        Ok(SurvivalSummary {
            times: super::alloc::try_clone_vec(&self.times).map_err(|e| e.named(F))?,
            scratch: StateVec::new_in(self.scratch.allocator().same()),
            ..*self
        })
    }

    pub fn new() -> Self {
        Self::default()
    }

    /// The summary of `times`, taken as given (one run): `validate` says
    /// whether they are sorted, distinct and counted.
    fn from_run(times: StateVec<Tenure>) -> Self {
        let customers = times.iter().fold(0u64, |acc, &(_, d, c)| {
            acc.saturating_add(d).saturating_add(c)
        });
        SurvivalSummary {
            runs: usize::from(!times.is_empty()),
            customers,
            scratch: StateVec::new_in(times.allocator().same()),
            times,
            starts: [0; MAX_RUNS],
        }
    }

    /// The summary of `times` (tenures sorted, distinct, each counted),
    /// validated.
    pub fn from_sorted(times: StateVec<Tenure>) -> Result<Self> {
        let s = Self::from_run(times);
        s.validate()?;
        Ok(s)
    }

    /// One customer: tenure in days (≥ 0, finite) and whether they churned
    /// (false = still a customer, i.e. right-censored; NULL counts as false).
    #[inline]
    pub fn update(&mut self, tenure_days: f64, churned: Option<bool>) -> Result<()> {
        if !tenure_days.is_finite() || tenure_days < 0.0 {
            return Err(ChurnError::new(
                F,
                "tenure_days",
                format!(
                    "{} is not a non-negative finite number of days",
                    crate::error::num(tenure_days)
                ),
            ));
        }
        if self.customers >= i64::MAX as u64 {
            return Err(too_many());
        }
        let t = if tenure_days == 0.0 { 0.0 } else { tenure_days }; // -0 → 0
        let count = if churned == Some(true) {
            (1, 0)
        } else {
            (0, 1)
        };
        match self.times.last_mut() {
            Some(last) if last.0 == t => {
                last.1 += count.0;
                last.2 += count.1;
            }
            Some(&mut (last, _, _)) => {
                grow(&mut self.times, 1).map_err(|e| e.named(F))?;
                if t < last {
                    // out of order: a new run
                    if self.runs == MAX_RUNS {
                        self.merge_last_runs()?;
                    }
                    self.starts[self.runs] = self.times.len();
                    self.runs += 1;
                }
                self.times.push((t, count.0, count.1));
                self.balance()?;
            }
            None => {
                grow(&mut self.times, 1).map_err(|e| e.named(F))?;
                self.times.push((t, count.0, count.1));
                self.runs = 1;
            }
        }
        self.customers += 1;
        Ok(())
    }

    /// Start and end of run `k`.
    #[inline]
    fn run(&self, k: usize) -> (usize, usize) {
        let start = if k == 0 { 0 } else { self.starts[k] };
        let end = if k + 1 == self.runs {
            self.times.len()
        } else {
            self.starts[k + 1]
        };
        (start, end)
    }

    /// Restore "each run at least twice as long as the next".
    #[inline]
    fn balance(&mut self) -> Result<()> {
        while self.runs > 1 {
            let (a, b) = (self.run(self.runs - 2), self.run(self.runs - 1));
            if (b.1 - b.0) * 2 <= a.1 - a.0 {
                break;
            }
            self.merge_last_runs()?;
        }
        Ok(())
    }

    /// Merge the last two runs into one (equal tenures added up: no sum
    /// overflows, the state's customers being at most 2^63 - 1).
    fn merge_last_runs(&mut self) -> Result<()> {
        let (a, _) = self.run(self.runs - 2);
        let (b, end) = self.run(self.runs - 1);
        self.scratch.clear();
        grow(&mut self.scratch, end - a).map_err(|e| e.named(F))?;
        merge_sorted(
            self.times[a..b].iter().copied(),
            self.times[b..end].iter().copied(),
            &mut self.scratch,
            |x, y| Ok(x + y),
        )?;
        self.times.truncate(a);
        self.times.extend_from_slice(&self.scratch);
        self.runs -= 1;
        Ok(())
    }

    /// The distinct tenures in increasing order, with their counts.
    pub fn tenures(&self) -> Tenures<'_> {
        let mut heads = [0usize; MAX_RUNS];
        let mut ends = [0usize; MAX_RUNS];
        for k in 0..self.runs {
            (heads[k], ends[k]) = self.run(k);
        }
        Tenures {
            times: &self.times,
            heads,
            ends,
            runs: self.runs,
        }
    }

    /// Number of distinct tenures.
    pub fn distinct_tenures(&self) -> usize {
        if self.runs <= 1 {
            self.times.len()
        } else {
            self.tenures().count()
        }
    }

    pub fn customers(&self) -> u64 {
        self.customers
    }

    /// The Kaplan–Meier curve: one point per distinct tenure. Churns at a
    /// tenure are counted before censorings at the same tenure (customers
    /// censored at t were at risk at t), as in lifelines.
    pub fn curve(&self) -> Vec<CurvePoint> {
        let mut out = Vec::with_capacity(self.distinct_tenures());
        self.walk(|p| {
            out.push(p);
            true
        });
        out
    }

    /// The curve's points in tenure order, to `f` until it returns false:
    /// the one place the product-limit estimate is computed. The product
    /// of the factors `(at_risk − churned) / at_risk` is kept in
    /// double-double precision (about 32 significant digits), so that
    /// thousands of factors do not drift: with n customers who all churn,
    /// S after k churns is exactly (n − k) / n as an `f64`, and a median
    /// that lies where S is 0.5 is found there, not one tenure later.
    fn walk(&self, mut f: impl FnMut(CurvePoint) -> bool) {
        let mut at_risk = self.customers();
        let mut s = DoubleDouble::ONE;
        for (t, d, c) in self.tenures() {
            if d > 0 {
                s = s.mul(DoubleDouble::ratio((at_risk - d) as f64, at_risk as f64));
            }
            let point = CurvePoint {
                days: t,
                at_risk,
                churned: d,
                censored: c,
                survival: s.value(),
            };
            if !f(point) {
                return;
            }
            at_risk -= d + c;
        }
    }

    /// S(days): share of customers expected to still be customers after
    /// `days` (a step function, 1 before the first churn).
    pub fn survival_at(&self, days: f64) -> Result<f64> {
        if days.is_nan() {
            return Err(ChurnError::new(
                "survival_at",
                "days",
                "NaN is not a number",
            ));
        }
        let mut s = 1.0;
        self.walk(|p| {
            if p.days > days {
                return false;
            }
            s = p.survival;
            true
        });
        Ok(s)
    }

    /// Smallest tenure at which S ≤ 0.5; None when the curve never gets
    /// there (lifelines reports infinity).
    pub fn median_lifetime(&self) -> Option<f64> {
        median_of_curve(self.curve().iter().map(|p| (p.days, p.survival)))
    }

    /// Whether a decoded summary (one run) is sorted, distinct and counted.
    pub fn validate(&self) -> Result<()> {
        let ok = self.runs <= 1
            && self.times.windows(2).all(|w| w[0].0 < w[1].0)
            && self.times.iter().all(|&(t, d, c)| {
                t.is_finite() && t >= 0.0 && d.checked_add(c).is_some_and(|n| n > 0)
            })
            && self
                .times
                .iter()
                .try_fold(0u64, |acc, &(_, d, c)| acc.checked_add(d + c))
                .is_some();
        if ok {
            Ok(())
        } else {
            Err(ChurnError::new(TYPE_NAME, "input", "tenures must be distinct, sorted, finite and non-negative, each with at least one customer".to_string()))
        }
    }
}

/// The state of `survival_agg` is the summary it returns.
impl State for SurvivalSummary {
    const NAME: &'static str = F;

    fn is_empty(&self) -> bool {
        self.times.is_empty()
    }

    fn merge(&mut self, o: &SurvivalSummary) -> Result<()> {
        if o.times.is_empty() {
            return Ok(());
        }
        let customers = self
            .customers
            .checked_add(o.customers)
            .filter(|&n| n <= i64::MAX as u64)
            .ok_or_else(too_many)?;
        let mut out = StateVec::new_in(self.times.allocator().same());
        grow(&mut out, self.distinct_tenures() + o.distinct_tenures()).map_err(|e| e.named(F))?;
        // counts stay within a bigint, as both engines return them
        let sum = |x: u64, y: u64| {
            x.checked_add(y)
                .filter(|&n| n <= i64::MAX as u64)
                .ok_or_else(|| {
                    ChurnError::new(
                        F,
                        "tenure_days",
                        "more than 2^63 - 1 customers at one tenure",
                    )
                })
        };
        merge_sorted(self.tenures(), o.tenures(), &mut out, sum)?;
        *self = SurvivalSummary {
            customers,
            ..SurvivalSummary::from_run(out)
        };
        Ok(())
    }

    fn write(&self, w: &mut Writer) {
        w.u64(self.distinct_tenures() as u64);
        for (t, d, c) in self.tenures() {
            w.f64(t);
            w.u64(d);
            w.u64(c);
        }
    }

    fn decode(buf: &[u8]) -> Result<Self> {
        let mut r = Reader::new(TYPE_NAME, buf)?;
        let n = r.len(10)?;
        let mut times = state_vec();
        grow(&mut times, n).map_err(|e| e.named(TYPE_NAME))?;
        for _ in 0..n {
            times.push((r.f64()?, r.u64()?, r.u64()?));
        }
        r.end()?;
        let s = SurvivalSummary::from_run(times);
        s.validate()?;
        Ok(s)
    }

    fn heap_size(&self) -> usize {
        (self.times.len() + self.scratch.capacity()) * size_of::<Tenure>()
    }
}

/// Merge two tenure lists sorted by tenure into `out` (which has room),
/// adding the counts of equal tenures with `sum`.
fn merge_sorted(
    a: impl IntoIterator<Item = Tenure>,
    b: impl IntoIterator<Item = Tenure>,
    out: &mut StateVec<Tenure>,
    sum: impl Fn(u64, u64) -> Result<u64>,
) -> Result<()> {
    let (mut a, mut b) = (a.into_iter().peekable(), b.into_iter().peekable());
    loop {
        let next = match (a.peek(), b.peek()) {
            (None, None) => return Ok(()),
            (Some(_), None) => a.next(),
            (None, Some(_)) => b.next(),
            (Some(x), Some(y)) if x.0 < y.0 => a.next(),
            (Some(x), Some(y)) if y.0 < x.0 => b.next(),
            (Some(_), Some(_)) => {
                let (x, y) = (a.next().unwrap_or_default(), b.next().unwrap_or_default());
                Some((x.0, sum(x.1, y.1)?, sum(x.2, y.2)?))
            }
        };
        out.extend(next);
    }
}

/// The tenures of a [`SurvivalSummary`] in increasing order: its runs
/// merged, equal tenures added up.
pub struct Tenures<'a> {
    times: &'a [Tenure],
    heads: [usize; MAX_RUNS],
    ends: [usize; MAX_RUNS],
    runs: usize,
}

impl Iterator for Tenures<'_> {
    type Item = Tenure;

    #[inline]
    fn next(&mut self) -> Option<Tenure> {
        if self.runs == 1 {
            // one run (a decoded summary, rows in order): a slice walk
            let i = self.heads[0];
            if i == self.ends[0] {
                return None;
            }
            self.heads[0] += 1;
            return Some(self.times[i]);
        }
        let mut best: Option<f64> = None;
        for k in 0..self.runs {
            if self.heads[k] < self.ends[k] {
                let t = self.times[self.heads[k]].0;
                if best.is_none_or(|b| t < b) {
                    best = Some(t);
                }
            }
        }
        let t = best?;
        let (mut d, mut c) = (0, 0);
        for k in 0..self.runs {
            if self.heads[k] < self.ends[k] && self.times[self.heads[k]].0 == t {
                let x = self.times[self.heads[k]];
                // within 2^63 - 1 in total (a state built from rows)
                d += x.1;
                c += x.2;
                self.heads[k] += 1;
            }
        }
        Some((t, d, c))
    }
}

/// The median lifetime of a Kaplan–Meier curve given as `(days, survival)`
/// points in tenure order (e.g. the rows of the `customer_lifetime` view):
/// the smallest tenure at which S ≤ 0.5, None when the curve never gets
/// there. [`SurvivalSummary::median_lifetime`] is this on its own curve.
pub fn median_of_curve(points: impl IntoIterator<Item = (f64, f64)>) -> Option<f64> {
    points
        .into_iter()
        .find(|&(_, survival)| survival <= 0.5)
        .map(|(days, _)| days)
}

/// S(days) read off a Kaplan–Meier curve given as `(days, survival)` points
/// in tenure order: the survival of the last point at or before `days`, 1
/// before the first (the step function of [`SurvivalSummary::survival_at`]).
pub fn survival_on_curve(points: impl IntoIterator<Item = (f64, f64)>, days: f64) -> f64 {
    points
        .into_iter()
        .take_while(|&(t, _)| t <= days)
        .last()
        .map_or(1.0, |(_, survival)| survival)
}

/// An unevaluated sum `hi + lo` with |lo| ≤ ulp(hi) / 2: a product of many
/// factors in about twice `f64`'s precision (Dekker; Hida, Li and Bailey's
/// double-double arithmetic), using fused multiply-adds for exact errors.
#[derive(Debug, Clone, Copy)]
struct DoubleDouble {
    hi: f64,
    lo: f64,
}

impl DoubleDouble {
    const ONE: DoubleDouble = DoubleDouble { hi: 1.0, lo: 0.0 };

    /// `a / b` for exact `a`, `b` (integers below 2^53): the quotient and
    /// its rounding error, `(a − q·b) / b`.
    fn ratio(a: f64, b: f64) -> Self {
        let q = a / b;
        let r = (-q).mul_add(b, a);
        Self::normalised(q, r / b)
    }

    fn mul(self, o: Self) -> Self {
        let p = self.hi * o.hi;
        let e = self.hi.mul_add(o.hi, -p) + (self.hi * o.lo + self.lo * o.hi);
        Self::normalised(p, e)
    }

    fn normalised(hi: f64, lo: f64) -> Self {
        let s = hi + lo;
        DoubleDouble {
            hi: s,
            lo: lo - (s - hi),
        }
    }

    /// The nearest `f64`.
    fn value(self) -> f64 {
        self.hi
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// n customers who all churn, one per day: S after k churns is
    /// (n − k) / n exactly, and the median is where S reaches 0.5. A plain
    /// f64 product of 20,000 factors drifts above 0.5 there and reported
    /// the next tenure (found by the hostile catalogue).
    #[test]
    fn the_product_does_not_drift() {
        for n in [2u32, 3, 7, 1000, 20_000, 99_999] {
            let mut s = SurvivalSummary::default();
            for t in 1..=n {
                s.update(t as f64, Some(true)).unwrap();
            }
            for (k, p) in s.curve().iter().enumerate() {
                let exact = (n - k as u32 - 1) as f64 / n as f64;
                assert_eq!(p.survival, exact, "n = {n}, after {} churns", k + 1);
            }
            if n % 2 == 0 {
                assert_eq!(s.median_lifetime(), Some((n / 2) as f64), "n = {n}");
            }
            assert_eq!(
                s.survival_at((n / 3) as f64).unwrap(),
                (n - n / 3) as f64 / n as f64
            );
        }
    }

    /// Rows in any order give the summary a sorted map of the same rows
    /// gives, runs or not: increasing, decreasing, random, with repeats, and
    /// merged from pieces.
    #[test]
    fn any_order_gives_the_same_summary() {
        use std::collections::BTreeMap;
        let mut x: u64 = 99;
        let mut rnd = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let n = 5_000u64;
        let orders: Vec<Vec<(f64, bool)>> = vec![
            (0..n).map(|i| ((i / 3) as f64, i % 4 == 0)).collect(),
            (0..n).rev().map(|i| ((i / 3) as f64, i % 4 == 0)).collect(),
            (0..n)
                .map(|_| ((rnd() % 700) as f64 * 0.5, rnd() % 3 == 0))
                .collect(),
            (0..n)
                .map(|i| {
                    (
                        if i % 2 == 0 { i as f64 } else { (n - i) as f64 },
                        i % 5 == 0,
                    )
                })
                .collect(),
        ];
        for rows in orders {
            let mut reference: BTreeMap<u64, (u64, u64)> = BTreeMap::new();
            let mut s = SurvivalSummary::new();
            let mut pieces = vec![SurvivalSummary::new(), SurvivalSummary::new()];
            for (i, &(t, churned)) in rows.iter().enumerate() {
                s.update(t, Some(churned)).unwrap();
                pieces[i % 2].update(t, Some(churned)).unwrap();
                let e = reference.entry(t.to_bits()).or_default();
                if churned {
                    e.0 += 1;
                } else {
                    e.1 += 1;
                }
                assert!(s.runs <= 1 + (s.times.len() as f64).log2() as usize + 1);
            }
            let expected: Vec<Tenure> = reference
                .iter()
                .map(|(&t, &(d, c))| (f64::from_bits(t), d, c))
                .collect();
            assert_eq!(s.tenures().collect::<Vec<_>>(), expected);
            assert_eq!(s.distinct_tenures(), expected.len());
            assert_eq!(s.customers(), rows.len() as u64);
            let decoded = SurvivalSummary::decode(&s.encode()).unwrap();
            assert_eq!(decoded.tenures().collect::<Vec<_>>(), expected);
            assert_eq!(decoded, s);
            let mut merged = SurvivalSummary::new();
            for p in &pieces {
                merged.merge(p).unwrap();
            }
            assert_eq!(merged, s);
            assert_eq!(merged.curve(), s.curve());
        }
    }
}
