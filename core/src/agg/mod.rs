//! Aggregate states of DESIGN.md §3.2. Each has `update`, an associative and
//! commutative `merge`, a finishing accessor, and a versioned binary encoding
//! (first byte = format version) shared by both engines' partial aggregation.

pub mod activity;
pub mod codec;
pub mod engagement;
pub mod funnel;
pub mod period_set;
pub mod retention;
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
                "its state could not grow to {} bytes (Postgres: the same as its own out-of-memory errors; the query needs fewer groups or rows per group, or more memory)",
                self.bytes
            ),
        )
    }
}

/// Room in `v` for `additional` more elements without another allocation,
/// or [`OutOfMemory`]. Amortised like `push` (the capacity doubles).
#[inline(always)]
pub fn grow<T>(v: &mut Vec<T>, additional: usize) -> std::result::Result<(), OutOfMemory> {
    if v.capacity() - v.len() >= additional {
        Ok(())
    } else {
        grow_slow(v, additional)
    }
}

#[cold]
#[inline(never)]
fn grow_slow<T>(v: &mut Vec<T>, additional: usize) -> std::result::Result<(), OutOfMemory> {
    v.try_reserve(additional).map_err(|_| OutOfMemory {
        bytes: v
            .len()
            .saturating_add(additional)
            .max(v.capacity().saturating_mul(2))
            .saturating_mul(std::mem::size_of::<T>()),
    })
}

pub use activity::{Activity, ActivityState, Lifecycle, RetentionCounts, RetentionMode};
pub use engagement::EngagementSummary;
pub use funnel::{FunnelMode, FunnelParams, FunnelState};
pub use period_set::PeriodSet;
pub use retention::RetentionState;
pub use survival::{CurvePoint, SurvivalSummary};
pub use trend::TrendState;
