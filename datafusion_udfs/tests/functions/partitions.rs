//! The same queries over one partition and over many give identical results:
//! DataFusion aggregates each partition partially, ships the Binary states
//! (`state()`) and merges them (`merge_batch`), with both the one-group
//! `Accumulator` (no GROUP BY) and the `GroupsAccumulator`. A third run makes
//! DataFusion skip partial aggregation (`convert_to_state`: one state per row).

use std::sync::Arc;

use churnkit_core::agg::{EngagementSummary, State, SurvivalSummary};
use datafusion::arrow::array::{
    Array, BinaryArray, BooleanBuilder, Float64Builder, Int64Builder, RecordBatch, StringBuilder,
    TimestampMicrosecondBuilder,
};
use datafusion::arrow::datatypes::{DataType, Field, Schema};
use datafusion::prelude::SessionConfig;

use crate::{ctx_with, query, register_partitioned, text};

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const JAN_1_2024: i64 = 1_704_067_200_000_000;
const DAY: i64 = 86_400_000_000;
const EVENTS: [&str; 5] = ["signup", "invite", "first_report", "page_view", "export"];

/// Events of 120 accounts (3 users each) over the first half of 2024, in no
/// particular order, with NULL timestamps, durations and key flags. Durations
/// are whole seconds, so sums are exact whatever the merge order.
fn events(rows: usize) -> RecordBatch {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let (mut account, mut user, mut ts, mut name, mut dur, mut key) = (
        Int64Builder::new(),
        Int64Builder::new(),
        TimestampMicrosecondBuilder::new(),
        StringBuilder::new(),
        Float64Builder::new(),
        BooleanBuilder::new(),
    );
    for _ in 0..rows {
        let a = i64::try_from(rng.below(120)).unwrap();
        account.append_value(a);
        user.append_value(a * 10 + i64::try_from(rng.below(3)).unwrap());
        if rng.below(100) == 0 {
            ts.append_null();
        } else {
            // accounts start at different times, so cohorts differ
            let start = (a % 5) * 30 * DAY;
            ts.append_value(
                JAN_1_2024
                    + start
                    + i64::try_from(rng.below((182 * DAY - start).unsigned_abs())).unwrap(),
            );
        }
        let e = EVENTS[(rng.below(100) as usize * rng.below(100) as usize / 2000).min(4)];
        name.append_value(e);
        match rng.below(10) {
            0 => dur.append_null(),
            _ => dur.append_value(rng.below(600) as f64),
        }
        match rng.below(10) {
            0 => key.append_null(),
            _ => key.append_value(e == "export" || rng.below(4) == 0),
        }
    }
    let schema = Schema::new(vec![
        Field::new("account_id", DataType::Int64, false),
        Field::new("user_id", DataType::Int64, false),
        Field::new("occurred_at", datafusion_churnkit::timestamp_type(), true),
        Field::new("event_name", DataType::Utf8, false),
        Field::new("duration_seconds", DataType::Float64, true),
        Field::new("is_key_action", DataType::Boolean, true),
    ]);
    RecordBatch::try_new(
        Arc::new(schema),
        vec![
            Arc::new(account.finish()),
            Arc::new(user.finish()),
            Arc::new(ts.finish().with_timezone("UTC")),
            Arc::new(name.finish()),
            Arc::new(dur.finish()),
            Arc::new(key.finish()),
        ],
    )
    .unwrap()
}

/// One row per account: plan, tenure (days, some NULL) and churned (some NULL).
fn accounts() -> RecordBatch {
    let mut rng = Rng(0x1234_5678_9abc_def1);
    let (mut id, mut plan, mut tenure, mut churned) = (
        Int64Builder::new(),
        StringBuilder::new(),
        Float64Builder::new(),
        BooleanBuilder::new(),
    );
    for a in 0..600i64 {
        id.append_value(a);
        plan.append_value(["free", "pro", "team"][(a % 3) as usize]);
        match rng.below(20) {
            0 => tenure.append_null(),
            _ => {
                tenure.append_value(rng.below(400) as f64 + [0.0, 0.5, 0.25][rng.below(3) as usize])
            }
        }
        match rng.below(10) {
            0 => churned.append_null(),
            k => churned.append_value(k < 6),
        }
    }
    let schema = Schema::new(vec![
        Field::new("account_id", DataType::Int64, false),
        Field::new("plan", DataType::Utf8, false),
        Field::new("tenure_days", DataType::Float64, true),
        Field::new("churned", DataType::Boolean, true),
    ]);
    RecordBatch::try_new(
        Arc::new(schema),
        vec![
            Arc::new(id.finish()),
            Arc::new(plan.finish()),
            Arc::new(tenure.finish()),
            Arc::new(churned.finish()),
        ],
    )
    .unwrap()
}

const STEPS: &str = "[event_name = 'signup', event_name = 'invite', event_name = 'first_report']";

fn queries() -> Vec<String> {
    vec![
        // GroupsAccumulator paths
        "SELECT account_id, active_days(s) AS days, active_minutes(s) AS minutes, key_actions(s) AS keys, \
         last_active_at(s) AS last_active, engagement_score(s, 182) AS score, s \
         FROM (SELECT account_id, engagement_agg(occurred_at, duration_seconds, is_key_action) AS s FROM events GROUP BY account_id) \
         ORDER BY account_id"
            .to_string(),
        "WITH a AS (SELECT user_id, activity_agg(occurred_at, 'month') AS act FROM events GROUP BY user_id) \
         SELECT cohort_start(act) AS cohort, retention_counts(act) AS classic, retention_counts(act, 'unbounded') AS unbounded, count(*) AS n \
         FROM a GROUP BY cohort_start(act) ORDER BY cohort"
            .to_string(),
        "SELECT user_id, a, cohort_start(a) AS cohort, is_active(a, 3) AS w3, lifecycle_state(a, '2024-04-01') AS april \
         FROM (SELECT user_id, activity_agg(occurred_at, 'week') AS a FROM events GROUP BY user_id) ORDER BY user_id"
            .to_string(),
        format!(
            "SELECT user_id, window_funnel(INTERVAL '2 days', occurred_at, {STEPS}) AS plain, \
             window_funnel(86400, occurred_at, {STEPS}, 'strict_order') AS strict_order, \
             window_funnel(INTERVAL '3 days', occurred_at, {STEPS}, 'strict_deduplication,strict_increase') AS dedup \
             FROM events GROUP BY user_id ORDER BY user_id"
        ),
        "SELECT user_id, retention([event_name = 'signup', event_name = 'invite', event_name = 'export']) AS r \
         FROM events GROUP BY user_id ORDER BY user_id"
            .to_string(),
        "SELECT account_id, activity_trend(occurred_at, '2024-06-15', 30) AS trend FROM events GROUP BY account_id ORDER BY account_id"
            .to_string(),
        "SELECT plan, survival_at(s, 30) AS s30, survival_at(s, 180) AS s180, median_lifetime(s) AS median, \
         array_length(survival_curve(s)) AS points, s \
         FROM (SELECT plan, survival_agg(tenure_days, churned) AS s FROM accounts GROUP BY plan) ORDER BY plan"
            .to_string(),
        // FILTER clauses
        "SELECT account_id, key_actions(engagement_agg(occurred_at, duration_seconds, is_key_action) FILTER (WHERE event_name = 'export')) AS exports \
         FROM events GROUP BY account_id ORDER BY account_id"
            .to_string(),
        // one-group Accumulator paths (no GROUP BY)
        format!(
            "SELECT engagement_agg(occurred_at, duration_seconds, is_key_action) AS all_events, \
             retention([event_name = 'signup', event_name = 'export']) AS r, \
             window_funnel(INTERVAL '1 day', occurred_at, {STEPS}) AS level, \
             activity_trend(occurred_at, '2024-06-15', 30) AS trend FROM events"
        ),
        "SELECT retention_counts(a) AS counts FROM \
         (SELECT user_id, activity_agg(occurred_at, 'quarter') AS a FROM events GROUP BY user_id)"
            .to_string(),
        "SELECT survival_agg(tenure_days, churned) AS s FROM accounts".to_string(),
    ]
}

async fn run_all(config: SessionConfig, partitions: usize, batch_rows: usize) -> Vec<String> {
    let ctx = ctx_with(config);
    register_partitioned(&ctx, "events", &events(20_000), partitions, batch_rows);
    register_partitioned(&ctx, "accounts", &accounts(), partitions, batch_rows);
    let mut out = Vec::new();
    for q in queries() {
        out.push(text(&ctx, &q).await);
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_partition_and_many_give_identical_results() {
    let baseline = run_all(SessionConfig::new().with_target_partitions(1), 1, 8192).await;
    // sanity: the data exercises every aggregate
    assert!(baseline[1].lines().count() > 8, "{}", baseline[1]);
    assert!(
        baseline[3].contains("| 3 "),
        "some user completes the funnel:\n{}",
        baseline[3]
    );
    assert!(baseline[6].lines().count() == 7, "{}", baseline[6]);
    let many = run_all(SessionConfig::new().with_target_partitions(8), 5, 300).await;
    let mut skip = SessionConfig::new().with_target_partitions(8);
    skip.options_mut()
        .execution
        .skip_partial_aggregation_probe_rows_threshold = 0;
    skip.options_mut()
        .execution
        .skip_partial_aggregation_probe_ratio_threshold = 0.0;
    let skipping = run_all(skip, 7, 250).await;
    for (i, q) in queries().iter().enumerate() {
        assert_eq!(baseline[i], many[i], "8 partitions differ on {q}");
        assert_eq!(
            baseline[i], skipping[i],
            "skipping partial aggregation differs on {q}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn merged_states_equal_the_core_over_all_rows() {
    let batch = events(20_000);
    let accounts = accounts();
    let ctx = ctx_with(SessionConfig::new().with_target_partitions(8));
    register_partitioned(&ctx, "events", &batch, 6, 333);
    register_partitioned(&ctx, "accounts", &accounts, 4, 50);
    let binary = |b: &[RecordBatch]| {
        b[0].column(0)
            .as_any()
            .downcast_ref::<BinaryArray>()
            .unwrap()
            .value(0)
            .to_vec()
    };

    let got = query(
        &ctx,
        "SELECT engagement_agg(occurred_at, duration_seconds, is_key_action) FROM events",
    )
    .await;
    let mut expected = EngagementSummary::new();
    let ts = batch
        .column(2)
        .as_any()
        .downcast_ref::<datafusion::arrow::array::TimestampMicrosecondArray>()
        .unwrap();
    let dur = batch
        .column(4)
        .as_any()
        .downcast_ref::<datafusion::arrow::array::Float64Array>()
        .unwrap();
    let key = batch
        .column(5)
        .as_any()
        .downcast_ref::<datafusion::arrow::array::BooleanArray>()
        .unwrap();
    for i in 0..batch.num_rows() {
        if ts.is_valid(i) {
            expected
                .update(
                    ts.value(i),
                    dur.is_valid(i).then(|| dur.value(i)),
                    key.is_valid(i).then(|| key.value(i)),
                )
                .unwrap();
        }
    }
    assert_eq!(EngagementSummary::decode(&binary(&got)).unwrap(), expected);

    let got = query(
        &ctx,
        "SELECT survival_agg(tenure_days, churned) FROM accounts",
    )
    .await;
    let mut expected = SurvivalSummary::new();
    let tenure = accounts
        .column(2)
        .as_any()
        .downcast_ref::<datafusion::arrow::array::Float64Array>()
        .unwrap();
    let churned = accounts
        .column(3)
        .as_any()
        .downcast_ref::<datafusion::arrow::array::BooleanArray>()
        .unwrap();
    for i in 0..accounts.num_rows() {
        if tenure.is_valid(i) {
            expected
                .update(
                    tenure.value(i),
                    churned.is_valid(i).then(|| churned.value(i)),
                )
                .unwrap();
        }
    }
    assert_eq!(binary(&got), expected.encode());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mixed_granularity_across_partitions_is_an_error() {
    // each partition alone is consistent; the merge sees both granularities
    let ctx = ctx_with(SessionConfig::new().with_target_partitions(4));
    query(
        &ctx,
        "CREATE TABLE a AS SELECT * FROM (VALUES (1, '2024-01-01', 'month')) AS v(c, ts, g)",
    )
    .await;
    query(
        &ctx,
        "CREATE TABLE b AS SELECT * FROM (VALUES (1, '2024-01-01', 'week')) AS v(c, ts, g)",
    )
    .await;
    let e = crate::exec_error(&ctx, "SELECT c, activity_agg(CAST(ts AS TIMESTAMP), g) FROM (SELECT * FROM a UNION ALL SELECT * FROM b) GROUP BY c").await;
    assert!(
        e == "activity_agg: invalid granularity: must be the same for every row of a group (got 'month' and 'week')"
            || e == "activity_agg: invalid granularity: must be the same for every row of a group (got 'week' and 'month')",
        "{e}"
    );
    let e = crate::exec_error(&ctx, "SELECT activity_agg(CAST(ts AS TIMESTAMP), g) FROM (SELECT * FROM a UNION ALL SELECT * FROM b)").await;
    assert!(
        e.starts_with(
            "activity_agg: invalid granularity: must be the same for every row of a group"
        ),
        "{e}"
    );
}
