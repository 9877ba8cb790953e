//! Scalar functions of docs/functions.md: one file per function.

pub mod business_hours;
pub mod cohort;
pub mod engagement;
pub mod health;
pub mod mrr;
pub mod risk;

pub use business_hours::{business_hours_between, WorkingHours};
pub use cohort::cohort_period;
pub use engagement::{engagement_score, EngagementParams};
pub use health::{health_score, health_tier, Tier, TierThresholds};
pub use mrr::{mrr_movement, MrrMovement};
pub use risk::{churn_risk_stage, RiskInput, RiskParams, RiskStage};
