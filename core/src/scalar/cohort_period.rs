//! `cohort_period`: calendar periods between a cohort start and a timestamp.

use crate::error::{ChurnError, Result};
use crate::time::{check_timestamp, Granularity, Zone};

const F: &str = "cohort_period";

/// Number of calendar periods between the period containing `cohort_start`
/// and the period containing `ts` (both truncated to the granularity, in UTC
/// or in the given zone's wall-clock time). Negative when `ts` is in an
/// earlier period. Weeks are ISO weeks starting on Monday.
pub fn cohort_period(
    cohort_start: i64,
    ts: i64,
    granularity: Granularity,
    zone: Zone,
) -> Result<i32> {
    let cohort_start = check_timestamp(F, "cohort_start", cohort_start)?;
    let ts = check_timestamp(F, "ts", ts)?;
    let a = granularity.period_index(zone.to_local(F, "cohort_start", cohort_start)?);
    let b = granularity.period_index(zone.to_local(F, "ts", ts)?);
    // at most ~1.1e8 days between two i64 µs timestamps: always fits in i32
    i32::try_from(b - a).map_err(|_| ChurnError::new(F, "ts", "period count out of range"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::{days_from_civil, MICROS_PER_DAY, MICROS_PER_HOUR};

    fn ts(y: i64, m: u32, d: u32) -> i64 {
        days_from_civil(y, m, d) * MICROS_PER_DAY
    }

    fn cp(a: i64, b: i64, g: &str) -> i32 {
        cohort_period(
            a,
            b,
            Granularity::parse(F, "granularity", g).unwrap(),
            Zone::Utc,
        )
        .unwrap()
    }

    #[test]
    fn calendar_periods() {
        let jan31 = ts(2024, 1, 31);
        let feb1 = ts(2024, 2, 1);
        assert_eq!(cp(jan31, feb1, "month"), 1);
        assert_eq!(cp(jan31, feb1, "day"), 1);
        assert_eq!(cp(jan31, feb1, "quarter"), 0);
        assert_eq!(cp(jan31, ts(2024, 4, 1), "quarter"), 1);
        assert_eq!(cp(ts(2023, 12, 31), ts(2024, 1, 1), "year"), 1);
        assert_eq!(cp(feb1, jan31, "month"), -1);
        // 2024-01-07 is a Sunday, 2024-01-08 a Monday
        assert_eq!(cp(ts(2024, 1, 7), ts(2024, 1, 8), "week"), 1);
        assert_eq!(cp(ts(2024, 1, 1), ts(2024, 1, 7), "week"), 0);
        assert_eq!(
            cp(ts(2024, 1, 1), ts(2024, 1, 1) + MICROS_PER_DAY - 1, "day"),
            0
        );
        assert_eq!(cp(ts(1969, 12, 31), ts(1970, 1, 1), "Month"), 1);
    }

    #[test]
    fn time_zone_moves_the_boundary() {
        // 2024-01-31 23:30 UTC is already 2024-02-01 in Berlin
        let a = ts(2024, 1, 31) + 23 * MICROS_PER_HOUR + 30 * 60_000_000;
        let berlin = Zone::parse(F, "time_zone", "Europe/Berlin").unwrap();
        assert_eq!(
            cohort_period(ts(2024, 1, 15), a, Granularity::Month, Zone::Utc).unwrap(),
            0
        );
        assert_eq!(
            cohort_period(ts(2024, 1, 15), a, Granularity::Month, berlin).unwrap(),
            1
        );
    }

    #[test]
    fn bad_granularity_is_an_error() {
        let e = Granularity::parse(F, "granularity", "fortnight").unwrap_err();
        assert_eq!(e.to_string(), "cohort_period: invalid granularity: unknown granularity 'fortnight' (expected day, week, month, quarter or year)");
    }

    #[test]
    fn extremes_fit() {
        use crate::time::{MAX_TIMESTAMP, MIN_TIMESTAMP};
        assert_eq!(
            cohort_period(MIN_TIMESTAMP, MAX_TIMESTAMP, Granularity::Day, Zone::Utc).unwrap(),
            109_192_569
        );
        assert_eq!(
            cohort_period(MIN_TIMESTAMP, MAX_TIMESTAMP, Granularity::Year, Zone::Utc).unwrap(),
            298_959
        );
        let berlin = Zone::parse(F, "time_zone", "Europe/Berlin").unwrap();
        assert!(cohort_period(MIN_TIMESTAMP, MAX_TIMESTAMP, Granularity::Week, berlin).is_ok());
    }

    #[test]
    fn infinity_and_the_ends_of_time_are_errors() {
        use crate::time::{MAX_TIMESTAMP, MIN_TIMESTAMP};
        use crate::ErrorKind;
        for (a, b, arg) in [
            (i64::MIN, 0, "cohort_start"),
            (0, i64::MAX, "ts"),
            (MIN_TIMESTAMP - 1, 0, "cohort_start"),
            (0, MAX_TIMESTAMP + 1, "ts"),
            (0, i64::MAX - 1, "ts"),
        ] {
            for zone in [
                Zone::Utc,
                Zone::parse(F, "time_zone", "Africa/Cairo").unwrap(),
            ] {
                let e = cohort_period(a, b, Granularity::Year, zone).unwrap_err();
                assert_eq!(e.kind, ErrorKind::DatetimeOverflow, "{e}");
                assert_eq!(e.argument, arg);
                assert!(e
                    .to_string()
                    .starts_with(&format!("cohort_period: invalid {arg}: ")));
            }
        }
        let e = cohort_period(0, i64::MAX, Granularity::Day, Zone::Utc).unwrap_err();
        assert_eq!(
            e.to_string(),
            "cohort_period: invalid ts: infinity is not a point in time (use NULL for none)"
        );
    }
}
