//! `churnkit.business_hours_between(start, "end", time_zone 'UTC',
//! day_start '09:00', day_end '17:00')`.

use crate::cache::{str_memo, StrMemo};
use crate::error::check;
use crate::scalar::{const_str_eq, to_core_ts};
use churnkit_core::scalar::business_hours_between::{DEFAULT_DAY_END, DEFAULT_DAY_START};
use churnkit_core::scalar::{business_hours_between as core_hours, WorkingHours};
use pgrx::prelude::*;
use std::cell::RefCell;

thread_local! {
    static HOURS: RefCell<StrMemo<3, WorkingHours>> = RefCell::new(StrMemo::new());
}

#[pg_extern(stable, strict, parallel_safe)]
fn business_hours_between(
    start: TimestampWithTimeZone,
    end: TimestampWithTimeZone,
    time_zone: default!(&str, "'UTC'"),
    day_start: default!(&str, "'09:00'"),
    day_end: default!(&str, "'17:00'"),
) -> f64 {
    let w = check(str_memo(&HOURS, [time_zone, day_start, day_end], || {
        WorkingHours::parse(time_zone, day_start, day_end)
    }));
    check(core_hours(to_core_ts(start), to_core_ts(end), &w))
}

// The SQL defaults above are literals (pgrx needs them at macro time): pin
// them to core's constants.
const _: () =
    assert!(const_str_eq(DEFAULT_DAY_START, "09:00") && const_str_eq(DEFAULT_DAY_END, "17:00"));
