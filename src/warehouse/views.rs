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
/// MATERIALIZED VIEWs of the same names, which `refresh()` refreshes.
pub(crate) const MATERIALIZABLE: &[&str] = &[
    "cohort_retention",
    "mrr_movements",
    "customer_lifetime",
    "user_lifecycle",
    "onboarding_funnel",
];

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
            v.position as i32,
            v.name,
            v.sql,
            v.description,
            MATERIALIZABLE.contains(&v.name),
            v.columns.iter().map(|c| c.0).collect(),
            v.columns.iter().map(|c| c.1).collect(),
            v.file,
        )
    }))
}
