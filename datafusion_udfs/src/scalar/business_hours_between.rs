//! `business_hours_between(start, end [, time_zone [, day_start [, day_end]]])`

use churnkit_core::scalar::business_hours_between::{DEFAULT_DAY_END, DEFAULT_DAY_START};
use churnkit_core::scalar::{business_hours_between, WorkingHours};
use datafusion::arrow::datatypes::{Float64Type, TimestampMicrosecondType, Utf8Type};

use crate::common::{exec_err, LastParsed, Param};
use crate::udf::scalar_udf;

const NAME: &str = "business_hours_between";

scalar_udf! {
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
