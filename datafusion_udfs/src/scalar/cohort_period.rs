//! `cohort_period(cohort_start, ts, granularity [, time_zone])`

use churnkit_core::scalar::cohort_period;
use churnkit_core::time::{Granularity, Zone};
use datafusion::arrow::datatypes::{Int32Type, TimestampMicrosecondType, Utf8Type};
use datafusion_macros::user_doc;

use crate::common::{exec_err, LastParsed, Param};
use crate::udf::scalar_udf;

const NAME: &str = "cohort_period";

scalar_udf! {
#[user_doc(
    doc_section(label = "churnkit Functions"),
    description = "Number of calendar periods ('day', 'week' (ISO, starting Monday), 'month', 'quarter' or 'year') between \
the period containing cohort_start and the period containing ts, both truncated in UTC or in the given IANA time zone. \
Negative when ts is in an earlier period. NULL when any argument is NULL. Errors on an unknown granularity or time zone.",
    syntax_example = "cohort_period(cohort_start, ts, granularity[, time_zone])",
    sql_example = r#"```sql
> SELECT cohort_period('2024-01-31', '2024-02-01', 'month') AS months,
         cohort_period('2024-01-15', '2024-01-31T23:30:00Z', 'month', 'Europe/Berlin') AS berlin_months;
+--------+---------------+
| months | berlin_months |
+--------+---------------+
| 1      | 1             |
+--------+---------------+
```"#,
    argument(
        name = "cohort_start",
        description = "Start of the cohort (timestamp, date or timestamp string)."
    ),
    argument(
        name = "ts",
        description = "The instant to place relative to the cohort."
    ),
    argument(
        name = "granularity",
        description = "'day', 'week', 'month', 'quarter' or 'year' (case-insensitive)."
    ),
    argument(
        name = "time_zone",
        description = "IANA time zone whose calendar defines the periods (default UTC)."
    )
)]
pub struct CohortPeriodFunc;
    name: NAME,
    arities: &[3, 4],
    params: &[
        Param::timestamp("cohort_start"),
        Param::timestamp("ts"),
        Param::string("granularity"),
        Param::string("time_zone"),
    ],
    returns: Int32Type,
    strict: true,
    invoke: |rows| {
        let start = rows.arg::<TimestampMicrosecondType>(0)?;
        let ts = rows.arg::<TimestampMicrosecondType>(1)?;
        let granularity = rows.arg::<Utf8Type>(2)?;
        // the 3-argument form is UTC: no zone to parse
        let utc = rows.args().len() <= 3;
        let zone = rows.arg_or::<Utf8Type>(3, "UTC")?;
        let mut granularities: LastParsed<&str, Granularity> = LastParsed::new();
        let mut zones: LastParsed<&str, Zone> = LastParsed::new();
        // STRICT: a NULL zone is NULL before anything is parsed
        rows.map_strict::<Int32Type, _>(&(start, ts, granularity, zone), |(s, t, g, z)| {
            // parsed in argument order, so the first invalid argument is reported
            let g = granularities.get(g, |n| Granularity::parse(NAME, "granularity", n))?;
            let z = if utc {
                Zone::Utc
            } else {
                zones.get(z, |n| Zone::parse(NAME, "time_zone", n))?
            };
            Ok(Some(cohort_period(s, t, g, z).map_err(exec_err)?))
        })
    },
}
