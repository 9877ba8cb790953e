//! The summary types `churnkit.engagement_summary`, `churnkit.activity` and
//! `churnkit.survival_summary`.
//!
//! * Text input/output: core's JSON text (`from_text`/`to_text`), so
//!   `s::text`, `'{...}'::churnkit.activity`, `COPY`, `pg_dump` and storing
//!   in a table all work; bad text is SQLSTATE 22023 with core's message
//!   (`activity: invalid input: ...`).
//! * Storage: `INTERNALLENGTH = VARIABLE, STORAGE = extended`; the datum is a
//!   plain varlena whose payload is exactly core's versioned binary encoding
//!   (first byte = format version). No other envelope.
//! * Binary send/receive (`COPY ... (FORMAT binary)`, binary protocol): the
//!   same core bytes; receive validates them like the text input does.
//!
//! The types are declared with `#[derive(PostgresType)]` (pgrx generates
//! the shell type, `<type>_in`/`<type>_out` and `CREATE TYPE`), with
//! hand-written datum conversions
//! (`bikeshed_postgres_type_manually_impl_from_into_datum`: pgrx's default
//! would store CBOR) and the send/receive functions attached by
//! `ALTER TYPE ... SET (SEND, RECEIVE)` below.

use crate::error::raise;
use churnkit_core::agg::State as _;
use churnkit_core::agg::{Activity, EngagementSummary, SurvivalSummary};
use churnkit_core::ChurnError;
use pgrx::callconv::{Arg, ArgAbi, BoxRet, FcInfo};
use pgrx::datum::Datum;
use pgrx::prelude::*;
use pgrx::{Internal, StringInfo};
use std::ffi::CStr;

/// Copy `bytes` into a new varlena (4-byte header) in the current memory context.
fn to_varlena(bytes: &[u8]) -> pg_sys::Datum {
    let total = bytes.len() + pg_sys::VARHDRSZ;
    if total > i32::MAX as usize {
        error!("churnkit: value too large ({} bytes)", bytes.len());
    }
    // SAFETY: palloc'd `total` bytes; header then payload
    unsafe {
        let ptr = pg_sys::palloc(total).cast::<u8>();
        std::ptr::copy_nonoverlapping(bytes.as_ptr(), ptr.add(pg_sys::VARHDRSZ), bytes.len());
        // a summary is far below 1 GB (Postgres' varlena limit)
        pgrx::set_varsize_4b(
            ptr.cast(),
            i32::try_from(total).expect("a varlena is below 1 GB"),
        );
        pg_sys::Datum::from(ptr)
    }
}

/// The payload of a varlena datum (detoasted if needed, in the current
/// memory context).
///
/// # Safety
/// `datum` must be a non-NULL varlena datum.
unsafe fn varlena_bytes<'a>(datum: pg_sys::Datum) -> &'a [u8] {
    // SAFETY: the caller keeps this function's contract (its `# Safety`, or Postgres' calling convention)
    unsafe {
        let v = pg_sys::pg_detoast_datum_packed(datum.cast_mut_ptr());
        pgrx::varlena::varlena_to_byte_slice(v)
    }
}

/// Declares one summary type around a core type with `encode`, `decode`,
/// `to_text`, `from_text`.
macro_rules! summary_type {
    ($name:ident, $core:ty, $send:ident, $recv:ident, $sql_name:literal, $io_name:literal, $alter:literal) => {
        #[doc = concat!("`churnkit.", $sql_name, "`: a `", stringify!($core), "` stored as core's bytes.")]
        #[allow(non_camel_case_types)]
        #[derive(PostgresType, Debug, Clone, PartialEq)]
        #[inoutfuncs]
        #[bikeshed_postgres_type_manually_impl_from_into_datum]
        pub struct $name(pub $core);

        impl InOutFuncs for $name {
            fn input(input: &CStr) -> Self {
                let text = match input.to_str() {
                    Ok(t) => t,
                    Err(_) => raise(&ChurnError::new($sql_name, "input", "not valid UTF-8")),
                };
                match <$core>::from_text(text) {
                    Ok(v) => $name(v),
                    Err(e) => raise(&e),
                }
            }

            fn output(&self, buffer: &mut StringInfo) {
                buffer.push_str(&self.0.to_text());
            }
        }

        impl IntoDatum for $name {
            fn into_datum(self) -> Option<pg_sys::Datum> {
                Some(to_varlena(&self.0.encode()))
            }

            fn type_oid() -> pg_sys::Oid {
                pgrx::wrappers::rust_regtypein::<Self>()
            }
        }

        impl FromDatum for $name {
            unsafe fn from_polymorphic_datum(datum: pg_sys::Datum, is_null: bool, _: pg_sys::Oid) -> Option<Self> {
// SAFETY: the caller keeps this function's contract (its `# Safety`, or Postgres' calling convention)
unsafe {
                if is_null || datum.is_null() {
                    return None;
                }
                match <$core>::decode(varlena_bytes(datum)) {
                    Ok(v) => Some($name(v)),
                    Err(e) => raise(&e),
                }
            }}
        }

        // SAFETY: box_into returns a varlena datum of the type's own bytes
        unsafe impl BoxRet for $name {
            unsafe fn box_into<'fcx>(self, fcinfo: &mut FcInfo<'fcx>) -> Datum<'fcx> {
// SAFETY: the caller keeps this function's contract (its `# Safety`, or Postgres' calling convention)
unsafe {
                match self.into_datum() {
                    None => fcinfo.return_null(),
                    Some(datum) => fcinfo.return_raw_datum(datum),
                }
            }}
        }

        // SAFETY: unboxes through FromDatum, which reads a varlena of this type
        unsafe impl<'fcx> ArgAbi<'fcx> for $name {
            unsafe fn unbox_arg_unchecked(arg: Arg<'_, 'fcx>) -> Self {
// SAFETY: the caller keeps this function's contract (its `# Safety`, or Postgres' calling convention)
unsafe {
                let index = arg.index();
                arg.unbox_arg_using_from_datum().unwrap_or_else(|| panic!("argument {index} must not be null"))
            }}
        }

        /// Binary output (`COPY ... (FORMAT binary)`): core's bytes.
        #[pg_extern(immutable, strict, parallel_safe)]
        fn $send(value: $name) -> Vec<u8> {
            value.0.encode()
        }

        /// Binary input: core's bytes, validated.
        #[pg_extern(immutable, strict, parallel_safe)]
        fn $recv(mut buf: Internal) -> $name {
            // SAFETY: Postgres passes a StringInfo to a receive function
            let buf = unsafe { buf.get_mut::<pg_sys::StringInfoData>() }.expect("receive buffer");
            let (start, end) = (buf.cursor.max(0) as usize, buf.len.max(0) as usize);
            // SAFETY: `data` holds `len` bytes
            let bytes = unsafe { std::slice::from_raw_parts(buf.data.cast::<u8>().add(start), end.saturating_sub(start)) };
            let value = match <$core>::decode(bytes) {
                Ok(v) => $name(v),
                Err(e) => raise(&e),
            };
            buf.cursor = buf.len;
            value
        }

        pgrx::extension_sql!($alter, name = $io_name, requires = [$name, $send, $recv],);
    };
}

summary_type!(
    engagement_summary,
    EngagementSummary,
    engagement_summary_send,
    engagement_summary_recv,
    "engagement_summary",
    "engagement_summary_binary_io",
    "ALTER TYPE engagement_summary SET (SEND = engagement_summary_send, RECEIVE = engagement_summary_recv);
COMMENT ON TYPE engagement_summary IS 'result of engagement_agg: events, active seconds, active UTC days, key actions, first and last activity (text form: JSON)';"
);

summary_type!(
    activity,
    Activity,
    activity_send,
    activity_recv,
    "activity",
    "activity_binary_io",
    "ALTER TYPE activity SET (SEND = activity_send, RECEIVE = activity_recv);
COMMENT ON TYPE activity IS 'result of activity_agg: the calendar periods in which a customer was active (text form: JSON)';"
);

summary_type!(
    survival_summary,
    SurvivalSummary,
    survival_summary_send,
    survival_summary_recv,
    "survival_summary",
    "survival_summary_binary_io",
    "ALTER TYPE survival_summary SET (SEND = survival_summary_send, RECEIVE = survival_summary_recv);
COMMENT ON TYPE survival_summary IS 'result of survival_agg: customers churned and censored per tenure, for Kaplan-Meier (text form: JSON)';"
);

// =, <>, <, <=, >, >=, a btree and a hash operator class for each summary
// type (one template for the three, see the file).
pgrx::extension_sql_file!(
    "summary_operators.sql",
    name = "summary_operators",
    requires = [
        "engagement_summary_binary_io",
        "activity_binary_io",
        "survival_summary_binary_io"
    ],
);
