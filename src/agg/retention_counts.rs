//! `churnkit.retention_counts(activity [, mode])` → `bigint[]` over the
//! customers of one cohort: element 0 the cohort size, element n the
//! customers active in period n (`classic`) or in period n or later
//! (`unbounded`).

use super::types::activity;
use super::{combine, deserialize, serialize, state_mut, state_or_new, AggState, TextMemo};
use crate::error::check;
use churnkit_core::agg::{RetentionCounts, RetentionMode};
use churnkit_core::Result;
use pgrx::prelude::*;
use pgrx::Internal;

#[derive(Clone, Default)]
struct RetentionCountsAgg {
    counts: RetentionCounts,
    mode: TextMemo<RetentionMode>,
}

impl AggState for RetentionCountsAgg {
    const TAG: u64 = u64::from_le_bytes(*b"ck:rcnts");
    const NAME: &'static str = "retention_counts";
    fn encode(&self) -> Vec<u8> {
        self.counts.encode()
    }
    fn decode(bytes: &[u8]) -> Result<Self> {
        Ok(RetentionCountsAgg {
            counts: RetentionCounts::decode(bytes)?,
            mode: TextMemo::default(),
        })
    }
    fn merge(&mut self, other: &Self) -> Result<()> {
        self.counts.merge(&other.counts)
    }
}

/// One customer, `classic` mode. NULL activities are skipped.
#[pg_extern(name = "retention_counts_trans", immutable, parallel_safe)]
fn retention_counts_trans_classic(
    mut state: Internal,
    a: Option<activity>,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Internal {
    let Some(a) = a else { return state };
    // SAFETY: the state of this aggregate (tag checked)
    let s = unsafe { state_or_new(&mut state, fcinfo, RetentionCountsAgg::default) };
    check(s.counts.update(&a.0, RetentionMode::Classic));
    state
}

/// One customer. Rows with a NULL activity or mode are skipped; the mode is
/// parsed by core (cached against the last text) and must be the same on
/// every row.
#[pg_extern(immutable, parallel_safe)]
fn retention_counts_trans(
    mut state: Internal,
    a: Option<activity>,
    mode: Option<&str>,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Internal {
    let (Some(a), Some(mode)) = (a, mode) else {
        return state;
    };
    // SAFETY: the state of this aggregate (tag checked)
    let s = unsafe { state_or_new(&mut state, fcinfo, RetentionCountsAgg::default) };
    let mode = check(s.mode.get(mode.as_bytes(), RetentionMode::parse));
    check(s.counts.update(&a.0, mode));
    state
}

#[pg_extern(immutable, strict, parallel_safe)]
fn retention_counts_final(mut state: Internal) -> Option<Vec<i64>> {
    // SAFETY: the state of this aggregate (tag checked)
    unsafe { state_mut::<RetentionCountsAgg>(&mut state) }.map(|s| s.counts.counts.to_vec())
}

#[pg_extern(immutable, parallel_safe)]
fn retention_counts_combine(
    state: Internal,
    other: Internal,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Internal {
    combine::<RetentionCountsAgg>(state, other, fcinfo)
}

#[pg_extern(immutable, strict, parallel_safe)]
fn retention_counts_serialize(state: Internal) -> Vec<u8> {
    serialize::<RetentionCountsAgg>(state)
}

#[pg_extern(immutable, strict, parallel_safe)]
fn retention_counts_deserialize(bytes: &[u8], state: Internal) -> Internal {
    let _ = state; // a placeholder (always NULL) in the signature Postgres requires
    deserialize::<RetentionCountsAgg>(bytes)
}

extension_sql!(
    r#"
CREATE AGGREGATE retention_counts(activity activity) (
    SFUNC = retention_counts_trans,
    STYPE = internal,
    SSPACE = 256,
    FINALFUNC = retention_counts_final,
    COMBINEFUNC = retention_counts_combine,
    SERIALFUNC = retention_counts_serialize,
    DESERIALFUNC = retention_counts_deserialize,
    PARALLEL = SAFE
);
CREATE AGGREGATE retention_counts(activity activity, mode text) (
    SFUNC = retention_counts_trans,
    STYPE = internal,
    SSPACE = 256,
    FINALFUNC = retention_counts_final,
    COMBINEFUNC = retention_counts_combine,
    SERIALFUNC = retention_counts_serialize,
    DESERIALFUNC = retention_counts_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE retention_counts(activity) IS
    'retention of a cohort: element 0 the cohort size, element n the customers active in period n';
COMMENT ON AGGREGATE retention_counts(activity, text) IS
    'retention of a cohort: element 0 the cohort size, element n the customers active in period n (classic) or in period n or later (unbounded)';
"#,
    name = "retention_counts",
    requires = [
        activity,
        retention_counts_trans_classic,
        retention_counts_trans,
        retention_counts_final,
        retention_counts_combine,
        retention_counts_serialize,
        retention_counts_deserialize
    ],
);
