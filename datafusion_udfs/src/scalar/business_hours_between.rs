//! `business_hours_between(start, end [, time_zone [, day_start [, day_end]]])`

use churnkit_core::scalar::business_hours::{DEFAULT_DAY_END, DEFAULT_DAY_START};
use churnkit_core::scalar::{business_hours_between, WorkingHours};
use datafusion::arrow::datatypes::{Float64Type, TimestampMicrosecondType, Utf8Type};
use datafusion_macros::user_doc;

use crate::common::{exec_err, LastParsed, Param};
use crate::udf::scalar_udf;

const NAME: &str = "business_hours_between";

scalar_udf! {
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
pub struct BusinessHoursBetweenFunc;
    name: NAME,
    arities: &[2, 3, 4, 5],
    params: &[
        Param::timestamp("start"),
        Param::timestamp("end"),
        Param::string("time_zone"),
        Param::string("day_start"),
        Param::string("day_end"),
    ],
    returns: Float64Type,
    strict: true,
    invoke: |rows| {
        let start = rows.arg::<TimestampMicrosecondType>(0)?;
        let end = rows.arg::<TimestampMicrosecondType>(1)?;
        // the 2-argument form uses the core's default working hours: nothing to parse
        let defaults = rows.args().len() <= 2;
        let tz = rows.arg_or::<Utf8Type>(2, "UTC")?;
        let ds = rows.arg_or::<Utf8Type>(3, DEFAULT_DAY_START)?;
        let de = rows.arg_or::<Utf8Type>(4, DEFAULT_DAY_END)?;
        let default_hours = WorkingHours::default();
        let mut cache: LastParsed<[&str; 3], WorkingHours> = LastParsed::new();
        rows.map_strict::<Float64Type, _>(&(start, end, tz, ds, de), |(s, e, tz, ds, de)| {
            let w = if defaults {
                default_hours
            } else {
                cache.get([tz, ds, de], |k| WorkingHours::parse(k[0], k[1], k[2]))?
            };
            Ok(Some(business_hours_between(s, e, &w).map_err(exec_err)?))
        })
    },
}
