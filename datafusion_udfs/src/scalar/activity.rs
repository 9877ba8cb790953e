//! Accessors of `activity` (the Binary result of `activity_agg`):
//! `cohort_start`, `is_active`, `lifecycle_state`.

use churnkit_core::agg::Activity;
use datafusion::arrow::datatypes::{BooleanType, Int32Type, TimestampMicrosecondType, Utf8Type};
use datafusion_macros::user_doc;

use crate::common::Param;
use crate::udf::summary_accessor;

summary_accessor! {
#[user_doc(
    doc_section(label = "churnkit Functions"),
    description = "Start (UTC) of the first active period of an activity (from activity_agg): the customer's cohort. \
NULL for a NULL activity; errors on bytes that are not an activity.",
    syntax_example = "cohort_start(activity)",
    sql_example = r#"```sql
> SELECT cohort_start(activity_agg(ts, 'week')) AS cohort_week
  FROM (VALUES ('2024-01-04T10:00:00Z'), ('2024-01-20T10:00:00Z')) AS e(ts);
+----------------------+
| cohort_week          |
+----------------------+
| 2024-01-01T00:00:00Z |
+----------------------+
```"#,
    argument(
        name = "activity",
        description = "A customer's activity (Binary, from activity_agg)."
    )
)]
pub struct CohortStartFunc;
    name: "cohort_start",
    summary: "activity" => Activity::decode,
    returns: TimestampMicrosecondType,
    |a| a.cohort_start().map(Some)
}

summary_accessor! {
#[user_doc(
    doc_section(label = "churnkit Functions"),
    description = "Whether the customer of an activity (from activity_agg) was active in period period_index after \
their cohort period (0 = the cohort period itself, always true). NULL when an argument is NULL; errors on bytes that \
are not an activity.",
    syntax_example = "is_active(activity, period_index)",
    sql_example = r#"```sql
> SELECT is_active(a, 0) AS p0, is_active(a, 1) AS p1, is_active(a, 2) AS p2
  FROM (SELECT activity_agg(ts, 'month') AS a FROM (VALUES ('2024-01-31'), ('2024-03-01')) AS e(ts));
+------+-------+------+
| p0   | p1    | p2   |
+------+-------+------+
| true | false | true |
+------+-------+------+
```"#,
    argument(
        name = "activity",
        description = "A customer's activity (Binary, from activity_agg)."
    ),
    argument(
        name = "period_index",
        description = "Periods after the cohort period (integer)."
    )
)]
pub struct IsActiveFunc;
    name: "is_active",
    summary: "activity" => Activity::decode,
    arg: Param::i32("period_index") => Int32Type,
    returns: BooleanType,
    |a, n| Ok(Some(a.is_active(n as i64)))
}

summary_accessor! {
#[user_doc(
    doc_section(label = "churnkit Functions"),
    description = "PostHog lifecycle state of a customer in the period (of the activity's granularity) containing \
period_start: 'new' (first active period), 'returning' (active now and in the previous period), 'resurrecting' \
(active now, not in the previous period, active before), 'dormant' (not active now, active in the previous period); \
NULL otherwise (before the first activity, or inactive two periods running) and when an argument is NULL. \
Errors on bytes that are not an activity.",
    syntax_example = "lifecycle_state(activity, period_start)",
    sql_example = r#"```sql
> SELECT lifecycle_state(a, '2024-01-01') AS jan, lifecycle_state(a, '2024-02-01') AS feb,
         lifecycle_state(a, '2024-03-01') AS mar, lifecycle_state(a, '2024-04-01') AS apr,
         lifecycle_state(a, '2024-05-01') AS may, lifecycle_state(a, '2024-06-01') AS jun
  FROM (SELECT activity_agg(ts, 'month') AS a FROM (VALUES ('2024-01-10'), ('2024-02-10'), ('2024-04-10')) AS e(ts));
+-----+-----------+---------+--------------+---------+-----+
| jan | feb       | mar     | apr          | may     | jun |
+-----+-----------+---------+--------------+---------+-----+
| new | returning | dormant | resurrecting | dormant |     |
+-----+-----------+---------+--------------+---------+-----+
```"#,
    argument(
        name = "activity",
        description = "A customer's activity (Binary, from activity_agg)."
    ),
    argument(
        name = "period_start",
        description = "Any instant of the period to classify (timestamp, date or timestamp string)."
    )
)]
pub struct LifecycleStateFunc;
    name: "lifecycle_state",
    summary: "activity" => Activity::decode,
    arg: Param::timestamp("period_start") => TimestampMicrosecondType,
    returns: Utf8Type,
    |a, t| a.lifecycle_state(t).map(|l| l.map(|l| l.as_str()))
}
