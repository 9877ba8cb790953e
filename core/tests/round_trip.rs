//! Round trips are total: every value a summary type can hold —
//! what any aggregate produces today, and what churnkit 0.1.0 stored (its
//! `±infinity` were the ends of `i64`) — reads back through its text form
//! and its binary form to the same bytes and the same accessor results; and
//! whatever bytes binary input accepts, text input accepts too (binary input
//! is exactly as strict as text input). Random and mutated bytes never
//! panic any decoder or accessor.

use churnkit_core::agg::{
    Activity, ActivityState, EngagementSummary, PeriodSet, State, SurvivalSummary,
};
use churnkit_core::time::{self, Granularity, MICROS_PER_DAY};
use proptest::prelude::*;

fn granularity() -> impl Strategy<Value = Granularity> {
    prop_oneof![
        Just(Granularity::Day),
        Just(Granularity::Week),
        Just(Granularity::Month),
        Just(Granularity::Quarter),
        Just(Granularity::Year),
    ]
}

/// Any stored timestamp: the ends of i64 (0.1.0's ±infinity), the ends of
/// churnkit's range, and everything between.
fn stored_ts() -> impl Strategy<Value = i64> {
    prop_oneof![
        1 => Just(i64::MIN),
        1 => Just(i64::MAX),
        1 => Just(time::MIN_TIMESTAMP),
        1 => Just(time::MAX_TIMESTAMP),
        2 => -2_000_000_000_000_000i64..4_000_000_000_000_000,
        2 => any::<i64>(),
    ]
}

fn engagement() -> impl Strategy<Value = EngagementSummary> {
    (
        stored_ts(),
        stored_ts(),
        proptest::collection::vec(any::<u64>(), 0..20),
        0u64..1000,
        0u64..1000,
        prop_oneof![Just(0.0), Just(-0.0), 0.0f64..1e12, Just(f64::MAX)],
        any::<bool>(),
    )
        .prop_map(|(a, b, picks, extra, keys, seconds, empty)| {
            if empty {
                return EngagementSummary::new();
            }
            let (first, last) = (a.min(b), a.max(b));
            let (d0, d1) = (time::day_number(first), time::day_number(last));
            let mut days = PeriodSet::new();
            days.insert(d0).unwrap();
            days.insert(d1).unwrap();
            for p in picks {
                days.insert(d0 + i64::try_from(p % ((d1 - d0).unsigned_abs() + 1)).unwrap())
                    .unwrap();
            }
            let events = days.len() as u64 + extra;
            EngagementSummary {
                events,
                active_seconds: seconds,
                key_actions: keys.min(events),
                first_active_at: Some(first),
                last_active_at: Some(last),
                days,
            }
        })
}

fn activity() -> impl Strategy<Value = Activity> {
    (
        granularity(),
        proptest::collection::vec((any::<u64>(), 0u8..4), 1..30),
    )
        .prop_map(|(g, picks)| {
            let (lo, hi) = g.period_range();
            let mut periods = PeriodSet::new();
            for (p, end) in picks {
                // the very ends of the range often, anything between too
                let period = match end {
                    0 => lo,
                    1 => hi,
                    _ => lo + i64::try_from(p % ((hi - lo).unsigned_abs() + 1)).unwrap(),
                };
                periods.insert(period).unwrap();
            }
            Activity {
                granularity: g,
                periods,
            }
        })
}

fn survival() -> impl Strategy<Value = SurvivalSummary> {
    proptest::collection::vec(
        (
            prop_oneof![Just(0.0), Just(-0.0), 0.0f64..1e6, Just(f64::MAX)],
            proptest::option::of(any::<bool>()),
        ),
        0..40,
    )
    .prop_map(|rows| {
        let mut s = SurvivalSummary::new();
        for (t, c) in rows {
            s.update(t, c).unwrap();
        }
        s
    })
}

/// The accessor results of an engagement summary, for comparison.
/// Every check of the decoder fuzz target on `bytes`
/// (`churnkit_core::fuzz::check`, the one statement of what a round trip
/// must keep: the same bytes through binary and text, the same results of
/// every accessor, and no panic of any summary or state decoder).
fn holds(bytes: &[u8]) -> std::result::Result<(), TestCaseError> {
    churnkit_core::fuzz::check(bytes).map_err(TestCaseError::fail)
}

/// Flip, drop, insert or overwrite a few bytes of `bytes`.
fn mutate(bytes: &[u8], edits: &[(usize, u8, u8)]) -> Vec<u8> {
    let mut b = bytes.to_vec();
    for &(at, what, v) in edits {
        if b.is_empty() {
            b.push(v);
            continue;
        }
        let i = at % b.len();
        match what % 4 {
            0 => b[i] ^= 1 << (v % 8),
            1 => {
                b.remove(i);
            }
            2 => b.insert(i, v),
            _ => b[i] = v,
        }
    }
    b
}

fn edits() -> impl Strategy<Value = Vec<(usize, u8, u8)>> {
    proptest::collection::vec((any::<usize>(), any::<u8>(), any::<u8>()), 1..4)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn engagement_summaries_round_trip(s in engagement()) {
        prop_assert!(s.validate().is_ok());
        holds(&s.encode())?;
        prop_assert!(EngagementSummary::decode(&s.encode()).is_ok());
    }

    #[test]
    fn activities_round_trip(a in activity()) {
        prop_assert!(a.validate().is_ok());
        holds(&a.encode())?;
        prop_assert!(Activity::decode(&a.encode()).is_ok());
    }

    #[test]
    fn survival_summaries_round_trip(s in survival()) {
        holds(&s.encode())?;
        prop_assert!(SurvivalSummary::decode(&s.encode()).is_ok());
    }

    #[test]
    fn what_aggregates_produce_round_trips(
        rows in proptest::collection::vec((stored_ts(), proptest::option::of(0.0f64..1e5), proptest::option::of(any::<bool>())), 0..40),
        g in granularity(),
    ) {
        let mut e = EngagementSummary::new();
        let mut a = ActivityState::new();
        for &(ts, d, k) in &rows {
            // out-of-range timestamps are refused (22008) and change nothing
            let before = e.clone();
            if e.update(ts, d, k).is_err() {
                prop_assert!(!(time::MIN_TIMESTAMP..=time::MAX_TIMESTAMP).contains(&ts));
                prop_assert_eq!(&e, &before);
            }
            let _ = a.update(ts, g);
        }
        holds(&e.encode())?;
        if let Some(a) = a.activity {
            holds(&a.encode())?;
        }
    }

    #[test]
    fn mutated_summaries_never_panic_and_round_trip(
        e in engagement(), a in activity(), s in survival(), ed in edits(),
    ) {
        holds(&mutate(&e.encode(), &ed))?;
        holds(&mutate(&a.encode(), &ed))?;
        holds(&mutate(&s.encode(), &ed))?;
    }

    #[test]
    fn random_bytes_never_panic_and_round_trip(
        body in proptest::collection::vec(any::<u8>(), 0..64),
    ) {
        let mut bytes = vec![1u8];
        bytes.extend_from_slice(&body);
        holds(&bytes)?;
    }
}

/// The values of the issue's reproducers.
#[test]
fn the_values_0_1_0_got_wrong() {
    // activity_agg('-infinity', 'week') stored by 0.1.0: its text form now reads back
    let mut periods = PeriodSet::new();
    periods
        .insert(Granularity::Week.period_index(i64::MIN))
        .unwrap();
    let a = Activity {
        granularity: Granularity::Week,
        periods,
    };
    let text = a.to_text();
    assert_eq!(
        text,
        r#"{"granularity":"week","periods":["-290308-12-15"],"version":1}"#
    );
    assert_eq!(Activity::from_text(&text).unwrap(), a);
    // ... and its cohort start is a clear 22008 error, not a wrapped date
    let e = a.cohort_start().unwrap_err();
    assert_eq!(e.kind, churnkit_core::ErrorKind::DatetimeOverflow);
    // a "year" activity of period 2^62: binary input refuses it as text does
    let crafted = [
        0x01, 0x04, 0x01, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01,
    ];
    let e = Activity::decode(&crafted).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("activity: invalid input: a year period that no timestamp falls in"),
        "{e}"
    );
    // the last year of churnkit's range and the last one 0.1.0 could store
    for ts in [time::MAX_TIMESTAMP, i64::MAX] {
        let mut p = PeriodSet::new();
        p.insert(Granularity::Year.period_index(ts)).unwrap();
        let a = Activity {
            granularity: Granularity::Year,
            periods: p,
        };
        assert_eq!(Activity::from_text(&a.to_text()).unwrap(), a);
        assert!(a.cohort_start().unwrap() <= ts);
    }
    assert_eq!(
        Granularity::Year.period_start_day(Granularity::Year.period_range().1),
        Some(time::days_from_civil(294_247, 1, 1))
    );
    assert_eq!(
        time::MAX_TIMESTAMP + 1,
        time::days_from_civil(294_247, 1, 1) * MICROS_PER_DAY
    );
    // Postgres' first timestamp (4714-11-24 BC) is churnkit's first
    assert_eq!(
        time::MIN_TIMESTAMP,
        time::from_pg_timestamp(-211_813_488_000_000_000)
    );
}

/// The decoder fuzz target's short run (the long one is `scripts/fuzz.sh`,
/// libFuzzer, 10 M cases): the seed corpus of `fuzz/corpus/decoders/`
/// (valid values of every type and the catalogue's crafted ones), each
/// mutated many times by a fixed-seed generator, through
/// `churnkit_core::fuzz::check` — the same body libFuzzer runs.
#[test]
fn decoder_fuzz_target_short_run() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../fuzz/corpus/decoders");
    let mut seeds: Vec<Vec<u8>> = std::fs::read_dir(dir)
        .expect("the seed corpus fuzz/corpus/decoders")
        .map(|e| std::fs::read(e.unwrap().path()).unwrap())
        .collect();
    seeds.sort();
    assert!(seeds.len() >= 10, "{} seeds", seeds.len());
    // xorshift64*: deterministic, no dependency
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    };
    let mut cases = 0;
    for seed in &seeds {
        churnkit_core::fuzz::check(seed).unwrap();
        for _ in 0..4_000 {
            let n = 1 + next() % 4;
            let edits: Vec<(usize, u8, u8)> = (0..n)
                .map(|_| (next() as usize, next() as u8, next() as u8))
                .collect();
            let bytes = mutate(seed, &edits);
            if let Err(v) = churnkit_core::fuzz::check(&bytes) {
                panic!("{v}\ninput: {bytes:02x?}");
            }
            cases += 1;
        }
    }
    assert!(cases >= 40_000, "{cases}");
}
