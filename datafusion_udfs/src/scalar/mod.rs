//! The scalar functions of docs/functions.md, one file per function, and the
//! accessors of the summaries the aggregates of §3.2 return (one file per
//! summary type). Each is a `ScalarUDFImpl` that converts Arrow values, calls
//! `churnkit-core` and maps its errors; none contains a rule of its own.

pub mod activity;
pub mod business_hours_between;
pub mod churn_risk_stage;
pub mod cohort_period;
pub mod engagement_score;
pub mod engagement_summary;
pub mod health_score;
pub mod health_tier;
pub mod mrr_movement;
pub mod survival_summary;

pub use activity::{CohortStartFunc, IsActiveFunc, LifecycleStateFunc};
pub use business_hours_between::BusinessHoursBetweenFunc;
pub use churn_risk_stage::ChurnRiskStageFunc;
pub use cohort_period::CohortPeriodFunc;
pub use engagement_score::EngagementScoreFunc;
pub use engagement_summary::{ActiveDaysFunc, ActiveMinutesFunc, KeyActionsFunc, LastActiveAtFunc};
pub use health_score::HealthScoreFunc;
pub use health_tier::HealthTierFunc;
pub use mrr_movement::MrrMovementFunc;
pub use survival_summary::{
    survival_curve_type, MedianLifetimeFunc, SurvivalAtFunc, SurvivalCurveFunc,
};
