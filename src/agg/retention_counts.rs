//! `churnkit.retention_counts(activity [, mode])` → `bigint[]` over the
//! customers of one cohort: element 0 the cohort size, element n the
//! customers active in period n (`classic`) or in period n or later
//! (`unbounded`).

use super::types::activity;
use super::{state_or_new, Group};
use crate::error::check;
use churnkit_core::agg::ParamCache;
use churnkit_core::agg::{RetentionCounts, RetentionMode};
use churnkit_pg_macros::pg_aggregate;
use pgrx::prelude::*;
use pgrx::Internal;

type RetentionCountsAgg = Group<RetentionCounts, ParamCache<RetentionMode>>;

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
    check(s.core.update(&a.0, RetentionMode::Classic));
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
    let mode = check(s.memo.get(mode.as_bytes(), RetentionMode::parse));
    check(s.core.update(&a.0, mode));
    state
}

pg_aggregate! {
    name = "retention_counts",
    core = RetentionCounts,
    memo = ParamCache<RetentionMode>,
    result = Vec<i64>,
    finish = |s| Some(s.core.counts.to_vec()),
    sspace = 256,
    transition = rust,
    overloads = [
        (
            "activity activity",
            "retention of a cohort: element 0 the cohort size, element n the customers active in period n"
        ),
        (
            "activity activity, mode text",
            "retention of a cohort: element 0 the cohort size, element n the customers active in period n (classic) or in period n or later (unbounded)"
        ),
    ],
    requires = [activity, retention_counts_trans_classic, retention_counts_trans],
}
