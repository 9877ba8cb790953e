//! `churnkit.retention(conditions boolean[])` → `integer[]`, ClickHouse
//! `retention()`: r[1] = any(c1); r[k] = any(c1) and any(ck).

use super::v1;
use super::{state_or_new, Group};
use crate::error::{check, raise};
use churnkit_core::agg::RetentionState;
use churnkit_pg_macros::pg_aggregate;

const F: &str = "retention";

type RetentionAgg = Group<RetentionState>;

pg_aggregate! {
    name = "retention",
    core = RetentionState,
    result = Vec<i32>,
    finish = |s| Some(s.core.finish()),
    sspace = 64,
    // `retention_trans(state internal, conditions boolean[]) → internal`: one
    // row. NULL arrays are skipped, NULL elements count as false (core); a
    // multi-dimensional array is an error. A version-1 C function (see [`v1`]).
    transition = c |state, fcinfo, [conditions]| {
        if let Some(c) = v1::array::<bool>(conditions) {
            if let Err(e) = c.one_dimensional(F, "conditions") {
                raise(&e);
            }
            let s = state_or_new(&mut state, fcinfo, RetentionAgg::default);
            check(s.core.update(c.iter(), c.len()));
        }
    },
    overloads = [(
        "conditions boolean[]",
        "ClickHouse retention(): r[1] = any(c1), r[k] = any(c1) and any(ck)"
    )],
}
