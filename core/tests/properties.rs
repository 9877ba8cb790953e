//! Property tests of the scalar semantics: no input panics, scores stay in
//! [0, 100], tiers are monotone in the score, cohort periods agree with
//! calendar truncation done by an independent library (chrono), working hours
//! are additive.

use chrono::{Datelike, NaiveDate};
use churnkit_core::scalar::*;
use churnkit_core::time::{self, Granularity, PeriodCache, Zone, MICROS_PER_DAY, MICROS_PER_HOUR};
use proptest::prelude::*;

/// Any f64, with the awkward ones (NaN, ±inf, -0, huge, tiny) well represented.
fn any_f64() -> impl Strategy<Value = f64> {
    prop_oneof![
        3 => 0.0f64..1000.0,
        1 => Just(f64::NAN),
        1 => Just(f64::INFINITY),
        1 => Just(f64::NEG_INFINITY),
        1 => Just(-0.0f64),
        1 => Just(f64::MAX),
        1 => Just(f64::MIN_POSITIVE),
        2 => any::<f64>(),
    ]
}

fn any_ts() -> impl Strategy<Value = i64> {
    prop_oneof![
        3 => -4_000_000_000_000_000i64..8_000_000_000_000_000i64,
        1 => Just(i64::MIN),
        1 => Just(i64::MAX),
        1 => Just(time::MIN_TIMESTAMP),
        1 => Just(time::MAX_TIMESTAMP),
        1 => time::MAX_TIMESTAMP - 1_000_000_000..=i64::MAX,
        2 => any::<i64>(),
    ]
}

fn granularity() -> impl Strategy<Value = Granularity> {
    prop_oneof![
        Just(Granularity::Day),
        Just(Granularity::Week),
        Just(Granularity::Month),
        Just(Granularity::Quarter),
        Just(Granularity::Year),
    ]
}

/// Timestamps chrono can represent (years 1..9999 are plenty for truncation checks).
fn chrono_ts() -> impl Strategy<Value = i64> {
    -62_135_596_800_000_000i64..253_402_300_799_000_000i64
}

fn chrono_period(g: Granularity, ts: i64) -> i64 {
    let dt = chrono::DateTime::from_timestamp_micros(ts)
        .unwrap()
        .date_naive();
    match g {
        Granularity::Day => (dt - NaiveDate::from_ymd_opt(1970, 1, 1).unwrap()).num_days(),
        Granularity::Week => {
            let monday = dt - chrono::Duration::days(dt.weekday().num_days_from_monday() as i64);
            // 1969-12-29 is the Monday of the week containing 1970-01-01
            (monday - NaiveDate::from_ymd_opt(1969, 12, 29).unwrap()).num_days() / 7
        }
        Granularity::Month => dt.year() as i64 * 12 + dt.month0() as i64,
        Granularity::Quarter => dt.year() as i64 * 4 + dt.month0() as i64 / 3,
        Granularity::Year => dt.year() as i64,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn engagement_never_panics_and_stays_in_range(
        m in any_f64(), d in any_f64(), k in any_f64(), p in any_f64(),
        w in proptest::array::uniform3(any_f64()), t in proptest::array::uniform3(any_f64()),
    ) {
        for params in [EngagementParams::new(w, t), Ok(EngagementParams::default())].into_iter().flatten() {
            if let Ok(s) = engagement_score(m, d, k, p, &params) {
                prop_assert!((0.0..=100.0).contains(&s), "score {s}");
            }
        }
    }

    #[test]
    fn engagement_in_range_for_valid_inputs(
        m in 0.0f64..1e6, frac in 0.0f64..=1.0, k in 0.0f64..1e6, p in 1.0f64..400.0,
        w in proptest::array::uniform3(0.0f64..10.0), t0 in 0.1f64..100.0, t1 in 0.01f64..=1.0, t2 in 0.1f64..50.0,
    ) {
        let d = (frac * p).floor();
        let params = match EngagementParams::new(w, [t0, t1, t2]) { Ok(x) => x, Err(_) => { prop_assume!(false); unreachable!() } };
        let s = engagement_score(m, d, k, p, &params).unwrap();
        prop_assert!((0.0..=100.0).contains(&s));
        // more of anything never lowers the score
        let more = engagement_score(m + 1.0, d, k + 1.0, p, &params).unwrap();
        prop_assert!(more >= s);
    }

    #[test]
    fn health_score_is_between_present_scores(
        items in proptest::collection::vec((proptest::option::of(0.0f64..=100.0), 0.0f64..10.0), 0..8)
    ) {
        let scores: Vec<_> = items.iter().map(|x| x.0).collect();
        let weights: Vec<_> = items.iter().map(|x| Some(x.1)).collect();
        match health_score(&scores, &weights) {
            Ok(Some(s)) => {
                let present: Vec<f64> = items.iter().filter(|x| x.0.is_some() && x.1 > 0.0).map(|x| x.0.unwrap()).collect();
                let lo = present.iter().cloned().fold(f64::INFINITY, f64::min);
                let hi = present.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
                prop_assert!(s >= lo - 1e-9 && s <= hi + 1e-9, "{s} not in [{lo}, {hi}]");
            }
            Ok(None) => prop_assert!(items.iter().all(|x| x.0.is_none() || x.1 == 0.0)),
            Err(e) => prop_assert_eq!(e.argument, "weights"), // all weights 0
        }
    }

    #[test]
    fn health_score_never_panics(
        s in proptest::collection::vec(proptest::option::of(any_f64()), 0..6),
        w in proptest::collection::vec(proptest::option::of(any_f64()), 0..6),
    ) {
        if let Ok(Some(v)) = health_score(&s, &w) {
            prop_assert!((0.0..=100.0).contains(&v));
        }
    }

    #[test]
    fn tiers_are_monotone(a in any_f64(), b in any_f64(), good in any_f64(), poor in any_f64()) {
        if let Ok(t) = TierThresholds::new(good, poor) {
            if let (Ok(ta), Ok(tb)) = (health_tier(a, &t), health_tier(b, &t)) {
                if a <= b { prop_assert!(ta <= tb, "{a}->{ta:?} {b}->{tb:?}"); }
            }
        }
    }

    #[test]
    fn risk_stage_never_panics(
        as_of in any_ts(), su in any_ts(), r in proptest::option::of(any_ts()), l in proptest::option::of(any_ts()),
        c in proptest::option::of(any_ts()), tr in proptest::option::of(any_f64()),
        o in any::<i64>(), rw in any::<i64>(), dd in any::<i64>(),
    ) {
        if let Ok(p) = RiskParams::new(o, rw, dd) {
            let _ = churn_risk_stage(&RiskInput { as_of, signed_up_at: su, renewal_at: r, last_active_at: l, churned_at: c, activity_trend: tr }, &p);
        }
    }

    #[test]
    fn cohort_period_never_panics(a in any_ts(), b in any_ts(), g in granularity()) {
        // one rule with or without a zone: a timestamp of churnkit's range
        // gives a period, any other one (±infinity too) the 22008 error
        let in_range = |t: i64| (time::MIN_TIMESTAMP..=time::MAX_TIMESTAMP).contains(&t);
        let z = Zone::parse("cohort_period", "time_zone", "Asia/Kolkata").unwrap();
        for zone in [Zone::Utc, z] {
            match cohort_period(a, b, g, zone) {
                Ok(p) => {
                    prop_assert!(in_range(a) && in_range(b));
                    prop_assert_eq!(p, -cohort_period(b, a, g, zone).unwrap());
                }
                Err(e) => {
                    prop_assert!(!in_range(a) || !in_range(b), "{}", e);
                    prop_assert_eq!(e.kind, churnkit_core::ErrorKind::DatetimeOverflow);
                }
            }
        }
    }

    #[test]
    fn cohort_period_matches_calendar_truncation(a in chrono_ts(), b in chrono_ts(), g in granularity()) {
        let expected = chrono_period(g, b) - chrono_period(g, a);
        prop_assert_eq!(cohort_period(a, b, g, Zone::Utc).unwrap() as i64, expected);
    }

    #[test]
    fn cohort_period_in_a_zone_is_utc_period_of_wall_clock(a in chrono_ts(), b in chrono_ts(), g in granularity()) {
        let z = Zone::parse("cohort_period", "time_zone", "America/Los_Angeles").unwrap();
        let tz: chrono_tz::Tz = "America/Los_Angeles".parse().unwrap();
        let wall = |t: i64| chrono::DateTime::from_timestamp_micros(t).unwrap().with_timezone(&tz).naive_local().and_utc().timestamp_micros();
        let expected = chrono_period(g, wall(b)) - chrono_period(g, wall(a));
        prop_assert_eq!(cohort_period(a, b, g, z).unwrap() as i64, expected);
    }

    #[test]
    fn period_cache_is_period_index(
        start in any_ts(),
        steps in proptest::collection::vec((0i64..(40 * MICROS_PER_DAY), any::<bool>(), granularity()), 1..60),
    ) {
        // runs of nearby timestamps (the memo's case), jumps, granularity
        // changes and both ends of time: the memo never changes an index
        let mut cache = PeriodCache::default();
        let mut ts = start;
        for (step, back, g) in steps {
            ts = if back { ts.saturating_sub(step) } else { ts.saturating_add(step) };
            prop_assert_eq!(cache.period_index(g, ts), g.period_index(ts), "{:?} {}", g, ts);
        }
        for ts in [i64::MIN, i64::MIN + 1, -1, 0, 1, i64::MAX - 1, i64::MAX] {
            for g in [Granularity::Day, Granularity::Week, Granularity::Month, Granularity::Quarter, Granularity::Year] {
                prop_assert_eq!(cache.period_index(g, ts), g.period_index(ts));
            }
        }
    }

    #[test]
    fn mrr_movement_never_panics(p in proptest::option::of(any_f64()), c in proptest::option::of(any_f64()), w in proptest::option::of(any::<bool>())) {
        let _ = mrr_movement(p, c, w);
    }

    #[test]
    fn business_hours_are_additive_and_bounded(a in chrono_ts(), d1 in 0i64..(400 * MICROS_PER_DAY), d2 in 0i64..(400 * MICROS_PER_DAY)) {
        let w = WorkingHours::default();
        let (b, c) = (a.saturating_add(d1), a.saturating_add(d1).saturating_add(d2));
        let ab = business_hours_between(a, b, &w).unwrap();
        let bc = business_hours_between(b, c, &w).unwrap();
        let ac = business_hours_between(a, c, &w).unwrap();
        prop_assert!((ab + bc - ac).abs() < 1e-6);
        prop_assert!(ac >= 0.0 && ac <= (c - a) as f64 / MICROS_PER_HOUR as f64 + 1e-9);
        // at most 8 of every 24 hours, and at most 40 of every 168
        prop_assert!(ac <= 40.0 * ((c - a) as f64 / (7.0 * MICROS_PER_DAY as f64)).ceil() + 1e-9);
    }

    #[test]
    fn business_hours_never_panic(a in any_ts(), b in any_ts(), tz in prop_oneof![Just("UTC"), Just("Europe/Berlin"), Just("Pacific/Chatham")]) {
        let w = WorkingHours::parse(tz, "08:00", "18:30").unwrap();
        if let Ok(h) = business_hours_between(a, b, &w) {
            prop_assert!(h.is_finite() && h >= 0.0);
        }
    }
}
