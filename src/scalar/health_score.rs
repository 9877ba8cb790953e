//! `churnkit.health_score(scores float8[], weights float8[])`.

use crate::array::ArrayArg;
use crate::error::{check, raise};
use pgrx::prelude::*;
use std::cell::RefCell;

const F: &str = "health_score";

/// The elements of `scores` and `weights`.
type Elements = (Vec<Option<f64>>, Vec<Option<f64>>);

thread_local! {
    /// Reused element buffers: no allocation per row once warm.
    static BUF: RefCell<Elements> = const { RefCell::new((Vec::new(), Vec::new())) };
}

/// Weighted mean of the present scores. NULL elements of `scores` are missing
/// measures; every other rule is core's. A multi-dimensional array is an
/// error (naming the argument); other lower bounds than 1 are accepted.
#[pg_extern(immutable, strict, parallel_safe)]
fn health_score(scores: ArrayArg<'_, f64>, weights: ArrayArg<'_, f64>) -> Option<f64> {
    if let Err(e) = scores
        .one_dimensional(F, "scores")
        .and_then(|_| weights.one_dimensional(F, "weights"))
    {
        raise(&e);
    }
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
