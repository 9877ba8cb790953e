//! The reference time of a command: `--as-of <ISO timestamp>`, read in SQL
//! through the zero-argument function `as_of()`.
//!
//! Every "last 30 days" of the warehouse views is `[as_of() - 30 days,
//! as_of())`, so a dashboard can be reproduced for a past date. `as_of()`
//! returns ONE instant for the whole command: the `--as-of` value, or the
//! time the command started. It is `Timestamp(Microsecond, "UTC")`, like
//! every churnkit timestamp, and immutable within a session (the planner
//! folds it into a literal, so filters on it prune Parquet files).
//!
//! Postgres has the same function (`churnkit.as_of()`, reading the setting
//! `churnkit.as_of`), so the view SQL is the same text in both engines.

use std::time::{SystemTime, UNIX_EPOCH};

use clap::Args;
use datafusion::arrow::datatypes::{DataType, TimeUnit};
use datafusion::common::{Result, ScalarValue};
use datafusion::logical_expr::{
    ColumnarValue, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility,
};

/// The reference instant, in microseconds since 1970-01-01 UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AsOf(pub i64);

impl AsOf {
    /// Now, truncated to the microsecond.
    pub fn now() -> Self {
        let since_epoch = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .expect("system clock before 1970");
        AsOf(since_epoch.as_micros() as i64)
    }
}

/// clap value parser of `--as-of`: an ISO 8601 / RFC 3339 timestamp
/// (`2024-07-01T00:00:00Z`, `2024-07-01 02:00:00+02:00`), a timestamp
/// without offset (read as UTC) or a date (midnight UTC). Sub-microsecond
/// digits are truncated.
///
/// Any timestamp of churnkit's range (4714-11-24 BC to 294246-12-31 AD,
/// `core::time`) is accepted, the same as in Postgres; 0.1.0 took only
/// 1677..2262 (Arrow's nanosecond range).
pub fn parse_as_of(s: &str) -> std::result::Result<AsOf, String> {
    use chrono::{DateTime, NaiveDate, NaiveDateTime};
    let text = s.trim();
    let bad = || {
        format!("'{s}' is not a timestamp (expected ISO 8601, e.g. 2024-07-01T00:00:00Z, 2024-07-01 09:30:00+02:00 or 2024-07-01)")
    };
    let with_offset = [
        "%Y-%m-%dT%H:%M:%S%.f%:z",
        "%Y-%m-%d %H:%M:%S%.f%:z",
        "%Y-%m-%dT%H:%M:%S%.f%#z",
        "%Y-%m-%d %H:%M:%S%.f%#z",
    ];
    let naive = [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
    ];
    let utc = if let Some(t) = text
        .strip_suffix(['Z', 'z'])
        .filter(|t| !t.ends_with(['Z', 'z']))
    {
        naive
            .iter()
            .find_map(|f| NaiveDateTime::parse_from_str(t, f).ok())
    } else {
        with_offset
            .iter()
            .find_map(|f| {
                DateTime::parse_from_str(text, f)
                    .ok()
                    .map(|d| d.naive_utc())
            })
            .or_else(|| {
                naive
                    .iter()
                    .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok())
            })
            .or_else(|| {
                NaiveDate::parse_from_str(text, "%Y-%m-%d")
                    .ok()
                    .and_then(|d| d.and_hms_opt(0, 0, 0))
            })
    }
    .ok_or_else(bad)?;
    let utc = utc.and_utc();
    // sub-microsecond digits truncated (towards the past)
    let micros = utc
        .timestamp()
        .checked_mul(1_000_000)
        .and_then(|m| m.checked_add(i64::from(utc.timestamp_subsec_micros())))
        .ok_or_else(bad)?;
    churnkit_core::time::check_timestamp("as_of", "--as-of", micros)
        .map(AsOf)
        .map_err(|e| e.to_string())
}

/// `--as-of`, shared by the verbs that run the churnkit views.
#[derive(Debug, Clone, Args)]
pub struct AsOfArg {
    /// Reference time returned by the SQL function as_of() (ISO 8601; without an offset it is UTC; a date is midnight UTC). Default: the time the command starts.
    #[arg(long = "as-of", value_name = "TIMESTAMP", value_parser = parse_as_of)]
    pub as_of: Option<AsOf>,
}

impl AsOfArg {
    /// The given instant, or now (call once, when the command starts).
    pub fn resolve(&self) -> AsOf {
        self.as_of.unwrap_or_else(AsOf::now)
    }
}

/// `as_of()` → `Timestamp(Microsecond, "UTC")`: the reference time of the
/// command, the same value on every call.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct AsOfFunc {
    signature: Signature,
    as_of: AsOf,
}

impl AsOfFunc {
    pub fn new(as_of: AsOf) -> Self {
        Self {
            signature: Signature::nullary(Volatility::Immutable),
            as_of,
        }
    }

    pub fn udf(as_of: AsOf) -> ScalarUDF {
        ScalarUDF::new_from_impl(Self::new(as_of))
    }
}

fn utc_micros() -> DataType {
    DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into()))
}

impl ScalarUDFImpl for AsOfFunc {
    fn name(&self) -> &str {
        "as_of"
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        Ok(utc_micros())
    }

    fn invoke_with_args(&self, _args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        Ok(ColumnarValue::Scalar(ScalarValue::TimestampMicrosecond(
            Some(self.as_of.0),
            Some("UTC".into()),
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_iso_timestamps_to_utc_micros() {
        let midnight = 1_719_792_000_000_000; // 2024-07-01T00:00:00Z
        assert_eq!(parse_as_of("2024-07-01T00:00:00Z"), Ok(AsOf(midnight)));
        assert_eq!(parse_as_of("2024-07-01"), Ok(AsOf(midnight)));
        assert_eq!(parse_as_of("2024-07-01 00:00:00"), Ok(AsOf(midnight)));
        assert_eq!(parse_as_of("2024-07-01T02:00:00+02:00"), Ok(AsOf(midnight)));
        assert_eq!(
            parse_as_of(" 2024-06-30T20:00:00-04:00 "),
            Ok(AsOf(midnight))
        );
        assert_eq!(
            parse_as_of("2024-07-01T00:00:00.000001999Z"),
            Ok(AsOf(midnight + 1))
        );
        assert_eq!(parse_as_of("1969-12-31T23:59:59.9999995Z"), Ok(AsOf(-1)));
        assert!(parse_as_of("yesterday")
            .unwrap_err()
            .contains("'yesterday' is not a timestamp"));
        assert!(parse_as_of("2024-13-01").is_err());
        // the whole range of Postgres' timestamps that churnkit
        // computes with, not Arrow's 1677..2262
        assert_eq!(
            parse_as_of("1500-03-01T00:00:00Z"),
            Ok(AsOf(
                churnkit_core::time::days_from_civil(1500, 3, 1) * 86_400_000_000
            ))
        );
        assert_eq!(
            parse_as_of("3000-01-01"),
            Ok(AsOf(
                churnkit_core::time::days_from_civil(3000, 1, 1) * 86_400_000_000
            ))
        );
        assert!(parse_as_of("+294250-01-01T00:00:00Z").is_err());
        assert!(parse_as_of("").is_err());
    }
}
