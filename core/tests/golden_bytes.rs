//! Golden bytes: the version-1 binary encoding of every summary type,
//! pinned. These bytes are stored in users' tables (the summary types'
//! storage and binary form), cross the network between parallel workers and
//! DataFusion partitions, and were written by churnkit 0.1.0: a change to the
//! encoding must be a new format version, never new bytes for version 1.

use churnkit_core::agg::{ActivityState, EngagementSummary, State, SurvivalSummary};
use churnkit_core::time::Granularity;

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

#[test]
fn engagement_summary_version_1() {
    let mut e = EngagementSummary::new();
    e.update(1_706_743_800_000_000, Some(90.0), Some(true))
        .unwrap(); // 2024-01-31 23:30
    e.update(1_706_659_200_000_000, None, None).unwrap(); // 2024-01-31 00:00
    e.update(1_709_251_200_000_000, Some(30.5), Some(false))
        .unwrap(); // 2024-03-01
    let golden = "01030000000000205e4001018080f3f5d18c88068080dde9c1a3890602d2b4021e";
    assert_eq!(hex(&e.encode()), golden);
    assert_eq!(EngagementSummary::decode(&unhex(golden)).unwrap(), e);
    assert_eq!(
        hex(&EngagementSummary::new().encode()),
        "01000000000000000000000000"
    );
    assert_eq!(
        e.to_text(),
        r#"{"active_days":["2024-01-31","2024-03-01"],"active_seconds":120.5,"events":3,"first_active_at":"2024-01-31T00:00:00Z","key_actions":1,"last_active_at":"2024-03-01T00:00:00Z","version":1}"#
    );
}

#[test]
fn activity_version_1() {
    let mut s = ActivityState::new();
    for ts in [
        1_706_743_800_000_000i64, // 2024-01
        1_700_000_000_000_000,    // 2023-11
        1_709_251_200_000_000,    // 2024-03
    ] {
        s.update(ts, Granularity::Month).unwrap();
    }
    let a = s.activity.unwrap();
    // version 1, month (2), 3 periods, 2023-11 = 24286 (zig-zag), gaps 2, 2
    let golden = "010203bcfb020202";
    assert_eq!(hex(&a.encode()), golden);
    assert_eq!(
        churnkit_core::agg::Activity::decode(&unhex(golden)).unwrap(),
        a
    );
    assert_eq!(
        a.to_text(),
        r#"{"granularity":"month","periods":["2023-11-01","2024-01-01","2024-03-01"],"version":1}"#
    );
}

#[test]
fn survival_summary_version_1() {
    let mut s = SurvivalSummary::new();
    s.update(30.0, Some(true)).unwrap();
    s.update(0.5, Some(false)).unwrap();
    s.update(30.0, None).unwrap();
    s.update(365.25, Some(true)).unwrap();
    let golden = "0103000000000000e03f00010000000000003e4001010000000000d476400100";
    assert_eq!(hex(&s.encode()), golden);
    assert_eq!(SurvivalSummary::decode(&unhex(golden)).unwrap(), s);
    assert_eq!(
        s.to_text(),
        r#"{"tenures":[[0.5,0,1],[30.0,1,1],[365.25,1,0]],"version":1}"#
    );
}
