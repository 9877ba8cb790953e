//! Aggregate states of docs/aggregates.md. Each has `update`, an associative and
//! commutative `merge`, a finishing accessor, and a versioned binary encoding
//! (first byte = format version) shared by both engines' partial aggregation.

pub mod activity;
#[allow(unsafe_code)]
pub mod alloc;
pub mod codec;
pub mod engagement;
pub mod funnel;
pub mod period_set;
pub mod retention;
pub mod state;
pub mod survival;
pub mod text;
pub mod trend;

/// A collection of an aggregate state could not grow: the allocation
/// failed. States grow only through [`grow`], so a failed allocation is this
/// error (SQLSTATE 53200 in Postgres, a DataFusion error) instead of Rust's
/// abort, which would take the whole Postgres cluster down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutOfMemory {
    /// The size the collection needed, in bytes.
    pub bytes: usize,
}

impl OutOfMemory {
    /// The error of aggregate (or function) `function`.
    #[cold]
    pub fn named(self, function: &'static str) -> crate::ChurnError {
        crate::ChurnError::out_of_memory(
            function,
            format!(
                "its state could not grow to {} bytes (fewer rows per group, fewer groups or more memory for the server would help)",
                self.bytes
            ),
        )
    }
}

/// Room in `v` for `additional` more elements without another allocation,
/// or [`OutOfMemory`]. Amortised like `push` (the capacity doubles).
#[inline(always)]
pub fn grow<T>(v: &mut StateVec<T>, additional: usize) -> std::result::Result<(), OutOfMemory> {
    if v.capacity() - v.len() >= additional {
        Ok(())
    } else {
        grow_slow(v, additional)
    }
}

#[cold]
#[inline(never)]
fn grow_slow<T>(v: &mut StateVec<T>, additional: usize) -> std::result::Result<(), OutOfMemory> {
    v.try_reserve(additional).map_err(|_| OutOfMemory {
        bytes: v
            .len()
            .saturating_add(additional)
            .max(v.capacity().saturating_mul(2))
            .saturating_mul(std::mem::size_of::<T>()),
    })
}

/// A count of a summary (events, key actions, customers) as the signed
/// 64-bit integer both engines return (`bigint`, `Int64`). Counts a summary
/// can hold are `u64`; one above 2^63 − 1 (only a crafted value has one) is
/// this error, the same in both engines, never a wrapped negative number.
pub fn count_as_bigint(
    n: u64,
    function: &'static str,
    argument: &'static str,
) -> crate::Result<i64> {
    i64::try_from(n).map_err(|_| {
        crate::ChurnError::new(
            function,
            argument,
            format!("count {n} is out of range for bigint"),
        )
    })
}

/// A length or index as an `i64`: a collection holds at most `isize::MAX`
/// bytes, so it never wraps (unlike a count read from bytes, see
/// [`count_as_bigint`]).
#[inline(always)]
pub fn len_as_i64(n: usize) -> i64 {
    #[allow(clippy::cast_possible_wrap)]
    let n = n as i64;
    n
}

pub use activity::{Activity, ActivityState, Lifecycle, RetentionCounts, RetentionMode};
pub use alloc::{state_vec, with_state_alloc, StateAlloc, StateVec};
pub use engagement::EngagementSummary;
pub use funnel::{FunnelMode, FunnelParams, FunnelState};
pub use period_set::PeriodSet;
pub use retention::RetentionState;
pub use state::State;
pub use survival::{CurvePoint, SurvivalSummary};
pub use trend::TrendState;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_state_that_cannot_grow_is_an_error_not_an_abort() {
        let mut v: StateVec<u64> = state_vec();
        v.extend_from_slice(&[1, 2, 3]);
        // more than any allocator can give: try_reserve fails, nothing aborts
        let e = grow(&mut v, usize::MAX / 4).unwrap_err();
        assert_eq!(v, [1, 2, 3]);
        let e = e.named("survival_agg");
        assert_eq!(e.kind, crate::ErrorKind::OutOfMemory);
        assert!(
            e.to_string()
                .starts_with("survival_agg: out of memory: its state could not grow to "),
            "{e}"
        );
        assert!(grow(&mut v, 10).is_ok() && v.capacity() >= 13);
    }
}
