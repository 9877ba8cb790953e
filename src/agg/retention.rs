//! `churnkit.retention(conditions boolean[])` → `integer[]`, ClickHouse
//! `retention()`: r[1] = any(c1); r[k] = any(c1) and any(ck).

use super::v1;
use super::{combine, deserialize, serialize, state_mut, state_or_new, AggState};
use crate::error::{check, raise};
use churnkit_core::agg::RetentionState;
use churnkit_core::Result;
use pgrx::prelude::*;
use pgrx::Internal;

const F: &str = "retention";

#[derive(Clone, Default)]
struct RetentionAgg(RetentionState);

impl AggState for RetentionAgg {
    const TAG: u64 = u64::from_le_bytes(*b"ck:reten");
    const NAME: &'static str = F;
    fn encode(&self) -> Vec<u8> {
        self.0.encode()
    }
    fn decode(bytes: &[u8]) -> Result<Self> {
        RetentionState::decode(bytes).map(RetentionAgg)
    }
    fn merge(&mut self, other: &Self) -> Result<()> {
        self.0.merge(&other.0)
    }
}

/// `retention_trans(state internal, conditions boolean[]) → internal`: one
/// row. NULL arrays are skipped, NULL elements count as false (core); a
/// multi-dimensional array is an error. A version-1 C function (see [`v1`]).
///
/// # Safety
/// Called by Postgres with this signature.
#[pg_guard]
#[unsafe(no_mangle)]
pub unsafe extern "C-unwind" fn retention_trans(fcinfo: pg_sys::FunctionCallInfo) -> pg_sys::Datum {
    let [state, conditions] = v1::args(fcinfo) else {
        error!("retention_trans: expected 2 arguments");
    };
    let mut state = v1::internal(state);
    if let Some(c) = v1::array::<bool>(conditions) {
        if let Err(e) = c.one_dimensional(F, "conditions") {
            raise(&e);
        }
        let s = state_or_new(&mut state, fcinfo, RetentionAgg::default);
        check(s.0.update(c.iter(), c.len()));
    }
    v1::return_internal(fcinfo, state)
}
v1::function_info_v1!(pg_finfo_retention_trans);

#[pg_extern(immutable, strict, parallel_safe)]
fn retention_final(mut state: Internal) -> Option<Vec<i32>> {
    // SAFETY: the state of this aggregate (tag checked)
    unsafe { state_mut::<RetentionAgg>(&mut state) }.map(|s| s.0.finish())
}

#[pg_extern(immutable, parallel_safe)]
fn retention_combine(
    state: Internal,
    other: Internal,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Internal {
    combine::<RetentionAgg>(state, other, fcinfo)
}

#[pg_extern(immutable, strict, parallel_safe)]
fn retention_serialize(state: Internal) -> Vec<u8> {
    serialize::<RetentionAgg>(state)
}

#[pg_extern(immutable, strict, parallel_safe)]
fn retention_deserialize(bytes: &[u8], state: Internal) -> Internal {
    let _ = state; // a placeholder (always NULL) in the signature Postgres requires
    deserialize::<RetentionAgg>(bytes)
}

extension_sql!(
    r#"
CREATE FUNCTION retention_trans(state internal, conditions boolean[])
RETURNS internal IMMUTABLE PARALLEL SAFE LANGUAGE c AS 'MODULE_PATHNAME', 'retention_trans';
CREATE AGGREGATE retention(conditions boolean[]) (
    SFUNC = retention_trans,
    STYPE = internal,
    SSPACE = 64,
    FINALFUNC = retention_final,
    COMBINEFUNC = retention_combine,
    SERIALFUNC = retention_serialize,
    DESERIALFUNC = retention_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE retention(boolean[]) IS
    'ClickHouse retention(): r[1] = any(c1), r[k] = any(c1) and any(ck)';
"#,
    name = "retention",
    requires = [
        retention_final,
        retention_combine,
        retention_serialize,
        retention_deserialize
    ],
);
