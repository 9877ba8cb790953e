//! `retention(conditions)` → `List<Int32>` (ClickHouse `retention()`)

use std::sync::Arc;

use churnkit_core::agg::RetentionState;
use datafusion::arrow::array::{ArrayRef, Int32Builder, ListBuilder};
use datafusion::arrow::datatypes::{DataType, Field};
use datafusion::common::Result;
use datafusion_macros::user_doc;

use super::{aggregate_udf, BoolLists, CoreAgg};
use crate::common::{exec_err, Param};

const NAME: &str = "retention";

aggregate_udf! {
#[user_doc(
    doc_section(label = "churnkit Functions"),
    description = "ClickHouse retention(): given on each row an array of conditions c1..cn (1 to 32, the same number \
on every row), returns an array r of n integers with r[1] = 1 when c1 held on some row, and r[k] = 1 when c1 held on \
some row and ck held on some row (0 otherwise). Rows with a NULL array are skipped; NULL elements count as false. \
NULL for a group without rows (ClickHouse returns zeros for its empty aggregate). Errors on an empty array, more than \
32 conditions or arrays of different lengths in one group.",
    syntax_example = "retention(conditions)",
    sql_example = r#"```sql
> SELECT user_id, retention([day = 1, day = 2, day = 7]) AS r
  FROM (VALUES (1, 1), (1, 2), (2, 1), (2, 7), (3, 2)) AS e(user_id, day)
  GROUP BY user_id ORDER BY user_id;
+---------+-----------+
| user_id | r         |
+---------+-----------+
| 1       | [1, 1, 0] |
| 2       | [1, 0, 1] |
| 3       | [0, 0, 0] |
+---------+-----------+
```"#,
    argument(
        name = "conditions",
        description = "Array of booleans: the conditions this row satisfies."
    )
)]
pub struct RetentionFunc;
    name: NAME,
    arities: &[1],
    params: &[Param::bool_list("conditions")],
    return_type: DataType::List(Arc::new(Field::new_list_field(DataType::Int32, true))),
}

impl CoreAgg for RetentionFunc {
    const NAME: &'static str = NAME;
    type State = RetentionState;
    type Cache = ();
    type Input<'a> = BoolLists<'a>;

    fn input(values: &[ArrayRef]) -> Result<BoolLists<'_>> {
        BoolLists::new(NAME, &values[0])
    }

    #[inline]
    fn update(
        input: &BoolLists<'_>,
        row: usize,
        _cache: &mut (),
        state: &mut RetentionState,
    ) -> Result<()> {
        match input.row(row) {
            None => Ok(()),
            Some((conditions, len)) => state.update(conditions, len).map_err(exec_err),
        }
    }

    /// The flags; NULL for a group without rows.
    fn evaluate(states: &mut [RetentionState]) -> Result<ArrayRef> {
        let mut out = ListBuilder::with_capacity(Int32Builder::new(), states.len());
        for s in states.iter() {
            if s.n == 0 {
                out.append_null();
            } else {
                out.values().append_slice(&s.finish());
                out.append(true);
            }
        }
        Ok(Arc::new(out.finish()))
    }
}
