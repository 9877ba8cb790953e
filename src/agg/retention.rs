//! `churnkit.retention(conditions boolean[])` → `integer[]`, ClickHouse
//! `retention()`: r[1] = any(c1); r[k] = any(c1) and any(ck).

use super::v1;
use super::{state_or_new, Group};
use crate::error::{check, raise};
use churnkit_core::agg::RetentionState;
use churnkit_pg_macros::pg_aggregate;
use pgrx::prelude::*;

const F: &str = "retention";

type RetentionAgg = Group<RetentionState>;

/// `retention_trans(state internal, conditions boolean[]) → internal`: one
/// row. NULL arrays are skipped, NULL elements count as false (core); a
/// multi-dimensional array is an error. A version-1 C function (see [`v1`]).
///
/// # Safety
/// Called by Postgres with this signature.
#[pg_guard]
#[unsafe(no_mangle)]
pub unsafe extern "C-unwind" fn retention_trans(fcinfo: pg_sys::FunctionCallInfo) -> pg_sys::Datum {
    // SAFETY: the caller keeps this function's contract (its `# Safety`, or Postgres' calling convention)
    unsafe {
        let [state, conditions] = v1::args(fcinfo) else {
            error!("retention_trans: expected 2 arguments");
        };
        let mut state = v1::internal(state);
        if let Some(c) = v1::array::<bool>(conditions) {
            if let Err(e) = c.one_dimensional(F, "conditions") {
                raise(&e);
            }
            let s = state_or_new(&mut state, fcinfo, RetentionAgg::default);
            check(s.core.update(c.iter(), c.len()));
        }
        v1::return_internal(fcinfo, state)
    }
}
v1::function_info_v1!(pg_finfo_retention_trans);

pg_aggregate! {
    name = "retention",
    core = RetentionState,
    result = Vec<i32>,
    finish = |s| Some(s.core.finish()),
    sspace = 64,
    transition = c,
    overloads = [(
        "conditions boolean[]",
        "ClickHouse retention(): r[1] = any(c1), r[k] = any(c1) and any(ck)"
    )],
}
