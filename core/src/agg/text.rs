//! Readable text form of the summary types (JSON), for Postgres' type
//! input/output: a summary can be printed, stored as text, edited and read
//! back, and BI tools can cast it to `jsonb`. Reading validates everything;
//! bad text is an error naming the type, never a garbage summary.

use super::activity_agg::Activity;
use super::engagement_agg::{self, EngagementSummary};
use super::period_set::PeriodSet;
use super::survival_agg::{self, SurvivalSummary};
use super::OutOfMemoryExt as _;
use crate::error::{ChurnError, Result};
use crate::time::{
    civil_from_days, days_from_civil, Granularity, MICROS_PER_DAY, MICROS_PER_SECOND,
};
use serde_json::{json, Map, Value};

/// ISO-8601 UTC text of a timestamp, e.g. `2024-01-31T23:30:00Z` (with
/// `.ffffff` when there are fractional seconds; years outside 0..=9999 get a
/// sign and six digits).
pub fn format_timestamp(ts: i64) -> String {
    let day = ts.div_euclid(MICROS_PER_DAY);
    let tod = ts.rem_euclid(MICROS_PER_DAY);
    let (y, m, d) = civil_from_days(day);
    let secs = tod / MICROS_PER_SECOND;
    let frac = tod % MICROS_PER_SECOND;
    let year = if (0..=9999).contains(&y) {
        format!("{y:04}")
    } else {
        format!("{y:+07}")
    };
    let base = format!(
        "{year}-{m:02}-{d:02}T{:02}:{:02}:{:02}",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    );
    if frac == 0 {
        format!("{base}Z")
    } else {
        format!("{base}.{frac:06}Z")
    }
}

/// ISO date of a day number, e.g. `2024-01-31`.
pub fn format_date(day: i64) -> String {
    let (y, m, d) = civil_from_days(day);
    if (0..=9999).contains(&y) {
        format!("{y:04}-{m:02}-{d:02}")
    } else {
        format!("{y:+07}-{m:02}-{d:02}")
    }
}

fn parse_date_part(s: &str) -> Option<(i64, &str)> {
    let (sign, rest) = match s.as_bytes().first()? {
        b'+' => (1, &s[1..]),
        b'-' => (-1, &s[1..]),
        _ => (1, s),
    };
    let ylen = rest.bytes().take_while(u8::is_ascii_digit).count();
    if !(4..=6).contains(&ylen) {
        return None;
    }
    let y: i64 = rest[..ylen].parse().ok()?;
    let rest = &rest[ylen..];
    let b = rest.as_bytes();
    if b.len() < 6 || b[0] != b'-' || b[3] != b'-' {
        return None;
    }
    let m: u32 = num(&rest[1..3])? as u32;
    let d: u32 = num(&rest[4..6])? as u32;
    if !(1..=12).contains(&m) || d == 0 || d > days_in_month(sign * y, m) {
        return None;
    }
    Some((days_from_civil(sign * y, m, d), &rest[6..]))
}

fn num(s: &str) -> Option<i64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn days_in_month(y: i64, m: u32) -> u32 {
    let next = if m == 12 {
        days_from_civil(y + 1, 1, 1)
    } else {
        days_from_civil(y, m + 1, 1)
    };
    (next - days_from_civil(y, m, 1)) as u32
}

pub fn parse_date(s: &str) -> Option<i64> {
    match parse_date_part(s)? {
        (day, "") => Some(day),
        _ => None,
    }
}

/// Inverse of [`format_timestamp`] (also accepts a date alone and `+00:00`).
pub fn parse_timestamp(s: &str) -> Option<i64> {
    let (day, rest) = parse_date_part(s)?;
    let base = (day as i128) * MICROS_PER_DAY as i128;
    if rest.is_empty() {
        return i64::try_from(base).ok();
    }
    let rest = rest.strip_prefix('T').or_else(|| rest.strip_prefix(' '))?;
    let rest = rest
        .strip_suffix('Z')
        .or_else(|| rest.strip_suffix("+00:00"))?;
    let (hms, frac) = match rest.split_once('.') {
        Some((a, f)) => (a, Some(f)),
        None => (rest, None),
    };
    let p: Vec<&str> = hms.split(':').collect();
    if p.len() != 3 || p.iter().any(|x| x.len() != 2) {
        return None;
    }
    let (h, mi, se) = (num(p[0])?, num(p[1])?, num(p[2])?);
    if h > 23 || mi > 59 || se > 59 {
        return None;
    }
    let micros = match frac {
        None => 0,
        Some(f) if !f.is_empty() && f.len() <= 6 => num(f)? * 10i64.pow(6 - f.len() as u32),
        _ => return None,
    };
    i64::try_from(base + ((h * 3600 + mi * 60 + se) * MICROS_PER_SECOND + micros) as i128).ok()
}

fn bad(type_name: &'static str, detail: impl Into<String>) -> ChurnError {
    ChurnError::new(type_name, "input", detail.into())
}

fn object(type_name: &'static str, text: &str) -> Result<Map<String, Value>> {
    let v: Value =
        serde_json::from_str(text).map_err(|e| bad(type_name, format!("not valid JSON ({e})")))?;
    let Value::Object(o) = v else {
        return Err(bad(type_name, "expected a JSON object"));
    };
    match o.get("version") {
        Some(Value::Number(n)) if n.as_u64() == Some(1) => Ok(o),
        Some(v) => Err(bad(
            type_name,
            format!("unsupported version {v} (this churnkit reads version 1)"),
        )),
        None => Err(bad(type_name, "missing field \"version\"")),
    }
}

fn field<'a>(type_name: &'static str, o: &'a Map<String, Value>, k: &str) -> Result<&'a Value> {
    o.get(k)
        .ok_or_else(|| bad(type_name, format!("missing field \"{k}\"")))
}

fn u64_field(type_name: &'static str, o: &Map<String, Value>, k: &str) -> Result<u64> {
    field(type_name, o, k)?.as_u64().ok_or_else(|| {
        bad(
            type_name,
            format!("field \"{k}\" must be a non-negative integer"),
        )
    })
}

fn ts_field(type_name: &'static str, o: &Map<String, Value>, k: &str) -> Result<Option<i64>> {
    match field(type_name, o, k)? {
        Value::Null => Ok(None),
        Value::String(s) => parse_timestamp(s).map(Some).ok_or_else(|| {
            bad(
                type_name,
                format!("field \"{k}\": '{s}' is not an ISO-8601 UTC timestamp"),
            )
        }),
        _ => Err(bad(
            type_name,
            format!("field \"{k}\" must be a timestamp string or null"),
        )),
    }
}

fn dates(
    type_name: &'static str,
    o: &Map<String, Value>,
    k: &str,
    map: impl Fn(i64) -> Option<i64>,
) -> Result<PeriodSet> {
    let arr = field(type_name, o, k)?.as_array().ok_or_else(|| {
        bad(
            type_name,
            format!("field \"{k}\" must be an array of dates"),
        )
    })?;
    let mut items = Vec::with_capacity(arr.len());
    for v in arr {
        let s = v.as_str().ok_or_else(|| {
            bad(
                type_name,
                format!("field \"{k}\" must be an array of dates"),
            )
        })?;
        let day = parse_date(s).ok_or_else(|| {
            bad(
                type_name,
                format!("field \"{k}\": '{s}' is not a date (YYYY-MM-DD)"),
            )
        })?;
        items.push(map(day).ok_or_else(|| {
            bad(
                type_name,
                format!("field \"{k}\": '{s}' is not the first day of a period"),
            )
        })?);
    }
    PeriodSet::from_sorted(items)
        .map_err(|e| e.named(type_name))?
        .ok_or_else(|| {
            bad(
                type_name,
                format!("field \"{k}\" must be strictly increasing"),
            )
        })
}

fn no_extra(type_name: &'static str, o: &Map<String, Value>, allowed: &[&str]) -> Result<()> {
    match o.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(k) => Err(bad(type_name, format!("unknown field \"{k}\""))),
        None => Ok(()),
    }
}

impl EngagementSummary {
    pub fn to_text(&self) -> String {
        json!({
            "version": 1,
            "events": self.events,
            "active_seconds": self.active_seconds,
            "key_actions": self.key_actions,
            "first_active_at": self.first_active_at.map(format_timestamp),
            "last_active_at": self.last_active_at.map(format_timestamp),
            "active_days": self.days.iter().map(format_date).collect::<Vec<_>>(),
        })
        .to_string()
    }

    pub fn from_text(text: &str) -> Result<Self> {
        const T: &str = engagement_agg::TYPE_NAME;
        let o = object(T, text)?;
        no_extra(
            T,
            &o,
            &[
                "version",
                "events",
                "active_seconds",
                "key_actions",
                "first_active_at",
                "last_active_at",
                "active_days",
            ],
        )?;
        let s = EngagementSummary {
            events: u64_field(T, &o, "events")?,
            active_seconds: field(T, &o, "active_seconds")?
                .as_f64()
                .ok_or_else(|| bad(T, "field \"active_seconds\" must be a number"))?,
            key_actions: u64_field(T, &o, "key_actions")?,
            first_active_at: ts_field(T, &o, "first_active_at")?,
            last_active_at: ts_field(T, &o, "last_active_at")?,
            days: dates(T, &o, "active_days", Some)?,
        };
        s.validate()?;
        Ok(s)
    }
}

impl Activity {
    /// `{"version":1,"granularity":"month","periods":["2024-01-01", ...]}` —
    /// the first day of every active period.
    pub fn to_text(&self) -> String {
        let g = self.granularity;
        json!({
            "version": 1,
            "granularity": g.name(),
            // every period of a valid activity has a start day (validate)
            "periods": self.periods.iter().map(|p| g.period_start_day(p).map_or_else(String::new, format_date)).collect::<Vec<_>>(),
        })
        .to_string()
    }

    pub fn from_text(text: &str) -> Result<Self> {
        const T: &str = super::activity_agg::TYPE_NAME;
        let o = object(T, text)?;
        no_extra(T, &o, &["version", "granularity", "periods"])?;
        let gs = field(T, &o, "granularity")?
            .as_str()
            .ok_or_else(|| bad(T, "field \"granularity\" must be a string"))?;
        let g = Granularity::parse(T, "input", gs)?;
        let (lo, hi) = g.period_range();
        // a day far outside the range of timestamps has no period here
        let (first_day, last_day) = (g.period_start_day(lo), g.period_start_day(hi + 1));
        let periods = dates(T, &o, "periods", |day| {
            if day < first_day? || day >= last_day? {
                return None;
            }
            let p = g.period_of_day(day);
            (g.period_start_day(p) == Some(day)).then_some(p)
        })?;
        if periods.is_empty() {
            return Err(bad(T, "field \"periods\" must not be empty"));
        }
        let a = Activity {
            granularity: g,
            periods,
        };
        a.validate()?;
        Ok(a)
    }
}

impl SurvivalSummary {
    /// `{"version":1,"tenures":[[days, churned, censored], ...]}`.
    pub fn to_text(&self) -> String {
        json!({
            "version": 1,
            "tenures": self.tenures().map(|(t, d, c)| json!([t, d, c])).collect::<Vec<_>>(),
        })
        .to_string()
    }

    pub fn from_text(text: &str) -> Result<Self> {
        const T: &str = survival_agg::TYPE_NAME;
        let o = object(T, text)?;
        no_extra(T, &o, &["version", "tenures"])?;
        let arr = field(T, &o, "tenures")?
            .as_array()
            .ok_or_else(|| bad(T, "field \"tenures\" must be an array"))?;
        let mut times = crate::agg::state_vec();
        crate::agg::grow(&mut times, arr.len()).map_err(|e| e.named(T))?;
        for v in arr {
            let e = || bad(T, "each tenure must be [days, churned, censored]");
            let a = v.as_array().filter(|a| a.len() == 3).ok_or_else(e)?;
            times.push((
                a[0].as_f64().ok_or_else(e)?,
                a[1].as_u64().ok_or_else(e)?,
                a[2].as_u64().ok_or_else(e)?,
            ));
        }
        let s = SurvivalSummary::from_sorted(times)?;
        Ok(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_round_trip() {
        for ts in [
            0,
            1,
            -1,
            1_706_743_800_000_000,
            253_402_300_799_999_999,
            -62_135_596_800_000_000,
            i64::MIN,
            i64::MAX,
        ] {
            assert_eq!(
                parse_timestamp(&format_timestamp(ts)),
                Some(ts),
                "{}",
                format_timestamp(ts)
            );
        }
        assert_eq!(
            format_timestamp(1_706_743_800_000_000),
            "2024-01-31T23:30:00Z"
        );
        assert_eq!(parse_timestamp("2024-01-31"), Some(1_706_659_200_000_000));
        assert_eq!(parse_timestamp("2024-02-30"), None);
        assert_eq!(parse_timestamp("2024-01-31T24:00:00Z"), None);
        assert_eq!(parse_timestamp("junk"), None);
    }

    #[test]
    fn summaries_round_trip_and_reject_garbage() {
        let mut e = EngagementSummary::new();
        e.update(1_706_743_800_000_000, Some(90.0), Some(true))
            .unwrap();
        e.update(1_706_659_200_000_000, None, None).unwrap();
        let t = e.to_text();
        assert_eq!(
            t,
            r#"{"active_days":["2024-01-31"],"active_seconds":90.0,"events":2,"first_active_at":"2024-01-31T00:00:00Z","key_actions":1,"last_active_at":"2024-01-31T23:30:00Z","version":1}"#
        );
        assert_eq!(EngagementSummary::from_text(&t).unwrap(), e);
        assert_eq!(
            EngagementSummary::from_text(&EngagementSummary::new().to_text()).unwrap(),
            EngagementSummary::new()
        );
        for bad in [
            "",
            "[]",
            "{}",
            r#"{"version":2}"#,
            &t.replace("\"events\":2", "\"events\":0"),
            &t.replace("2024-01-31\"]", "2024-01-30\"]"),
            &t.replace("\"version\":1", "\"version\":1,\"x\":1"),
        ] {
            let err = EngagementSummary::from_text(bad).unwrap_err();
            assert!(
                err.to_string()
                    .starts_with("engagement_summary: invalid input: "),
                "{err}"
            );
        }
        let mut a = super::super::ActivityState::new();
        a.update(1_706_743_800_000_000, Granularity::Month).unwrap();
        a.update(1_700_000_000_000_000, Granularity::Month).unwrap();
        let a = a.activity.unwrap();
        assert_eq!(
            a.to_text(),
            r#"{"granularity":"month","periods":["2023-11-01","2024-01-01"],"version":1}"#
        );
        assert_eq!(Activity::from_text(&a.to_text()).unwrap(), a);
        assert!(Activity::from_text(
            r#"{"granularity":"month","periods":["2023-11-02"],"version":1}"#
        )
        .is_err());
        assert!(
            Activity::from_text(r#"{"granularity":"month","periods":[],"version":1}"#).is_err()
        );
        // a date whose timestamp does not fit in i64 µs is an error, not an overflow
        assert!(Activity::from_text(
            r#"{"granularity":"year","periods":["+999999-01-01"],"version":1}"#
        )
        .is_err());
        let mut s = SurvivalSummary::new();
        s.update(30.0, Some(true)).unwrap();
        s.update(0.5, Some(false)).unwrap();
        assert_eq!(
            s.to_text(),
            r#"{"tenures":[[0.5,0,1],[30.0,1,0]],"version":1}"#
        );
        assert_eq!(SurvivalSummary::from_text(&s.to_text()).unwrap(), s);
        assert!(
            SurvivalSummary::from_text(r#"{"tenures":[[30,1,0],[1,1,0]],"version":1}"#).is_err()
        );
        assert!(SurvivalSummary::from_text(r#"{"tenures":[[-1,1,0]],"version":1}"#).is_err());
    }
}
