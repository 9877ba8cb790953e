//! `churnkit.window_funnel(window, occurred_at, steps boolean[] [, mode])` →
//! `integer`, ClickHouse `windowFunnel()`: the deepest step of the chain
//! reached within `window` of the chain's first step.

use super::v1;
use super::{combine, deserialize, serialize, state_mut, state_or_new, AggState, TextMemo};
use crate::array::ArrayArg;
use crate::error::{check, raise};
use churnkit_core::agg::{FunnelMode, FunnelParams, FunnelState};
use churnkit_core::{ChurnError, Result};
use pgrx::prelude::*;
use pgrx::Internal;

const F: &str = "window_funnel";

#[derive(Clone, Default)]
struct FunnelAgg {
    state: FunnelState,
    /// The last window seen, as (months, days, µs), and its length in µs.
    window: Option<((i32, i32, i64), i64)>,
    mode: TextMemo<FunnelMode>,
}

impl AggState for FunnelAgg {
    const TAG: u64 = u64::from_le_bytes(*b"ck:funnl");
    const NAME: &'static str = F;
    fn encode(&self) -> Vec<u8> {
        self.state.encode()
    }
    fn decode(bytes: &[u8]) -> Result<Self> {
        Ok(FunnelAgg {
            state: FunnelState::decode(bytes)?,
            ..FunnelAgg::default()
        })
    }
    fn merge(&mut self, other: &Self) -> Result<()> {
        self.state.merge(&other.state)
    }
}

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
        let window = match self.window {
            Some((k, micros)) if k == window => micros,
            _ => {
                let micros = check(window_micros(window));
                self.window = Some((window, micros));
                micros
            }
        };
        if let Err(e) = steps.one_dimensional(F, "steps") {
            raise(&e);
        }
        let mode = check(self.mode.get(mode, FunnelMode::parse));
        let len = steps.len();
        let params = check(FunnelParams::new(window, len, mode));
        check(self.state.update(params, ts, steps.iter(), len));
    }
}

/// `window_funnel_trans(state internal, window interval, occurred_at
/// timestamptz, steps boolean[] [, mode text]) → internal`: one event.
/// Rows with a NULL `window`, `occurred_at`, `steps` or `mode` are skipped;
/// NULL elements of `steps` are false. A version-1 C function (see [`v1`]),
/// both overloads.
///
/// # Safety
/// Called by Postgres with one of these signatures.
#[pg_guard]
#[unsafe(no_mangle)]
pub unsafe extern "C-unwind" fn window_funnel_trans(
    fcinfo: pg_sys::FunctionCallInfo,
) -> pg_sys::Datum {
    let (state, window, occurred_at, steps, mode) = match v1::args(fcinfo) {
        [s, w, t, st] => (s, w, t, st, Some(&b""[..])),
        [s, w, t, st, m] => (s, w, t, st, v1::text(m)),
        _ => error!("window_funnel_trans: expected 4 or 5 arguments"),
    };
    let mut state = v1::internal(state);
    if let (Some(window), Some(ts), Some(steps), Some(mode)) = (
        v1::interval(window),
        v1::timestamptz(occurred_at),
        v1::array::<bool>(steps),
        mode,
    ) {
        let s = state_or_new(&mut state, fcinfo, FunnelAgg::default);
        s.update(window, ts, &steps, mode);
    }
    v1::return_internal(fcinfo, state)
}
v1::function_info_v1!(pg_finfo_window_funnel_trans);

/// The level reached; 0 for an empty group (as ClickHouse).
#[pg_extern(immutable, parallel_safe)]
fn window_funnel_final(mut state: Internal) -> i32 {
    // SAFETY: the state of this aggregate (tag checked)
    unsafe { state_mut::<FunnelAgg>(&mut state) }.map_or(0, |s| s.state.finish())
}

#[pg_extern(immutable, parallel_safe)]
fn window_funnel_combine(
    state: Internal,
    other: Internal,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Internal {
    combine::<FunnelAgg>(state, other, fcinfo)
}

#[pg_extern(immutable, strict, parallel_safe)]
fn window_funnel_serialize(state: Internal) -> Vec<u8> {
    serialize::<FunnelAgg>(state)
}

#[pg_extern(immutable, strict, parallel_safe)]
fn window_funnel_deserialize(bytes: &[u8], state: Internal) -> Internal {
    let _ = state; // a placeholder (always NULL) in the signature Postgres requires
    deserialize::<FunnelAgg>(bytes)
}

extension_sql!(
    r#"
CREATE FUNCTION window_funnel_trans(state internal, "window" interval, occurred_at timestamptz, steps boolean[])
RETURNS internal IMMUTABLE PARALLEL SAFE LANGUAGE c AS 'MODULE_PATHNAME', 'window_funnel_trans';
CREATE FUNCTION window_funnel_trans(state internal, "window" interval, occurred_at timestamptz, steps boolean[], mode text)
RETURNS internal IMMUTABLE PARALLEL SAFE LANGUAGE c AS 'MODULE_PATHNAME', 'window_funnel_trans';
CREATE AGGREGATE window_funnel("window" interval, occurred_at timestamptz, steps boolean[]) (
    SFUNC = window_funnel_trans,
    STYPE = internal,
    SSPACE = 1024,
    FINALFUNC = window_funnel_final,
    COMBINEFUNC = window_funnel_combine,
    SERIALFUNC = window_funnel_serialize,
    DESERIALFUNC = window_funnel_deserialize,
    PARALLEL = SAFE
);
CREATE AGGREGATE window_funnel("window" interval, occurred_at timestamptz, steps boolean[], mode text) (
    SFUNC = window_funnel_trans,
    STYPE = internal,
    SSPACE = 1024,
    FINALFUNC = window_funnel_final,
    COMBINEFUNC = window_funnel_combine,
    SERIALFUNC = window_funnel_serialize,
    DESERIALFUNC = window_funnel_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE window_funnel(interval, timestamptz, boolean[]) IS
    'ClickHouse windowFunnel(): the deepest step of the chain reached within the window of its first step';
COMMENT ON AGGREGATE window_funnel(interval, timestamptz, boolean[], text) IS
    'ClickHouse windowFunnel() with modes strict_order, strict_deduplication, strict_increase (comma-separated)';
"#,
    name = "window_funnel",
    requires = [
        window_funnel_final,
        window_funnel_combine,
        window_funnel_serialize,
        window_funnel_deserialize
    ],
);
