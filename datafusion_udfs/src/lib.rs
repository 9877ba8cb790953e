//! churnkit's functions as Apache DataFusion UDFs.
//!
//! Thin adapters over `churnkit-core`: they coerce and convert Arrow values,
//! call the core function and map its [`ChurnError`](churnkit_core::ChurnError)
//! to a `DataFusionError::Execution` with the same text, so results and
//! error messages are identical to the Postgres extension.
//!
//! ```no_run
//! # async fn example() -> datafusion::common::Result<()> {
//! use datafusion::prelude::SessionContext;
//! let ctx = SessionContext::new();
//! datafusion_churnkit::register_all(&ctx);
//! // ctx.sql("SELECT engagement_score(600, 15, 30, 30)").await?  -> 90.0
//! # Ok(()) }
//! ```
//!
//! Names are registered unqualified (`engagement_score`, `health_tier`, ...).
//! Timestamps are `Timestamp(Microsecond, "UTC")`; other timestamp units and
//! zones, dates and timestamp strings are accepted by coercion.
//!
//! The aggregates ([`aggregate`], docs/aggregates.md) run partially per partition
//! and merge: their one intermediate state column is `Binary`, holding
//! churnkit-core's versioned encoding of the state. The summary types
//! (`engagement_summary`, `activity`, `survival_summary`) are `Binary`
//! columns with those same bytes, read by accessor functions
//! (`active_days(s)`, `cohort_start(a)`, `survival_at(s, days)` ...):
//!
//! ```sql
//! SELECT account_id, engagement_score(engagement_agg(occurred_at, duration_seconds, is_key_action), 30)
//! FROM events GROUP BY account_id
//! ```

#![forbid(unsafe_code)]

pub mod aggregate;
mod common;
pub mod docs;
pub mod microseconds;
pub mod scalar;
mod udf;

use std::sync::Arc;

use datafusion::common::Result;
use datafusion::execution::FunctionRegistry;
use datafusion::logical_expr::{AggregateUDF, ScalarUDF};
use datafusion::prelude::SessionContext;

pub use common::{exec_err, f64_list_type, timestamp_type};

/// Every churnkit scalar function: the scores and classifications of
/// docs/functions.md and the accessors of the summaries of docs/aggregates.md.
pub fn all_scalar_udfs() -> Vec<ScalarUDF> {
    vec![
        ScalarUDF::from(scalar::EngagementScoreFunc::new()),
        ScalarUDF::from(scalar::HealthScoreFunc::new()),
        ScalarUDF::from(scalar::HealthTierFunc::new()),
        ScalarUDF::from(scalar::ChurnRiskStageFunc::new()),
        ScalarUDF::from(scalar::CohortPeriodFunc::new()),
        ScalarUDF::from(scalar::MrrMovementFunc::new()),
        ScalarUDF::from(scalar::BusinessHoursBetweenFunc::new()),
        ScalarUDF::from(aggregate::ActiveDaysFunc::new()),
        ScalarUDF::from(aggregate::ActiveMinutesFunc::new()),
        ScalarUDF::from(aggregate::KeyActionsFunc::new()),
        ScalarUDF::from(aggregate::LastActiveAtFunc::new()),
        ScalarUDF::from(aggregate::CohortStartFunc::new()),
        ScalarUDF::from(aggregate::IsActiveFunc::new()),
        ScalarUDF::from(aggregate::LifecycleStateFunc::new()),
        ScalarUDF::from(aggregate::SurvivalAtFunc::new()),
        ScalarUDF::from(aggregate::MedianLifetimeFunc::new()),
        ScalarUDF::from(aggregate::SurvivalCurveFunc::new()),
    ]
}

/// Every churnkit aggregate (docs/aggregates.md).
pub fn all_aggregate_udfs() -> Vec<AggregateUDF> {
    vec![
        AggregateUDF::from(aggregate::EngagementAggFunc::new()),
        AggregateUDF::from(aggregate::ActivityAggFunc::new()),
        AggregateUDF::from(aggregate::RetentionCountsFunc::new()),
        AggregateUDF::from(aggregate::RetentionFunc::new()),
        AggregateUDF::from(aggregate::WindowFunnelFunc::new()),
        AggregateUDF::from(aggregate::ActivityTrendFunc::new()),
        AggregateUDF::from(aggregate::SurvivalAggFunc::new()),
    ]
}

/// Register every churnkit function (scalar and aggregate) in a session.
///
/// It also registers [`microseconds::MicrosecondCasts`]: casts of dates and
/// microsecond timestamps to `TIMESTAMP` (and `AT TIME ZONE`) stay in
/// microseconds, churnkit's time range, instead of DataFusion's nanoseconds
/// (1677–2262).
pub fn register_all(ctx: &SessionContext) {
    for udf in all_scalar_udfs() {
        ctx.register_udf(udf);
    }
    for udaf in all_aggregate_udfs() {
        ctx.register_udaf(udaf);
    }
    use datafusion::execution::FunctionRegistry as _;
    ctx.state_ref()
        .write()
        .register_function_rewrite(Arc::new(microseconds::MicrosecondCasts))
        .expect("a SessionState takes function rewrites");
}

/// Register every churnkit function in any [`FunctionRegistry`] (e.g. a
/// `SessionState`, or another engine built on DataFusion).
pub fn register_all_in(registry: &mut dyn FunctionRegistry) -> Result<()> {
    for udf in all_scalar_udfs() {
        registry.register_udf(Arc::new(udf))?;
    }
    for udaf in all_aggregate_udfs() {
        registry.register_udaf(Arc::new(udaf))?;
    }
    registry.register_function_rewrite(Arc::new(microseconds::MicrosecondCasts))?;
    Ok(())
}
