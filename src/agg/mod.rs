//! Aggregates of docs/aggregates.md and their summary
//! types and accessors.
//!
//! # How an aggregate is built
//!
//! Every aggregate is a plain `CREATE AGGREGATE` (in `extension_sql!`, one
//! per file, ordered after its functions with `requires = [...]`) over
//! these support functions. (pgrx 0.18's `#[pg_aggregate]` has no `SSPACE`,
//! see below, and generates its own wrappers around the support functions;
//! plain SQL keeps every property of the aggregate explicit.)
//!
//! | role | SQL signature | strict |
//! |---|---|---|
//! | `SFUNC` `<agg>_trans` | `(internal, args...) → internal` | no: NULL rows are skipped here, by the rules of each aggregate |
//! | `FINALFUNC` `<agg>_final` | `(internal) → result` | yes (NULL for an empty group), except `window_funnel` (0) |
//! | `COMBINEFUNC` `<agg>_combine` | `(internal, internal) → internal` | no (Postgres requires it for `internal` states) |
//! | `SERIALFUNC` `<agg>_serialize` | `(internal) → bytea` | yes |
//! | `DESERIALFUNC` `<agg>_deserialize` | `(bytea, internal) → internal` | yes |
//!
//! all `PARALLEL SAFE`, and the aggregates `PARALLEL = SAFE`. The
//! transition state (`STYPE = internal`) is a Rust `Box` of the core state
//! whose destructor is registered on the aggregate memory context
//! (`AggCheckCallContext`), so it lives exactly as long as Postgres keeps the
//! group and is freed on reset, on error and on abort. The serialised state
//! is core's versioned binary encoding (`encode`/`decode`): the same bytes
//! move between parallel workers, Citus nodes and DataFusion partitions.
//!
//! The first row of a group allocates the state; every later row only
//! updates it (allocation only when a core collection grows). Text
//! parameters (granularity, mode) are parsed once per group and cached in
//! the state against the last text seen; timestamps are converted with one
//! addition.
//!
//! `SSPACE` gives the planner a realistic per-group size (without it,
//! Postgres assumes 8 kB for an `internal` state and a hash aggregate spills
//! to disk after ~500 groups per 4 MB of `work_mem`).
//!
//! The states' collections live in the aggregate memory context too (0.2.0):
//! every support function that makes or grows a state runs under
//! [`churnkit_core::agg::with_state_alloc`] with [`PG_STATE_ALLOC`], which
//! allocates with `MemoryContextAllocExtended(cx, size, MCXT_ALLOC_HUGE |
//! MCXT_ALLOC_NO_OOM)`. So the executor's accounting sees the states' real
//! size (hash aggregation spills to disk by it, `work_mem` holds), and a
//! failed allocation is core's `OutOfMemory`, SQLSTATE 53200.
//!
//! The transition functions of the aggregates over raw rows are
//! hand-written version-1 C functions (see [`v1`]); the other support
//! functions (and `retention_counts`' transition functions, called once per
//! customer) are `#[pg_extern]`.
//!
//! Each state is tagged: a support function given another aggregate's
//! `internal` state (an ill-formed user-defined `CREATE AGGREGATE`) raises
//! an error instead of misreading memory.

mod activity_agg;
mod activity_trend;
mod engagement_agg;
mod retention;
mod retention_counts;
mod survival_agg;
pub(crate) mod types;
mod v1;
mod window_funnel;

use crate::error::raise;
use churnkit_core::agg::alloc::EngineHooks;
use churnkit_core::agg::{with_state_alloc, State, StateAlloc};
use churnkit_core::{ChurnError, Result};
use pgrx::prelude::*;
use pgrx::{Internal, PgMemoryContexts};

/// The transition state of every churnkit aggregate: the core state
/// (merged, encoded and decoded by core's [`State`]) plus what the adapter
/// caches per group (`memo`: parsed parameters; not part of the state's
/// value, not serialised).
#[derive(Clone, Default)]
pub(crate) struct Group<S, M = ()> {
    pub core: S,
    pub memo: M,
}

/// What the generic support functions need of a transition state.
pub(crate) trait AggState: Clone + Sized + 'static {
    /// Distinguishes the states of different aggregates (see [`Tagged`]).
    const TAG: u64;
    /// The aggregate, for messages.
    const NAME: &'static str;
    /// Core's binary encoding of the state.
    fn encode(&self) -> Vec<u8>;
    /// Core's decoding (validating) of [`AggState::encode`]'s bytes.
    fn decode(bytes: &[u8]) -> Result<Self>;
    /// Core's merge.
    fn merge(&mut self, other: &Self) -> Result<()>;
}

/// FNV-1a of the aggregate's name: the tag of its states.
const fn tag_of(name: &str) -> u64 {
    let bytes = name.as_bytes();
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut i = 0;
    while i < bytes.len() {
        h ^= bytes[i] as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
        i += 1;
    }
    h
}

impl<S, M> AggState for Group<S, M>
where
    S: State + Clone + 'static,
    M: Clone + Default + 'static,
{
    const TAG: u64 = tag_of(S::NAME);
    const NAME: &'static str = S::NAME;
    fn encode(&self) -> Vec<u8> {
        self.core.encode()
    }
    fn decode(bytes: &[u8]) -> Result<Self> {
        Ok(Group {
            core: S::decode(bytes)?,
            memo: M::default(),
        })
    }
    fn merge(&mut self, other: &Self) -> Result<()> {
        self.core.merge(&other.core)
    }
}

/// `FINALFUNC`: the group's value by `finish` (`None`: NULL, or no state).
pub(crate) fn finish<S: AggState, R>(
    mut state: Internal,
    finish: fn(&mut S) -> Option<R>,
) -> Option<R> {
    // SAFETY: the state of this aggregate (tag checked)
    unsafe { state_mut::<S>(&mut state) }.and_then(finish)
}

/// What an `internal` datum of churnkit points to.
#[repr(C)]
struct Tagged<S> {
    tag: u64,
    state: S,
}

/// Allocate `state` for the current aggregate call: a `Box` freed when the
/// aggregate memory context is reset or deleted.
///
/// # Safety
/// `fcinfo` must be the call's own `FunctionCallInfo`.
unsafe fn new_in_aggregate_context<S: AggState>(
    fcinfo: pg_sys::FunctionCallInfo,
    state: impl FnOnce() -> S,
) -> Internal {
    // SAFETY: the caller keeps this function's contract (its `# Safety`, or Postgres' calling convention)
    unsafe {
        let cx = aggregate_context::<S>(fcinfo);
        let state = in_context(cx, state);
        new_in_context(PgMemoryContexts::For(cx), state)
    }
}

/// The aggregate memory context of the call.
///
/// # Safety
/// `fcinfo` must be the call's own `FunctionCallInfo`.
unsafe fn aggregate_context<S: AggState>(
    fcinfo: pg_sys::FunctionCallInfo,
) -> pg_sys::MemoryContext {
    // SAFETY: the caller keeps this function's contract (its `# Safety`, or Postgres' calling convention)
    unsafe {
        let mut cx: pg_sys::MemoryContext = std::ptr::null_mut();
        if fcinfo.is_null() || pg_sys::AggCheckCallContext(fcinfo, &mut cx) == 0 || cx.is_null() {
            error!(
                "{}: a support function was called outside an aggregate",
                S::NAME
            );
        }
        cx
    }
}

/// Run `f` (which makes or grows states) with the states' collections
/// allocated in memory context `cx`.
fn in_context<R>(cx: pg_sys::MemoryContext, f: impl FnOnce() -> R) -> R {
    with_state_alloc(StateAlloc::engine(&PG_STATE_ALLOC, cx.cast()), f)
}

/// Postgres memory contexts as the allocator of states' collections.
static PG_STATE_ALLOC: EngineHooks = EngineHooks {
    alloc: pg_alloc,
    free: pg_free,
    align: pg_sys::MAXIMUM_ALIGNOF as usize,
};

/// `size` bytes in memory context `cx`, or null when there is no memory
/// (no ERROR: core turns it into `OutOfMemory`, SQLSTATE 53200, naming the
/// aggregate).
unsafe fn pg_alloc(cx: *mut std::ffi::c_void, size: usize) -> *mut u8 {
    // SAFETY: cx is a live memory context (the call's), see `in_context`
    unsafe {
        pg_sys::MemoryContextAllocExtended(
            cx.cast(),
            size,
            // two flag bits (0x01 | 0x02): the int the C signature takes
            #[allow(clippy::cast_possible_wrap)]
            ((pg_sys::MCXT_ALLOC_HUGE | pg_sys::MCXT_ALLOC_NO_OOM) as i32),
        )
        .cast()
    }
}

/// Free what [`pg_alloc`] gave. States are dropped by their memory context's
/// reset callback (see [`new_in_context`]) or within the call that made
/// them, so the memory is still the context's.
unsafe fn pg_free(_cx: *mut std::ffi::c_void, ptr: *mut u8) {
    // SAFETY: ptr came from pg_alloc
    unsafe { pg_sys::pfree(ptr.cast()) }
}

fn new_in_context<S: AggState>(mut cx: PgMemoryContexts, state: S) -> Internal {
    let ptr = cx.leak_and_drop_on_delete(Tagged { tag: S::TAG, state });
    Internal::from(Some(pg_sys::Datum::from(ptr)))
}

/// The state behind an `internal` datum, `None` when it is NULL.
///
/// # Safety
/// The datum must be NULL or point to memory allocated by churnkit (any
/// state: the tag is checked).
#[inline(always)]
unsafe fn state_mut<S: AggState>(internal: &mut Internal) -> Option<&mut S> {
    // SAFETY: the caller keeps this function's contract (its `# Safety`, or Postgres' calling convention)
    unsafe {
        let tagged = internal.get_mut::<Tagged<S>>()?;
        if tagged.tag != S::TAG {
            foreign_state(S::NAME);
        }
        Some(&mut tagged.state)
    }
}

#[cold]
#[inline(never)]
fn foreign_state(name: &str) -> ! {
    error!("{name}: the aggregate state belongs to another aggregate");
}

/// The state of a transition call, allocated on the group's first row.
///
/// # Safety
/// As [`state_mut`] and [`new_in_aggregate_context`].
#[inline]
unsafe fn state_or_new<S: AggState>(
    internal: &mut Internal,
    fcinfo: pg_sys::FunctionCallInfo,
    new: impl FnOnce() -> S,
) -> &mut S {
    // SAFETY: the caller keeps this function's contract (its `# Safety`, or Postgres' calling convention)
    unsafe {
        if !internal.initialized() {
            *internal = new_in_aggregate_context(fcinfo, new);
        }
        state_mut(internal).expect("initialised above")
    }
}

/// `COMBINEFUNC`: merge `b` into `a` (in the aggregate memory context).
pub(crate) fn combine<S: AggState>(
    mut a: Internal,
    mut b: Internal,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Internal {
    // SAFETY: both datums come from this aggregate's support functions
    unsafe {
        let Some(other) = state_mut::<S>(&mut b) else {
            return a;
        };
        match state_mut::<S>(&mut a) {
            Some(mine) => {
                // what the merge adds (copies of the other's collections
                // included) goes where the state lives
                let cx = aggregate_context::<S>(fcinfo);
                check_merge(in_context(cx, || mine.merge(other)));
                a
            }
            // `b` may live in a shorter-lived context: copy it (a clone is
            // made by the current allocator, the aggregate context's)
            None => new_in_aggregate_context(fcinfo, || other.clone()),
        }
    }
}

fn check_merge(r: Result<()>) {
    if let Err(e) = r {
        raise(&e);
    }
}

/// `SERIALFUNC`: core's bytes.
pub(crate) fn serialize<S: AggState>(mut state: Internal) -> Vec<u8> {
    // SAFETY: the datum comes from this aggregate's support functions; the
    // function is strict, so it is not NULL
    match unsafe { state_mut::<S>(&mut state) } {
        Some(s) => s.encode(),
        None => error!(
            "{}: NULL state passed to the serialisation function",
            S::NAME
        ),
    }
}

/// `DESERIALFUNC`: the state decoded from core's bytes (corrupt bytes are an
/// error naming the state, SQLSTATE 22023).
pub(crate) fn deserialize<S: AggState>(bytes: &[u8]) -> Internal {
    // in the current memory context: the per-tuple context of the
    // combining aggregate (SAFETY: reading the backend's current context)
    let cx = unsafe { pg_sys::CurrentMemoryContext };
    match in_context(cx, || S::decode(bytes)) {
        Ok(s) => new_in_context(PgMemoryContexts::CurrentMemoryContext, s),
        Err(e) => raise(&e),
    }
}

/// A core timestamp as a `timestamptz`, or the error `error` when it is
/// outside Postgres' range (only possible for a summary read from
/// hand-written text: years before 4713 BC or after 294276 AD).
pub(crate) fn to_pg_timestamptz(
    ts: i64,
    error: impl FnOnce() -> ChurnError,
) -> std::result::Result<TimestampWithTimeZone, ChurnError> {
    TimestampWithTimeZone::try_from(churnkit_core::time::to_pg_timestamp(ts)).map_err(|_| error())
}

/// A count as a `bigint` (core's rule, shared with DataFusion).
pub(crate) use churnkit_core::agg::count_as_bigint as to_bigint;
