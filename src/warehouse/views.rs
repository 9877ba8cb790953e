//! The view SQL of `sql/views/`, embedded at compile time by `build.rs`, and
//! `churnkit.warehouse_views()`, through which `churnkit.setup()` reads it.

use pgrx::prelude::*;

/// One view file of `sql/views/` (see `build.rs` for the format).
pub(crate) struct ViewFile {
    /// NN of `NN_<view>.sql`: creation order.
    pub position: u32,
    pub name: &'static str,
    /// The file the SQL came from (the `.postgres.sql` override if any).
    pub file: &'static str,
    /// One SELECT statement, unqualified churnkit names, no trailing `;`.
    pub sql: &'static str,
    /// First header line: the view's COMMENT.
    pub description: &'static str,
    /// `-- column: description` header lines: COMMENT ON COLUMN.
    pub columns: &'static [(&'static str, &'static str)],
}

include!(concat!(env!("OUT_DIR"), "/warehouse_views.rs"));

/// The heavy views: `setup(..., materialize => true)` creates them as
/// MATERIALIZED VIEWs of the same names, which `refresh()` refreshes, each
/// with the columns that identify a row (its header's "One row per ..."):
/// setup puts a unique index on them, so that refresh() can refresh
/// CONCURRENTLY (readers neither block it nor wait for it).
pub(crate) const MATERIALIZABLE: &[(&str, &[&str])] = &[
    ("cohort_retention", &["cohort", "period"]),
    ("mrr_movements", &["month"]),
    ("customer_lifetime", &["plan", "days"]),
    ("user_lifecycle", &["month", "state"]),
    ("onboarding_funnel", &["cohort", "step"]),
];

fn materializable(name: &str) -> Option<&'static [&'static str]> {
    MATERIALIZABLE
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, key)| *key)
}

/// The row key of each materializable view (see [`MATERIALIZABLE`]).
#[pg_extern(immutable, parallel_safe)]
fn warehouse_view_keys(
) -> TableIterator<'static, (name!(name, &'static str), name!(key, Vec<&'static str>))> {
    TableIterator::new(MATERIALIZABLE.iter().map(|(n, key)| (*n, key.to_vec())))
}

/// The dashboard views built into this version of churnkit, in creation
/// order: what `churnkit.setup()` creates (from `sql/views/`).
#[pg_extern(immutable, parallel_safe)]
#[allow(clippy::type_complexity)]
fn warehouse_views() -> TableIterator<
    'static,
    (
        name!(ordinal, i32),
        name!(name, &'static str),
        name!(definition, &'static str),
        name!(description, &'static str),
        name!(materializable, bool),
        name!(columns, Vec<&'static str>),
        name!(column_descriptions, Vec<&'static str>),
        name!(source_file, &'static str),
    ),
> {
    TableIterator::new(VIEW_FILES.iter().map(|v| {
        (
            i32::try_from(v.position).expect("a handful of views"),
            v.name,
            v.sql,
            v.description,
            materializable(v.name).is_some(),
            v.columns.iter().map(|c| c.0).collect(),
            v.columns.iter().map(|c| c.1).collect(),
            v.file,
        )
    }))
}
