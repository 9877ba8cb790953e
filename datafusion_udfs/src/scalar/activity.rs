//! Accessors of `activity` (the Binary result of `activity_agg`):
//! `cohort_start`, `is_active`, `lifecycle_state`.

use std::sync::Arc;

use churnkit_core::agg::Activity;
use datafusion::arrow::array::{BooleanBuilder, StringBuilder, TimestampMicrosecondBuilder};
use datafusion::arrow::datatypes::DataType;
use datafusion::common::Result;
use datafusion::logical_expr::{
    ColumnarValue, Documentation, ScalarFunctionArgs, ScalarUDFImpl, Signature, Volatility,
};
use datafusion_macros::user_doc;

use super::accessor_common;
use crate::common::{
    all_scalar, binary, check_arity, coerce_binary, coerce_i32, coerce_timestamp, exec_err, finish,
    prim, timestamp_type, Bytes, Ts, I32,
};

fn decode(bytes: &[u8]) -> Result<Activity> {
    Activity::decode(bytes).map_err(exec_err)
}

#[user_doc(
    doc_section(label = "churnkit Functions"),
    description = "Start (UTC) of the first active period of an activity (from activity_agg): the customer's cohort. \
NULL for a NULL activity; errors on bytes that are not an activity.",
    syntax_example = "cohort_start(activity)",
    sql_example = r#"```sql
> SELECT cohort_start(activity_agg(ts, 'week')) AS cohort_week
  FROM (VALUES ('2024-01-04T10:00:00Z'), ('2024-01-20T10:00:00Z')) AS e(ts);
+----------------------+
| cohort_week          |
+----------------------+
| 2024-01-01T00:00:00Z |
+----------------------+
```"#,
    argument(
        name = "activity",
        description = "A customer's activity (Binary, from activity_agg)."
    )
)]
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct CohortStartFunc {
    signature: Signature,
}
accessor_common!(CohortStartFunc);

impl ScalarUDFImpl for CohortStartFunc {
    fn name(&self) -> &str {
        "cohort_start"
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> Result<Vec<DataType>> {
        check_arity(self.name(), arg_types, &[1], "1")?;
        Ok(vec![coerce_binary(self.name(), "activity", &arg_types[0])?])
    }

    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        Ok(timestamp_type())
    }

    fn is_strict(&self) -> bool {
        true
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let scalar = all_scalar(&args.args);
        let rows = if scalar { 1 } else { args.number_rows };
        let a: Bytes = binary(self.name(), &args.args, 0, rows)?;
        let mut out = TimestampMicrosecondBuilder::with_capacity(rows);
        for i in 0..rows {
            match a.get(i) {
                None => out.append_null(),
                Some(b) => out.append_value(decode(b)?.cohort_start().map_err(exec_err)?),
            }
        }
        finish(Arc::new(out.finish().with_timezone("UTC")), scalar)
    }

    fn documentation(&self) -> Option<&Documentation> {
        self.doc()
    }
}

#[user_doc(
    doc_section(label = "churnkit Functions"),
    description = "Whether the customer of an activity (from activity_agg) was active in period period_index after \
their cohort period (0 = the cohort period itself, always true). NULL when an argument is NULL; errors on bytes that \
are not an activity.",
    syntax_example = "is_active(activity, period_index)",
    sql_example = r#"```sql
> SELECT is_active(a, 0) AS p0, is_active(a, 1) AS p1, is_active(a, 2) AS p2
  FROM (SELECT activity_agg(ts, 'month') AS a FROM (VALUES ('2024-01-31'), ('2024-03-01')) AS e(ts));
+------+-------+------+
| p0   | p1    | p2   |
+------+-------+------+
| true | false | true |
+------+-------+------+
```"#,
    argument(
        name = "activity",
        description = "A customer's activity (Binary, from activity_agg)."
    ),
    argument(
        name = "period_index",
        description = "Periods after the cohort period (integer)."
    )
)]
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct IsActiveFunc {
    signature: Signature,
}
accessor_common!(IsActiveFunc);

impl ScalarUDFImpl for IsActiveFunc {
    fn name(&self) -> &str {
        "is_active"
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> Result<Vec<DataType>> {
        check_arity(self.name(), arg_types, &[2], "2")?;
        Ok(vec![
            coerce_binary(self.name(), "activity", &arg_types[0])?,
            coerce_i32(self.name(), "period_index", &arg_types[1])?,
        ])
    }

    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        Ok(DataType::Boolean)
    }

    fn is_strict(&self) -> bool {
        true
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let scalar = all_scalar(&args.args);
        let rows = if scalar { 1 } else { args.number_rows };
        let a: Bytes = binary(self.name(), &args.args, 0, rows)?;
        let n: I32 = prim(self.name(), &args.args, 1, rows)?;
        let mut out = BooleanBuilder::with_capacity(rows);
        for i in 0..rows {
            match (a.get(i), n.get(i)) {
                (Some(b), Some(n)) => out.append_value(decode(b)?.is_active(n as i64)),
                _ => out.append_null(),
            }
        }
        finish(Arc::new(out.finish()), scalar)
    }

    fn documentation(&self) -> Option<&Documentation> {
        self.doc()
    }
}

#[user_doc(
    doc_section(label = "churnkit Functions"),
    description = "PostHog lifecycle state of a customer in the period (of the activity's granularity) containing \
period_start: 'new' (first active period), 'returning' (active now and in the previous period), 'resurrecting' \
(active now, not in the previous period, active before), 'dormant' (not active now, active in the previous period); \
NULL otherwise (before the first activity, or inactive two periods running) and when an argument is NULL. \
Errors on bytes that are not an activity.",
    syntax_example = "lifecycle_state(activity, period_start)",
    sql_example = r#"```sql
> SELECT lifecycle_state(a, '2024-01-01') AS jan, lifecycle_state(a, '2024-02-01') AS feb,
         lifecycle_state(a, '2024-03-01') AS mar, lifecycle_state(a, '2024-04-01') AS apr,
         lifecycle_state(a, '2024-05-01') AS may, lifecycle_state(a, '2024-06-01') AS jun
  FROM (SELECT activity_agg(ts, 'month') AS a FROM (VALUES ('2024-01-10'), ('2024-02-10'), ('2024-04-10')) AS e(ts));
+-----+-----------+---------+--------------+---------+-----+
| jan | feb       | mar     | apr          | may     | jun |
+-----+-----------+---------+--------------+---------+-----+
| new | returning | dormant | resurrecting | dormant |     |
+-----+-----------+---------+--------------+---------+-----+
```"#,
    argument(
        name = "activity",
        description = "A customer's activity (Binary, from activity_agg)."
    ),
    argument(
        name = "period_start",
        description = "Any instant of the period to classify (timestamp, date or timestamp string)."
    )
)]
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct LifecycleStateFunc {
    signature: Signature,
}
accessor_common!(LifecycleStateFunc);

impl ScalarUDFImpl for LifecycleStateFunc {
    fn name(&self) -> &str {
        "lifecycle_state"
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> Result<Vec<DataType>> {
        check_arity(self.name(), arg_types, &[2], "2")?;
        Ok(vec![
            coerce_binary(self.name(), "activity", &arg_types[0])?,
            coerce_timestamp(self.name(), "period_start", &arg_types[1])?,
        ])
    }

    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        Ok(DataType::Utf8)
    }

    fn is_strict(&self) -> bool {
        true
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let scalar = all_scalar(&args.args);
        let rows = if scalar { 1 } else { args.number_rows };
        let a: Bytes = binary(self.name(), &args.args, 0, rows)?;
        let t: Ts = prim(self.name(), &args.args, 1, rows)?;
        let mut out = StringBuilder::with_capacity(rows, rows * 8);
        for i in 0..rows {
            match (a.get(i), t.get(i)) {
                (Some(b), Some(t)) => out.append_option(
                    decode(b)?
                        .lifecycle_state(t)
                        .map_err(exec_err)?
                        .map(|l| l.as_str()),
                ),
                _ => out.append_null(),
            }
        }
        finish(Arc::new(out.finish()), scalar)
    }

    fn documentation(&self) -> Option<&Documentation> {
        self.doc()
    }
}
