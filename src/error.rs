//! The one mapping of core errors onto Postgres errors.

use churnkit_core::{ChurnError, ErrorKind};
use pgrx::prelude::*;

/// Raise a core error with the SQLSTATE of its kind — 22023
/// (`invalid_parameter_value`), 22008 (`datetime_field_overflow`) or 53200
/// (`out_of_memory`) — and its `Display` text, unchanged, as the message.
pub(crate) fn raise(err: &ChurnError) -> ! {
    let code = match err.kind {
        ErrorKind::InvalidArgument => PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE,
        ErrorKind::DatetimeOverflow => PgSqlErrorCode::ERRCODE_DATETIME_FIELD_OVERFLOW,
        ErrorKind::OutOfMemory => PgSqlErrorCode::ERRCODE_OUT_OF_MEMORY,
    };
    ereport!(ERROR, code, err.to_string());
}

/// The value of a core result, or the error raised as [`raise`] does.
#[inline]
pub(crate) fn check<T>(result: churnkit_core::Result<T>) -> T {
    match result {
        Ok(v) => v,
        Err(e) => raise(&e),
    }
}
