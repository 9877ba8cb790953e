//! `churnkit.as_of()`: the reference time of every warehouse view.

use pgrx::prelude::*;
use pgrx::{direct_function_call, PgTryBuilder};
use std::cell::RefCell;
use std::ffi::CStr;

/// The setting read by [`as_of`].
pub(crate) const SETTING: &CStr = c"churnkit.as_of";

/// What the last parse depended on, and its result. `timestamptz` input
/// depends on the text, the session time zone (a text without an offset),
/// `DateStyle`'s field order (`01/02/2024`) and, for `now`/`today`, the
/// transaction start: a parse is reused only while all four are unchanged.
#[derive(PartialEq)]
struct Key {
    text: Vec<u8>,
    time_zone: usize,
    date_order: i32,
    xact_start: pg_sys::TimestampTz,
}

thread_local! {
    static LAST: RefCell<Option<(Key, TimestampWithTimeZone)>> = const { RefCell::new(None) };
}

/// The value of the setting `churnkit.as_of` (a `timestamptz` in any input
/// form Postgres accepts, read in the session's time zone when it has no
/// offset) when it is set and not empty, else `now()` (the transaction start).
/// A setting that is not a timestamp is an error (22023) naming the setting.
///
/// Written in Rust rather than SQL: views call it once per row, and a SQL
/// function with a fixed `search_path` cannot be inlined; the parse is cached
/// (see [`Key`]). No name is resolved, so it needs no `search_path`.
#[pg_extern(stable, parallel_safe)]
fn as_of() -> TimestampWithTimeZone {
    // SAFETY: a GUC lookup; the returned string lives in GUC memory at least
    // until the next change of the setting, and is copied before anything
    // that could change it.
    let raw = unsafe { pg_sys::GetConfigOption(SETTING.as_ptr(), true, false) };
    // SAFETY: reads the backend's transaction start; no arguments
    let xact_start = unsafe { pg_sys::GetCurrentTransactionStartTimestamp() };
    let text = if raw.is_null() {
        &[][..]
    } else {
        // SAFETY: raw is a non-NULL, NUL-terminated GUC string (see above)
        unsafe { CStr::from_ptr(raw) }.to_bytes()
    };
    if text.iter().all(|b| b.is_ascii_whitespace()) {
        // the transaction start is always a valid timestamp
        return TimestampWithTimeZone::try_from(xact_start)
            .unwrap_or_else(|_| TimestampWithTimeZone::positive_infinity());
    }
    // SAFETY: plain reads of session globals.
    let (time_zone, date_order) = unsafe { (pg_sys::session_timezone as usize, pg_sys::DateOrder) };
    let hit = LAST.with_borrow(|last| match last {
        Some((k, v))
            if k.text == text
                && k.time_zone == time_zone
                && k.date_order == date_order
                && k.xact_start == xact_start =>
        {
            Some(*v)
        }
        _ => None,
    });
    if let Some(v) = hit {
        return v;
    }
    let key = Key {
        text: text.to_vec(),
        time_zone,
        date_order,
        xact_start,
    };
    let value = parse(&key.text);
    LAST.with_borrow_mut(|last| *last = Some((key, value)));
    value
}

/// `text::timestamptz`, with any input error raised again as 22023 naming
/// the setting.
fn parse(text: &[u8]) -> TimestampWithTimeZone {
    let shown = String::from_utf8_lossy(text).into_owned();
    let c = std::ffi::CString::new(text).unwrap_or_else(|_| bad(&shown, "contains a NUL byte"));
    let result = PgTryBuilder::new(|| {
        // SAFETY: timestamptz_in(cstring, oid, int4) with a valid C string.
        unsafe {
            direct_function_call::<TimestampWithTimeZone>(
                pg_sys::timestamptz_in,
                &[
                    Some(pg_sys::Datum::from(c.as_ptr())),
                    Some(pg_sys::Datum::from(pg_sys::InvalidOid)),
                    Some(pg_sys::Datum::from(-1i32)),
                ],
            )
        }
    })
    .catch_others(|e| match e {
        pgrx::pg_sys::panic::CaughtError::PostgresError(r)
        | pgrx::pg_sys::panic::CaughtError::ErrorReport(r) => bad(&shown, r.message()),
        other => other.rethrow(),
    })
    .execute();
    result.unwrap_or_else(|| bad(&shown, "not a timestamp"))
}

fn bad(shown: &str, why: &str) -> ! {
    pgrx::pg_sys::panic::ErrorReport::new(
        PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE,
        format!("as_of: invalid setting churnkit.as_of: \"{shown}\" is not a timestamp with time zone ({why})"),
        "as_of",
    )
    .set_hint("Set churnkit.as_of to a timestamp such as '2024-07-01 00:00:00+00', or RESET it (or set it to '') for now().")
    .report(PgLogLevel::ERROR);
    unreachable!()
}
