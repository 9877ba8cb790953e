//! `engagement_agg(occurred_at, duration_seconds, is_key_action)` → `engagement_summary` (Binary)

use churnkit_core::agg::EngagementSummary;
use datafusion::arrow::array::{
    Array, ArrayRef, BooleanArray, Float64Array, TimestampMicrosecondArray,
};
use datafusion::arrow::datatypes::DataType;
use datafusion::common::cast::{
    as_boolean_array, as_float64_array, as_timestamp_microsecond_array,
};
use datafusion::common::Result;
use datafusion_macros::user_doc;

use super::{aggregate_udf, encoded_results, CoreAgg};
use crate::common::{exec_err, Param};

const NAME: &str = "engagement_agg";

aggregate_udf! {
#[user_doc(
    doc_section(label = "churnkit Functions"),
    description = "Aggregates the events of a group (account, user ...) into an engagement summary: number of events, \
active seconds, distinct active UTC days, key actions, first and last activity. Returns the summary as Binary \
(churnkit's versioned encoding, also the aggregate's partial state); read it with active_days, active_minutes, \
key_actions, last_active_at and engagement_score(summary, period_days). Rows with a NULL occurred_at are skipped; \
a NULL duration counts as 0 seconds and a NULL is_key_action as false. NULL for a group without rows. \
Errors on a negative or non-finite duration.",
    syntax_example = "engagement_agg(occurred_at, duration_seconds, is_key_action)",
    sql_example = r#"```sql
> SELECT active_days(s) AS days, active_minutes(s) AS minutes, key_actions(s) AS key_actions,
         last_active_at(s) AS last_active, engagement_score(s, 30) AS score
  FROM (SELECT engagement_agg(ts, secs, key) AS s FROM (VALUES
        ('2024-01-01T09:00:00Z', 600.0, true), ('2024-01-01T15:00:00Z', 300.0, false),
        ('2024-01-03T10:00:00Z', NULL, NULL)) AS e(ts, secs, key));
+------+---------+-------------+----------------------+-------------+
| days | minutes | key_actions | last_active          | score       |
+------+---------+-------------+----------------------+-------------+
| 2    | 15.0    | 1           | 2024-01-03T10:00:00Z | 6.833333333 |
+------+---------+-------------+----------------------+-------------+
```"#,
    argument(
        name = "occurred_at",
        description = "When the event happened (timestamp, date or timestamp string)."
    ),
    argument(
        name = "duration_seconds",
        description = "Active time the event stands for, in seconds (>= 0; NULL = 0)."
    ),
    argument(
        name = "is_key_action",
        description = "Whether the event is a key action (NULL = false)."
    )
)]
pub struct EngagementAggFunc;
    name: NAME,
    arities: &[3],
    params: &[
        Param::timestamp("occurred_at"),
        Param::f64("duration_seconds"),
        Param::boolean("is_key_action"),
    ],
    return_type: DataType::Binary,
}

pub(crate) struct Input<'a> {
    ts: &'a TimestampMicrosecondArray,
    duration: &'a Float64Array,
    key: &'a BooleanArray,
}

impl CoreAgg for EngagementAggFunc {
    const NAME: &'static str = NAME;
    type State = EngagementSummary;
    type Cache = ();
    type Input<'a> = Input<'a>;

    fn input(values: &[ArrayRef]) -> Result<Input<'_>> {
        Ok(Input {
            ts: as_timestamp_microsecond_array(&values[0])?,
            duration: as_float64_array(&values[1])?,
            key: as_boolean_array(&values[2])?,
        })
    }

    #[inline]
    fn update(
        input: &Input<'_>,
        row: usize,
        _cache: &mut (),
        state: &mut EngagementSummary,
    ) -> Result<()> {
        if input.ts.is_null(row) {
            return Ok(());
        }
        let duration = if input.duration.is_null(row) {
            None
        } else {
            Some(input.duration.value(row))
        };
        let key = if input.key.is_null(row) {
            None
        } else {
            Some(input.key.value(row))
        };
        state
            .update(input.ts.value(row), duration, key)
            .map_err(exec_err)
    }

    /// The summary bytes; NULL for a group without rows.
    fn evaluate(states: &mut [EngagementSummary]) -> Result<ArrayRef> {
        Ok(encoded_results(states))
    }
}
