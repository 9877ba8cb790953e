//! The decoder fuzz target's body: arbitrary bytes into every
//! decoder of a stored summary and of an aggregate's partial state, then
//! every accessor. Run by `fuzz/` (cargo fuzz, libFuzzer: `scripts/fuzz.sh`,
//! 10 M cases) and, on a seeded corpus of valid and mutated values, by
//! `core/tests/round_trip.rs` in the test command.
//!
//! What must hold, for any input:
//! * no panic (a panic is what the fuzzer reports);
//! * a summary that decodes re-encodes to exactly the input bytes (the
//!   encoding is canonical), its text form reads back to the same bytes
//!   (binary input is not laxer than text input) and every accessor gives
//!   the same results on the value read back;
//! * an aggregate state that decodes re-encodes to bytes that decode to the
//!   same state, and merging it with itself and finishing it do not panic.
//!
//! [`check`] returns the first violation as text.

use crate::agg::{
    Activity, ActivityState, EngagementSummary, FunnelState, RetentionCounts, RetentionMode,
    RetentionState, State, SurvivalSummary, TrendState,
};
use crate::time::{MAX_TIMESTAMP, MIN_TIMESTAMP};

/// Every check of the module on one input; `Err` describes a violation.
pub fn check(bytes: &[u8]) -> Result<(), String> {
    summary(
        bytes,
        EngagementSummary::decode,
        EngagementSummary::encode,
        |s| s.to_text(),
        |t| EngagementSummary::from_text(t).map_err(|e| e.to_string()),
        engagement_reads,
    )?;
    summary(
        bytes,
        Activity::decode,
        Activity::encode,
        |a| a.to_text(),
        |t| Activity::from_text(t).map_err(|e| e.to_string()),
        activity_reads,
    )?;
    summary(
        bytes,
        SurvivalSummary::decode,
        SurvivalSummary::encode,
        |s| s.to_text(),
        |t| SurvivalSummary::from_text(t).map_err(|e| e.to_string()),
        survival_reads,
    )?;
    state(
        bytes,
        "ActivityState",
        ActivityState::decode,
        ActivityState::encode,
        |s| {
            let o = s.clone();
            let _ = s.merge(&o);
        },
    )?;
    state(
        bytes,
        "FunnelState",
        FunnelState::decode,
        FunnelState::encode,
        |s| {
            let o = s.clone();
            let _ = s.merge(&o);
            let _ = s.finish();
        },
    )?;
    state(
        bytes,
        "TrendState",
        TrendState::decode,
        TrendState::encode,
        |s| {
            let o = *s;
            let _ = s.merge(&o);
            let _ = s.finish();
        },
    )?;
    state(
        bytes,
        "RetentionState",
        RetentionState::decode,
        RetentionState::encode,
        |s| {
            let o = *s;
            let _ = s.merge(&o);
            let _ = s.finish();
        },
    )?;
    state(
        bytes,
        "RetentionCounts",
        RetentionCounts::decode,
        RetentionCounts::encode,
        |s| {
            let o = s.clone();
            let _ = s.merge(&o);
        },
    )?;
    Ok(())
}

fn summary<T>(
    bytes: &[u8],
    decode: impl Fn(&[u8]) -> crate::Result<T>,
    encode: impl Fn(&T) -> Vec<u8>,
    to_text: impl Fn(&T) -> String,
    from_text: impl Fn(&str) -> Result<T, String>,
    reads: impl Fn(&T) -> String,
) -> Result<(), String> {
    let Ok(v) = decode(bytes) else {
        return Ok(());
    };
    let name = std::any::type_name::<T>();
    if encode(&v) != bytes {
        return Err(format!(
            "{name}: binary input re-encodes to other bytes: {bytes:02x?}"
        ));
    }
    let text = to_text(&v);
    let back = from_text(&text).map_err(|e| {
        format!("{name}: binary input accepted what text input refuses: {text} ({e})")
    })?;
    if encode(&back) != bytes {
        return Err(format!(
            "{name}: the text round trip changed the bytes: {text}"
        ));
    }
    if to_text(&back) != text {
        return Err(format!(
            "{name}: the text round trip changed the text: {text}"
        ));
    }
    let (a, b) = (reads(&v), reads(&back));
    if a != b {
        return Err(format!(
            "{name}: accessors differ after the round trip: {a} vs {b}"
        ));
    }
    Ok(())
}

fn state<T>(
    bytes: &[u8],
    name: &str,
    decode: impl Fn(&[u8]) -> crate::Result<T>,
    encode: impl Fn(&T) -> Vec<u8>,
    exercise: impl Fn(&mut T),
) -> Result<(), String> {
    let Ok(mut s) = decode(bytes) else {
        return Ok(());
    };
    let once = encode(&s);
    let again =
        decode(&once).map_err(|e| format!("{name}: its own encoding does not decode: {e}"))?;
    if encode(&again) != once {
        return Err(format!("{name}: the encoding is not stable: {bytes:02x?}"));
    }
    exercise(&mut s);
    Ok(())
}

/// Every accessor of an engagement summary, as text.
pub fn engagement_reads(s: &EngagementSummary) -> String {
    format!(
        "{:?} {:?} {} {:?} {:?} {:?} {:?}",
        s.engagement_score(1.0),
        s.engagement_score(30.0).map(f64::to_bits),
        s.active_days(),
        s.active_minutes().to_bits(),
        s.key_actions,
        s.first_active_at,
        s.last_active_at
    )
}

/// Every accessor of an activity, as text: cohort start, is_active around
/// the cohort, lifecycle states at the edges of the time range and of the
/// activity, and retention counts in both modes.
pub fn activity_reads(a: &Activity) -> String {
    let mut lifecycle = Vec::new();
    let mut probes = vec![MIN_TIMESTAMP, MAX_TIMESTAMP, i64::MIN, i64::MAX];
    for p in [a.first(), a.first().saturating_add(1)] {
        if let Some((start, _)) = a.granularity.period_bounds(p) {
            probes.push(start);
        }
    }
    for t in probes {
        lifecycle.push(format!("{:?}", a.lifecycle_state(t)));
    }
    let counts = |mode| {
        let mut c = RetentionCounts::new();
        c.update(a, mode).map(|_| c.encode())
    };
    format!(
        "{:?} {} {} {} {:?} {:?} {:?}",
        a.cohort_start(),
        a.is_active(0),
        a.is_active(1),
        a.is_active(i64::MAX),
        lifecycle,
        counts(RetentionMode::Classic),
        counts(RetentionMode::Unbounded)
    )
}

/// Every accessor of a survival summary, as text.
pub fn survival_reads(s: &SurvivalSummary) -> String {
    format!(
        "{:?} {:?} {:?} {:?} {:?}",
        s.curve(),
        s.median_lifetime(),
        s.survival_at(30.0),
        s.survival_at(f64::MAX),
        s.survival_at(-1.0)
    )
}
