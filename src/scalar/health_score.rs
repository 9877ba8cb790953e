//! `churnkit.health_score(scores float8[], weights float8[])`.

use crate::error::check;
use pgrx::prelude::*;
use std::cell::RefCell;

/// The elements of `scores` and `weights`.
type Elements = (Vec<Option<f64>>, Vec<Option<f64>>);

thread_local! {
    /// Reused element buffers: no allocation per row once warm.
    static BUF: RefCell<Elements> = const { RefCell::new((Vec::new(), Vec::new())) };
}

/// Weighted mean of the present scores. NULL elements of `scores` are missing
/// measures; every other rule is core's. Multi-dimensional arrays are read
/// in storage order (flattened), as Postgres array functions do.
#[pg_extern(immutable, strict, parallel_safe)]
fn health_score(scores: Array<'_, f64>, weights: Array<'_, f64>) -> Option<f64> {
    let result = BUF.with(|buf| match buf.try_borrow_mut() {
        Ok(mut buf) => {
            let (s, w) = &mut *buf;
            s.clear();
            s.extend(scores.iter());
            w.clear();
            w.extend(weights.iter());
            churnkit_core::scalar::health_score(s, w)
        }
        // not reachable (no re-entry), but never panic
        Err(_) => {
            let s: Vec<Option<f64>> = scores.iter().collect();
            let w: Vec<Option<f64>> = weights.iter().collect();
            churnkit_core::scalar::health_score(&s, &w)
        }
    });
    check(result)
}
