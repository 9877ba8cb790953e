//! `business_hours_between`: working hours (Monday–Friday, day_start to
//! day_end on the local wall clock) between two instants, for support SLAs.

use crate::error::{ChurnError, Result};
use crate::time::{
    check_timestamp, day_number, week_number, weekday, Zone, MICROS_PER_DAY, MICROS_PER_HOUR,
    MICROS_PER_MINUTE, MICROS_PER_SECOND,
};

const F: &str = "business_hours_between";

pub const DEFAULT_DAY_START: &str = "09:00";
pub const DEFAULT_DAY_END: &str = "17:00";

/// Parse a time of day `HH:MM` or `HH:MM:SS` (00:00 to 24:00) into µs after
/// midnight.
pub fn parse_time_of_day(argument: &'static str, s: &str) -> Result<i64> {
    let bad = || {
        ChurnError::new(
            F,
            argument,
            format!(
                "'{s}' is not a time of day (expected HH:MM or HH:MM:SS between 00:00 and 24:00)"
            ),
        )
    };
    let parts: Vec<&str> = s.trim().split(':').collect();
    if parts.len() < 2 || parts.len() > 3 {
        return Err(bad());
    }
    let num = |p: &str, max: i64| -> Result<i64> {
        if p.is_empty() || p.len() > 2 || !p.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let v: i64 = p.parse().map_err(|_| bad())?;
        if v > max {
            Err(bad())
        } else {
            Ok(v)
        }
    };
    let h = num(parts[0], 24)?;
    let m = num(parts[1], 59)?;
    let sec = if parts.len() == 3 {
        num(parts[2], 59)?
    } else {
        0
    };
    let t = h * MICROS_PER_HOUR + m * MICROS_PER_MINUTE + sec * MICROS_PER_SECOND;
    if t > MICROS_PER_DAY {
        return Err(bad());
    }
    Ok(t)
}

/// The working day: a zone and the local hours of a working day.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WorkingHours {
    zone: Zone,
    day_start: i64,
    day_end: i64,
}

impl Default for WorkingHours {
    fn default() -> Self {
        WorkingHours {
            zone: Zone::Utc,
            day_start: 9 * MICROS_PER_HOUR,
            day_end: 17 * MICROS_PER_HOUR,
        }
    }
}

impl WorkingHours {
    pub fn new(zone: Zone, day_start: &str, day_end: &str) -> Result<Self> {
        let s = parse_time_of_day("day_start", day_start)?;
        let e = parse_time_of_day("day_end", day_end)?;
        if e <= s {
            return Err(ChurnError::new(
                F,
                "day_end",
                format!("'{day_end}' is not after day_start '{day_start}'"),
            ));
        }
        Ok(WorkingHours {
            zone,
            day_start: s,
            day_end: e,
        })
    }

    pub fn parse(time_zone: &str, day_start: &str, day_end: &str) -> Result<Self> {
        Self::new(Zone::parse(F, "time_zone", time_zone)?, day_start, day_end)
    }

    /// Working µs from a fixed origin up to the wall-clock instant `t`.
    fn cumulative(&self, t: i64) -> i128 {
        let len = (self.day_end - self.day_start) as i128;
        let day = day_number(t);
        let tod = t.rem_euclid(MICROS_PER_DAY);
        let wd = weekday(day);
        let in_week = wd.min(5) as i128 * len
            + if wd < 5 {
                (tod.clamp(self.day_start, self.day_end) - self.day_start) as i128
            } else {
                0
            };
        week_number(day) as i128 * 5 * len + in_week
    }
}

/// `t` on the wall clock of a zone whose offset is `offset` µs.
fn local(t: i64, offset: i64) -> Result<i64> {
    t.checked_add(offset)
        .ok_or_else(|| ChurnError::new(F, "end", "timestamp out of range".to_string()))
}

/// Hours inside Monday–Friday working hours between `start` and `end`
/// (µs since 1970 UTC), counted on the local wall clock of the zone.
/// `end` before `start` is an error. Public holidays are not excluded.
/// Not rounded: an SLA check such as `<= 2` must see 2 h + 1 µs as late.
pub fn business_hours_between(start: i64, end: i64, w: &WorkingHours) -> Result<f64> {
    let start = check_timestamp(F, "start", start)?;
    let end = check_timestamp(F, "end", end)?;
    if end < start {
        return Err(ChurnError::new(F, "end", "is before start".to_string()));
    }
    // Elapsed time, not wall-clock time: between two changes of the zone's
    // offset, local time is UTC shifted by one offset, and the working time
    // of that stretch is its wall-clock working time. A DST change inside
    // the working window counts as the real hour it is (23 or 25 hours in
    // a 00:00-24:00 day), not as the hour the clock skips or repeats.
    let mut micros: i128 = 0;
    let mut t = start;
    let mut offset = w.zone.offset_at(F, "start", t)?;
    while t < end {
        let next = w.zone.next_change(F, "end", t, offset, end)?;
        micros += w.cumulative(local(next, offset)?) - w.cumulative(local(t, offset)?);
        t = next;
        offset = w.zone.offset_at(F, "end", t)?;
    }
    Ok(micros as f64 / MICROS_PER_HOUR as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::days_from_civil;

    fn at(y: i64, m: u32, d: u32, h: i64, min: i64) -> i64 {
        days_from_civil(y, m, d) * MICROS_PER_DAY + h * MICROS_PER_HOUR + min * MICROS_PER_MINUTE
    }

    fn bh(a: i64, b: i64) -> f64 {
        business_hours_between(a, b, &WorkingHours::default()).unwrap()
    }

    #[test]
    fn within_and_across_days() {
        // Monday 2024-01-08
        assert_eq!(bh(at(2024, 1, 8, 10, 0), at(2024, 1, 8, 12, 30)), 2.5);
        assert_eq!(bh(at(2024, 1, 8, 7, 0), at(2024, 1, 8, 20, 0)), 8.0);
        assert_eq!(bh(at(2024, 1, 8, 16, 0), at(2024, 1, 9, 10, 0)), 2.0);
        // Friday 16:00 -> Monday 10:00 = 1 + 1
        assert_eq!(bh(at(2024, 1, 12, 16, 0), at(2024, 1, 15, 10, 0)), 2.0);
        // a weekend alone
        assert_eq!(bh(at(2024, 1, 13, 9, 0), at(2024, 1, 14, 17, 0)), 0.0);
        // two full weeks
        assert_eq!(bh(at(2024, 1, 8, 0, 0), at(2024, 1, 22, 0, 0)), 80.0);
        assert_eq!(bh(at(2024, 1, 8, 10, 0), at(2024, 1, 8, 10, 0)), 0.0);
    }

    #[test]
    fn zones_and_custom_hours() {
        // 2024-01-08 14:00 UTC = 09:00 in New York; 22:00 UTC = 17:00
        let w = WorkingHours::parse("America/New_York", "09:00", "17:00").unwrap();
        assert_eq!(
            business_hours_between(at(2024, 1, 8, 13, 0), at(2024, 1, 8, 23, 0), &w).unwrap(),
            8.0
        );
        let w = WorkingHours::parse("UTC", "08:30", "12:00").unwrap();
        assert_eq!(
            business_hours_between(at(2024, 1, 8, 0, 0), at(2024, 1, 9, 0, 0), &w).unwrap(),
            3.5
        );
        let w = WorkingHours::parse("UTC", "00:00", "24:00").unwrap();
        assert_eq!(
            business_hours_between(at(2024, 1, 8, 0, 0), at(2024, 1, 15, 0, 0), &w).unwrap(),
            120.0
        );
    }

    #[test]
    fn errors() {
        assert_eq!(
            business_hours_between(2, 1, &WorkingHours::default())
                .unwrap_err()
                .to_string(),
            "business_hours_between: invalid end: is before start"
        );
        assert_eq!(
            WorkingHours::parse("UTC", "17:00", "09:00")
                .unwrap_err()
                .to_string(),
            "business_hours_between: invalid day_end: '09:00' is not after day_start '17:00'"
        );
        assert_eq!(WorkingHours::parse("UTC", "9am", "17:00").unwrap_err().to_string(), "business_hours_between: invalid day_start: '9am' is not a time of day (expected HH:MM or HH:MM:SS between 00:00 and 24:00)");
        assert_eq!(
            WorkingHours::parse("UTC", "09:00", "24:01")
                .unwrap_err()
                .argument,
            "day_end"
        );
        assert_eq!(
            WorkingHours::parse("UTC", "09:60", "10:00")
                .unwrap_err()
                .argument,
            "day_start"
        );
        assert_eq!(
            WorkingHours::parse("Nowhere/City", "09:00", "10:00")
                .unwrap_err()
                .argument,
            "time_zone"
        );
    }

    #[test]
    fn extremes() {
        use crate::time::{MAX_TIMESTAMP, MIN_TIMESTAMP};
        let h = bh(MIN_TIMESTAMP, MAX_TIMESTAMP);
        assert!(h.is_finite() && h > 0.0);
        let w = WorkingHours::parse("Europe/Berlin", "09:00", "17:00").unwrap();
        // the whole range, in a zone too (beyond the zone library's years)
        let hb = business_hours_between(MIN_TIMESTAMP, MAX_TIMESTAMP, &w).unwrap();
        assert!(hb.is_finite() && hb > 0.0);
        // ±infinity: the same error with or without a time zone
        for w in [WorkingHours::default(), w] {
            for (a, b, arg) in [(i64::MIN, 0, "start"), (0, i64::MAX, "end")] {
                let e = business_hours_between(a, b, &w).unwrap_err();
                assert_eq!(e.kind, crate::ErrorKind::DatetimeOverflow);
                assert_eq!(e.argument, arg);
            }
        }
    }
}

#[cfg(test)]
mod dst {
    use super::*;
    use crate::time::days_from_civil;

    fn utc(y: i64, m: u32, d: u32, h: i64) -> i64 {
        days_from_civil(y, m, d) * MICROS_PER_DAY + h * MICROS_PER_HOUR
    }

    fn hours(zone: &str, from: &str, to: &str, a: i64, b: i64) -> f64 {
        business_hours_between(a, b, &WorkingHours::parse(zone, from, to).unwrap()).unwrap()
    }

    /// A DST change inside the working window is the real hour it is: in
    /// Cairo, clocks went from 00:00 to 01:00 on Friday 2023-04-28 (UTC+2 to
    /// UTC+3), so that 00:00–24:00 working day had 23 hours; on Thursday
    /// 2023-10-26, 24:00 went back to 23:00, a day of 25 hours.
    #[test]
    fn a_change_inside_the_working_window() {
        // 2023-04-28 00:00 local (UTC+2) = 04-27 22:00 UTC; 04-29 00:00 local (UTC+3) = 04-28 21:00 UTC
        assert_eq!(
            hours(
                "Africa/Cairo",
                "00:00",
                "24:00",
                utc(2023, 4, 27, 22),
                utc(2023, 4, 28, 21)
            ),
            23.0
        );
        // the same 23 real hours, counted across the whole week
        assert_eq!(
            hours(
                "Africa/Cairo",
                "00:00",
                "24:00",
                utc(2023, 4, 23, 0),
                utc(2023, 4, 30, 0)
            ),
            119.0
        );
        // 2023-10-26 00:00 local (UTC+3) = 10-25 21:00 UTC; 10-27 00:00 local (UTC+2) = 10-26 22:00 UTC
        assert_eq!(
            hours(
                "Africa/Cairo",
                "00:00",
                "24:00",
                utc(2023, 10, 25, 21),
                utc(2023, 10, 26, 22)
            ),
            25.0
        );
        // a window the change does not touch: 09:00-17:00 stays 8 hours
        assert_eq!(
            hours(
                "Africa/Cairo",
                "09:00",
                "17:00",
                utc(2023, 4, 27, 22),
                utc(2023, 4, 28, 21)
            ),
            8.0
        );
    }

    /// Changes outside the working window change nothing (New York, 02:00).
    #[test]
    fn a_change_outside_the_working_window() {
        // Monday 2024-03-11 after the Sunday change: 09-17 EDT = 13-21 UTC
        assert_eq!(
            hours(
                "America/New_York",
                "09:00",
                "17:00",
                utc(2024, 3, 8, 0),
                utc(2024, 3, 12, 0)
            ),
            16.0
        );
        // the week of the change, in a zone that changes at 02:00
        assert_eq!(
            hours(
                "Europe/Berlin",
                "09:00",
                "17:00",
                utc(2024, 3, 25, 0),
                utc(2024, 4, 1, 0)
            ),
            40.0
        );
        // many years and changes: whole weeks of 40 hours
        let weeks = (days_from_civil(2024, 1, 1) - days_from_civil(1990, 1, 1)) / 7;
        assert_eq!(
            hours(
                "Europe/Berlin",
                "09:00",
                "17:00",
                utc(1990, 1, 1, 0),
                utc(1990, 1, 1, 0) + weeks * 7 * MICROS_PER_DAY
            ),
            (weeks * 40) as f64
        );
    }
}
