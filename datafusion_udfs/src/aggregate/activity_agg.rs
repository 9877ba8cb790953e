//! `activity_agg(occurred_at, granularity)` → `activity` (Binary)

use churnkit_core::agg::codec::Writer;
use std::sync::Arc;

use churnkit_core::agg::ActivityState;
use churnkit_core::time::Granularity;
use datafusion::arrow::array::{
    Array, ArrayRef, BinaryBuilder, StringArray, TimestampMicrosecondArray,
};
use datafusion::arrow::datatypes::DataType;
use datafusion::common::cast::{as_string_array, as_timestamp_microsecond_array};
use datafusion::common::Result;
use datafusion_macros::user_doc;

use super::{aggregate_udf, CoreAgg, ParseCache};
use crate::common::{exec_err, Param};

const NAME: &str = "activity_agg";

aggregate_udf! {
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
pub struct ActivityAggFunc;
    name: NAME,
    arities: &[2],
    params: &[Param::timestamp("occurred_at"), Param::string("granularity")],
    return_type: DataType::Binary,
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

    /// The activity bytes (the summary, not the state); NULL for a group
    /// without rows.
    fn evaluate(states: &mut [ActivityState]) -> Result<ArrayRef> {
        let mut out = BinaryBuilder::with_capacity(states.len(), 0);
        let mut buf = Vec::new();
        for s in states.iter() {
            match &s.activity {
                Some(a) => {
                    let mut w = Writer::with_buffer(std::mem::take(&mut buf));
                    a.encode_into(&mut w);
                    buf = w.finish();
                    out.append_value(&buf);
                }
                None => out.append_null(),
            }
        }
        Ok(Arc::new(out.finish()))
    }
}
