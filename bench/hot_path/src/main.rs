// The per-row cost of core's aggregate updates (bench/hot_path.sh): N rows of a seeded,
// unordered event stream through each state (deterministic: counted by
// callgrind in instructions, so two builds compare exactly).
use churnkit_core::agg::*;
use churnkit_core::time::Granularity;
fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .map(|s| s.parse().unwrap())
        .unwrap_or(1_000_000);
    let which = std::env::args().nth(2).unwrap_or_default();
    let mut x: u64 = 7;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let t0: i64 = 1_700_000_000_000_000;
    let rows: Vec<(i64, u64)> = (0..n)
        .map(|_| {
            let r = next();
            (t0 + (r % (365 * 86_400_000_000)) as i64, r)
        })
        .collect();
    let mut sink = 0u64;
    if which.is_empty() || which == "engagement" {
        let mut s = EngagementSummary::new();
        for &(ts, r) in &rows {
            s.update(ts, Some((r % 600) as f64), Some(r % 5 == 0))
                .unwrap();
        }
        sink += s.events;
    }
    if which.is_empty() || which == "activity" {
        let mut s = ActivityState::new();
        for &(ts, _) in &rows {
            s.update(ts, Granularity::Month).unwrap();
        }
        sink += s.activity.map_or(0, |a| a.periods.len() as u64);
    }
    if which.is_empty() || which == "survival" {
        let mut s = SurvivalSummary::new();
        for &(_, r) in &rows {
            s.update((r % 1000) as f64, Some(r % 3 == 0)).unwrap();
        }
        sink += s.distinct_tenures() as u64;
    }
    if which.is_empty() || which == "funnel" {
        let p = FunnelParams::new(7 * 86_400_000_000, 3, FunnelMode::parse("").unwrap()).unwrap();
        let mut s = FunnelState::new();
        for &(ts, r) in &rows {
            s.update(
                p,
                ts,
                [Some(r % 3 == 0), Some(r % 5 == 0), Some(r % 7 == 0)],
                3,
            )
            .unwrap();
        }
        sink += s.finish() as u64;
    }
    if which.is_empty() || which == "trend" {
        let mut s = TrendState::new();
        for &(ts, _) in &rows {
            s.update(ts, t0 + 200 * 86_400_000_000, 14).unwrap();
        }
        sink += s.recent;
    }
    println!("{sink}");
}
