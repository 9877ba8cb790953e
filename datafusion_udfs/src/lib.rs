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

mod common;
pub mod scalar;

use std::sync::Arc;

use datafusion::common::Result;
use datafusion::execution::FunctionRegistry;
use datafusion::logical_expr::ScalarUDF;
use datafusion::prelude::SessionContext;

pub use common::{exec_err, f64_list_type, timestamp_type};

/// Every churnkit scalar function (DESIGN.md §3.1).
pub fn all_scalar_udfs() -> Vec<ScalarUDF> {
    vec![
        ScalarUDF::from(scalar::EngagementScoreFunc::new()),
        ScalarUDF::from(scalar::HealthScoreFunc::new()),
        ScalarUDF::from(scalar::HealthTierFunc::new()),
        ScalarUDF::from(scalar::ChurnRiskStageFunc::new()),
        ScalarUDF::from(scalar::CohortPeriodFunc::new()),
        ScalarUDF::from(scalar::MrrMovementFunc::new()),
        ScalarUDF::from(scalar::BusinessHoursBetweenFunc::new()),
    ]
}

/// Register every churnkit function in a session.
pub fn register_all(ctx: &SessionContext) {
    for udf in all_scalar_udfs() {
        ctx.register_udf(udf);
    }
}

/// Register every churnkit function in any [`FunctionRegistry`] (e.g. a
/// `SessionState`, or another engine built on DataFusion).
pub fn register_all_in(registry: &mut dyn FunctionRegistry) -> Result<()> {
    for udf in all_scalar_udfs() {
        registry.register_udf(Arc::new(udf))?;
    }
    Ok(())
}
