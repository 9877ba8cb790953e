//! Aggregate states of docs/aggregates.md. Each has `update`, an associative and
//! commutative `merge`, a finishing accessor, and a versioned binary encoding
//! (first byte = format version) shared by both engines' partial aggregation.
//!
//! One file per aggregate, named after its SQL function (as are the
//! adapters' files in `src/agg/` and `datafusion_udfs/src/aggregate/`):
//! `activity_agg` (with the accessors of its summary `activity` and
//! `retention_counts`), `activity_trend`, `engagement_agg`, `retention`,
//! `survival_agg`, `window_funnel`. The rest is shared machinery: the
//! [`State`] contract (`state`), the binary codec (`codec`), the JSON text
//! form (`text`), the period bitmap (`period_set`), the parameter cache
//! (`param_cache`) and the fallible
//! allocation of states (`alloc`).

/// The states' allocator, [`OutOfMemory`] and [`grow`]: the crate
/// `churnkit-alloc` (where the unsafe code of states lives), re-exported.
pub use churnkit_alloc as alloc;
pub use churnkit_alloc::{grow, OutOfMemory};

/// [`OutOfMemory`] as the error of a function.
pub trait OutOfMemoryExt {
    /// The error of aggregate (or function) `function`.
    fn named(self, function: &'static str) -> crate::ChurnError;
}

impl OutOfMemoryExt for OutOfMemory {
    /// The error of aggregate (or function) `function`.
    #[cold]
    fn named(self, function: &'static str) -> crate::ChurnError {
        crate::ChurnError::out_of_memory(
            function,
            format!(
                "its state could not grow to {} bytes (fewer rows per group, fewer groups or more memory for the server would help)",
                self.bytes
            ),
        )
    }
}

pub mod activity_agg;
pub mod activity_trend;
pub mod codec;
pub mod engagement_agg;
pub mod param_cache;
pub mod period_set;
pub mod retention;
pub mod state;
pub mod survival_agg;
pub mod text;
pub mod window_funnel;

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

pub use activity_agg::{Activity, ActivityState, Lifecycle, RetentionCounts, RetentionMode};
pub use activity_trend::TrendState;
pub use alloc::{state_vec, with_state_alloc, StateAlloc, StateVec};
pub use engagement_agg::EngagementSummary;
pub use param_cache::ParamCache;
pub use period_set::PeriodSet;
pub use retention::RetentionState;
pub use state::State;
pub use survival_agg::{CurvePoint, SurvivalSummary};
pub use window_funnel::{FunnelMode, FunnelParams, FunnelState};

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
