//! `activity_agg(occurred_at, granularity)` → `activity` (Binary)

use churnkit_core::agg::codec::Writer;
use churnkit_core::agg::{Activity, ActivityState};
use churnkit_core::time::Granularity;
use datafusion::arrow::array::{Array, ArrayRef, StringArray, TimestampMicrosecondArray};
use datafusion::arrow::datatypes::DataType;
use datafusion::common::cast::{as_string_array, as_timestamp_microsecond_array};
use datafusion::common::Result;
use datafusion::logical_expr::{AggregateUDFImpl, Signature, Volatility};
use datafusion_macros::user_doc;

use super::{core_aggregate_methods, encoded_results, CoreAgg, ParseCache};
use crate::common::{check_arity, coerce_string, coerce_timestamp, exec_err};

const NAME: &str = "activity_agg";

#[user_doc(
    doc_section(label = "churnkit Functions"),
    description = "Aggregates the events of one customer into an activity: the calendar periods ('day', 'week' (ISO, \
starting Monday), 'month', 'quarter' or 'year', in UTC) in which the customer was active. Returns Binary (churnkit's \
versioned encoding, also the partial state); read it with cohort_start, is_active and lifecycle_state, or aggregate \
the activities of a cohort with retention_counts. Rows with a NULL occurred_at or granularity are skipped. \
NULL for a group without rows. Errors on an unknown granularity, or when the rows of a group name different granularities.",
    syntax_example = "activity_agg(occurred_at, granularity)",
    sql_example = r#"```sql
> SELECT cohort_start(a) AS cohort, is_active(a, 1) AS active_month_1, is_active(a, 2) AS active_month_2,
         lifecycle_state(a, '2024-03-01') AS march
  FROM (SELECT activity_agg(ts, 'month') AS a FROM (VALUES
        ('2024-01-15T10:00:00Z'), ('2024-01-20T10:00:00Z'), ('2024-03-02T10:00:00Z')) AS e(ts));
+----------------------+----------------+----------------+--------------+
| cohort               | active_month_1 | active_month_2 | march        |
+----------------------+----------------+----------------+--------------+
| 2024-01-01T00:00:00Z | false          | true           | resurrecting |
+----------------------+----------------+----------------+--------------+
```"#,
    argument(
        name = "occurred_at",
        description = "When the customer was active (timestamp, date or timestamp string)."
    ),
    argument(
        name = "granularity",
        description = "'day', 'week', 'month', 'quarter' or 'year' (case-insensitive); the same on every row of a group."
    )
)]
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct ActivityAggFunc {
    signature: Signature,
}

impl Default for ActivityAggFunc {
    fn default() -> Self {
        Self::new()
    }
}

impl ActivityAggFunc {
    pub fn new() -> Self {
        Self {
            signature: Signature::user_defined(Volatility::Immutable),
        }
    }
}

impl AggregateUDFImpl for ActivityAggFunc {
    fn name(&self) -> &str {
        NAME
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> Result<Vec<DataType>> {
        check_arity(NAME, arg_types, &[2], "2")?;
        Ok(vec![
            coerce_timestamp(NAME, "occurred_at", &arg_types[0])?,
            coerce_string(NAME, "granularity", &arg_types[1])?,
        ])
    }

    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        Ok(DataType::Binary)
    }

    core_aggregate_methods!();
}

pub(crate) struct Input<'a> {
    ts: &'a TimestampMicrosecondArray,
    granularity: &'a StringArray,
}

impl CoreAgg for ActivityAggFunc {
    const NAME: &'static str = NAME;
    type State = ActivityState;
    type Cache = ParseCache<Granularity>;
    type Input<'a> = Input<'a>;

    fn input(values: &[ArrayRef]) -> Result<Input<'_>> {
        Ok(Input {
            ts: as_timestamp_microsecond_array(&values[0])?,
            granularity: as_string_array(&values[1])?,
        })
    }

    #[inline]
    fn update(
        input: &Input<'_>,
        row: usize,
        cache: &mut ParseCache<Granularity>,
        state: &mut ActivityState,
    ) -> Result<()> {
        if input.ts.is_null(row) || input.granularity.is_null(row) {
            return Ok(());
        }
        let g = cache.get(input.granularity.value(row), |s| {
            Granularity::parse(NAME, "granularity", s)
        })?;
        state.update(input.ts.value(row), g).map_err(exec_err)
    }

    fn merge(state: &mut ActivityState, encoded: &[u8]) -> Result<()> {
        let other = Activity::decode(encoded).map_err(exec_err)?;
        if state.activity.is_none() {
            state.activity = Some(other);
            Ok(())
        } else {
            state.merge(&ActivityState::from(other)).map_err(exec_err)
        }
    }

    fn encode(state: &ActivityState, buf: &mut Vec<u8>) -> bool {
        let Some(a) = &state.activity else {
            return false;
        };
        let mut w = Writer::with_buffer(std::mem::take(buf));
        a.encode_into(&mut w);
        *buf = w.finish();
        true
    }

    fn heap_size(state: &ActivityState) -> usize {
        state
            .activity
            .as_ref()
            .map_or(0, |a| a.periods.len() * size_of::<i64>())
    }

    /// The activity bytes; NULL for a group without rows.
    fn evaluate(states: &mut [ActivityState]) -> Result<ArrayRef> {
        Ok(encoded_results::<Self>(states))
    }
}
