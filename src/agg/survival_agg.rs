//! `churnkit.survival_agg(tenure_days, churned)` → `survival_summary`
//! (Kaplan–Meier, right-censored), and its accessors `survival_at`,
//! `median_lifetime`, `survival_curve`.

use super::types::survival_summary;
use super::v1;
use super::{state_or_new, to_bigint, Group};
use crate::error::check;
use churnkit_core::agg::SurvivalSummary;
use churnkit_pg_macros::pg_aggregate;
use pgrx::prelude::*;

type SurvivalAgg = Group<SurvivalSummary>;

pg_aggregate! {
    name = "survival_agg",
    core = SurvivalSummary,
    result = survival_summary,
    // a fallible copy: out of memory is SQLSTATE 53200, not an abort
    finish = |s| Some(survival_summary(check(s.core.try_clone()))),
    sspace = 1024,
    // `survival_agg_trans(state internal, tenure_days float8, churned boolean)
    // → internal`: one customer. A NULL `tenure_days` skips the row; a NULL
    // `churned` is censored (still a customer). A version-1 C function (see
    // [`v1`]).
    transition = c |state, fcinfo, [tenure_days, churned]| {
        if let Some(t) = v1::float8(tenure_days) {
            let s = state_or_new(&mut state, fcinfo, SurvivalAgg::default);
            check(s.core.update(t, v1::boolean(churned)));
        }
    },
    overloads = [(
        "tenure_days double precision, churned boolean",
        "Kaplan-Meier summary of customer lifetimes (right-censored: churned false or NULL = still a customer)"
    )],
    requires = [survival_summary],
}

// ---- accessors ----

/// S(days): the share of customers expected to still be customers after `days`.
#[pg_extern(immutable, strict, parallel_safe)]
fn survival_at(summary: survival_summary, days: f64) -> f64 {
    check(summary.0.survival_at(days))
}

/// The smallest tenure at which S ≤ 0.5; NULL when S never gets there.
#[pg_extern(immutable, strict, parallel_safe)]
fn median_lifetime(summary: survival_summary) -> Option<f64> {
    summary.0.median_lifetime()
}

/// The Kaplan–Meier curve, one row per distinct tenure.
#[pg_extern(immutable, strict, parallel_safe)]
fn survival_curve(
    summary: survival_summary,
) -> TableIterator<
    'static,
    (
        name!(days, f64),
        name!(at_risk, i64),
        name!(churned, i64),
        name!(survival, f64),
    ),
> {
    const F: &str = "survival_curve";
    let rows: Vec<_> = summary
        .0
        .curve()
        .into_iter()
        .map(|p| {
            (
                p.days,
                check(to_bigint(p.at_risk, F, "survival_summary")),
                check(to_bigint(p.churned, F, "survival_summary")),
                p.survival,
            )
        })
        .collect();
    TableIterator::new(rows)
}
