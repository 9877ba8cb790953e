//! `mrr_movement(previous_mrr, current_mrr, was_customer_before)`

use std::sync::Arc;

use churnkit_core::scalar::mrr_movement;
use datafusion::arrow::array::StringBuilder;
use datafusion::arrow::datatypes::DataType;
use datafusion::common::Result;
use datafusion::logical_expr::{
    ColumnarValue, Documentation, ScalarFunctionArgs, ScalarUDFImpl, Signature, Volatility,
};
use datafusion_macros::user_doc;

use crate::common::{
    all_scalar, boolean, check_arity, coerce_bool, coerce_f64, exec_err, finish, prim, Bool, F64,
};

const NAME: &str = "mrr_movement";

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
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct MrrMovementFunc {
    signature: Signature,
}

impl Default for MrrMovementFunc {
    fn default() -> Self {
        Self::new()
    }
}

impl MrrMovementFunc {
    pub fn new() -> Self {
        Self {
            signature: Signature::user_defined(Volatility::Immutable),
        }
    }
}

impl ScalarUDFImpl for MrrMovementFunc {
    fn name(&self) -> &str {
        NAME
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> Result<Vec<DataType>> {
        check_arity(NAME, arg_types, &[3], "3")?;
        Ok(vec![
            coerce_f64(NAME, "previous_mrr", &arg_types[0])?,
            coerce_f64(NAME, "current_mrr", &arg_types[1])?,
            coerce_bool(NAME, "was_customer_before", &arg_types[2])?,
        ])
    }

    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        Ok(DataType::Utf8)
    }

    // not strict: NULL MRR = 0 and NULL was_customer_before = false (core)

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let scalar = all_scalar(&args.args);
        let rows = if scalar { 1 } else { args.number_rows };
        let a = &args.args;
        let previous: F64 = prim(NAME, a, 0, rows)?;
        let current: F64 = prim(NAME, a, 1, rows)?;
        let was_customer: Bool = boolean(NAME, a, 2, rows)?;
        let mut out = StringBuilder::with_capacity(rows, rows * 8);
        for i in 0..rows {
            let m = mrr_movement(previous.get(i), current.get(i), was_customer.get(i))
                .map_err(exec_err)?;
            out.append_option(m.map(|m| m.as_str()));
        }
        finish(Arc::new(out.finish()), scalar)
    }

    fn documentation(&self) -> Option<&Documentation> {
        self.doc()
    }
}
