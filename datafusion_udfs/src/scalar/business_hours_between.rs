//! `business_hours_between(start, end [, time_zone [, day_start [, day_end]]])`

use std::sync::Arc;

use churnkit_core::scalar::business_hours::{DEFAULT_DAY_END, DEFAULT_DAY_START};
use churnkit_core::scalar::{business_hours_between, WorkingHours};
use datafusion::arrow::array::Float64Builder;
use datafusion::arrow::datatypes::DataType;
use datafusion::common::Result;
use datafusion::logical_expr::{
    ColumnarValue, Documentation, ScalarFunctionArgs, ScalarUDFImpl, Signature, Volatility,
};
use datafusion_macros::user_doc;

use crate::common::{
    all_scalar, check_arity, coerce_string, coerce_timestamp, exec_err, finish, prim, string,
    string_or, LastParsed, Str, Ts,
};

const NAME: &str = "business_hours_between";
const STR_ARGS: [&str; 3] = ["time_zone", "day_start", "day_end"];

#[user_doc(
    doc_section(label = "churnkit Functions"),
    description = "Hours inside Monday-Friday working hours (day_start to day_end on the local wall clock of time_zone) \
between two instants, for support response-time SLAs. Public holidays are not excluded. NULL when any argument is NULL. \
Errors when end is before start, on an unknown time zone, or on working hours that are not HH:MM[:SS] with day_end after day_start.",
    syntax_example = "business_hours_between(start, end[, time_zone[, day_start[, day_end]]])",
    sql_example = r#"```sql
> SELECT business_hours_between('2024-01-12T16:00:00Z', '2024-01-15T10:00:00Z') AS friday_to_monday,
         business_hours_between('2024-01-08T13:00:00Z', '2024-01-08T23:00:00Z', 'America/New_York') AS new_york,
         business_hours_between('2024-01-08', '2024-01-09', 'UTC', '08:30', '12:00') AS mornings;
+------------------+----------+----------+
| friday_to_monday | new_york | mornings |
+------------------+----------+----------+
| 2.0              | 8.0      | 3.5      |
+------------------+----------+----------+
```"#,
    argument(
        name = "start",
        description = "Start instant (timestamp, date or timestamp string)."
    ),
    argument(name = "end", description = "End instant; must not be before start."),
    argument(
        name = "time_zone",
        description = "IANA time zone of the working hours (default 'UTC')."
    ),
    argument(
        name = "day_start",
        description = "Start of the working day, 'HH:MM' or 'HH:MM:SS' (default '09:00')."
    ),
    argument(
        name = "day_end",
        description = "End of the working day, up to '24:00' (default '17:00')."
    )
)]
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct BusinessHoursBetweenFunc {
    signature: Signature,
}

impl Default for BusinessHoursBetweenFunc {
    fn default() -> Self {
        Self::new()
    }
}

impl BusinessHoursBetweenFunc {
    pub fn new() -> Self {
        Self {
            signature: Signature::user_defined(Volatility::Immutable),
        }
    }
}

impl ScalarUDFImpl for BusinessHoursBetweenFunc {
    fn name(&self) -> &str {
        NAME
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> Result<Vec<DataType>> {
        check_arity(NAME, arg_types, &[2, 3, 4, 5], "2 to 5")?;
        arg_types
            .iter()
            .enumerate()
            .map(|(i, t)| match i {
                0 => coerce_timestamp(NAME, "start", t),
                1 => coerce_timestamp(NAME, "end", t),
                _ => coerce_string(NAME, STR_ARGS[i - 2], t),
            })
            .collect()
    }

    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        Ok(DataType::Float64)
    }

    fn is_strict(&self) -> bool {
        true
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let scalar = all_scalar(&args.args);
        let rows = if scalar { 1 } else { args.number_rows };
        let a = &args.args;
        let start: Ts = prim(NAME, a, 0, rows)?;
        let end: Ts = prim(NAME, a, 1, rows)?;
        // the 2-argument form uses the core's default working hours: nothing to parse
        let hours: Option<[Str; 3]> = if a.len() > 2 {
            Some([
                string(NAME, a, 2, rows)?,
                string_or(NAME, a, 3, rows, DEFAULT_DAY_START)?,
                string_or(NAME, a, 4, rows, DEFAULT_DAY_END)?,
            ])
        } else {
            None
        };
        let default_hours = WorkingHours::default();
        let mut cache: LastParsed<[&str; 3], WorkingHours> = LastParsed::new();
        let mut out = Float64Builder::with_capacity(rows);
        for i in 0..rows {
            let (Some(s), Some(e)) = (start.get(i), end.get(i)) else {
                out.append_null();
                continue;
            };
            let w = match &hours {
                None => default_hours,
                Some([tz, ds, de]) => {
                    let (Some(tz), Some(ds), Some(de)) = (tz.get(i), ds.get(i), de.get(i)) else {
                        out.append_null();
                        continue;
                    };
                    cache.get([tz, ds, de], |k| WorkingHours::parse(k[0], k[1], k[2]))?
                }
            };
            out.append_value(business_hours_between(s, e, &w).map_err(exec_err)?);
        }
        finish(Arc::new(out.finish()), scalar)
    }

    fn documentation(&self) -> Option<&Documentation> {
        self.doc()
    }
}
