//! Scalar functions of docs/functions.md: one file per function, named after
//! it (as are the adapters' files in `src/scalar/` and
//! `datafusion_udfs/src/scalar/`).

pub mod business_hours_between;
pub mod churn_risk_stage;
pub mod cohort_period;
pub mod engagement_score;
pub mod health_score;
pub mod health_tier;
pub mod mrr_movement;

pub use business_hours_between::{business_hours_between, WorkingHours};
pub use churn_risk_stage::{churn_risk_stage, RiskInput, RiskParams, RiskStage};
pub use cohort_period::cohort_period;
pub use engagement_score::{engagement_score, EngagementParams};
pub use health_score::health_score;
pub use health_tier::{health_tier, Tier, TierThresholds};
pub use mrr_movement::{mrr_movement, MrrMovement};
