//! `churnkit.window_funnel(window, occurred_at, steps boolean[] [, mode])` →
//! `integer`, ClickHouse `windowFunnel()`: the deepest step of the chain
//! reached within `window` of the chain's first step.

use super::v1;
use super::{state_or_new, Group};
use crate::array::ArrayArg;
use crate::error::{check, raise};
use churnkit_core::agg::{FunnelMode, FunnelParams, FunnelState, ParamCache};
use churnkit_core::ChurnError;
use churnkit_pg_macros::pg_aggregate;

const F: &str = "window_funnel";

/// What `window_funnel` caches per group: the parsed parameters.
#[derive(Clone, Default)]
struct FunnelMemo {
    /// The last window seen, as (months, days, µs), and its length in µs.
    window: Option<((i32, i32, i64), i64)>,
    mode: ParamCache<FunnelMode>,
}

type FunnelAgg = Group<FunnelState, FunnelMemo>;

/// An interval (months, days, µs) as a fixed length in µs: a day is 24
/// hours; months have no fixed length and are an error.
fn window_micros((months, days, micros): (i32, i32, i64)) -> std::result::Result<i64, ChurnError> {
    churnkit_core::time::interval_to_micros(F, "window", months.into(), days.into(), micros)
}

impl FunnelAgg {
    /// One row, checked in the order: window, steps (one dimension), mode,
    /// then core's parameter checks (window not negative, 1 to 32 steps)
    /// and update (same parameters on every row).
    #[inline]
    fn update(
        &mut self,
        window: (i32, i32, i64),
        ts: i64,
        steps: &ArrayArg<'_, bool>,
        mode: &[u8],
    ) {
        let window = match self.memo.window {
            Some((k, micros)) if k == window => micros,
            _ => {
                let micros = check(window_micros(window));
                self.memo.window = Some((window, micros));
                micros
            }
        };
        if let Err(e) = steps.one_dimensional(F, "steps") {
            raise(&e);
        }
        let mode = check(self.memo.mode.get(mode, FunnelMode::parse));
        let len = steps.len();
        let params = check(FunnelParams::new(window, len, mode));
        check(self.core.update(params, ts, steps.iter(), len));
    }
}

pg_aggregate! {
    name = "window_funnel",
    core = FunnelState,
    memo = FunnelMemo,
    result = i32,
    finish = |s| Some(s.core.finish()),
    empty = 0,
    sspace = 1024,
    // `window_funnel_trans(state internal, window interval, occurred_at
    // timestamptz, steps boolean[] [, mode text]) → internal`: one event.
    // Rows with a NULL `window`, `occurred_at`, `steps` or `mode` are skipped;
    // NULL elements of `steps` are false. A version-1 C function (see [`v1`]),
    // both overloads.
    transition = c |state, fcinfo, [window, occurred_at, steps, mode?]| {
        let mode = match mode {
            None => Some(&b""[..]),
            Some(m) => v1::text(m),
        };
        if let (Some(window), Some(ts), Some(steps), Some(mode)) = (
            v1::interval(window),
            v1::timestamptz(occurred_at),
            v1::array::<bool>(steps),
            mode,
        ) {
            let s = state_or_new(&mut state, fcinfo, FunnelAgg::default);
            s.update(window, ts, &steps, mode);
        }
    },
    overloads = [
        (
            "\"window\" interval, occurred_at timestamptz, steps boolean[]",
            "ClickHouse windowFunnel(): the deepest step of the chain reached within the window of its first step"
        ),
        (
            "\"window\" interval, occurred_at timestamptz, steps boolean[], mode text",
            "ClickHouse windowFunnel() with modes strict_order, strict_deduplication, strict_increase (comma-separated)"
        ),
    ],
}
