//! Accessors of `engagement_summary` (the Binary result of `engagement_agg`):
//! `active_days`, `active_minutes`, `key_actions`, `last_active_at`.
//! (`engagement_score(summary, period_days)` is the two-argument form of
//! [`EngagementScoreFunc`](super::EngagementScoreFunc).)

use std::sync::Arc;

use churnkit_core::agg::{count_as_bigint, EngagementSummary};
use datafusion::arrow::array::{Float64Builder, Int64Builder, TimestampMicrosecondBuilder};
use datafusion::arrow::datatypes::DataType;
use datafusion::common::Result;
use datafusion::logical_expr::{
    ColumnarValue, Documentation, ScalarFunctionArgs, ScalarUDFImpl, Signature, Volatility,
};
use datafusion_macros::user_doc;

use super::accessor_common;
use crate::common::{
    all_scalar, binary, check_arity, coerce_binary, exec_err, finish, timestamp_type,
};

/// Call `append` with each row's decoded summary (`None` for NULL); returns
/// whether the result is a scalar.
fn each_summary(
    function: &str,
    args: &ScalarFunctionArgs,
    mut append: impl FnMut(Option<EngagementSummary>) -> Result<()>,
) -> Result<bool> {
    let scalar = all_scalar(&args.args);
    let rows = if scalar { 1 } else { args.number_rows };
    let s = binary(function, &args.args, 0, rows)?;
    for i in 0..rows {
        match s.get(i) {
            None => append(None)?,
            Some(b) => append(Some(EngagementSummary::decode(b).map_err(exec_err)?))?,
        }
    }
    Ok(scalar)
}

fn coerce_summary(function: &str, arg_types: &[DataType]) -> Result<Vec<DataType>> {
    check_arity(function, arg_types, &[1], "1")?;
    Ok(vec![coerce_binary(function, "summary", &arg_types[0])?])
}

#[user_doc(
    doc_section(label = "churnkit Functions"),
    description = "Number of distinct UTC days with activity in an engagement summary (from engagement_agg). \
NULL for a NULL summary; errors on bytes that are not an engagement summary.",
    syntax_example = "active_days(summary)",
    sql_example = r#"```sql
> SELECT active_days(engagement_agg(ts, 60, false)) AS days
  FROM (VALUES ('2024-01-01T10:00:00Z'), ('2024-01-01T23:00:00Z'), ('2024-01-02T00:30:00Z')) AS e(ts);
+------+
| days |
+------+
| 2    |
+------+
```"#,
    argument(
        name = "summary",
        description = "An engagement summary (Binary, from engagement_agg)."
    )
)]
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct ActiveDaysFunc {
    signature: Signature,
}
accessor_common!(ActiveDaysFunc);

impl ScalarUDFImpl for ActiveDaysFunc {
    fn name(&self) -> &str {
        "active_days"
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> Result<Vec<DataType>> {
        coerce_summary(self.name(), arg_types)
    }

    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        Ok(DataType::Int64)
    }

    fn is_strict(&self) -> bool {
        true
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let mut out = Int64Builder::new();
        let scalar = each_summary(self.name(), &args, |s| {
            out.append_option(s.map(|s| s.active_days()));
            Ok(())
        })?;
        finish(Arc::new(out.finish()), scalar)
    }

    fn documentation(&self) -> Option<&Documentation> {
        self.doc()
    }
}

#[user_doc(
    doc_section(label = "churnkit Functions"),
    description = "Active time of an engagement summary (from engagement_agg), in minutes. \
NULL for a NULL summary; errors on bytes that are not an engagement summary.",
    syntax_example = "active_minutes(summary)",
    sql_example = r#"```sql
> SELECT active_minutes(engagement_agg(ts, secs, false)) AS minutes
  FROM (VALUES ('2024-01-01T10:00:00Z', 600), ('2024-01-02T10:00:00Z', 90), ('2024-01-02T11:00:00Z', NULL)) AS e(ts, secs);
+---------+
| minutes |
+---------+
| 11.5    |
+---------+
```"#,
    argument(
        name = "summary",
        description = "An engagement summary (Binary, from engagement_agg)."
    )
)]
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct ActiveMinutesFunc {
    signature: Signature,
}
accessor_common!(ActiveMinutesFunc);

impl ScalarUDFImpl for ActiveMinutesFunc {
    fn name(&self) -> &str {
        "active_minutes"
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> Result<Vec<DataType>> {
        coerce_summary(self.name(), arg_types)
    }

    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        Ok(DataType::Float64)
    }

    fn is_strict(&self) -> bool {
        true
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let mut out = Float64Builder::new();
        let scalar = each_summary(self.name(), &args, |s| {
            out.append_option(s.map(|s| s.active_minutes()));
            Ok(())
        })?;
        finish(Arc::new(out.finish()), scalar)
    }

    fn documentation(&self) -> Option<&Documentation> {
        self.doc()
    }
}

#[user_doc(
    doc_section(label = "churnkit Functions"),
    description = "Number of key actions in an engagement summary (from engagement_agg). \
NULL for a NULL summary; errors on bytes that are not an engagement summary.",
    syntax_example = "key_actions(summary)",
    sql_example = r#"```sql
> SELECT key_actions(engagement_agg(ts, NULL, key)) AS key_actions
  FROM (VALUES ('2024-01-01', true), ('2024-01-02', false), ('2024-01-03', NULL), ('2024-01-04', true)) AS e(ts, key);
+-------------+
| key_actions |
+-------------+
| 2           |
+-------------+
```"#,
    argument(
        name = "summary",
        description = "An engagement summary (Binary, from engagement_agg)."
    )
)]
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct KeyActionsFunc {
    signature: Signature,
}
accessor_common!(KeyActionsFunc);

impl ScalarUDFImpl for KeyActionsFunc {
    fn name(&self) -> &str {
        "key_actions"
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> Result<Vec<DataType>> {
        coerce_summary(self.name(), arg_types)
    }

    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        Ok(DataType::Int64)
    }

    fn is_strict(&self) -> bool {
        true
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let mut out = Int64Builder::new();
        let scalar = each_summary(self.name(), &args, |s| {
            // core's rule: a count above 2^63 - 1 is an error, as in Postgres
            match s {
                Some(s) => out.append_value(
                    count_as_bigint(s.key_actions, "key_actions", "engagement_summary")
                        .map_err(exec_err)?,
                ),
                None => out.append_null(),
            }
            Ok(())
        })?;
        finish(Arc::new(out.finish()), scalar)
    }

    fn documentation(&self) -> Option<&Documentation> {
        self.doc()
    }
}

#[user_doc(
    doc_section(label = "churnkit Functions"),
    description = "Time of the last event of an engagement summary (from engagement_agg), as a UTC timestamp. \
NULL for a NULL summary or a summary of zero events; errors on bytes that are not an engagement summary.",
    syntax_example = "last_active_at(summary)",
    sql_example = r#"```sql
> SELECT last_active_at(engagement_agg(ts, 0, false)) AS last_active
  FROM (VALUES ('2024-01-03T08:00:00Z'), ('2024-01-05T17:30:00Z'), ('2024-01-04T12:00:00Z')) AS e(ts);
+----------------------+
| last_active          |
+----------------------+
| 2024-01-05T17:30:00Z |
+----------------------+
```"#,
    argument(
        name = "summary",
        description = "An engagement summary (Binary, from engagement_agg)."
    )
)]
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct LastActiveAtFunc {
    signature: Signature,
}
accessor_common!(LastActiveAtFunc);

impl ScalarUDFImpl for LastActiveAtFunc {
    fn name(&self) -> &str {
        "last_active_at"
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> Result<Vec<DataType>> {
        coerce_summary(self.name(), arg_types)
    }

    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        Ok(timestamp_type())
    }

    fn is_strict(&self) -> bool {
        true
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let mut out = TimestampMicrosecondBuilder::new();
        let scalar = each_summary(self.name(), &args, |s| {
            out.append_option(s.and_then(|s| s.last_active_at));
            Ok(())
        })?;
        finish(Arc::new(out.finish().with_timezone("UTC")), scalar)
    }

    fn documentation(&self) -> Option<&Documentation> {
        self.doc()
    }
}
