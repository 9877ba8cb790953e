//! Accessors of `engagement_summary` (the Binary result of `engagement_agg`):
//! `active_days`, `active_minutes`, `key_actions`, `last_active_at`.
//! (`engagement_score(summary, period_days)` is the two-argument form of
//! [`EngagementScoreFunc`](super::EngagementScoreFunc).)

use churnkit_core::agg::{count_as_bigint, EngagementSummary, State};
use datafusion::arrow::datatypes::{Float64Type, Int64Type, TimestampMicrosecondType};
use datafusion_macros::user_doc;

use crate::udf::summary_accessor;

summary_accessor! {
#[user_doc(
    doc_section(label = "churnkit Functions"),
    description = "Number of distinct UTC days with activity in an engagement summary (from engagement_agg). \
NULL for a NULL summary; errors on bytes that are not an engagement summary.",
    syntax_example = "active_days(summary)",
    sql_example = r#"```sql
> SELECT active_days(engagement_agg(ts, 60, false)) AS days
  FROM (VALUES ('2024-01-01T10:00:00Z'), ('2024-01-01T23:00:00Z'), ('2024-01-02T00:30:00Z')) AS e(ts);
+------+
| days |
+------+
| 2    |
+------+
```"#,
    argument(
        name = "summary",
        description = "An engagement summary (Binary, from engagement_agg)."
    )
)]
pub struct ActiveDaysFunc;
    name: "active_days",
    summary: "summary" => EngagementSummary::decode,
    returns: Int64Type,
    |s| Ok(Some(s.active_days()))
}

summary_accessor! {
#[user_doc(
    doc_section(label = "churnkit Functions"),
    description = "Active time of an engagement summary (from engagement_agg), in minutes. \
NULL for a NULL summary; errors on bytes that are not an engagement summary.",
    syntax_example = "active_minutes(summary)",
    sql_example = r#"```sql
> SELECT active_minutes(engagement_agg(ts, secs, false)) AS minutes
  FROM (VALUES ('2024-01-01T10:00:00Z', 600), ('2024-01-02T10:00:00Z', 90), ('2024-01-02T11:00:00Z', NULL)) AS e(ts, secs);
+---------+
| minutes |
+---------+
| 11.5    |
+---------+
```"#,
    argument(
        name = "summary",
        description = "An engagement summary (Binary, from engagement_agg)."
    )
)]
pub struct ActiveMinutesFunc;
    name: "active_minutes",
    summary: "summary" => EngagementSummary::decode,
    returns: Float64Type,
    |s| Ok(Some(s.active_minutes()))
}

summary_accessor! {
#[user_doc(
    doc_section(label = "churnkit Functions"),
    description = "Number of key actions in an engagement summary (from engagement_agg). \
NULL for a NULL summary; errors on bytes that are not an engagement summary.",
    syntax_example = "key_actions(summary)",
    sql_example = r#"```sql
> SELECT key_actions(engagement_agg(ts, NULL, key)) AS key_actions
  FROM (VALUES ('2024-01-01', true), ('2024-01-02', false), ('2024-01-03', NULL), ('2024-01-04', true)) AS e(ts, key);
+-------------+
| key_actions |
+-------------+
| 2           |
+-------------+
```"#,
    argument(
        name = "summary",
        description = "An engagement summary (Binary, from engagement_agg)."
    )
)]
pub struct KeyActionsFunc;
    name: "key_actions",
    summary: "summary" => EngagementSummary::decode,
    returns: Int64Type,
    // core's rule: a count above 2^63 - 1 is an error, as in Postgres
    |s| count_as_bigint(s.key_actions, "key_actions", "engagement_summary").map(Some)
}

summary_accessor! {
#[user_doc(
    doc_section(label = "churnkit Functions"),
    description = "Time of the last event of an engagement summary (from engagement_agg), as a UTC timestamp. \
NULL for a NULL summary or a summary of zero events; errors on bytes that are not an engagement summary.",
    syntax_example = "last_active_at(summary)",
    sql_example = r#"```sql
> SELECT last_active_at(engagement_agg(ts, 0, false)) AS last_active
  FROM (VALUES ('2024-01-03T08:00:00Z'), ('2024-01-05T17:30:00Z'), ('2024-01-04T12:00:00Z')) AS e(ts);
+----------------------+
| last_active          |
+----------------------+
| 2024-01-05T17:30:00Z |
+----------------------+
```"#,
    argument(
        name = "summary",
        description = "An engagement summary (Binary, from engagement_agg)."
    )
)]
pub struct LastActiveAtFunc;
    name: "last_active_at",
    summary: "summary" => EngagementSummary::decode,
    returns: TimestampMicrosecondType,
    |s| Ok(s.last_active_at)
}
