//! The one error type of churnkit. Both adapters show its `Display` text
//! unchanged: Postgres raises it with the SQLSTATE of its [`ErrorKind`]
//! (22023 `invalid_parameter_value` for an invalid argument, 22008
//! `datetime_field_overflow` for a timestamp outside churnkit's range, 53200
//! `out_of_memory` when a state cannot grow), DataFusion returns it as an
//! execution error.

use std::fmt;

/// An argument that is present but invalid.
///
/// The message always names the SQL function and the argument, in the form
/// `function: invalid argument: detail`, e.g.
/// `engagement_score: invalid active_days: 40 is greater than period_days 30`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChurnError {
    pub function: &'static str,
    pub argument: &'static str,
    pub detail: String,
    pub kind: ErrorKind,
}

/// What went wrong, for the engine's error class (Postgres: the SQLSTATE).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ErrorKind {
    /// An argument or stored value that is present but invalid (22023).
    #[default]
    InvalidArgument,
    /// A timestamp outside churnkit's range, or ±infinity (22008).
    DatetimeOverflow,
    /// A state could not grow: the allocation failed (53200).
    OutOfMemory,
}

impl ErrorKind {
    /// The Postgres SQLSTATE of this kind of error.
    pub fn sqlstate(self) -> &'static str {
        match self {
            ErrorKind::InvalidArgument => "22023",
            ErrorKind::DatetimeOverflow => "22008",
            ErrorKind::OutOfMemory => "53200",
        }
    }
}

impl ChurnError {
    pub fn new(function: &'static str, argument: &'static str, detail: impl Into<String>) -> Self {
        ChurnError {
            function,
            argument,
            detail: detail.into(),
            kind: ErrorKind::InvalidArgument,
        }
    }

    /// A timestamp argument outside churnkit's range (SQLSTATE 22008).
    pub fn datetime_overflow(
        function: &'static str,
        argument: &'static str,
        detail: impl Into<String>,
    ) -> Self {
        ChurnError {
            kind: ErrorKind::DatetimeOverflow,
            ..ChurnError::new(function, argument, detail)
        }
    }

    /// A state of `function` that could not grow (SQLSTATE 53200). The
    /// message reads `function: out of memory: detail`.
    pub fn out_of_memory(function: &'static str, detail: impl Into<String>) -> Self {
        ChurnError {
            kind: ErrorKind::OutOfMemory,
            ..ChurnError::new(function, "state", detail)
        }
    }
}

impl fmt::Display for ChurnError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.kind == ErrorKind::OutOfMemory {
            return write!(f, "{}: out of memory: {}", self.function, self.detail);
        }
        write!(
            f,
            "{}: invalid {}: {}",
            self.function, self.argument, self.detail
        )
    }
}

impl std::error::Error for ChurnError {}

pub type Result<T> = std::result::Result<T, ChurnError>;

/// A number as error messages print it: plain digits for ordinary
/// magnitudes (`40`, `0.5`), exponent notation outside 1e-6..1e16
/// (`1e308`, `5e-324`), so a message never holds hundreds of digits.
pub fn num(v: f64) -> String {
    let a = v.abs();
    if v == 0.0 || !v.is_finite() || (1e-6..1e16).contains(&a) {
        format!("{v}")
    } else {
        format!("{v:e}")
    }
}

/// Require a finite number (not NaN, not ±infinity).
pub(crate) fn finite(function: &'static str, argument: &'static str, v: f64) -> Result<f64> {
    if v.is_finite() {
        Ok(v)
    } else {
        Err(ChurnError::new(
            function,
            argument,
            format!("{} is not a finite number", num(v)),
        ))
    }
}

/// Require a finite, non-negative number.
pub(crate) fn non_negative(function: &'static str, argument: &'static str, v: f64) -> Result<f64> {
    let v = finite(function, argument, v)?;
    if v < 0.0 {
        Err(ChurnError::new(
            function,
            argument,
            format!("{} is negative", num(v)),
        ))
    } else {
        Ok(v)
    }
}

/// Require a finite, strictly positive number.
pub(crate) fn positive(function: &'static str, argument: &'static str, v: f64) -> Result<f64> {
    let v = finite(function, argument, v)?;
    if v <= 0.0 {
        Err(ChurnError::new(
            function,
            argument,
            format!("{} must be greater than 0", num(v)),
        ))
    } else {
        Ok(v)
    }
}

/// Scores are reported rounded to 9 decimal places, so that exact inputs give
/// exact results (`engagement_score(600, 15, 30, 30)` is 90, not
/// 89.99999999999999) and both engines print the same digits.
pub(crate) fn round9(v: f64) -> f64 {
    let r = (v * 1e9).round() / 1e9;
    if r == 0.0 {
        0.0
    } else {
        r
    } // no negative zero
}
