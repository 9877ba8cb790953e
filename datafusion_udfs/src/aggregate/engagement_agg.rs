//! `engagement_agg(occurred_at, duration_seconds, is_key_action)` → `engagement_summary` (Binary)

use churnkit_core::agg::codec::Writer;
use churnkit_core::agg::EngagementSummary;
use datafusion::arrow::array::{
    Array, ArrayRef, BooleanArray, Float64Array, TimestampMicrosecondArray,
};
use datafusion::arrow::datatypes::DataType;
use datafusion::common::cast::{
    as_boolean_array, as_float64_array, as_timestamp_microsecond_array,
};
use datafusion::common::Result;
use datafusion::logical_expr::{AggregateUDFImpl, Signature, Volatility};
use datafusion_macros::user_doc;

use super::{core_aggregate_methods, encoded_results, CoreAgg};
use crate::common::{check_arity, coerce_bool, coerce_f64, coerce_timestamp, exec_err};

const NAME: &str = "engagement_agg";

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
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct EngagementAggFunc {
    signature: Signature,
}

impl Default for EngagementAggFunc {
    fn default() -> Self {
        Self::new()
    }
}

impl EngagementAggFunc {
    pub fn new() -> Self {
        Self {
            signature: Signature::user_defined(Volatility::Immutable),
        }
    }
}

impl AggregateUDFImpl for EngagementAggFunc {
    fn name(&self) -> &str {
        NAME
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> Result<Vec<DataType>> {
        check_arity(NAME, arg_types, &[3], "3")?;
        Ok(vec![
            coerce_timestamp(NAME, "occurred_at", &arg_types[0])?,
            coerce_f64(NAME, "duration_seconds", &arg_types[1])?,
            coerce_bool(NAME, "is_key_action", &arg_types[2])?,
        ])
    }

    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        Ok(DataType::Binary)
    }

    core_aggregate_methods!();
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

    fn merge(state: &mut EngagementSummary, encoded: &[u8]) -> Result<()> {
        let other = EngagementSummary::decode(encoded).map_err(exec_err)?;
        if state.events == 0 {
            *state = other;
        } else {
            state.merge(&other).map_err(exec_err)?;
        }
        Ok(())
    }

    fn encode(state: &EngagementSummary, buf: &mut Vec<u8>) -> bool {
        if state.events == 0 {
            return false;
        }
        let mut w = Writer::with_buffer(std::mem::take(buf));
        state.encode_into(&mut w);
        *buf = w.finish();
        true
    }

    fn heap_size(state: &EngagementSummary) -> usize {
        state.days.len() * size_of::<i64>()
    }

    /// The summary bytes; NULL for a group without rows.
    fn evaluate(states: &mut [EngagementSummary]) -> Result<ArrayRef> {
        Ok(encoded_results::<Self>(states))
    }
}
