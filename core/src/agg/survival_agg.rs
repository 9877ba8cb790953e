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

/// Distinct tenures with the number of customers who churned at that tenure
/// and the number still customers (censored) at that tenure, sorted by tenure.
#[derive(Debug, Clone, PartialEq)]
pub struct SurvivalSummary {
    /// (tenure_days, churned, censored), strictly increasing tenure.
    pub times: StateVec<(f64, u64, u64)>,
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
        SurvivalSummary { times: state_vec() }
    }
}

impl SurvivalSummary {
    /// A copy; out of memory is an error of `survival_agg`, not an abort.
    pub fn try_clone(&self) -> Result<Self> {
        Ok(SurvivalSummary {
            times: super::alloc::try_clone_vec(&self.times).map_err(|e| e.named(F))?,
        })
    }

    pub fn new() -> Self {
        Self::default()
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
        let t = if tenure_days == 0.0 { 0.0 } else { tenure_days }; // -0 → 0
        let churned = churned == Some(true);
        let idx = match self.times.last() {
            Some(&(last, _, _)) if last == t => self.times.len() - 1,
            Some(&(last, _, _)) if last < t => {
                grow(&mut self.times, 1).map_err(|e| e.named(F))?;
                self.times.push((t, 0, 0));
                self.times.len() - 1
            }
            None => {
                grow(&mut self.times, 1).map_err(|e| e.named(F))?;
                self.times.push((t, 0, 0));
                0
            }
            _ => match self.times.binary_search_by(|x| x.0.total_cmp(&t)) {
                Ok(i) => i,
                Err(i) => {
                    grow(&mut self.times, 1).map_err(|e| e.named(F))?;
                    self.times.insert(i, (t, 0, 0));
                    i
                }
            },
        };
        if churned {
            self.times[idx].1 += 1;
        } else {
            self.times[idx].2 += 1;
        }
        Ok(())
    }

    pub fn customers(&self) -> u64 {
        self.times.iter().map(|t| t.1 + t.2).sum()
    }

    /// The Kaplan–Meier curve: one point per distinct tenure. Churns at a
    /// tenure are counted before censorings at the same tenure (customers
    /// censored at t were at risk at t), as in lifelines.
    pub fn curve(&self) -> Vec<CurvePoint> {
        let mut out = Vec::with_capacity(self.times.len());
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
        for &(t, d, c) in &self.times {
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

    pub fn validate(&self) -> Result<()> {
        let ok = self.times.windows(2).all(|w| w[0].0 < w[1].0)
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
        let mut out = StateVec::new_in(self.times.allocator().same());
        grow(&mut out, self.times.len() + o.times.len()).map_err(|e| e.named(F))?;
        let (a, b) = (&self.times, &o.times);
        let (mut i, mut j) = (0, 0);
        while i < a.len() || j < b.len() {
            if j >= b.len() || (i < a.len() && a[i].0 < b[j].0) {
                out.push(a[i]);
                i += 1;
            } else if i >= a.len() || b[j].0 < a[i].0 {
                out.push(b[j]);
                j += 1;
            } else {
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
                out.push((a[i].0, sum(a[i].1, b[j].1)?, sum(a[i].2, b[j].2)?));
                i += 1;
                j += 1;
            }
        }
        self.times = out;
        Ok(())
    }

    fn write(&self, w: &mut Writer) {
        w.u64(self.times.len() as u64);
        for &(t, d, c) in &self.times {
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
        let s = SurvivalSummary { times };
        s.validate()?;
        Ok(s)
    }

    fn heap_size(&self) -> usize {
        self.times.len() * size_of::<(f64, u64, u64)>()
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
}
