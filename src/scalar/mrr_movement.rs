//! `churnkit.mrr_movement(previous_mrr, current_mrr, was_customer_before)`:
//! NOT strict; core treats NULL MRR as 0 and NULL was_customer_before as false.

use crate::error::check;
use pgrx::prelude::*;

#[pg_extern(immutable, parallel_safe)]
fn mrr_movement(
    previous_mrr: Option<f64>,
    current_mrr: Option<f64>,
    was_customer_before: Option<bool>,
) -> Option<&'static str> {
    check(churnkit_core::scalar::mrr_movement(
        previous_mrr,
        current_mrr,
        was_customer_before,
    ))
    .map(|m| m.as_str())
}
