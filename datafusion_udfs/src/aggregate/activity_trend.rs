//! `activity_trend(occurred_at, as_of, window_days)` → `Float64`

use std::sync::Arc;

use churnkit_core::agg::TrendState;
use datafusion::arrow::array::{
    Array, ArrayRef, Float64Array, Int32Array, TimestampMicrosecondArray,
};
use datafusion::arrow::datatypes::DataType;
use datafusion::common::cast::{as_int32_array, as_timestamp_microsecond_array};
use datafusion::common::Result;
use datafusion_macros::user_doc;

use super::{aggregate_udf, CoreAgg};
use crate::common::{exec_err, Param};

const NAME: &str = "activity_trend";

aggregate_udf! {
#[user_doc(
    doc_section(label = "churnkit Functions"),
    description = "Trend of a group's activity before as_of: (recent - prior) / prior, where recent counts the events \
in the window_days days before as_of and prior those in the window_days days before that (events at or after as_of, \
or older than two windows, are not counted). -1 means activity stopped, 0 steady, 0.5 up 50 %. NULL when the prior \
window has no events (and for a group without rows). Rows with any NULL argument are skipped. \
Errors when window_days is not greater than 0.",
    syntax_example = "activity_trend(occurred_at, as_of, window_days)",
    sql_example = r#"```sql
> SELECT activity_trend(ts, '2024-03-01', 30) AS trend
  FROM (VALUES ('2024-01-10'), ('2024-01-15'), ('2024-01-20'), ('2024-01-25'), ('2024-02-10')) AS e(ts);
+-------+
| trend |
+-------+
| -0.75 |
+-------+
```"#,
    argument(
        name = "occurred_at",
        description = "When the event happened (timestamp, date or timestamp string)."
    ),
    argument(name = "as_of", description = "End (exclusive) of the recent window."),
    argument(
        name = "window_days",
        description = "Length of each of the two windows, in days (> 0)."
    )
)]
pub struct ActivityTrendFunc;
    name: NAME,
    arities: &[3],
    params: &[
        Param::timestamp("occurred_at"),
        Param::timestamp("as_of"),
        Param::i32("window_days"),
    ],
    return_type: DataType::Float64,
}

pub(crate) struct Input<'a> {
    ts: &'a TimestampMicrosecondArray,
    as_of: &'a TimestampMicrosecondArray,
    window_days: &'a Int32Array,
}

impl CoreAgg for ActivityTrendFunc {
    const NAME: &'static str = NAME;
    type State = TrendState;
    type Cache = ();
    type Input<'a> = Input<'a>;

    fn input(values: &[ArrayRef]) -> Result<Input<'_>> {
        Ok(Input {
            ts: as_timestamp_microsecond_array(&values[0])?,
            as_of: as_timestamp_microsecond_array(&values[1])?,
            window_days: as_int32_array(&values[2])?,
        })
    }

    #[inline]
    fn update(
        input: &Input<'_>,
        row: usize,
        _cache: &mut (),
        state: &mut TrendState,
    ) -> Result<()> {
        if input.ts.is_null(row) || input.as_of.is_null(row) || input.window_days.is_null(row) {
            return Ok(());
        }
        state
            .update(
                input.ts.value(row),
                input.as_of.value(row),
                input.window_days.value(row) as i64,
            )
            .map_err(exec_err)
    }

    /// NULL when the prior window has no events.
    fn evaluate(states: &mut [TrendState]) -> Result<ArrayRef> {
        Ok(Arc::new(
            states.iter().map(|s| s.finish()).collect::<Float64Array>(),
        ))
    }
}
