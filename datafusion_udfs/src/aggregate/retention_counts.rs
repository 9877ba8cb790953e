//! `retention_counts(activity [, mode])` → `List<Int64>`

use std::sync::Arc;

use churnkit_core::agg::{Activity, RetentionCounts, RetentionMode};
use datafusion::arrow::array::{
    Array, ArrayRef, BinaryArray, Int64Builder, ListBuilder, StringArray,
};
use datafusion::arrow::datatypes::{DataType, Field};
use datafusion::common::cast::{as_binary_array, as_string_array};
use datafusion::common::Result;
use datafusion_macros::user_doc;

use super::{aggregate_udf, CoreAgg, ParseCache};
use crate::common::{exec_err, Param};

const NAME: &str = "retention_counts";

/// `List<Int64>` (the `bigint[]` of Postgres).
pub(crate) fn i64_list_type() -> DataType {
    DataType::List(Arc::new(Field::new_list_field(DataType::Int64, true)))
}

aggregate_udf! {
#[user_doc(
    doc_section(label = "churnkit Functions"),
    description = "Aggregates the activities (from activity_agg) of the customers of one cohort into retention counts: \
element 0 (the first element) is the cohort size, element n the number of customers active in period n after their \
cohort period ('classic'), or active in period n or later ('unbounded'). Rows with a NULL activity (or mode) are skipped. \
NULL for a group without rows. Errors on an unknown mode, different modes in one group, bytes that are not an \
activity, or an activity spanning more than 100000 periods. The activities of one group should share a granularity \
(their periods are counted as they are).",
    syntax_example = "retention_counts(activity[, mode])",
    sql_example = r#"```sql
> SELECT cohort_start(a) AS cohort, retention_counts(a) AS classic, retention_counts(a, 'unbounded') AS unbounded
  FROM (SELECT customer, activity_agg(ts, 'month') AS a FROM (VALUES
        (1, '2024-01-05'), (1, '2024-03-05'), (2, '2024-01-20'), (2, '2024-02-01')) AS e(customer, ts)
        GROUP BY customer)
  GROUP BY cohort_start(a);
+----------------------+-----------+-----------+
| cohort               | classic   | unbounded |
+----------------------+-----------+-----------+
| 2024-01-01T00:00:00Z | [2, 1, 1] | [2, 2, 1] |
+----------------------+-----------+-----------+
```"#,
    argument(
        name = "activity",
        description = "A customer's activity, the result of activity_agg (Binary)."
    ),
    argument(
        name = "mode",
        description = "'classic' (default) or 'unbounded' (case-insensitive); the same on every row of a group."
    )
)]
pub struct RetentionCountsFunc;
    name: NAME,
    arities: &[1, 2],
    params: &[Param::binary("activity"), Param::string("mode")],
    return_type: i64_list_type(),
}

pub(crate) struct Input<'a> {
    activity: &'a BinaryArray,
    /// `None`: the one-argument form ('classic').
    mode: Option<&'a StringArray>,
}

impl CoreAgg for RetentionCountsFunc {
    const NAME: &'static str = NAME;
    type State = RetentionCounts;
    type Cache = ParseCache<RetentionMode>;
    type Input<'a> = Input<'a>;

    fn input(values: &[ArrayRef]) -> Result<Input<'_>> {
        Ok(Input {
            activity: as_binary_array(&values[0])?,
            mode: values.get(1).map(|m| as_string_array(m)).transpose()?,
        })
    }

    /// Arguments are checked in order: the activity is decoded, then the
    /// mode parsed.
    #[inline]
    fn update(
        input: &Input<'_>,
        row: usize,
        cache: &mut ParseCache<RetentionMode>,
        state: &mut RetentionCounts,
    ) -> Result<()> {
        if input.activity.is_null(row) || input.mode.is_some_and(|m| m.is_null(row)) {
            return Ok(());
        }
        let activity = Activity::decode(input.activity.value(row)).map_err(exec_err)?;
        let mode = match input.mode {
            None => RetentionMode::Classic,
            Some(m) => cache.get(m.value(row), RetentionMode::parse)?,
        };
        state.update(&activity, mode).map_err(exec_err)
    }

    /// The counts; NULL for a group without rows.
    fn evaluate(states: &mut [RetentionCounts]) -> Result<ArrayRef> {
        let mut out = ListBuilder::with_capacity(Int64Builder::new(), states.len());
        for s in states.iter() {
            if s.mode.is_none() {
                out.append_null();
            } else {
                out.values().append_slice(&s.counts);
                out.append(true);
            }
        }
        Ok(Arc::new(out.finish()))
    }
}
