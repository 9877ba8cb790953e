//! `mrr_movement(previous_mrr, current_mrr, was_customer_before)`

use churnkit_core::scalar::mrr_movement;
use datafusion::arrow::datatypes::{BooleanType, Float64Type, Utf8Type};
use datafusion_macros::user_doc;

use crate::common::{exec_err, Param};
use crate::udf::scalar_udf;

scalar_udf! {
#[user_doc(
    doc_section(label = "churnkit Functions"),
    description = "ChartMogul-style classification of a month's MRR change: 'new' or 'reactivation' (from 0, depending on \
was_customer_before), 'expansion', 'contraction', 'churn' (to 0) or 'retained'; NULL when both MRRs are 0. \
A NULL MRR counts as 0 (no subscription that month, so lag(mrr) OVER (...) works on the first month) and a NULL \
was_customer_before as false. Errors on a negative or non-finite MRR.",
    syntax_example = "mrr_movement(previous_mrr, current_mrr, was_customer_before)",
    sql_example = r#"```sql
> SELECT mrr_movement(NULL, 100, false) AS a, mrr_movement(100, 150, true) AS b,
         mrr_movement(100, 0, true) AS c, mrr_movement(0, 80, true) AS d;
+-----+-----------+-------+--------------+
| a   | b         | c     | d            |
+-----+-----------+-------+--------------+
| new | expansion | churn | reactivation |
+-----+-----------+-------+--------------+
```"#,
    argument(
        name = "previous_mrr",
        description = "MRR of the previous month (NULL = 0)."
    ),
    argument(name = "current_mrr", description = "MRR of this month (NULL = 0)."),
    argument(
        name = "was_customer_before",
        description = "Whether the account paid in any earlier month (NULL = false)."
    )
)]
pub struct MrrMovementFunc;
    name: "mrr_movement",
    arities: &[3],
    params: &[
        Param::f64("previous_mrr"),
        Param::f64("current_mrr"),
        Param::boolean("was_customer_before"),
    ],
    returns: Utf8Type,
    // NULLs have meanings of their own (core decides)
    strict: false,
    invoke: |rows| {
        let previous = rows.arg::<Float64Type>(0)?;
        let current = rows.arg::<Float64Type>(1)?;
        let was_customer = rows.arg::<BooleanType>(2)?;
        rows.map::<Utf8Type>(|i| {
            let m = mrr_movement(previous.get(i), current.get(i), was_customer.get(i))
                .map_err(exec_err)?;
            Ok(m.map(|m| m.as_str()))
        })
    },
}
