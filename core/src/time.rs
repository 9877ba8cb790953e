//! Calendar arithmetic on timestamps.
//!
//! A timestamp in core is an `i64` count of microseconds since
//! 1970-01-01 00:00:00 UTC (Arrow's `Timestamp(Microsecond, UTC)`); the
//! Postgres adapter shifts its 2000-01-01 epoch onto it. Calendar dates use
//! the proleptic Gregorian calendar computed with plain integer arithmetic,
//! so the range is not limited by a date library.
//!
//! # The range of time
//!
//! Functions take timestamps from [`MIN_TIMESTAMP`] (4714-11-24 BC, the first
//! instant Postgres accepts) to [`MAX_TIMESTAMP`] (294246-12-31
//! 23:59:59.999999 UTC, the last whole year that fits in `i64` µs since 1970).
//! Anything else, `±infinity` included, is an error of kind
//! [`ErrorKind::DatetimeOverflow`](crate::ErrorKind) (SQLSTATE 22008) naming
//! the function and the argument, in both engines ([`check_timestamp`]).
//! Postgres' `infinity` / `-infinity` reach core as `i64::MAX` / `i64::MIN`.
//!
//! Stored values are wider: a summary written by churnkit 0.1.0 (which took
//! `±infinity` as the ends of `i64`) may hold any `i64` timestamp and any
//! period of [`Granularity::period_range`]; they stay readable, in text and
//! binary form. Every function here is total on those domains: nothing
//! overflows, in debug or in release.

use crate::error::{ChurnError, Result};
use chrono::{Offset, TimeZone};

pub const MICROS_PER_SECOND: i64 = 1_000_000;
pub const MICROS_PER_MINUTE: i64 = 60 * MICROS_PER_SECOND;
pub const MICROS_PER_HOUR: i64 = 60 * MICROS_PER_MINUTE;
pub const MICROS_PER_DAY: i64 = 24 * MICROS_PER_HOUR;

/// µs between 1970-01-01 (Unix/Arrow epoch) and 2000-01-01 (Postgres epoch).
pub const PG_EPOCH_OFFSET_MICROS: i64 = 946_684_800 * MICROS_PER_SECOND;

/// The first timestamp churnkit computes with: 4714-11-24 BC 00:00 UTC
/// (astronomical year -4713), Postgres' first.
pub const MIN_TIMESTAMP: i64 = days_from_civil(-4713, 11, 24) * MICROS_PER_DAY;

/// The last timestamp churnkit computes with: 294246-12-31 23:59:59.999999
/// UTC. (Postgres goes on to 294276; `i64` µs since 1970 ends in 294247.)
pub const MAX_TIMESTAMP: i64 = days_from_civil(294_247, 1, 1) * MICROS_PER_DAY - 1;

/// The range of [`MIN_TIMESTAMP`]..=[`MAX_TIMESTAMP`], for messages and docs.
pub const TIMESTAMP_RANGE: &str = "4714-11-24 BC to 294246-12-31 AD (UTC)";

/// `infinity` as core sees it (Postgres' `DT_NOEND`).
pub const INFINITY: i64 = i64::MAX;
/// `-infinity` as core sees it (Postgres' `DT_NOBEGIN`).
pub const NEG_INFINITY: i64 = i64::MIN;

/// A Postgres `timestamptz` datum (µs since 2000-01-01) as a core timestamp.
/// `infinity`/`-infinity` stay [`INFINITY`]/[`NEG_INFINITY`]; a finite
/// timestamp too late for `i64` µs since 1970 (after 294247-01-10) becomes
/// `i64::MAX - 1`, which [`check_timestamp`] refuses like every timestamp
/// after [`MAX_TIMESTAMP`].
#[inline]
pub fn from_pg_timestamp(pg: i64) -> i64 {
    match pg {
        i64::MAX | i64::MIN => pg,
        _ => pg
            .checked_add(PG_EPOCH_OFFSET_MICROS)
            .unwrap_or(i64::MAX - 1),
    }
}

/// Inverse of [`from_pg_timestamp`] (saturating at ±infinity).
#[inline]
pub fn to_pg_timestamp(ts: i64) -> i64 {
    match ts {
        i64::MAX | i64::MIN => ts,
        _ => ts.saturating_sub(PG_EPOCH_OFFSET_MICROS),
    }
}

/// `ts` when it is a timestamp churnkit computes with (see the module docs),
/// else the error (SQLSTATE 22008) naming `function` and `argument`. Every
/// timestamp argument of every function and aggregate goes through this, in
/// both engines.
#[inline(always)]
pub fn check_timestamp(function: &'static str, argument: &'static str, ts: i64) -> Result<i64> {
    if (MIN_TIMESTAMP..=MAX_TIMESTAMP).contains(&ts) {
        Ok(ts)
    } else {
        Err(timestamp_out_of_range(function, argument, ts))
    }
}

/// The error of [`check_timestamp`].
#[cold]
#[inline(never)]
pub fn timestamp_out_of_range(
    function: &'static str,
    argument: &'static str,
    ts: i64,
) -> ChurnError {
    let detail = match ts {
        INFINITY => "infinity is not a point in time (use NULL for none)".to_string(),
        NEG_INFINITY => "-infinity is not a point in time (use NULL for none)".to_string(),
        _ => format!("timestamp out of range (churnkit computes with {TIMESTAMP_RANGE})"),
    };
    ChurnError::datetime_overflow(function, argument, detail)
}

/// Days since 1970-01-01 (floor), for any timestamp.
#[inline]
pub const fn day_number(ts: i64) -> i64 {
    ts.div_euclid(MICROS_PER_DAY)
}

/// Day of the week of a day number: 0 = Monday ... 6 = Sunday.
#[inline]
pub const fn weekday(day: i64) -> i64 {
    (day + 3).rem_euclid(7) // 1970-01-01 was a Thursday
}

/// ISO week number since the week of 1970-01-01 (weeks start on Monday).
#[inline]
pub const fn week_number(day: i64) -> i64 {
    (day + 3).div_euclid(7)
}

/// (year, month 1..=12, day 1..=31) of a day number (H. Hinnant's
/// algorithm). Domain: |z| < 2^60 (every day of an `i64` µs timestamp is
/// below 2^37).
pub const fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Days in month `m` (1..=12) of proleptic Gregorian year `y`.
pub const fn days_in_month(y: i64, m: u32) -> i64 {
    match m {
        2 if y.rem_euclid(4) == 0 && (y.rem_euclid(100) != 0 || y.rem_euclid(400) == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Day number of a civil date (inverse of [`civil_from_days`]). Domain:
/// |y| < 2^50, `m` in 1..=12, `d` in 1..=31.
pub const fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = m as i64;
    let doy = (153 * if m > 2 { m - 3 } else { m + 9 } + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// An SQL interval (months, days, µs — Postgres' and Arrow's
/// MonthDayNano layout) as a fixed number of µs: days count as 24 hours, and
/// months are refused because they have no fixed length.
pub fn interval_to_micros(
    function: &'static str,
    argument: &'static str,
    months: i64,
    days: i64,
    micros: i64,
) -> Result<i64> {
    if months != 0 {
        return Err(ChurnError::new(
            function,
            argument,
            "months are not a fixed length".to_string(),
        ));
    }
    let total = days as i128 * MICROS_PER_DAY as i128 + micros as i128;
    i64::try_from(total)
        .map_err(|_| ChurnError::new(function, argument, "out of range".to_string()))
}

/// A calendar granularity for cohorts and activity periods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Granularity {
    Day,
    Week,
    Month,
    Quarter,
    Year,
}

impl Granularity {
    pub const NAMES: &'static str = "day, week, month, quarter or year";

    /// Parse a granularity name (case-insensitive, surrounding blanks ignored).
    pub fn parse(function: &'static str, argument: &'static str, s: &str) -> Result<Self> {
        let t = s.trim();
        let g = if t.eq_ignore_ascii_case("day") {
            Granularity::Day
        } else if t.eq_ignore_ascii_case("week") {
            Granularity::Week
        } else if t.eq_ignore_ascii_case("month") {
            Granularity::Month
        } else if t.eq_ignore_ascii_case("quarter") {
            Granularity::Quarter
        } else if t.eq_ignore_ascii_case("year") {
            Granularity::Year
        } else {
            return Err(ChurnError::new(
                function,
                argument,
                format!("unknown granularity '{s}' (expected {})", Self::NAMES),
            ));
        };
        Ok(g)
    }

    pub fn name(self) -> &'static str {
        match self {
            Granularity::Day => "day",
            Granularity::Week => "week",
            Granularity::Month => "month",
            Granularity::Quarter => "quarter",
            Granularity::Year => "year",
        }
    }

    /// Index of the calendar period containing the (wall-clock) timestamp:
    /// days and ISO weeks count from the period containing 1970-01-01,
    /// months, quarters and years from year 0 (`year * 12 + month0` ...).
    /// These indices are part of the stored format of `activity`. Consecutive periods have
    /// consecutive indices, so the difference of two indices is the number of
    /// period boundaries between them. Total on `i64`.
    #[inline]
    pub const fn period_index(self, ts: i64) -> i64 {
        self.period_of_day(day_number(ts))
    }

    /// Index of the period containing a day number (domain: the day numbers
    /// of `i64` timestamps, and a little beyond).
    pub const fn period_of_day(self, day: i64) -> i64 {
        match self {
            Granularity::Day => day,
            Granularity::Week => week_number(day),
            Granularity::Month | Granularity::Quarter | Granularity::Year => {
                let (y, m, _) = civil_from_days(day);
                let m0 = m as i64 - 1;
                match self {
                    Granularity::Month => y * 12 + m0,
                    Granularity::Quarter => y * 4 + m0 / 3,
                    _ => y,
                }
            }
        }
    }

    /// The indices of the periods that contain an `i64` timestamp: the
    /// periods a stored `activity` may hold (0.1.0 stored `±infinity` as the
    /// ends of `i64`). Binary and text input refuse any other period.
    #[inline]
    pub const fn period_range(self) -> (i64, i64) {
        PERIOD_RANGES[self as usize]
    }

    /// The instants `[start, end)` (µs) of the period with the given index,
    /// or `None` when they do not fit in an i64.
    pub fn period_bounds(self, index: i64) -> Option<(i64, i64)> {
        let start_of = |i: i64| self.period_start_day(i)?.checked_mul(MICROS_PER_DAY);
        Some((start_of(index)?, start_of(index.checked_add(1)?)?))
    }

    /// First day (day number) of the period with the given index; inverse of
    /// [`Granularity::period_index`] on period starts. `None` for an index
    /// more than one period outside [`Granularity::period_range`] (no
    /// timestamp has it).
    pub fn period_start_day(self, index: i64) -> Option<i64> {
        let (lo, hi) = self.period_range();
        if index < lo.checked_sub(1)? || index > hi.checked_add(1)? {
            return None;
        }
        Some(self.start_day_in_range(index))
    }

    /// [`Granularity::period_start_day`] of an index known to be at most one
    /// period outside [`Granularity::period_range`] (the index of an `i64`
    /// timestamp, or the next one): no check, every product below is far
    /// from overflowing. The hot path of [`PeriodCache`].
    #[inline]
    fn start_day_in_range(self, index: i64) -> i64 {
        match self {
            Granularity::Day => index,
            Granularity::Week => index * 7 - 3,
            Granularity::Month => {
                days_from_civil(index.div_euclid(12), (index.rem_euclid(12) + 1) as u32, 1)
            }
            Granularity::Quarter => {
                days_from_civil(index.div_euclid(4), (index.rem_euclid(4) * 3 + 1) as u32, 1)
            }
            Granularity::Year => days_from_civil(index, 1, 1),
        }
    }
}

const fn range_of(g: Granularity) -> (i64, i64) {
    (g.period_index(i64::MIN), g.period_index(i64::MAX))
}

/// [`Granularity::period_range`] of each granularity, in declaration order.
const PERIOD_RANGES: [(i64, i64); 5] = [
    range_of(Granularity::Day),
    range_of(Granularity::Week),
    range_of(Granularity::Month),
    range_of(Granularity::Quarter),
    range_of(Granularity::Year),
];

/// Where the embedded zone database (chrono-tz) has its offset changes: the
/// first ones are in the 1840s, the last ones of its table before 2100
/// (after it, a zone keeps its standard offset). With a margin on both sides.
pub const ZONE_CHANGES_FROM: i64 = days_from_civil(1800, 1, 1) * MICROS_PER_DAY;
pub const ZONE_CHANGES_UNTIL: i64 = days_from_civil(2200, 1, 1) * MICROS_PER_DAY;

/// 400 Gregorian years (146,097 days, a whole number of weeks), in µs.
const FOUR_CENTURIES_MICROS: i64 = 146_097 * MICROS_PER_DAY;
/// An instant well inside the zone library's range (the year 200000).
const ZONE_PROBE_LIMIT: i64 = days_from_civil(200_000, 1, 1) * MICROS_PER_DAY;

/// A time zone: UTC, or a zone of the IANA database (embedded, so results do
/// not depend on the server's tzdata or on the session's `TimeZone`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Zone {
    Utc,
    Iana(chrono_tz::Tz),
}

impl Zone {
    /// Parse an IANA zone name such as `Europe/Berlin` or `UTC`. Matching is
    /// case-insensitive; surrounding blanks are ignored.
    pub fn parse(function: &'static str, argument: &'static str, s: &str) -> Result<Self> {
        let t = s.trim();
        if t.eq_ignore_ascii_case("utc") || t.eq_ignore_ascii_case("z") {
            return Ok(Zone::Utc);
        }
        if let Ok(tz) = t.parse::<chrono_tz::Tz>() {
            return Ok(Zone::Iana(tz));
        }
        chrono_tz::TZ_VARIANTS
            .iter()
            .find(|tz| tz.name().eq_ignore_ascii_case(t))
            .map(|tz| Zone::Iana(*tz))
            .ok_or_else(|| {
                ChurnError::new(function, argument, format!("unknown time zone '{s}' (expected an IANA name such as 'Europe/Berlin' or 'UTC')"))
            })
    }

    /// Wall-clock time of an instant in this zone, in microseconds since
    /// 1970-01-01 00:00 local time.
    pub fn to_local(self, function: &'static str, argument: &'static str, ts: i64) -> Result<i64> {
        let offset = self.offset_at(function, argument, ts)?;
        ts.checked_add(offset).ok_or_else(|| {
            ChurnError::new(function, argument, "timestamp out of range".to_string())
        })
    }

    /// The zone's offset from UTC at an instant, in µs (local − UTC).
    pub fn offset_at(self, function: &'static str, argument: &'static str, ts: i64) -> Result<i64> {
        match self {
            Zone::Utc => Ok(0),
            Zone::Iana(tz) => {
                // The zone library stops at the year 262143; the Gregorian
                // calendar (weekdays included) and a zone's rules repeat
                // every 400 years, so a later instant takes the offset of
                // the same instant 400·k years earlier.
                let probe = if ts > ZONE_PROBE_LIMIT {
                    ts - (ts - ZONE_PROBE_LIMIT) / FOUR_CENTURIES_MICROS * FOUR_CENTURIES_MICROS
                        - FOUR_CENTURIES_MICROS
                } else {
                    ts
                };
                let secs = probe.div_euclid(MICROS_PER_SECOND);
                let dt = chrono::DateTime::from_timestamp(secs, 0).ok_or_else(|| {
                    ChurnError::new(function, argument, format!("timestamp {ts} µs since 1970 is outside the supported range for time zone conversion"))
                })?;
                let offset = tz
                    .offset_from_utc_datetime(&dt.naive_utc())
                    .fix()
                    .local_minus_utc() as i64;
                Ok(offset * MICROS_PER_SECOND)
            }
        }
    }

    /// The first instant after `t` and at most `until` at which the offset
    /// differs from `offset` (the offset at `t`), or `until` when it does not
    /// change before. The embedded zone database has its changes between
    /// [`ZONE_CHANGES_FROM`] and [`ZONE_CHANGES_UNTIL`] (before and after,
    /// every zone keeps one offset), so the search looks there only: it
    /// samples the offset once a day and bisects to the second where it
    /// changed. (Two changes less than a day apart that cancel out are not
    /// seen; the tz database has none since 1970 that a working day could
    /// notice.)
    pub fn next_change(
        self,
        function: &'static str,
        argument: &'static str,
        t: i64,
        offset: i64,
        until: i64,
    ) -> Result<i64> {
        if matches!(self, Zone::Utc) {
            return Ok(until);
        }
        let mut a = t.max(ZONE_CHANGES_FROM - 1);
        let end = until.min(ZONE_CHANGES_UNTIL);
        while a < end {
            let b = a.saturating_add(MICROS_PER_DAY).min(end);
            if self.offset_at(function, argument, b)? != offset {
                // the change is in (a, b]: bisect on whole seconds (the
                // database's changes are at whole seconds)
                let (mut lo, mut hi) = (a, b);
                while hi - lo > MICROS_PER_SECOND {
                    let mid = lo + (hi - lo) / 2;
                    if self.offset_at(function, argument, mid)? != offset {
                        hi = mid;
                    } else {
                        lo = mid;
                    }
                }
                // the offset is constant within each whole second, so the
                // change is at the one whole second in (lo, hi]
                return Ok(hi.div_euclid(MICROS_PER_SECOND) * MICROS_PER_SECOND);
            }
            a = b;
        }
        Ok(until)
    }

    pub fn name(self) -> &'static str {
        match self {
            Zone::Utc => "UTC",
            Zone::Iana(tz) => tz.name(),
        }
    }
}

/// The period of the last timestamp looked up, with its bounds: a customer's
/// events arrive in runs within one period, so the next lookup is usually
/// two comparisons instead of a calendar computation (a hot-path memo of
/// the aggregates; it never changes a result).
#[derive(Debug, Clone, Copy)]
pub struct PeriodCache {
    granularity: Granularity,
    start: i64,
    end: i64,
    index: i64,
}

impl Default for PeriodCache {
    fn default() -> Self {
        // an empty range: the first lookup computes
        PeriodCache {
            granularity: Granularity::Day,
            start: 0,
            end: 0,
            index: 0,
        }
    }
}

impl PeriodCache {
    /// [`Granularity::period_index`] of `ts`, from the memo when `ts` is in
    /// the period looked up last.
    #[inline]
    pub fn period_index(&mut self, granularity: Granularity, ts: i64) -> i64 {
        if ts >= self.start && ts < self.end && granularity == self.granularity {
            return self.index;
        }
        self.look_up(granularity, ts)
    }

    #[inline(never)]
    fn look_up(&mut self, granularity: Granularity, ts: i64) -> i64 {
        let (index, bounds) = if granularity == Granularity::Month {
            // the common case, from one calendar conversion (rows of
            // interleaved or unordered groups miss the memo of their group
            // often): the month's first day and its length
            let day = day_number(ts);
            let (y, m, d) = civil_from_days(day);
            let first = day - (d as i64 - 1);
            let bounds = first
                .checked_mul(MICROS_PER_DAY)
                .zip((first + days_in_month(y, m)).checked_mul(MICROS_PER_DAY));
            (y * 12 + (m as i64 - 1), bounds)
        } else {
            // the index of an i64 timestamp, and the next one, have start days
            let index = granularity.period_index(ts);
            let start_of = |i: i64| {
                granularity
                    .start_day_in_range(i)
                    .checked_mul(MICROS_PER_DAY)
            };
            (index, start_of(index).zip(start_of(index + 1)))
        };
        // at the ends of time: no memo
        let (start, end) = bounds.unwrap_or((0, 0));
        *self = PeriodCache {
            granularity,
            start,
            end,
            index,
        };
        index
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip_and_known_dates() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 1, 1), 10_957);
        assert_eq!(civil_from_days(10_957), (2000, 1, 1));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
        assert_eq!(civil_from_days(days_from_civil(2024, 2, 29)), (2024, 2, 29));
        for z in (-1_000_000..1_000_000).step_by(997) {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z);
        }
    }

    /// The memo's answer is the calendar's, whatever the order of lookups,
    /// at the ends of time too.
    #[test]
    #[allow(
        clippy::cast_possible_wrap,
        clippy::cast_sign_loss,
        clippy::cast_possible_truncation
    )]
    fn period_cache_matches_the_calendar() {
        let mut x: u64 = 7;
        let mut cache = PeriodCache::default();
        let g = [
            Granularity::Day,
            Granularity::Week,
            Granularity::Month,
            Granularity::Quarter,
            Granularity::Year,
        ];
        for i in 0..200_000u64 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let ts = match i % 4 {
                0 => x as i64,
                1 => (x % (200 * 365 * MICROS_PER_DAY as u64)) as i64 - 100 * 365 * MICROS_PER_DAY,
                2 => i64::MAX - (x % 1000) as i64,
                _ => i64::MIN + (x % 1000) as i64,
            };
            let gr = g[(x >> 40) as usize % 5];
            assert_eq!(
                cache.period_index(gr, ts),
                gr.period_index(ts),
                "{gr:?} {ts}"
            );
        }
        for (y, m) in [
            (2024, 2),
            (2023, 2),
            (1900, 2),
            (2000, 2),
            (2024, 12),
            (2024, 4),
        ] {
            let next = if m == 12 {
                days_from_civil(y + 1, 1, 1)
            } else {
                days_from_civil(y, m + 1, 1)
            };
            assert_eq!(days_in_month(y, m), next - days_from_civil(y, m, 1));
        }
    }

    #[test]
    fn weekdays() {
        assert_eq!(weekday(0), 3); // Thursday
        assert_eq!(weekday(days_from_civil(2024, 1, 1)), 0); // Monday
        assert_eq!(weekday(days_from_civil(2023, 12, 31)), 6); // Sunday
        assert_eq!(
            week_number(days_from_civil(2024, 1, 1)),
            week_number(days_from_civil(2024, 1, 7))
        );
        assert_eq!(
            week_number(days_from_civil(2024, 1, 7)) + 1,
            week_number(days_from_civil(2024, 1, 8))
        );
    }

    #[test]
    fn period_start_inverts_index() {
        for g in [
            Granularity::Day,
            Granularity::Week,
            Granularity::Month,
            Granularity::Quarter,
            Granularity::Year,
        ] {
            for idx in -5000..5000 {
                let start = g.period_start_day(idx).unwrap();
                assert_eq!(g.period_index(start * MICROS_PER_DAY), idx, "{g:?} {idx}");
                assert_eq!(
                    g.period_index((start - 1) * MICROS_PER_DAY),
                    idx - 1,
                    "{g:?} {idx}"
                );
            }
        }
    }

    #[test]
    fn extreme_timestamps_do_not_panic() {
        for ts in [i64::MIN, i64::MIN + 1, -1, 0, i64::MAX - 1, i64::MAX] {
            for g in [
                Granularity::Day,
                Granularity::Week,
                Granularity::Month,
                Granularity::Quarter,
                Granularity::Year,
            ] {
                let _ = g.period_index(ts);
            }
            let z = Zone::parse("f", "time_zone", "Europe/Berlin").unwrap();
            let _ = z.to_local("f", "start", ts);
        }
    }

    #[test]
    fn zones_parse_case_insensitively() {
        assert_eq!(Zone::parse("f", "tz", " utc ").unwrap(), Zone::Utc);
        assert_eq!(
            Zone::parse("f", "tz", "america/new_york").unwrap().name(),
            "America/New_York"
        );
        let e = Zone::parse("f", "time_zone", "Mars/Base").unwrap_err();
        assert_eq!(e.to_string(), "f: invalid time_zone: unknown time zone 'Mars/Base' (expected an IANA name such as 'Europe/Berlin' or 'UTC')");
    }
}
