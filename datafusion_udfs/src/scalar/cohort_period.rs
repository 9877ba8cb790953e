//! `cohort_period(cohort_start, ts, granularity [, time_zone])`

use std::sync::Arc;

use churnkit_core::scalar::cohort_period;
use churnkit_core::time::{Granularity, Zone};
use datafusion::arrow::array::Int32Builder;
use datafusion::arrow::datatypes::DataType;
use datafusion::common::Result;
use datafusion::logical_expr::{
    ColumnarValue, Documentation, ScalarFunctionArgs, ScalarUDFImpl, Signature, Volatility,
};
use datafusion_macros::user_doc;

use crate::common::{
    all_scalar, check_arity, coerce_string, coerce_timestamp, exec_err, finish, prim, string,
    LastParsed, Str, Ts,
};

const NAME: &str = "cohort_period";

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
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct CohortPeriodFunc {
    signature: Signature,
}

impl Default for CohortPeriodFunc {
    fn default() -> Self {
        Self::new()
    }
}

impl CohortPeriodFunc {
    pub fn new() -> Self {
        Self {
            signature: Signature::user_defined(Volatility::Immutable),
        }
    }
}

impl ScalarUDFImpl for CohortPeriodFunc {
    fn name(&self) -> &str {
        NAME
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> Result<Vec<DataType>> {
        check_arity(NAME, arg_types, &[3, 4], "3 or 4")?;
        let mut out = vec![
            coerce_timestamp(NAME, "cohort_start", &arg_types[0])?,
            coerce_timestamp(NAME, "ts", &arg_types[1])?,
            coerce_string(NAME, "granularity", &arg_types[2])?,
        ];
        if let Some(t) = arg_types.get(3) {
            out.push(coerce_string(NAME, "time_zone", t)?);
        }
        Ok(out)
    }

    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        Ok(DataType::Int32)
    }

    fn is_strict(&self) -> bool {
        true
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let scalar = all_scalar(&args.args);
        let rows = if scalar { 1 } else { args.number_rows };
        let a = &args.args;
        let start: Ts = prim(NAME, a, 0, rows)?;
        let ts: Ts = prim(NAME, a, 1, rows)?;
        let granularity: Str = string(NAME, a, 2, rows)?;
        // the 3-argument form is UTC: no zone to parse
        let zone: Option<Str> = if a.len() > 3 {
            Some(string(NAME, a, 3, rows)?)
        } else {
            None
        };
        let mut granularities: LastParsed<&str, Granularity> = LastParsed::new();
        let mut zones: LastParsed<&str, Zone> = LastParsed::new();
        let mut out = Int32Builder::with_capacity(rows);
        for i in 0..rows {
            let (Some(s), Some(t), Some(g)) = (start.get(i), ts.get(i), granularity.get(i)) else {
                out.append_null();
                continue;
            };
            // STRICT: a NULL zone is NULL before anything is parsed
            let zone_name = match &zone {
                None => None,
                Some(col) => match col.get(i) {
                    Some(name) => Some(name),
                    None => {
                        out.append_null();
                        continue;
                    }
                },
            };
            // parsed in argument order, so the first invalid argument is reported
            let g = granularities.get(g, |n| Granularity::parse(NAME, "granularity", n))?;
            let z = match zone_name {
                None => Zone::Utc,
                Some(name) => zones.get(name, |n| Zone::parse(NAME, "time_zone", n))?,
            };
            out.append_value(cohort_period(s, t, g, z).map_err(exec_err)?);
        }
        finish(Arc::new(out.finish()), scalar)
    }

    fn documentation(&self) -> Option<&Documentation> {
        self.doc()
    }
}
