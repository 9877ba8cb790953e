//! Merge laws of every aggregate state: for random inputs and random splits,
//! folding all rows equals merging the folds of the parts, in any order; and
//! every state survives its binary encoding unchanged.

use churnkit_core::agg::*;
use churnkit_core::time::{Granularity, MICROS_PER_DAY};
use proptest::prelude::*;

const T0: i64 = 1_704_067_200_000_000; // 2024-01-01

/// Split `rows` into parts at the given cut points, then return the parts in a shuffled order.
fn split<T: Clone>(rows: &[T], cuts: &[usize], order_seed: u64) -> Vec<Vec<T>> {
    let mut points: Vec<usize> = cuts.iter().map(|c| c % (rows.len() + 1)).collect();
    points.sort();
    let mut parts = Vec::new();
    let mut start = 0;
    for p in points {
        parts.push(rows[start..p].to_vec());
        start = p;
    }
    parts.push(rows[start..].to_vec());
    // deterministic shuffle
    let mut s = order_seed | 1;
    for i in (1..parts.len()).rev() {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        parts.swap(i, (s % (i as u64 + 1)) as usize);
    }
    parts
}

fn ts() -> impl Strategy<Value = i64> {
    prop_oneof![9 => T0 - 400 * MICROS_PER_DAY..T0 + 400 * MICROS_PER_DAY, 1 => Just(T0)]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn engagement(rows in proptest::collection::vec((ts(), proptest::option::of(0u32..5000), proptest::option::of(any::<bool>())), 0..200),
                  cuts in proptest::collection::vec(any::<usize>(), 0..5), seed in any::<u64>()) {
        let fold = |rs: &[(i64, Option<u32>, Option<bool>)]| {
            let mut s = EngagementSummary::new();
            for &(t, d, k) in rs { s.update(t, d.map(f64::from), k).unwrap(); }
            s
        };
        let all = fold(&rows);
        let mut merged = EngagementSummary::new();
        for part in split(&rows, &cuts, seed) {
            let p = fold(&part);
            let p = EngagementSummary::decode(&p.encode()).unwrap();
            merged.merge(&p).unwrap();
        }
        prop_assert_eq!(&merged, &all);
        prop_assert_eq!(EngagementSummary::decode(&all.encode()).unwrap(), all.clone());
        prop_assert_eq!(all.active_days() as usize, rows.iter().map(|r| r.0.div_euclid(MICROS_PER_DAY)).collect::<std::collections::BTreeSet<_>>().len());
    }

    #[test]
    fn activity_and_retention_counts(customers in proptest::collection::vec(proptest::collection::vec(ts(), 1..30), 1..30),
                                     cuts in proptest::collection::vec(any::<usize>(), 0..5), seed in any::<u64>(),
                                     g in prop_oneof![Just(Granularity::Day), Just(Granularity::Week), Just(Granularity::Month)],
                                     unbounded in any::<bool>()) {
        let mode = if unbounded { RetentionMode::Unbounded } else { RetentionMode::Classic };
        let mut activities = Vec::new();
        for events in &customers {
            let fold = |rs: &[i64]| { let mut s = ActivityState::new(); for &t in rs { s.update(t, g).unwrap(); } s };
            let all = fold(events);
            let mut merged = ActivityState::new();
            for part in split(events, &cuts, seed) {
                merged.merge(&ActivityState::decode(&fold(&part).encode()).unwrap()).unwrap();
            }
            prop_assert_eq!(&merged, &all);
            let a = all.activity.unwrap();
            prop_assert_eq!(Activity::decode(&a.encode()).unwrap(), a.clone());
            activities.push(a);
        }
        let fold = |acts: &[Activity]| { let mut s = RetentionCounts::new(); for a in acts { s.update(a, mode).unwrap(); } s };
        let all = fold(&activities);
        let mut merged = RetentionCounts::new();
        for part in split(&activities, &cuts, seed) {
            merged.merge(&RetentionCounts::decode(&fold(&part).encode()).unwrap()).unwrap();
        }
        prop_assert_eq!(&merged, &all);
        prop_assert_eq!(all.counts[0], i64::try_from(activities.len()).unwrap());
    }

    #[test]
    fn retention(rows in proptest::collection::vec(proptest::collection::vec(proptest::option::of(any::<bool>()), 4), 0..50),
                 cuts in proptest::collection::vec(any::<usize>(), 0..5), seed in any::<u64>()) {
        let fold = |rs: &[Vec<Option<bool>>]| { let mut s = RetentionState::new(); for r in rs { s.update(r.iter().copied(), 4).unwrap(); } s };
        let all = fold(&rows);
        let mut merged = RetentionState::new();
        for part in split(&rows, &cuts, seed) {
            merged.merge(&RetentionState::decode(&fold(&part).encode()).unwrap()).unwrap();
        }
        prop_assert_eq!(merged.finish(), all.finish());
    }

    #[test]
    fn trend(rows in proptest::collection::vec(ts(), 0..200), cuts in proptest::collection::vec(any::<usize>(), 0..5), seed in any::<u64>(), w in 1i64..60) {
        let fold = |rs: &[i64]| { let mut s = TrendState::new(); for &t in rs { s.update(t, T0, w).unwrap(); } s };
        let all = fold(&rows);
        let mut merged = TrendState::new();
        for part in split(&rows, &cuts, seed) {
            merged.merge(&TrendState::decode(&fold(&part).encode()).unwrap()).unwrap();
        }
        prop_assert_eq!(merged, all);
    }

    #[test]
    fn survival(rows in proptest::collection::vec((0u32..400, proptest::option::of(any::<bool>())), 0..200),
                cuts in proptest::collection::vec(any::<usize>(), 0..5), seed in any::<u64>()) {
        let fold = |rs: &[(u32, Option<bool>)]| { let mut s = SurvivalSummary::new(); for &(t, c) in rs { s.update(t as f64, c).unwrap(); } s };
        let all = fold(&rows);
        let mut merged = SurvivalSummary::new();
        for part in split(&rows, &cuts, seed) {
            merged.merge(&SurvivalSummary::decode(&fold(&part).encode()).unwrap()).unwrap();
        }
        prop_assert_eq!(&merged, &all);
        let curve = all.curve();
        prop_assert!(curve.windows(2).all(|w| w[1].survival <= w[0].survival));
        // the curve read back (as the report reads the customer_lifetime view)
        // gives the summary's own S(days) and median
        let points: Vec<(f64, f64)> = curve.iter().map(|p| (p.days, p.survival)).collect();
        for days in [-1.0, 0.0, 0.5, 17.0, 199.5, 200.0, 399.0, 1e9] {
            prop_assert_eq!(survival_agg::survival_on_curve(points.iter().copied(), days), all.survival_at(days).unwrap());
        }
        let median = survival_agg::median_of_curve(points.iter().copied());
        prop_assert_eq!(median, all.median_lifetime());
        if let Some(m) = median {
            prop_assert!(all.survival_at(m).unwrap() <= 0.5);
            prop_assert!(points.iter().filter(|p| p.0 < m).all(|p| p.1 > 0.5));
        }
    }

    #[test]
    fn funnel(rows in proptest::collection::vec((0i64..50, proptest::collection::vec(any::<bool>(), 3)), 0..60),
              cuts in proptest::collection::vec(any::<usize>(), 0..5), seed in any::<u64>(),
              window in 0i64..30, mode in 0u8..8) {
        let names = ["strict_order", "strict_deduplication", "strict_increase"];
        let m: Vec<&str> = (0..3).filter(|b| mode & (1 << b) != 0).map(|b| names[b]).collect();
        let p = FunnelParams::new(window, 3, FunnelMode::parse(&m.join(",")).unwrap()).unwrap();
        let fold = |rs: &[(i64, Vec<bool>)]| { let mut s = FunnelState::new(); for (t, st) in rs { s.update(p, *t, st.iter().map(|b| Some(*b)), 3).unwrap(); } s };
        let mut all = fold(&rows);
        let mut merged = FunnelState::new();
        for part in split(&rows, &cuts, seed) {
            merged.merge(&FunnelState::decode(&fold(&part).encode()).unwrap()).unwrap();
        }
        prop_assert_eq!(merged.finish(), all.finish());
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 500, ..ProptestConfig::default() })]

    /// The set behind active days and periods, dense or sparse (outliers
    /// anywhere in i64): the same elements as a BTreeSet, whatever the splits.
    #[test]
    fn period_set_is_a_set(items in proptest::collection::vec(prop_oneof![8 => -5000i64..5000, 1 => any::<i64>(), 1 => -200_000i64..200_000], 0..300),
                           cuts in proptest::collection::vec(any::<usize>(), 0..5), seed in any::<u64>()) {
        let expected: std::collections::BTreeSet<i64> = items.iter().copied().collect();
        let fold = |xs: &[i64]| { let mut s = PeriodSet::new(); for &x in xs { s.insert(x).unwrap(); } s };
        let mut merged = PeriodSet::new();
        for part in split(&items, &cuts, seed) {
            merged.merge(&fold(&part)).unwrap();
        }
        for s in [fold(&items), merged] {
            prop_assert_eq!(s.len(), expected.len());
            prop_assert!(s.iter().eq(expected.iter().copied()));
            prop_assert_eq!(s.last(), expected.iter().next_back().copied());
            for x in items.iter().take(20) {
                prop_assert!(s.contains(*x));
                prop_assert!(s.contains(x.wrapping_add(1)) == expected.contains(&x.wrapping_add(1)));
            }
        }
    }
}

#[test]
fn retention_counts_refuses_mixed_granularities() {
    let act = |g| {
        let mut s = ActivityState::new();
        s.update(T0, g).unwrap();
        s.activity.unwrap()
    };
    let mut r = RetentionCounts::new();
    r.update(&act(Granularity::Month), RetentionMode::Classic)
        .unwrap();
    let e = r
        .update(&act(Granularity::Day), RetentionMode::Classic)
        .unwrap_err();
    assert_eq!(e.to_string(), "retention_counts: invalid activity: activities of a group must have the same granularity (got 'month' and 'day')");
    let mut d = RetentionCounts::new();
    d.update(&act(Granularity::Day), RetentionMode::Classic)
        .unwrap();
    assert!(r
        .merge(&RetentionCounts::decode(&d.encode()).unwrap())
        .is_err());
}
