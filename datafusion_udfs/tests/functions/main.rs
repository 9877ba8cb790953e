//! SQL-level tests of the DataFusion adapters: every query goes through a
//! `SessionContext` with `register_all`, as a user's would. The rules
//! themselves are tested in `churnkit-core`; these tests cover what the
//! adapters add: arities, defaults, coercion, NULLs, scalar/column mixes,
//! error mapping, and that nothing panics.
//!
//! One test binary (one link of DataFusion) with a module per function.

mod activity_agg;
mod activity_trend;
mod business_hours_between;
mod churn_risk_stage;
mod coercion;
mod cohort_period;
mod docs;
mod engagement_agg;
mod engagement_score;
mod extremes;
mod health_score;
mod health_tier;
mod mrr_movement;
mod partitions;
mod queries;
mod reference;
mod retention;
mod retention_counts;
mod survival_agg;
mod window_funnel;

use std::sync::Arc;

use datafusion::arrow::array::RecordBatch;
use datafusion::common::{DataFusionError, Result};
use datafusion::datasource::MemTable;
use datafusion::prelude::{SessionConfig, SessionContext};

/// A session with every churnkit function registered.
pub fn ctx() -> SessionContext {
    let ctx = SessionContext::new();
    datafusion_churnkit::register_all(&ctx);
    ctx
}

/// A session with `target_partitions` partitions and every churnkit function.
pub fn ctx_with(config: SessionConfig) -> SessionContext {
    let ctx = SessionContext::new_with_config(config);
    datafusion_churnkit::register_all(&ctx);
    ctx
}

/// Plan and run one statement.
pub async fn run(ctx: &SessionContext, sql: &str) -> Result<Vec<RecordBatch>> {
    ctx.sql(sql).await?.collect().await
}

/// Run `sql` and return the batches; panics with the error.
pub async fn query(ctx: &SessionContext, sql: &str) -> Vec<RecordBatch> {
    match run(ctx, sql).await {
        Ok(b) => b,
        Err(e) => panic!("query failed: {sql}\n{e}"),
    }
}

/// Run `sql` and return the text of the execution error it must raise
/// (the message of the innermost `DataFusionError::Execution`).
pub async fn exec_error(ctx: &SessionContext, sql: &str) -> String {
    match run(ctx, sql).await {
        Ok(b) => panic!(
            "expected an error from {sql}, got\n{}",
            datafusion::arrow::util::pretty::pretty_format_batches(&b).unwrap()
        ),
        Err(e) => match e.find_root() {
            DataFusionError::Execution(msg) => msg.clone(),
            other => panic!("expected an execution error from {sql}, got {other:?}"),
        },
    }
}

/// Run `sql` and return the full text of whatever error it raises (planning errors).
pub async fn any_error(ctx: &SessionContext, sql: &str) -> String {
    match run(ctx, sql).await {
        Ok(_) => panic!("expected an error from {sql}"),
        Err(e) => e.to_string(),
    }
}

/// Register an in-memory table.
pub fn register(ctx: &SessionContext, name: &str, batch: RecordBatch) {
    let table = MemTable::try_new(batch.schema(), vec![vec![batch]]).expect("mem table");
    ctx.register_table(name, Arc::new(table))
        .expect("register table");
}

/// Register `batch` as a table of `partitions` partitions, each a few small
/// batches, so that aggregates run partially per partition and merge.
pub fn register_partitioned(
    ctx: &SessionContext,
    name: &str,
    batch: &RecordBatch,
    partitions: usize,
    batch_rows: usize,
) {
    let per = batch.num_rows().div_ceil(partitions).max(1);
    let mut parts = Vec::new();
    for p in 0..partitions {
        let start = (p * per).min(batch.num_rows());
        let end = ((p + 1) * per).min(batch.num_rows());
        let mut batches = Vec::new();
        let mut s = start;
        while s < end {
            let n = batch_rows.min(end - s);
            batches.push(batch.slice(s, n));
            s += n;
        }
        parts.push(batches);
    }
    let table = MemTable::try_new(batch.schema(), parts).expect("mem table");
    ctx.register_table(name, Arc::new(table))
        .expect("register table");
}

/// The rows of `sql` as printed text (for comparing runs).
pub async fn text(ctx: &SessionContext, sql: &str) -> String {
    datafusion::arrow::util::pretty::pretty_format_batches(&query(ctx, sql).await)
        .unwrap()
        .to_string()
}

/// `assert_batches_eq!` on the result of `sql` in a fresh session.
#[macro_export]
macro_rules! check {
    ($sql:expr, $expected:expr) => {{
        let ctx = $crate::ctx();
        let batches = $crate::query(&ctx, $sql).await;
        datafusion::assert_batches_eq!($expected, &batches);
    }};
    ($ctx:expr, $sql:expr, $expected:expr) => {{
        let batches = $crate::query($ctx, $sql).await;
        datafusion::assert_batches_eq!($expected, &batches);
    }};
}

/// Assert that `sql` raises exactly the core error text `expected`.
#[macro_export]
macro_rules! check_err {
    ($sql:expr, $expected:expr) => {{
        let ctx = $crate::ctx();
        assert_eq!($crate::exec_error(&ctx, $sql).await, $expected, "{}", $sql);
    }};
    ($ctx:expr, $sql:expr, $expected:expr) => {{
        assert_eq!($crate::exec_error($ctx, $sql).await, $expected, "{}", $sql);
    }};
}
