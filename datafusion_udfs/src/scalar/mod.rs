//! The scalar functions of docs/functions.md, one file per function (the
//! accessors of the summaries sit with their aggregates, in
//! `crate::aggregate`). Each is a `ScalarUDFImpl` that converts Arrow values,
//! calls `churnkit-core` and maps its errors; none contains a rule of its own.

pub mod business_hours_between;
pub mod churn_risk_stage;
pub mod cohort_period;
pub mod engagement_score;
pub mod health_score;
pub mod health_tier;
pub mod mrr_movement;

pub use business_hours_between::BusinessHoursBetweenFunc;
pub use churn_risk_stage::ChurnRiskStageFunc;
pub use cohort_period::CohortPeriodFunc;
pub use engagement_score::EngagementScoreFunc;
pub use health_score::HealthScoreFunc;
pub use health_tier::HealthTierFunc;
pub use mrr_movement::MrrMovementFunc;
