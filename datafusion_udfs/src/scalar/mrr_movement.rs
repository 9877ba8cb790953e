//! `mrr_movement(previous_mrr, current_mrr, was_customer_before)`

use churnkit_core::scalar::mrr_movement;
use datafusion::arrow::datatypes::{BooleanType, Float64Type, Utf8Type};

use crate::common::{exec_err, Param};
use crate::udf::scalar_udf;

scalar_udf! {
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
