//! Hand-written version-1 C functions for the hottest transition functions.
//!
//! A `#[pg_extern]` wrapper costs a few dozen nanoseconds per call (argument
//! iteration and unboxing, a memory-context switch, the return-ABI checks).
//! For a transition function called once per input row that is a large
//! share of the total, so the transition functions of the aggregates over
//! raw events are plain `extern "C-unwind"` functions under `#[pg_guard]`
//! (errors and panics still become Postgres errors) reading the argument
//! datums directly; their `CREATE FUNCTION` is in the aggregate's
//! `extension_sql!` block.

use pgrx::pg_sys;

/// `PG_FUNCTION_INFO_V1(name)`: declares the `pg_finfo_<name>` record.
macro_rules! function_info_v1 {
    ($finfo:ident) => {
        #[unsafe(no_mangle)]
        #[doc(hidden)]
        pub extern "C" fn $finfo() -> &'static ::pgrx::pg_sys::Pg_finfo_record {
            const V1_API: ::pgrx::pg_sys::Pg_finfo_record =
                ::pgrx::pg_sys::Pg_finfo_record { api_version: 1 };
            &V1_API
        }
    };
}
pub(crate) use function_info_v1;

/// The arguments of a call.
///
/// # Safety
/// `fcinfo` must be the call's valid `FunctionCallInfo`.
#[inline(always)]
pub(crate) unsafe fn args<'a>(fcinfo: pg_sys::FunctionCallInfo) -> &'a [pg_sys::NullableDatum] {
    // SAFETY: the caller keeps this function's contract (its `# Safety`, or Postgres' calling convention)
    unsafe { (*fcinfo).args.as_slice((*fcinfo).nargs.max(0) as usize) }
}

/// A `timestamptz` argument as a core timestamp.
#[inline(always)]
// a by-value int8 datum: its bits are the i64 (the cast reinterprets, by design)
#[allow(clippy::cast_possible_wrap)]
pub(crate) fn timestamptz(a: &pg_sys::NullableDatum) -> Option<i64> {
    (!a.isnull).then(|| churnkit_core::time::from_pg_timestamp(a.value.value() as i64))
}

/// A `double precision` argument (passed by value on 64-bit platforms).
#[inline(always)]
pub(crate) fn float8(a: &pg_sys::NullableDatum) -> Option<f64> {
    (!a.isnull).then(|| f64::from_bits(a.value.value() as u64))
}

/// A `boolean` argument (`DatumGetBool`: any non-zero datum is true).
#[inline(always)]
pub(crate) fn boolean(a: &pg_sys::NullableDatum) -> Option<bool> {
    (!a.isnull).then(|| a.value.value() != 0)
}

/// An `integer` argument.
#[inline(always)]
// DatumGetInt32: the low 32 bits are the int (the cast truncates, by design)
#[allow(clippy::cast_possible_wrap, clippy::cast_possible_truncation)]
pub(crate) fn int4(a: &pg_sys::NullableDatum) -> Option<i32> {
    (!a.isnull).then(|| a.value.value() as i32)
}

/// An `interval` argument as (months, days, µs).
///
/// # Safety
/// The argument must be an `interval`.
#[inline(always)]
pub(crate) unsafe fn interval(a: &pg_sys::NullableDatum) -> Option<(i32, i32, i64)> {
    // SAFETY: the caller keeps this function's contract (its `# Safety`, or Postgres' calling convention)
    unsafe {
        if a.isnull {
            return None;
        }
        let i = a.value.cast_mut_ptr::<pg_sys::Interval>().read();
        Some((i.month, i.day, i.time))
    }
}

/// The bytes of a `text` argument: read in place unless it is compressed
/// or stored out of line (then detoasted into the current memory context).
///
/// # Safety
/// The argument must be a `text` (or other varlena).
#[inline(always)]
pub(crate) unsafe fn text<'a>(a: &pg_sys::NullableDatum) -> Option<&'a [u8]> {
    // SAFETY: the caller keeps this function's contract (its `# Safety`, or Postgres' calling convention)
    unsafe {
        if a.isnull {
            return None;
        }
        let mut p = a.value.cast_mut_ptr::<pg_sys::varlena>();
        let inline = pgrx::varatt_is_4b_u(p) || (pgrx::varatt_is_1b(p) && !pgrx::varatt_is_1b_e(p));
        if !inline {
            p = pg_sys::pg_detoast_datum_packed(p);
        }
        Some(pgrx::varlena_to_byte_slice(p))
    }
}

/// An array argument (see [`crate::array::ArrayArg`]).
///
/// # Safety
/// The argument must be an array of `T`.
#[inline(always)]
pub(crate) unsafe fn array<'a, T: crate::array::Element>(
    a: &pg_sys::NullableDatum,
) -> Option<crate::array::ArrayArg<'a, T>> {
    // SAFETY: the caller keeps this function's contract (its `# Safety`, or Postgres' calling convention)
    unsafe {
        <crate::array::ArrayArg<'a, T> as pgrx::FromDatum>::from_polymorphic_datum(
            a.value,
            a.isnull,
            pg_sys::InvalidOid,
        )
    }
}

/// An `internal` argument (NULL = no state yet).
#[inline(always)]
pub(crate) fn internal(a: &pg_sys::NullableDatum) -> pgrx::Internal {
    pgrx::Internal::from((!a.isnull).then_some(a.value))
}

/// Return an `internal` value (NULL when there is no state).
///
/// # Safety
/// `fcinfo` must be the call's valid `FunctionCallInfo`.
#[inline(always)]
pub(crate) unsafe fn return_internal(
    fcinfo: pg_sys::FunctionCallInfo,
    state: pgrx::Internal,
) -> pg_sys::Datum {
    // SAFETY: the caller keeps this function's contract (its `# Safety`, or Postgres' calling convention)
    unsafe {
        match state.unwrap() {
            Some(d) => d,
            None => {
                (*fcinfo).isnull = true;
                pg_sys::Datum::from(0usize)
            }
        }
    }
}

// float8 passed by value is what `float8` above relies on.
const _: () = assert!(pg_sys::USE_FLOAT8_BYVAL != 0);

/// What a transition function knows, for the whole query, about one of its
/// text arguments (kept in `flinfo->fn_extra`, see [`const_text`]).
#[repr(C)]
#[derive(Clone, Copy)]
enum ConstText<V: Copy> {
    /// A constant of the query (`activity_agg(occurred_at, 'month')`), parsed.
    Parsed(V),
    /// Not a constant (a column, an expression, a window aggregate), or
    /// NULL: read on every row.
    PerRow,
}

/// The parsed value of text argument `arg` of the aggregate whose transition
/// function this call is, when that argument is a non-NULL constant of the
/// query: parsed on the first call that asks, then one pointer load per row
/// instead of reading and comparing the text. `None` when the argument is
/// not a constant (the caller reads it row by row). A parse error is
/// returned, not cached: the caller raises it on the first row, exactly as
/// if it had parsed that row's text.
///
/// Only for a hand-written transition function that owns `fn_extra` (no
/// other code uses the slot of these functions).
///
/// # Safety
/// `fcinfo` must be the call's own; `arg` must be a `text` argument of the
/// aggregate (0 = its first argument).
#[inline(always)]
pub(crate) unsafe fn const_text<V: Copy + 'static>(
    fcinfo: pg_sys::FunctionCallInfo,
    arg: usize,
    parse: impl FnOnce(&str) -> churnkit_core::Result<V>,
) -> Option<churnkit_core::Result<V>> {
    // SAFETY: the caller keeps this function's contract (its `# Safety`, or Postgres' calling convention)
    unsafe {
        let flinfo = (*fcinfo).flinfo;
        let known = (*flinfo).fn_extra.cast::<ConstText<V>>();
        if !known.is_null() {
            return match *known {
                ConstText::Parsed(v) => Some(Ok(v)),
                ConstText::PerRow => None,
            };
        }
        const_text_first(fcinfo, arg, parse)
    }
}

#[inline(never)]
unsafe fn const_text_first<V: Copy + 'static>(
    fcinfo: pg_sys::FunctionCallInfo,
    arg: usize,
    parse: impl FnOnce(&str) -> churnkit_core::Result<V>,
) -> Option<churnkit_core::Result<V>> {
    // SAFETY: the caller keeps this function's contract (its `# Safety`, or Postgres' calling convention)
    unsafe {
        let known = match constant_text_arg(fcinfo, arg) {
            Some(text) => match parse(&String::from_utf8_lossy(text)) {
                Ok(v) => ConstText::Parsed(v),
                Err(e) => return Some(Err(e)),
            },
            None => ConstText::PerRow,
        };
        let flinfo = (*fcinfo).flinfo;
        let slot = pg_sys::MemoryContextAlloc((*flinfo).fn_mcxt, size_of::<ConstText<V>>())
            .cast::<ConstText<V>>();
        slot.write(known);
        (*flinfo).fn_extra = slot.cast();
        match known {
            ConstText::Parsed(v) => Some(Ok(v)),
            ConstText::PerRow => None,
        }
    }
}

/// The bytes of argument `arg` of the calling aggregate when it is a
/// non-NULL `Const` in the query's `Aggref` (constants are folded by the
/// planner, so `'month'::varchar` is one too).
unsafe fn constant_text_arg<'a>(fcinfo: pg_sys::FunctionCallInfo, arg: usize) -> Option<&'a [u8]> {
    // SAFETY: the caller keeps this function's contract (its `# Safety`, or Postgres' calling convention)
    unsafe {
        let aggref = pg_sys::AggGetAggref(fcinfo);
        if aggref.is_null() {
            return None; // e.g. called by a window aggregate
        }
        let args = (*aggref).args;
        if args.is_null() || (*args).length as usize <= arg {
            return None;
        }
        let entry = (*(*args).elements.add(arg))
            .ptr_value
            .cast::<pg_sys::TargetEntry>();
        let expr = (*entry).expr.cast::<pg_sys::Node>();
        if expr.is_null() || (*expr).type_ != pg_sys::NodeTag::T_Const {
            return None;
        }
        let c = expr.cast::<pg_sys::Const>();
        if (*c).constisnull || (*c).consttype != pg_sys::TEXTOID {
            return None;
        }
        text(&pg_sys::NullableDatum {
            value: (*c).constvalue,
            isnull: false,
        })
    }
}
