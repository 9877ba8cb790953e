//! Aggregate states of DESIGN.md §3.2. Each has `update`, an associative and
//! commutative `merge`, a finishing accessor, and a versioned binary encoding
//! (first byte = format version) shared by both engines' partial aggregation.

pub mod activity;
pub mod codec;
pub mod engagement;
pub mod funnel;
pub mod period_set;
pub mod retention;
pub mod survival;
pub mod text;
pub mod trend;

pub use activity::{Activity, ActivityState, Lifecycle, RetentionCounts, RetentionMode};
pub use engagement::EngagementSummary;
pub use funnel::{FunnelMode, FunnelParams, FunnelState};
pub use period_set::PeriodSet;
pub use retention::RetentionState;
pub use survival::{CurvePoint, SurvivalSummary};
pub use trend::TrendState;
