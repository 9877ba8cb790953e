//! `cohort_period(cohort_start, ts, granularity [, time_zone])`

use churnkit_core::scalar::cohort_period;
use churnkit_core::time::{Granularity, Zone};
use datafusion::arrow::datatypes::{Int32Type, TimestampMicrosecondType, Utf8Type};

use crate::common::{exec_err, LastParsed, Param};
use crate::udf::scalar_udf;

const NAME: &str = "cohort_period";

scalar_udf! {
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
