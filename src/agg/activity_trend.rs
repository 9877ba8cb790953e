//! `churnkit.activity_trend(occurred_at, as_of, window_days)` → `float8`:
//! (recent − prior) / prior event counts of the last two windows before
//! `as_of`; NULL when the prior window has no events.

use super::v1;
use super::{state_or_new, Group};
use crate::error::check;
use churnkit_core::agg::TrendState;
use churnkit_pg_macros::pg_aggregate;

type TrendAgg = Group<TrendState>;

pg_aggregate! {
    name = "activity_trend",
    core = TrendState,
    result = f64,
    finish = |s| s.core.finish(),
    sspace = 64,
    // `activity_trend_trans(state internal, occurred_at timestamptz, as_of
    // timestamptz, window_days integer) → internal`: one event. Rows with any
    // NULL argument are skipped. A version-1 C function (see [`v1`]).
    transition = c |state, fcinfo, [occurred_at, as_of, window_days]| {
        if let (Some(ts), Some(as_of), Some(days)) = (
            v1::timestamptz(occurred_at),
            v1::timestamptz(as_of),
            v1::int4(window_days),
        ) {
            let s = state_or_new(&mut state, fcinfo, TrendAgg::default);
            check(s.core.update(ts, as_of, days as i64));
        }
    },
    overloads = [(
        "occurred_at timestamptz, as_of timestamptz, window_days integer",
        "(recent - prior) / prior event counts of the last two windows of window_days before as_of; NULL when prior = 0"
    )],
}
