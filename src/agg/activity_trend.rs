//! `churnkit.activity_trend(occurred_at, as_of, window_days)` → `float8`:
//! (recent − prior) / prior event counts of the last two windows before
//! `as_of`; NULL when the prior window has no events.

use super::v1;
use super::{combine, deserialize, serialize, state_mut, state_or_new, AggState};
use crate::error::check;
use churnkit_core::agg::TrendState;
use churnkit_core::Result;
use pgrx::prelude::*;
use pgrx::Internal;

#[derive(Clone, Default)]
struct TrendAgg(TrendState);

impl AggState for TrendAgg {
    const TAG: u64 = u64::from_le_bytes(*b"ck:trend");
    const NAME: &'static str = "activity_trend";
    fn encode(&self) -> Vec<u8> {
        self.0.encode()
    }
    fn decode(bytes: &[u8]) -> Result<Self> {
        TrendState::decode(bytes).map(TrendAgg)
    }
    fn merge(&mut self, other: &Self) -> Result<()> {
        self.0.merge(&other.0)
    }
}

/// `activity_trend_trans(state internal, occurred_at timestamptz, as_of
/// timestamptz, window_days integer) → internal`: one event. Rows with any
/// NULL argument are skipped. A version-1 C function (see [`v1`]).
///
/// # Safety
/// Called by Postgres with this signature.
#[pg_guard]
#[unsafe(no_mangle)]
pub unsafe extern "C-unwind" fn activity_trend_trans(
    fcinfo: pg_sys::FunctionCallInfo,
) -> pg_sys::Datum {
    let [state, occurred_at, as_of, window_days] = v1::args(fcinfo) else {
        error!("activity_trend_trans: expected 4 arguments");
    };
    let mut state = v1::internal(state);
    if let (Some(ts), Some(as_of), Some(days)) = (
        v1::timestamptz(occurred_at),
        v1::timestamptz(as_of),
        v1::int4(window_days),
    ) {
        let s = state_or_new(&mut state, fcinfo, TrendAgg::default);
        check(s.0.update(ts, as_of, days as i64));
    }
    v1::return_internal(fcinfo, state)
}
v1::function_info_v1!(pg_finfo_activity_trend_trans);

/// NULL for an empty group and when the prior window has no events (core).
#[pg_extern(immutable, strict, parallel_safe)]
fn activity_trend_final(mut state: Internal) -> Option<f64> {
    // SAFETY: the state of this aggregate (tag checked)
    unsafe { state_mut::<TrendAgg>(&mut state) }.and_then(|s| s.0.finish())
}

#[pg_extern(immutable, parallel_safe)]
fn activity_trend_combine(
    state: Internal,
    other: Internal,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Internal {
    combine::<TrendAgg>(state, other, fcinfo)
}

#[pg_extern(immutable, strict, parallel_safe)]
fn activity_trend_serialize(state: Internal) -> Vec<u8> {
    serialize::<TrendAgg>(state)
}

#[pg_extern(immutable, strict, parallel_safe)]
fn activity_trend_deserialize(bytes: &[u8], state: Internal) -> Internal {
    let _ = state; // a placeholder (always NULL) in the signature Postgres requires
    deserialize::<TrendAgg>(bytes)
}

extension_sql!(
    r#"
CREATE FUNCTION activity_trend_trans(state internal, occurred_at timestamptz, as_of timestamptz, window_days integer)
RETURNS internal IMMUTABLE PARALLEL SAFE LANGUAGE c AS 'MODULE_PATHNAME', 'activity_trend_trans';
CREATE AGGREGATE activity_trend(occurred_at timestamptz, as_of timestamptz, window_days integer) (
    SFUNC = activity_trend_trans,
    STYPE = internal,
    SSPACE = 64,
    FINALFUNC = activity_trend_final,
    COMBINEFUNC = activity_trend_combine,
    SERIALFUNC = activity_trend_serialize,
    DESERIALFUNC = activity_trend_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE activity_trend(timestamptz, timestamptz, integer) IS
    '(recent - prior) / prior event counts of the last two windows of window_days before as_of; NULL when prior = 0';
"#,
    name = "activity_trend",
    requires = [
        activity_trend_final,
        activity_trend_combine,
        activity_trend_serialize,
        activity_trend_deserialize
    ],
);
