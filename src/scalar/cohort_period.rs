//! `churnkit.cohort_period(cohort_start, ts, granularity [, time_zone])`.

use crate::cache::{str_memo, StrMemo};
use crate::error::check;
use crate::scalar::to_core_ts;
use churnkit_core::scalar::cohort_period as core_period;
use churnkit_core::time::{Granularity, Zone};
use pgrx::prelude::*;
use std::cell::RefCell;

const F: &str = "cohort_period";

thread_local! {
    static ZONE: RefCell<StrMemo<1, Zone>> = RefCell::new(StrMemo::new());
}

/// `Granularity::parse` is a few case-insensitive comparisons that allocate
/// nothing on success: cheaper than a cache lookup.
fn parse_granularity(s: &str) -> Granularity {
    check(Granularity::parse(F, "granularity", s))
}

/// Calendar periods between the UTC periods of `cohort_start` and `ts`.
#[pg_extern(immutable, strict, parallel_safe)]
fn cohort_period(
    cohort_start: TimestampWithTimeZone,
    ts: TimestampWithTimeZone,
    granularity: &str,
) -> i32 {
    let g = parse_granularity(granularity);
    check(core_period(
        to_core_ts(cohort_start),
        to_core_ts(ts),
        g,
        Zone::Utc,
    ))
}

/// The same, on the wall clock of `time_zone` (an IANA name).
#[pg_extern(name = "cohort_period", stable, strict, parallel_safe)]
fn cohort_period_in_zone(
    cohort_start: TimestampWithTimeZone,
    ts: TimestampWithTimeZone,
    granularity: &str,
    time_zone: &str,
) -> i32 {
    let g = parse_granularity(granularity);
    let zone = check(str_memo(&ZONE, [time_zone], || {
        Zone::parse(F, "time_zone", time_zone)
    }));
    check(core_period(
        to_core_ts(cohort_start),
        to_core_ts(ts),
        g,
        zone,
    ))
}
