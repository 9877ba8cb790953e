//! Timestamps stay microseconds through casts.
//!
//! churnkit computes with microseconds, from 4714-11-24 BC to 294246 AD, as
//! Postgres does. DataFusion plans `CAST(x AS TIMESTAMP)` and
//! `x AT TIME ZONE 'UTC'` as casts to nanoseconds, whose range is only
//! 1677-09-21 .. 2262-04-11: the view SQL's idiom for a date's UTC midnight,
//! `CAST(d AS TIMESTAMP) AT TIME ZONE 'UTC'`, failed for any date before 1677
//! ("converted value exceeds the representable i64 range") while Postgres
//! computes it. This rewrite, registered with the functions,
//! turns a cast to nanoseconds of a date or of a timestamp in seconds,
//! milliseconds or microseconds into a cast to microseconds (same zone):
//! no value of those types loses precision, and none is out of range. A cast
//! of a string, a number or a nanosecond timestamp is left as DataFusion
//! plans it.

use datafusion::arrow::datatypes::{DataType, TimeUnit};
use datafusion::common::config::ConfigOptions;
use datafusion::common::tree_node::Transformed;
use datafusion::common::{DFSchema, Result};
use datafusion::logical_expr::expr::Cast;
use datafusion::logical_expr::expr_rewriter::FunctionRewrite;
use datafusion::logical_expr::{Expr, ExprSchemable};

#[derive(Debug, Default)]
pub struct MicrosecondCasts;

impl FunctionRewrite for MicrosecondCasts {
    fn name(&self) -> &str {
        "churnkit_microsecond_casts"
    }

    fn rewrite(
        &self,
        expr: Expr,
        schema: &DFSchema,
        _: &ConfigOptions,
    ) -> Result<Transformed<Expr>> {
        let Expr::Cast(Cast { expr: inner, field }) = &expr else {
            return Ok(Transformed::no(expr));
        };
        let DataType::Timestamp(TimeUnit::Nanosecond, zone) = field.data_type() else {
            return Ok(Transformed::no(expr));
        };
        // a type that cannot be resolved here (an outer reference) is left alone
        let from = match inner.get_type(schema) {
            Ok(t) => t,
            Err(_) => return Ok(Transformed::no(expr)),
        };
        let coarser = matches!(
            from,
            DataType::Date32
                | DataType::Date64
                | DataType::Timestamp(
                    TimeUnit::Second | TimeUnit::Millisecond | TimeUnit::Microsecond,
                    _
                )
        );
        if !coarser {
            return Ok(Transformed::no(expr));
        }
        let to = DataType::Timestamp(TimeUnit::Microsecond, zone.clone());
        let field = field.as_ref().clone().with_data_type(to);
        Ok(Transformed::yes(Expr::Cast(Cast::new_from_field(
            inner.clone(),
            field.into(),
        ))))
    }
}
