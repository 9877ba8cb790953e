//! The contract every aggregate state keeps, whichever engine drives it.
//!
//! An aggregate of churnkit is a core state with:
//! - `update`: one input row, with the aggregate's own arguments (so it stays
//!   an inherent method of each state);
//! - [`State::merge`]: fold another state in, associative and commutative
//!   (proven by `core/tests/merge_laws.rs`);
//! - [`State::write`] / [`State::decode`]: the versioned binary encoding
//!   (format byte first, see [`super::codec`]): Postgres' `SERIALFUNC`
//!   output, DataFusion's state column, and, for the summary aggregates, the
//!   stored summary itself;
//! - [`State::is_empty`]: no row has reached the state. An empty state is the
//!   aggregate's empty-group result (NULL, or `window_funnel`'s 0) and
//!   DataFusion emits it as a NULL state;
//! - [`State::heap_size`]: the bytes it owns beyond its own size, for the
//!   engines' memory accounting.
//!
//! The adapters (`src/agg/` for Postgres, `datafusion_udfs/src/aggregate/`)
//! are written once against this trait; a new aggregate implements it next
//! to its state (see `docs/contributing.md`).

use super::codec::Writer;
use crate::error::Result;

/// An aggregate's transition state (see the module documentation).
pub trait State: Sized {
    /// The aggregate, as SQL names it (for messages).
    const NAME: &'static str;

    /// No row has reached the state.
    fn is_empty(&self) -> bool;

    /// Fold `other` in (associative and commutative; an error when the two
    /// were built with different parameters, naming the argument).
    fn merge(&mut self, other: &Self) -> Result<()>;

    /// The fields of the encoding, after the format byte the writer holds.
    fn write(&self, w: &mut Writer);

    /// The state of [`State::encode_into`]'s bytes, validated: corrupt or
    /// crafted bytes are an error naming the type, never a wrong state.
    fn decode(bytes: &[u8]) -> Result<Self>;

    /// Heap bytes owned by the state (what its collections hold).
    fn heap_size(&self) -> usize;

    /// Hint the CPU to fetch the heap memory the next update will touch
    /// (a state that appends rows to a heap vector); by default nothing:
    /// the other states keep what an update touches inline.
    #[inline(always)]
    fn prefetch_heap(&self) {}

    /// The encoding into `buf` (cleared first; its allocation is reused).
    fn encode_into(&self, buf: &mut Vec<u8>) {
        let mut w = Writer::with_buffer(std::mem::take(buf));
        self.write(&mut w);
        *buf = w.finish();
    }

    /// The encoding, in a new buffer.
    fn encode(&self) -> Vec<u8> {
        let mut buf = Vec::new();
        self.encode_into(&mut buf);
        buf
    }

    /// Merge a state the caller owns: into an empty state it is moved, not
    /// copied (the shortcut every engine takes when a group's first partial
    /// state arrives). The same result as [`State::merge`].
    fn merge_owned(&mut self, other: Self) -> Result<()> {
        if self.is_empty() {
            *self = other;
            Ok(())
        } else {
            self.merge(&other)
        }
    }

    /// Merge an encoded state (decoded and validated first).
    fn merge_encoded(&mut self, bytes: &[u8]) -> Result<()> {
        let other = Self::decode(bytes)?;
        self.merge_owned(other)
    }
}

#[cfg(test)]
mod tests {
    use super::State;
    use crate::agg::*;
    use crate::time::{Granularity, MICROS_PER_DAY};
    use std::fmt::Debug;

    /// What the contract promises of every state, given two states that
    /// saw rows: a new state is empty, one with rows is not; merging into an
    /// empty state by value (the shortcut) equals merging by reference;
    /// `encode_into` reuses the buffer and writes what `encode` writes, and
    /// `decode` reads it back to the same bytes; `heap_size` grows with rows.
    fn holds<S: State + Default + Clone + PartialEq + Debug>(a: S, b: S) {
        assert!(S::default().is_empty(), "{}", S::NAME);
        assert!(!a.is_empty() && !b.is_empty(), "{}", S::NAME);
        let mut by_ref = S::default();
        by_ref.merge(&a).unwrap();
        by_ref.merge(&b).unwrap();
        let mut by_value = S::default();
        by_value.merge_owned(a.clone()).unwrap();
        by_value.merge_encoded(&b.encode()).unwrap();
        assert_eq!(by_ref, by_value, "{}", S::NAME);
        let mut buf = Vec::with_capacity(4096);
        let ptr = buf.as_ptr();
        by_ref.encode_into(&mut buf);
        assert_eq!(buf, by_ref.encode(), "{}", S::NAME);
        assert_eq!(buf.as_ptr(), ptr, "{}: the buffer is reused", S::NAME);
        assert_eq!(S::decode(&buf).unwrap().encode(), buf, "{}", S::NAME);
        assert!(by_ref.heap_size() >= a.heap_size(), "{}", S::NAME);
    }

    const DAY: i64 = MICROS_PER_DAY;

    #[test]
    fn every_state_keeps_the_contract() {
        let engagement = |t: i64| {
            let mut s = EngagementSummary::new();
            s.update(t * DAY, Some(60.0), Some(true)).unwrap();
            s
        };
        holds(engagement(1), engagement(3));
        let activity = |t: i64| {
            let mut s = ActivityState::new();
            s.update(t * DAY, Granularity::Day).unwrap();
            s
        };
        holds(activity(1), activity(5));
        let survival = |t: f64| {
            let mut s = SurvivalSummary::new();
            s.update(t, Some(true)).unwrap();
            s
        };
        holds(survival(10.0), survival(10.0));
        let trend = |t: i64| {
            let mut s = TrendState::new();
            s.update(t * DAY, 30 * DAY, 14).unwrap();
            s
        };
        holds(trend(20), trend(10));
        let retention = |c: [bool; 2]| {
            let mut s = RetentionState::new();
            s.update(c.map(Some), 2).unwrap();
            s
        };
        holds(retention([true, false]), retention([false, true]));
        let counts = |t: i64| {
            let mut a = ActivityState::new();
            a.update(t * DAY, Granularity::Month).unwrap();
            a.update((t + 40) * DAY, Granularity::Month).unwrap();
            let mut s = RetentionCounts::new();
            s.update(a.activity.as_ref().unwrap(), RetentionMode::Classic)
                .unwrap();
            s
        };
        holds(counts(0), counts(100));
        let funnel = |t: i64| {
            let p = FunnelParams::new(7 * DAY, 2, FunnelMode::default()).unwrap();
            let mut s = FunnelState::new();
            s.update(p, t * DAY, [Some(true), None], 2).unwrap();
            s
        };
        holds(funnel(3), funnel(1));
    }

    #[test]
    fn survival_counts_stay_within_a_bigint() {
        // 2^62 customers at tenure 30, twice: the sum no longer fits
        let big = SurvivalSummary::decode(&{
            let mut w = crate::agg::codec::Writer::new();
            w.u64(1);
            w.f64(30.0);
            w.u64(1 << 62);
            w.u64(1 << 62);
            w.finish()
        })
        .unwrap();
        let mut s = big.clone();
        let e = s.merge(&big).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("survival_agg: invalid tenure_days: more than 2^63 - 1"),
            "{e}"
        );
    }
}
