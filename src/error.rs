//! The one mapping of core errors onto Postgres errors.

use churnkit_core::ChurnError;
use pgrx::prelude::*;

/// Raise a core error: SQLSTATE 22023 (`invalid_parameter_value`), message =
/// the error's `Display` text, unchanged.
pub(crate) fn raise(err: &ChurnError) -> ! {
    ereport!(
        ERROR,
        PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE,
        err.to_string()
    );
}

/// The value of a core result, or the error raised as [`raise`] does.
#[inline]
pub(crate) fn check<T>(result: churnkit_core::Result<T>) -> T {
    match result {
        Ok(v) => v,
        Err(e) => raise(&e),
    }
}
