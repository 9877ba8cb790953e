//! Accessors of `survival_summary` (the Binary result of `survival_agg`):
//! `survival_at`, `median_lifetime`, `survival_curve`.

use std::sync::Arc;

use churnkit_core::agg::SurvivalSummary;
use datafusion::arrow::array::{
    Array, ArrayRef, Float64Builder, Int64Builder, ListArray, StructArray,
};
use datafusion::arrow::buffer::{NullBuffer, OffsetBuffer};
use datafusion::arrow::datatypes::{DataType, Field, Fields};
use datafusion::common::Result;
use datafusion::logical_expr::{
    ColumnarValue, Documentation, ScalarFunctionArgs, ScalarUDFImpl, Signature, Volatility,
};
use datafusion_macros::user_doc;

use super::accessor_common;
use crate::common::{
    all_scalar, binary, check_arity, coerce_binary, coerce_f64, exec_err, finish, prim, Bytes, F64,
};

fn decode(bytes: &[u8]) -> Result<SurvivalSummary> {
    SurvivalSummary::decode(bytes).map_err(exec_err)
}

#[user_doc(
    doc_section(label = "churnkit Functions"),
    description = "Kaplan-Meier estimate S(days) of a survival summary (from survival_agg): the share of customers \
expected to still be customers after `days` days (a step function, 1 before the first churn). NULL when an argument \
is NULL; errors on a NaN days or bytes that are not a survival summary.",
    syntax_example = "survival_at(summary, days)",
    sql_example = r#"```sql
> SELECT survival_at(s, 0) AS s0, survival_at(s, 15) AS s15, survival_at(s, 60) AS s60
  FROM (SELECT survival_agg(tenure, churned) AS s FROM (VALUES (10, true), (20, false), (30, true), (90, false)) AS c(tenure, churned));
+-----+------+-------+
| s0  | s15  | s60   |
+-----+------+-------+
| 1.0 | 0.75 | 0.375 |
+-----+------+-------+
```"#,
    argument(
        name = "summary",
        description = "A survival summary (Binary, from survival_agg)."
    ),
    argument(name = "days", description = "Tenure in days.")
)]
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct SurvivalAtFunc {
    signature: Signature,
}
accessor_common!(SurvivalAtFunc);

impl ScalarUDFImpl for SurvivalAtFunc {
    fn name(&self) -> &str {
        "survival_at"
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> Result<Vec<DataType>> {
        check_arity(self.name(), arg_types, &[2], "2")?;
        Ok(vec![
            coerce_binary(self.name(), "summary", &arg_types[0])?,
            coerce_f64(self.name(), "days", &arg_types[1])?,
        ])
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
        let s: Bytes = binary(self.name(), &args.args, 0, rows)?;
        let days: F64 = prim(self.name(), &args.args, 1, rows)?;
        let mut out = Float64Builder::with_capacity(rows);
        for i in 0..rows {
            match (s.get(i), days.get(i)) {
                (Some(b), Some(d)) => {
                    out.append_value(decode(b)?.survival_at(d).map_err(exec_err)?)
                }
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
    description = "Median customer lifetime of a survival summary (from survival_agg): the smallest tenure at which \
the Kaplan-Meier estimate S is at most 0.5. NULL when S never gets there (lifelines reports infinity) or the summary \
is NULL; errors on bytes that are not a survival summary.",
    syntax_example = "median_lifetime(summary)",
    sql_example = r#"```sql
> SELECT median_lifetime(survival_agg(tenure, churned)) AS median
  FROM (VALUES (10, true), (20, false), (30, true), (90, false)) AS c(tenure, churned);
+--------+
| median |
+--------+
| 30.0   |
+--------+
```"#,
    argument(
        name = "summary",
        description = "A survival summary (Binary, from survival_agg)."
    )
)]
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct MedianLifetimeFunc {
    signature: Signature,
}
accessor_common!(MedianLifetimeFunc);

impl ScalarUDFImpl for MedianLifetimeFunc {
    fn name(&self) -> &str {
        "median_lifetime"
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> Result<Vec<DataType>> {
        check_arity(self.name(), arg_types, &[1], "1")?;
        Ok(vec![coerce_binary(self.name(), "summary", &arg_types[0])?])
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
        let s: Bytes = binary(self.name(), &args.args, 0, rows)?;
        let mut out = Float64Builder::with_capacity(rows);
        for i in 0..rows {
            match s.get(i) {
                Some(b) => out.append_option(decode(b)?.median_lifetime()),
                None => out.append_null(),
            }
        }
        finish(Arc::new(out.finish()), scalar)
    }

    fn documentation(&self) -> Option<&Documentation> {
        self.doc()
    }
}

/// The fields of one point of `survival_curve`: days, at_risk, churned, survival.
pub fn survival_point_fields() -> Fields {
    Fields::from(vec![
        Field::new("days", DataType::Float64, false),
        Field::new("at_risk", DataType::Int64, false),
        Field::new("churned", DataType::Int64, false),
        Field::new("survival", DataType::Float64, false),
    ])
}

/// `List<Struct<days Float64, at_risk Int64, churned Int64, survival Float64>>`,
/// the type of `survival_curve`.
pub fn survival_curve_type() -> DataType {
    DataType::List(Arc::new(Field::new_list_field(
        DataType::Struct(survival_point_fields()),
        true,
    )))
}

#[user_doc(
    doc_section(label = "churnkit Functions"),
    description = "The Kaplan-Meier curve of a survival summary (from survival_agg): one point per distinct tenure, \
in increasing order, with the customers at risk just before it, the churns at it and S(days) after it. Returns an \
array of structs {days, at_risk, churned, survival}; NULL for a NULL summary. For one row per point (the rows of \
Postgres' set-returning survival_curve), unnest the array and read the struct's fields, as in the example: \
`SELECT p['days'] AS days, p['at_risk'] AS at_risk, p['churned'] AS churned, p['survival'] AS survival \
FROM (SELECT unnest(survival_curve(s)) AS p FROM ...)`, or unnest the struct too: \
`SELECT unnest(p) FROM (SELECT unnest(survival_curve(s)) AS p FROM ...)` (columns p.days, p.at_risk, p.churned, \
p.survival). Errors on bytes that are not a survival summary.",
    syntax_example = "survival_curve(summary)",
    sql_example = r#"```sql
> SELECT p['days'] AS days, p['at_risk'] AS at_risk, p['churned'] AS churned, p['survival'] AS survival
  FROM (SELECT unnest(survival_curve(survival_agg(tenure, churned))) AS p
        FROM (VALUES (10, true), (20, false), (30, true), (30, false), (90, false)) AS c(tenure, churned));
+------+---------+---------+--------------------+
| days | at_risk | churned | survival           |
+------+---------+---------+--------------------+
| 10.0 | 5       | 1       | 0.8                |
| 20.0 | 4       | 0       | 0.8                |
| 30.0 | 3       | 1       | 0.5333333333333333 |
| 90.0 | 1       | 0       | 0.5333333333333333 |
+------+---------+---------+--------------------+
```"#,
    argument(
        name = "summary",
        description = "A survival summary (Binary, from survival_agg)."
    )
)]
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct SurvivalCurveFunc {
    signature: Signature,
}
accessor_common!(SurvivalCurveFunc);

impl ScalarUDFImpl for SurvivalCurveFunc {
    fn name(&self) -> &str {
        "survival_curve"
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> Result<Vec<DataType>> {
        check_arity(self.name(), arg_types, &[1], "1")?;
        Ok(vec![coerce_binary(self.name(), "summary", &arg_types[0])?])
    }

    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        Ok(survival_curve_type())
    }

    fn is_strict(&self) -> bool {
        true
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let scalar = all_scalar(&args.args);
        let rows = if scalar { 1 } else { args.number_rows };
        let s: Bytes = binary(self.name(), &args.args, 0, rows)?;
        let (mut days, mut at_risk, mut churned, mut survival) = (
            Float64Builder::new(),
            Int64Builder::new(),
            Int64Builder::new(),
            Float64Builder::new(),
        );
        let mut lengths = Vec::with_capacity(rows);
        let mut valid = Vec::with_capacity(rows);
        for i in 0..rows {
            let Some(b) = s.get(i) else {
                lengths.push(0);
                valid.push(false);
                continue;
            };
            let curve = decode(b)?.curve();
            for p in &curve {
                days.append_value(p.days);
                // core's rule: a count above 2^63 - 1 is an error, as in Postgres
                let count = |n| {
                    churnkit_core::agg::count_as_bigint(n, "survival_curve", "survival_summary")
                        .map_err(exec_err)
                };
                at_risk.append_value(count(p.at_risk)?);
                churned.append_value(count(p.churned)?);
                survival.append_value(p.survival);
            }
            lengths.push(curve.len());
            valid.push(true);
        }
        let columns: Vec<ArrayRef> = vec![
            Arc::new(days.finish()),
            Arc::new(at_risk.finish()),
            Arc::new(churned.finish()),
            Arc::new(survival.finish()),
        ];
        let points = StructArray::try_new(survival_point_fields(), columns, None)?;
        let DataType::List(item) = survival_curve_type() else {
            unreachable!("a list type")
        };
        let nulls = valid.iter().any(|v| !v).then(|| NullBuffer::from(valid));
        let list = ListArray::try_new(
            item,
            OffsetBuffer::from_lengths(lengths),
            Arc::new(points),
            nulls,
        )?;
        debug_assert_eq!(list.len(), rows);
        finish(Arc::new(list), scalar)
    }

    fn documentation(&self) -> Option<&Documentation> {
        self.doc()
    }
}
