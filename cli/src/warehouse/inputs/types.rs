//! Which file column types fit a family, and the expression that casts a
//! column onto its contract type (as Postgres' `_cast_expression` does).

use datafusion::arrow::datatypes::DataType;
use datafusion::functions::expr_fn::date_trunc;
use datafusion::prelude::{cast, ident, lit, Expr};

use super::contract::{utc_micros, Family};
use crate::files::FileFormat;

/// How a file column becomes its contract column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Conversion {
    /// An Arrow cast of a typed column (a no-op when the type is already right).
    Cast,
    /// Text parsed into the contract type (CSV; JSON timestamps): every value
    /// is checked before the run.
    Parse,
}

fn is_integer(t: &DataType) -> bool {
    t.is_integer()
}

fn is_string(t: &DataType) -> bool {
    match t {
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => true,
        DataType::Dictionary(_, v) => is_string(v),
        _ => false,
    }
}

/// Whether a column of type `t` read from a file of `format` fits `family`.
pub(super) fn conversion(family: Family, t: &DataType, format: FileFormat) -> Option<Conversion> {
    if *t == DataType::Null {
        return Some(Conversion::Cast); // every value is null (JSON)
    }
    if format == FileFormat::Csv {
        // every column of a CSV file is read as text
        return Some(if family == Family::Text {
            Conversion::Cast
        } else {
            Conversion::Parse
        });
    }
    let fits = match family {
        Family::Id => is_integer(t),
        Family::Number => {
            is_integer(t)
                || t.is_floating()
                || matches!(
                    t,
                    DataType::Decimal32(..)
                        | DataType::Decimal64(..)
                        | DataType::Decimal128(..)
                        | DataType::Decimal256(..)
                )
        }
        Family::Text => is_string(t),
        Family::Boolean => *t == DataType::Boolean,
        Family::Timestamp | Family::Month => {
            matches!(
                t,
                DataType::Timestamp(..) | DataType::Date32 | DataType::Date64
            )
        }
    };
    if fits {
        return Some(Conversion::Cast);
    }
    // JSON has no timestamp type: ISO 8601 strings are parsed
    let json_time = format == FileFormat::NdJson
        && matches!(family, Family::Timestamp | Family::Month)
        && is_string(t);
    json_time.then_some(Conversion::Parse)
}

/// The expression reading file column `name` (of a type that fits) as the
/// contract column of `family`, named `name`.
pub(super) fn cast_expression(name: &str, family: Family) -> Expr {
    let column = ident(name);
    let expr = match family {
        // the timestamp in UTC, truncated to the month (in UTC: the session's
        // and the column's time zone), as a date
        Family::Month => cast(
            date_trunc(lit("month"), cast(column, utc_micros())),
            DataType::Date32,
        ),
        other => cast(column, other.contract_type()),
    };
    expr.alias(name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::arrow::datatypes::TimeUnit;

    #[test]
    fn families_accept_the_types_of_setup() {
        use FileFormat::*;
        let ts = |u, tz: Option<&str>| DataType::Timestamp(u, tz.map(Into::into));
        let ok = |f, t: DataType, fmt| conversion(f, &t, fmt) == Some(Conversion::Cast);
        assert!(ok(Family::Id, DataType::Int32, Parquet));
        assert!(ok(Family::Id, DataType::UInt64, Parquet));
        assert!(!ok(Family::Id, DataType::Float64, Parquet));
        assert!(ok(Family::Number, DataType::Decimal128(10, 2), Parquet));
        assert!(ok(Family::Number, DataType::Int16, Parquet));
        assert!(!ok(Family::Number, DataType::Utf8, Parquet));
        assert!(ok(Family::Text, DataType::Utf8View, Parquet));
        assert!(ok(
            Family::Text,
            DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8)),
            Parquet
        ));
        assert!(!ok(Family::Text, DataType::Binary, Parquet));
        assert!(ok(
            Family::Timestamp,
            ts(TimeUnit::Nanosecond, None),
            Parquet
        ));
        assert!(ok(
            Family::Timestamp,
            ts(TimeUnit::Millisecond, Some("Europe/Paris")),
            Parquet
        ));
        assert!(ok(Family::Timestamp, DataType::Date32, Parquet));
        assert!(!ok(Family::Timestamp, DataType::Utf8, Parquet));
        assert!(ok(Family::Month, DataType::Date64, Parquet));
        assert!(!ok(Family::Boolean, DataType::Int8, Parquet));
        // CSV: text parsed; JSON: timestamps as strings parsed
        assert_eq!(
            conversion(Family::Timestamp, &DataType::Utf8, Csv),
            Some(Conversion::Parse)
        );
        assert_eq!(
            conversion(Family::Text, &DataType::Utf8, Csv),
            Some(Conversion::Cast)
        );
        assert_eq!(
            conversion(Family::Month, &DataType::Utf8, NdJson),
            Some(Conversion::Parse)
        );
        assert_eq!(conversion(Family::Id, &DataType::Utf8, NdJson), None);
        assert!(ok(Family::Boolean, DataType::Null, NdJson));
    }
}
