//! `churnkit.survival_agg(tenure_days, churned)` → `survival_summary`
//! (Kaplan–Meier, right-censored), and its accessors `survival_at`,
//! `median_lifetime`, `survival_curve`.

use super::types::survival_summary;
use super::v1;
use super::{combine, deserialize, serialize, state_mut, state_or_new, to_bigint, AggState};
use crate::error::check;
use churnkit_core::agg::SurvivalSummary;
use churnkit_core::Result;
use pgrx::prelude::*;
use pgrx::Internal;

#[derive(Clone, Default)]
struct SurvivalAgg(SurvivalSummary);

impl AggState for SurvivalAgg {
    const TAG: u64 = u64::from_le_bytes(*b"ck:survi");
    const NAME: &'static str = "survival_agg";
    fn encode(&self) -> Vec<u8> {
        self.0.encode()
    }
    fn decode(bytes: &[u8]) -> Result<Self> {
        SurvivalSummary::decode(bytes).map(SurvivalAgg)
    }
    fn merge(&mut self, other: &Self) -> Result<()> {
        self.0.merge(&other.0)
    }
}

/// `survival_agg_trans(state internal, tenure_days float8, churned boolean)
/// → internal`: one customer. A NULL `tenure_days` skips the row; a NULL
/// `churned` is censored (still a customer). A version-1 C function (see
/// [`v1`]).
///
/// # Safety
/// Called by Postgres with this signature.
#[pg_guard]
#[unsafe(no_mangle)]
pub unsafe extern "C-unwind" fn survival_agg_trans(
    fcinfo: pg_sys::FunctionCallInfo,
) -> pg_sys::Datum {
    let [state, tenure_days, churned] = v1::args(fcinfo) else {
        error!("survival_agg_trans: expected 3 arguments");
    };
    let mut state = v1::internal(state);
    if let Some(t) = v1::float8(tenure_days) {
        let s = state_or_new(&mut state, fcinfo, SurvivalAgg::default);
        check(s.0.update(t, v1::boolean(churned)));
    }
    v1::return_internal(fcinfo, state)
}
v1::function_info_v1!(pg_finfo_survival_agg_trans);

#[pg_extern(immutable, strict, parallel_safe)]
fn survival_agg_final(mut state: Internal) -> Option<survival_summary> {
    // SAFETY: the state of this aggregate (tag checked)
    // a fallible copy: out of memory is SQLSTATE 53200, not an abort
    unsafe { state_mut::<SurvivalAgg>(&mut state) }
        .map(|s| survival_summary(check(s.0.try_clone())))
}

#[pg_extern(immutable, parallel_safe)]
fn survival_agg_combine(
    state: Internal,
    other: Internal,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Internal {
    combine::<SurvivalAgg>(state, other, fcinfo)
}

#[pg_extern(immutable, strict, parallel_safe)]
fn survival_agg_serialize(state: Internal) -> Vec<u8> {
    serialize::<SurvivalAgg>(state)
}

#[pg_extern(immutable, strict, parallel_safe)]
fn survival_agg_deserialize(bytes: &[u8], state: Internal) -> Internal {
    let _ = state; // a placeholder (always NULL) in the signature Postgres requires
    deserialize::<SurvivalAgg>(bytes)
}

extension_sql!(
    r#"
CREATE FUNCTION survival_agg_trans(state internal, tenure_days double precision, churned boolean)
RETURNS internal IMMUTABLE PARALLEL SAFE LANGUAGE c AS 'MODULE_PATHNAME', 'survival_agg_trans';
CREATE AGGREGATE survival_agg(tenure_days double precision, churned boolean) (
    SFUNC = survival_agg_trans,
    STYPE = internal,
    SSPACE = 1024,
    FINALFUNC = survival_agg_final,
    COMBINEFUNC = survival_agg_combine,
    SERIALFUNC = survival_agg_serialize,
    DESERIALFUNC = survival_agg_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE survival_agg(double precision, boolean) IS
    'Kaplan-Meier summary of customer lifetimes (right-censored: churned false or NULL = still a customer)';
"#,
    name = "survival_agg",
    requires = [
        survival_summary,
        survival_agg_final,
        survival_agg_combine,
        survival_agg_serialize,
        survival_agg_deserialize
    ],
);

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
