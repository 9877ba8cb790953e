//! churnkit for PostgreSQL: thin pgrx wrappers over `churnkit-core`.
//!
//! Every rule, default and message lives in core. The wrappers here only
//! convert Postgres datums to core types, call core, and raise a core
//! [`churnkit_core::ChurnError`] as SQLSTATE 22023 with its `Display` text
//! (see [`error`]). All objects are created in schema `churnkit`
//! (`schema = churnkit` in churnkit.control).
//!
//! * [`scalar`]: the scalar functions of docs/functions.md;
//! * [`agg`]: the aggregates of §3.2, their summary types and accessors;
//! * [`warehouse`]: the warehouse layer of §4 — `as_of()`, the view SQL of
//!   `sql/views/` embedded by `build.rs`, `setup()`, `record_churn()`,
//!   `refresh()`, the `churn_events` table and the `churnkit_reader` role.

::pgrx::pg_module_magic!(name, version);

mod agg;
mod array;
mod cache;
mod error;
mod scalar;
mod warehouse;
